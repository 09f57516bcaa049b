// Link Companies in the browser (the "Link Companies to IT Glue" tab of the PSA integration): Automap
// proposals (green rows, counter) → change one row to another PSA company → Save changes → after a reload
// the saved links are shown (and the API agrees) → that company's PSA tickets tab lists the linked Halo
// company's tickets. Then: bulk "Accept all exact", Clear proposals, Undo last save, the Suggestions filter
// (an edited row stays until the filter is re-applied), and linking a taken PSA company (confirmation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectNoAxeViolations } from './axe.js';
import { browserSkipReason, browserSuite, parseCount, poll, screenshot } from './harness.js';

interface Row { itglueId: string; itglueName: string; psaId: string | null; psaName: string | null; source: 'manual' | 'automap' | null; shared: boolean }
interface Proposal { itglueId: string; psaId: string; score: number; tier: 'exact' | 'near-exact'; reasons: string[] }
/** The bit of `window` the test reads in the page (the test tsconfig has no DOM lib). */
interface CssWindow { getComputedStyle(el: unknown): { backgroundColor: string } }
interface Ticket { id: string; psaId: string; summary: string; status: string; closed: boolean }

const skip = browserSkipReason();
const suite = browserSuite({
  sandboxes: { halo: { ticketCount: 1500 } },
  env: { TICKET_HISTORY_MONTHS: '240' },
  configure: ['itglue', 'halo'],
  signedIn: true,
});

const fmt = (n: number) => n.toLocaleString('en-US');
/** A SegmentedControl option: its radio input is visually hidden, the label is what a user clicks. */
const segment = (name: string) => suite.page.locator('label.mantine-SegmentedControl-label', { hasText: new RegExp(`^${name}$`) });

test('Link Companies: Automap, change a row, save, reload, then the company’s PSA tickets', { skip, timeout: 60_000 }, async () => {
  const { api, page, sb, stack } = suite;
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  // --- what the server will propose, and a different PSA company (with tickets) for one row -------
  const initial = (await api<{ rows: Row[] }>('GET', '/api/integrations/halo/links')).body.rows;
  const preview = (await api<{ proposals: Proposal[] }>('POST', '/api/integrations/halo/links/automap', {})).body.proposals;
  assert.ok(preview.length > 20, `automap proposes ${preview.length}`);
  const nameCount = (names: string[]) => names.reduce((m, n) => m.set(n, (m.get(n) ?? 0) + 1), new Map<string, number>());
  const itgNames = nameCount(initial.map((r) => r.itglueName));
  const psa = (await api<{ companies: { id: string; name: string; inactive: boolean }[] }>('GET', '/api/integrations/halo/companies')).body.companies;
  const psaNames = nameCount(psa.map((c) => c.name));
  const psaName = new Map(psa.map((c) => [c.id, c.name]));
  const rowName = new Map(initial.map((r) => [r.itglueId, r.itglueName]));
  // The row to change: an exact proposal whose name no other row contains (the search shows one row).
  const target = preview.find((p) => {
    const n = rowName.get(p.itglueId)!;
    return p.tier === 'exact' && itgNames.get(n) === 1 && initial.filter((r) => r.itglueName.toLowerCase().includes(n.toLowerCase())).length === 1;
  });
  assert.ok(target !== undefined, 'an exact proposal with a distinct name');
  const targetName = rowName.get(target.itglueId)!;
  // The company to pick instead: active, not proposed for anyone, a unique name, the most tickets.
  const proposedPsa = new Set(preview.map((p) => p.psaId));
  const ticketsPerClient = new Map<string, number>();
  for (const id of sb.halo.control.data({ tickets: true }).ticketIds ?? []) {
    const t = sb.halo.control.getTicket(id)!;
    ticketsPerClient.set(String(t.clientId), (ticketsPerClient.get(String(t.clientId)) ?? 0) + 1);
  }
  const choice = psa
    .filter((c) => !c.inactive && !proposedPsa.has(c.id) && psaNames.get(c.name) === 1 && !psa.some((o) => o.id !== c.id && o.name.includes(c.name)))
    .sort((a, b) => (ticketsPerClient.get(b.id) ?? 0) - (ticketsPerClient.get(a.id) ?? 0))[0];
  assert.ok(choice !== undefined && (ticketsPerClient.get(choice.id) ?? 0) > 0, 'an unproposed PSA company with tickets');

  // --- the page ---------------------------------------------------------------------------------
  await page.goto(`${stack.url}/integrations/halo`);
  await page.getByRole('region', { name: 'HaloPSA' }).getByRole('button', { name: 'Link Companies' }).click();
  await page.waitForURL(/\/integrations\/halo\/links$/);
  await page.getByRole('heading', { name: 'Link Companies to IT Glue', level: 2 }).waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Link Companies to IT Glue' }).getAttribute('aria-selected'), 'true');
  const table = page.getByRole('table', { name: 'Company links' });
  await table.waitFor();
  await table.getByRole('columnheader', { name: 'IT Glue Company (Active)' }).waitFor();
  await table.getByRole('columnheader', { name: 'Halo Company (Link)' }).waitFor();
  const automap = page.getByRole('button', { name: 'Automap' });
  assert.equal(await automap.isEnabled(), true);
  const counter = page.getByTestId('link-counter');
  assert.equal((await counter.textContent())?.trim(), `0 of ${fmt(initial.length)} linked · 0 auto-matched`);
  assert.equal(await page.getByRole('button', { name: 'Save changes' }).isDisabled(), true);

  // --- Automap: proposals applied locally, green rows with tier badges, counter updated -------------
  await automap.click();
  const counterText = await poll('counter after Automap', async () => {
    const t = (await counter.textContent()) ?? '';
    const m = /·\s*([\d,]+) auto-matched/.exec(t);
    return m !== null && parseCount(m[1]!) > 0 ? t : undefined;
  });
  const auto = parseCount(/·\s*([\d,]+) auto-matched/.exec(counterText)![1]!);
  assert.equal(auto, preview.length, 'every proposal applied (nothing was linked before)');
  assert.match(counterText, new RegExp(`^${fmt(preview.length)} of ${fmt(initial.length)} linked · ${fmt(preview.length)} auto-matched · ${fmt(preview.length)} unsaved$`));
  await page.getByRole('status').filter({ hasText: `Automap proposed ${fmt(preview.length)} links` }).waitFor();
  const proposedRows = table.locator('tbody tr[data-proposed]');
  await proposedRows.first().waitFor();
  const exactRow = table.locator('tbody tr[data-proposed="exact"]').first();
  await exactRow.waitFor();
  const bg = await exactRow.evaluate((el) => (globalThis as unknown as CssWindow).getComputedStyle(el).backgroundColor);
  const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
  assert.ok(g! > r! && g! > b!, `proposed exact row is green (${bg})`);
  await exactRow.getByTestId('tier-badge').filter({ hasText: 'Exact' }).waitFor();
  await screenshot(page, 'links-automap');
  await expectNoAxeViolations(page, 'Link Companies with Automap proposals');
  // The Proposed filter shows exactly the proposals, each with its tier badge.
  await segment('Proposed').click();
  await poll('only proposed rows', async () => {
    const shown = await table.locator('tbody tr[data-index]').count();
    return shown > 0 && shown === (await table.locator('tbody tr[data-index][data-proposed]').count());
  });
  const tiers = new Set(await table.getByTestId('tier-badge').allTextContents());
  assert.ok(tiers.has('Exact') || tiers.has('Near-exact'), `tier badges: ${[...tiers].join(', ')}`);
  await page.getByText(`Showing ${fmt(preview.length)} of ${fmt(initial.length)} IT Glue companies`).waitFor();

  // --- change one row's dropdown to a different PSA company ---------------------------------------
  const search = page.getByRole('searchbox', { name: 'Search companies' });
  await segment('All').click();
  await search.fill(targetName);
  const select = table.getByRole('combobox', { name: `PSA company for ${targetName}`, exact: true });
  await select.waitFor();
  await poll('only the target row shown', async () => (await table.locator('tbody tr[data-index]').count()) === 1);
  assert.equal(await select.inputValue(), psaName.get(target.psaId), 'the row shows its proposal');
  await select.click();
  await select.fill(choice.name);
  await page.getByRole('option', { name: choice.name, exact: true }).click();
  await poll('the row shows the chosen company', async () => (await select.inputValue()) === choice.name);
  const changedRow = table.locator('tbody tr[data-index]').first();
  assert.equal(await changedRow.getAttribute('data-changed'), 'true');
  assert.equal(await changedRow.getAttribute('data-proposed'), null, 'no longer a proposal');
  await changedRow.getByText('Unsaved').waitFor();

  // --- Save changes ----------------------------------------------------------------------------
  const save = page.getByRole('button', { name: `Save changes (${fmt(preview.length)})` });
  await save.click();
  await page.locator('.mantine-Notification-root').filter({ hasText: 'Links saved' }).waitFor({ timeout: 10_000 });
  await poll('counter after save', async () =>
    ((await counter.textContent()) ?? '').trim() === `${fmt(preview.length)} of ${fmt(initial.length)} linked · ${fmt(preview.length - 1)} auto-matched`);

  // The API agrees: the changed row is a manual link to the chosen company; the rest are automap links.
  const saved = (await api<{ rows: Row[]; counts: { linked: number; unlinked: number } }>('GET', '/api/integrations/halo/links')).body;
  assert.equal(saved.counts.linked, preview.length);
  const savedTarget = saved.rows.find((x) => x.itglueId === target.itglueId)!;
  assert.deepEqual([savedTarget.psaId, savedTarget.psaName, savedTarget.source], [choice.id, choice.name, 'manual']);
  for (const p of preview) {
    if (p.itglueId === target.itglueId) continue;
    const row = saved.rows.find((x) => x.itglueId === p.itglueId)!;
    assert.deepEqual([row.psaId, row.source], [p.psaId, 'automap'], `saved proposal for ${p.itglueId}`);
  }

  // --- reload: the saved links are shown ----------------------------------------------------------
  await page.reload();
  await table.waitFor();
  await poll('counter after reload', async () =>
    ((await counter.textContent()) ?? '').trim() === `${fmt(preview.length)} of ${fmt(initial.length)} linked · ${fmt(preview.length - 1)} auto-matched`);
  assert.equal(await page.getByRole('button', { name: 'Save changes' }).isDisabled(), true, 'nothing unsaved after a reload');
  await search.fill(targetName);
  await select.waitFor();
  await poll('the saved choice after reload', async () => (await select.inputValue()) === choice.name);
  const row = table.locator('tbody tr[data-index]').first();
  await row.getByText('Manual', { exact: true }).waitFor();
  assert.equal(await row.getAttribute('data-changed'), null);
  await screenshot(page, 'links-saved');

  // --- the company's PSA tickets ---------------------------------------------------------------
  const tickets = (await api<{ tickets: Ticket[]; nextCursor: string | null }>('GET', `/api/companies/${target.itglueId}/tickets?status=all&limit=25`)).body;
  assert.ok(tickets.tickets.length > 0, 'the chosen company has tickets');
  await page.getByRole('navigation').getByRole('link', { name: 'Companies', exact: true }).click();
  await page.getByLabel('Search companies').fill(targetName);
  const companyLink = page.getByRole('table', { name: 'Companies' }).getByRole('link', { name: targetName, exact: true });
  await companyLink.waitFor();
  await companyLink.click();
  await page.getByRole('heading', { name: targetName, level: 1 }).waitFor();
  await page.getByText(`HaloPSA: ${choice.name}`, { exact: true }).waitFor();
  await page.getByRole('tab', { name: 'PSA tickets' }).click();
  const ticketTable = page.getByRole('table', { name: 'PSA tickets' });
  await ticketTable.waitFor({ timeout: 10_000 });
  const ticketRows = ticketTable.locator('tbody tr');
  await poll('ticket rows', async () => (await ticketRows.count()) === tickets.tickets.length);
  assert.equal((await ticketRows.first().locator('td').nth(2).textContent())?.trim(), tickets.tickets[0]!.summary, 'newest ticket first');
  assert.equal((await ticketRows.first().locator('td').nth(0).textContent())?.trim(), tickets.tickets[0]!.status);
  assert.equal((await ticketRows.last().locator('td').nth(2).textContent())?.trim(), tickets.tickets.at(-1)!.summary);
  await page.getByRole('status').filter({ hasText: `Showing ${fmt(tickets.tickets.length)} ticket` }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), tickets.nextCursor === null ? 0 : 1);
  // Every ticket of the chosen Halo client is this company's (the API pages through them all).
  let total = tickets.tickets.length;
  let cursor = tickets.nextCursor;
  while (cursor !== null) {
    const next = (await api<{ tickets: Ticket[]; nextCursor: string | null }>('GET', `/api/companies/${target.itglueId}/tickets?status=all&limit=25&cursor=${encodeURIComponent(cursor)}`)).body;
    total += next.tickets.length;
    cursor = next.nextCursor;
  }
  assert.equal(total, ticketsPerClient.get(choice.id));
  await screenshot(page, 'company-tickets');
  assert.deepEqual(errors, [], 'no uncaught errors in the page');
});

const links = async () => (await suite.api<{ rows: Row[]; counts: { linked: number }; lastSave: { id: string } | null }>('GET', '/api/integrations/halo/links')).body;

test('Link Companies: accept all exact, clear proposals, undo the last save', { skip, timeout: 90_000 }, async () => {
  const { api, page, stack } = suite;
  // start from scratch: undo every save (links and the pairs they confirmed, which Automap would take as exact)
  for (let n = 0; ; n++) {
    const r = await api('POST', '/api/integrations/halo/links/undo', {});
    if (r.status === 404) break;
    assert.equal(r.status, 200);
    assert.ok(n < 20);
  }
  assert.equal((await links()).counts.linked, 0);
  const preview = (await api<{ proposals: Proposal[] }>('POST', '/api/integrations/halo/links/automap', {})).body.proposals;
  const exact = preview.filter((p) => p.tier === 'exact').length;
  const near = preview.length - exact;
  assert.ok(exact > 0 && near > 0, `both auto tiers are produced (${exact} exact, ${near} near-exact)`);

  // the Link Companies entry of the navigation opens the tab of the configured PSA
  await page.goto(`${stack.url}/companies`);
  await page.getByRole('navigation').getByRole('link', { name: 'Link Companies' }).click();
  await page.waitForURL(/\/integrations\/psa\/links$/);
  const table = page.getByRole('table', { name: 'Company links' });
  await table.waitFor();
  await page.getByRole('button', { name: 'Automap' }).click();
  const counter = page.getByTestId('proposal-counter');
  await poll('proposal counter', async () => ((await counter.textContent()) ?? '').includes(`${fmt(preview.length)} proposals to review (${fmt(exact)} exact, ${fmt(near)} near-exact)`));
  // near-exact rows are shown as such, with their reasons on the row
  await segment('Proposed').click();
  const nearRow = table.locator('tbody tr[data-proposed="near-exact"]').first();
  await poll('a near-exact row', async () => (await nearRow.count()) > 0 || (await page.mouse.wheel(0, 600), false));
  await nearRow.getByTestId('tier-badge').filter({ hasText: 'Near-exact' }).waitFor();
  assert.ok(((await nearRow.getByTestId('row-reason').textContent()) ?? '').length > 5, 'the row says why');
  await page.evaluate('window.scrollTo(0, 0)');

  await page.getByRole('button', { name: `Accept all exact (${fmt(exact)})` }).click();
  await page.locator('.mantine-Notification-root').filter({ hasText: 'Exact matches saved' }).waitFor({ timeout: 15_000 });
  const after = await links();
  assert.equal(after.counts.linked, exact, 'exactly the exact proposals were saved');
  for (const p of preview.filter((x) => x.tier === 'exact')) assert.equal(after.rows.find((r) => r.itglueId === p.itglueId)!.psaId, p.psaId);
  await poll('near-exact proposals still to review', async () => ((await counter.textContent()) ?? '').includes(`${fmt(near)} proposal`));

  // Undo waits for the unsaved proposals to be cleared
  const undo = page.getByRole('button', { name: 'Undo last save' });
  assert.equal(await undo.isDisabled(), true, 'no undo while changes are unsaved');
  await page.getByRole('button', { name: 'Clear proposals' }).click();
  assert.equal(await page.getByTestId('proposal-bar').count(), 0);
  await poll('undo enabled', async () => undo.isEnabled());
  await undo.click();
  await page.locator('.mantine-Notification-root').filter({ hasText: 'Save undone' }).waitFor({ timeout: 15_000 });
  assert.equal((await links()).counts.linked, 0, 'the accepted exact matches are unlinked again');
  // the undo survives a reload: the button now offers the save before (the one that unlinked everything)
  await page.reload();
  await table.waitFor();
  await poll('counter after reload', async () => ((await page.getByTestId('link-counter').textContent()) ?? '').startsWith('0 of '));
  await screenshot(page, 'links-after-undo');
  assert.deepEqual(suite.pageErrors, []);
});

test('Link Companies: the Suggestions filter keeps an edited row until re-applied; a taken PSA company asks before linking it twice', { skip, timeout: 90_000 }, async () => {
  const { api, page, stack } = suite;
  await page.goto(`${stack.url}/integrations/halo/links`);
  const table = page.getByRole('table', { name: 'Company links' });
  await table.waitFor();

  // --- Suggestions: every row shown has one, with its reason --------------------------------------
  const sugg = page.locator('label.mantine-SegmentedControl-label', { hasText: /^Suggestions \(/ });
  await poll('suggestions counted', async () => {
    const m = /\(([\d,]+)\)/.exec((await sugg.textContent()) ?? '');
    return m !== null && parseCount(m[1]!) > 0;
  });
  await sugg.click();
  const rows = table.locator('tbody tr[data-index]');
  await poll('suggestion rows', async () => (await rows.count()) > 0);
  assert.equal(await table.locator('tbody tr[data-index] [data-testid="row-suggestion"]').count(), await rows.count(), 'each row shows its suggestion');
  const showing = async () => parseCount(/^Showing ([\d,]+) of/.exec((await page.getByText(/^Showing [\d,]+ of/).textContent()) ?? '')![1]!);
  const shown = await showing();
  const first = rows.first();
  const text = (await first.getByTestId('row-suggestion').textContent()) ?? '';
  await expectNoAxeViolations(page, 'Link Companies, suggestions (possible matches) shown');
  assert.match(text, /^(Possible match|Automap proposes|Suggestion): .+ — .+/);
  const firstName = (await first.locator('td').first().locator('p').first().textContent())!.trim();
  await first.getByRole('button', { name: /^Use / }).click();
  await poll('the used row is unsaved but still shown', async () => (await first.getAttribute('data-changed')) === 'true');
  assert.equal(await showing(), shown, 'the edited row did not jump out');
  await first.getByText(firstName, { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Re-apply filter' }).click();
  await poll('row left after re-applying', async () => (await showing()) === shown - 1 && (await table.getByText(firstName, { exact: true }).count()) === 0);
  await page.getByRole('button', { name: 'Discard changes' }).click();

  // --- a taken PSA company: marked in the dropdown, confirmation, saved as shared ------------------
  const before = await links();
  const psa = (await api<{ companies: { id: string; name: string }[] }>('GET', '/api/integrations/halo/companies')).body.companies;
  const counts = new Map<string, number>();
  for (const c of psa) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  const free = psa.filter((c) => counts.get(c.name) === 1 && !before.rows.some((r) => r.psaId === c.id));
  const names = new Map<string, number>();
  for (const r of before.rows) names.set(r.itglueName, (names.get(r.itglueName) ?? 0) + 1);
  const unlinked = before.rows.filter((r) => r.psaId === null && names.get(r.itglueName) === 1 && !before.rows.some((o) => o !== r && o.itglueName.includes(r.itglueName)));
  const [holder, second] = unlinked;
  const target = free.find((c) => !psa.some((o) => o.id !== c.id && o.name.includes(c.name)))!;
  assert.equal((await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: holder!.itglueId, psaId: target.id }] })).status, 200);
  await page.reload();
  await segment('All').click();
  const search = page.getByRole('searchbox', { name: 'Search companies' });
  await search.fill(second!.itglueName);
  const select = table.getByRole('combobox', { name: `PSA company for ${second!.itglueName}`, exact: true });
  await select.waitFor();
  await select.click();
  await select.fill(target.name);
  const option = page.getByRole('option', { name: `${target.name} linked to ${holder!.itglueName}` });
  await option.waitFor();
  await screenshot(page, 'links-taken-option');
  await option.click();
  const dialog = page.getByRole('dialog', { name: `Link ${target.name} again?` });
  await dialog.waitFor();
  assert.match((await dialog.textContent()) ?? '', new RegExp(`already linked to ${holder!.itglueName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await poll('nothing chosen after cancel', async () => (await select.inputValue()) === '');
  await select.click();
  await select.fill(target.name);
  await option.click();
  await dialog.getByRole('button', { name: 'Link to both' }).click();
  await poll('the row shows the company', async () => (await select.inputValue()) === target.name);
  await table.getByText(`also linked to ${holder!.itglueName}`).waitFor();
  await page.getByRole('button', { name: 'Save changes (1)' }).click();
  await page.locator('.mantine-Notification-root').filter({ hasText: 'Links saved' }).waitFor({ timeout: 15_000 });
  const saved = (await links()).rows.find((r) => r.itglueId === second!.itglueId)!;
  assert.deepEqual([saved.psaId, saved.shared], [target.id, true]);
  assert.deepEqual(suite.pageErrors, []);
});
