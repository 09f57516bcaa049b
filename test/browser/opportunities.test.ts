// Opportunities in the browser (issue 9, acceptance 6): from a company's page, "New opportunity" → the form offers the
// ticket types the Halo customer may use → "Create and export" → the ticket number and its link in Halo. Then the
// Opportunities page (totals, the exported row, a draft exported from the table) and the audit log; screenshots at
// 1280 and 390 px wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, browserSuite, dismissToasts, poll, screenshot } from './harness.js';

const skip = browserSkipReason();
const suite = browserSuite({ sandboxes: { halo: { ticketCount: 300 } }, configure: ['itglue', 'halo'], signedIn: true });

interface Opp { id: string; title: string; status: string; psa: { ticketId: string; ticketNumber?: string; url?: string } | null }

/** Turn the export on and link every company that is the same business as a Halo client; returns one linked company. */
async function prepare(): Promise<{ itglueId: string; name: string; clientId: number }> {
  const { api, sb } = suite;
  const on = await api('PUT', '/api/integrations/halo', { ...sb.hints.halo, pullTickets: true, opportunityExport: true, rateLimitPer5Min: 100_000 });
  assert.equal(on.status, 200, JSON.stringify(on.body));
  const truth = sb.itglue.control.truth();
  const active = new Set(truth.activeOrganizationIds);
  const clients = new Map(sb.halo.control.data({ tickets: false }).clients.filter((c) => !c.inactive && c.allowAllTypes && c.businessKey !== null).map((c) => [c.businessKey!, c.id]));
  const pairs = truth.organizations.filter((o) => active.has(o.id) && o.businessKey !== null && clients.has(o.businessKey)).map((o) => ({ itglueId: o.id, name: o.name, clientId: clients.get(o.businessKey!)! }));
  const put = await api('PUT', '/api/integrations/halo/links', { links: pairs.map((p) => ({ itglueId: p.itglueId, psaId: String(p.clientId), source: 'manual' })) });
  assert.equal(put.status, 200);
  return pairs[0]!;
}

test('create an opportunity from a company, export it, see the ticket number (and the lists that show it)', { skip, timeout: 90_000 }, async () => {
  const { api, page, pageErrors, sb, stack } = suite;
  const company = await prepare();

  // --- the company page: New opportunity ---------------------------------------------------------------
  await page.goto(`${stack.url}/companies/${company.itglueId}`);
  await page.getByRole('heading', { name: company.name }).waitFor();
  await page.getByRole('button', { name: 'New opportunity' }).click();
  const dialog = page.getByRole('dialog', { name: 'New opportunity' });
  await dialog.waitFor();
  await dialog.getByText(`Company: ${company.name}`).waitFor();
  await dialog.getByLabel('Title').fill('Replace 14 laptops');
  await dialog.getByLabel('Description').fill('Fleet refresh: the 2019 laptops are out of warranty.');
  await dialog.getByLabel('Estimated value').fill('18200');
  await dialog.getByLabel('Expected close date').fill('2031-03-31');
  await dialog.getByLabel('Probability (%)').fill('60');
  // The types this Halo customer may use: the sandbox's three active opportunity types.
  const typeSelect = dialog.getByRole('combobox', { name: 'Ticket type' });
  await typeSelect.waitFor({ timeout: 10_000 });
  await typeSelect.click();
  const options = page.getByRole('option');
  await options.first().waitFor();
  assert.deepEqual((await options.allTextContents()).sort(), ['Hardware Refresh', 'New Business Opportunity', 'Project Quote']);
  await page.getByRole('option', { name: 'New Business Opportunity' }).click();
  await page.setViewportSize({ width: 1280, height: 900 });
  await screenshot(page, 'opportunity-new-1280');

  await dialog.getByRole('button', { name: 'Create and export' }).click();
  const done = dialog.getByRole('status').filter({ hasText: /Exported as HaloPSA ticket #\d+/ });
  await done.waitFor({ timeout: 20_000 });
  const heading = (await done.textContent()) ?? '';
  const ticketNumber = /#(\d+)/.exec(heading)?.[1];
  assert.ok(ticketNumber !== undefined, heading);

  // The ticket exists in Halo, once, for this customer, with the value; the link opens it.
  const ticket = sb.halo.control.getTicket(Number(ticketNumber));
  assert.ok(ticket !== undefined);
  assert.equal(ticket.clientId, company.clientId);
  assert.equal(ticket.summary, 'Replace 14 laptops');
  assert.equal(ticket.typeId, 41);
  assert.equal(ticket.opp?.value, 18200);
  const link = dialog.getByRole('link', { name: `Open ticket #${ticketNumber} in HaloPSA` });
  assert.equal(await link.getAttribute('href'), `${new URL(sb.halo.url).origin}/ticket?id=${ticketNumber}`);
  assert.equal(await link.getAttribute('target'), '_blank');
  await screenshot(page, 'opportunity-exported-1280');
  const list = (await api<{ opportunities: Opp[] }>('GET', '/api/opportunities')).body.opportunities;
  assert.equal(list.filter((o) => o.title === 'Replace 14 laptops' && o.status === 'exported' && o.psa?.ticketId === ticketNumber).length, 1);

  // --- the Opportunities page --------------------------------------------------------------------------
  const draft = await api<{ opportunity: Opp }>('POST', '/api/opportunities', { companyId: company.itglueId, title: 'Backup review', value: 2400, ticketTypeId: '43' });
  assert.equal(draft.status, 201);
  await dialog.getByRole('button', { name: 'View opportunities' }).click();
  await page.waitForURL(/\/opportunities$/);
  const table = page.getByRole('table', { name: 'Opportunities' });
  await table.waitFor();
  const exportedRow = table.getByRole('row').filter({ hasText: 'Replace 14 laptops' });
  await exportedRow.getByRole('link', { name: `Open ticket #${ticketNumber} in HaloPSA` }).waitFor();
  await page.getByRole('group', { name: 'Totals by status' }).getByText('Value 20,600').waitFor();
  await dismissToasts(page);
  await screenshot(page, 'opportunities-1280');

  // Export the draft from the table: the row shows its ticket.
  const draftRow = table.getByRole('row').filter({ hasText: 'Backup review' });
  await draftRow.getByRole('button', { name: 'Export Backup review' }).click();
  await draftRow.getByRole('link', { name: /Open ticket #\d+ in HaloPSA/ }).waitFor({ timeout: 20_000 });
  await draftRow.getByText('Exported').waitFor();

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  // On a phone: a card per opportunity, with the ticket link.
  const cards = page.getByRole('list', { name: 'Opportunities' });
  await cards.getByRole('listitem').filter({ hasText: 'Replace 14 laptops' }).getByRole('link', { name: `Open ticket #${ticketNumber} in HaloPSA` }).waitFor();
  await dismissToasts(page);
  await screenshot(page, 'opportunities-390');

  // --- the company page's dialog at 390 px, and the audit log ------------------------------------------
  await page.goto(`${stack.url}/companies/${company.itglueId}`);
  await page.getByRole('button', { name: 'New opportunity' }).click();
  await page.getByRole('dialog', { name: 'New opportunity' }).getByRole('combobox', { name: 'Ticket type' }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'opportunity-new-390');
  await page.keyboard.press('Escape');

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${stack.url}/audit`);
  const audit = page.getByRole('table', { name: 'Audit log' });
  await audit.waitFor();
  await audit.getByText(new RegExp(`“Replace 14 laptops” \\(${company.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) → HaloPSA ticket #${ticketNumber}`)).waitFor();
  await poll('settings and links in the log', async () => (await audit.getByText('Settings saved').count()) > 0 && (await audit.getByText('Links saved').count()) > 0);
  await screenshot(page, 'audit-1280');
  assert.deepEqual(pageErrors, []);
});
