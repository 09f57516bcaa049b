// IT Glue, end to end in the browser: first-run setup → Integrations → test and save the IT Glue
// settings → the initial sync's progress → Companies lists the active organizations → a company's
// configurations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  apiClient, browserSkipReason, browserSuite, dismissToasts, parseCount, poll, screenshot, setupAdminInPage,
} from './harness.js';

const skip = browserSkipReason();
// A little latency per IT Glue response so the running sync can be seen (a handful of requests in all).
const suite = browserSuite({ sandboxes: { itglue: { latencyMs: 250 } }, signedOut: true });

test('IT Glue: test and save settings, watch the initial sync, then browse companies and a company’s configurations', { skip, timeout: 60_000 }, async () => {
  const { context, page, pageErrors, sb, stack } = suite;
  await setupAdminInPage(page, stack);
  await page.getByRole('navigation').getByRole('link', { name: 'Integrations' }).waitFor();

  // --- Integrations → Primary integration: the IT Glue card ------------------------------------
  await page.getByRole('navigation').getByRole('link', { name: 'Integrations' }).click();
  await page.getByRole('tab', { name: 'Primary integration' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: 'Primary integration' }).getAttribute('aria-selected'), 'true');
  const card = page.getByRole('region', { name: 'IT Glue' });
  await card.waitFor();
  // The demo hints box offers the sandbox's values; this test types them in as a user would.
  await card.getByText('Sandbox running: use these values').waitFor();
  await card.getByText('Save working settings to start the first sync.').waitFor();

  await card.getByLabel('API URL').fill(sb.itglue.url);
  assert.equal(await card.getByLabel('Region').inputValue(), 'custom', 'a non-preset URL selects the Custom region');
  await card.getByLabel('API Key').fill(String(sb.hints.itglue!.apiKey));
  assert.equal(await card.getByLabel('Active status names').inputValue(), 'Active');

  await card.getByRole('button', { name: 'Test Settings' }).click();
  const ok = card.getByRole('status').filter({ hasText: 'Connection Successful' });
  await ok.waitFor({ timeout: 10_000 });
  await screenshot(page, 'itglue-test-ok');

  // --- Save → the initial sync starts and shows its progress -----------------------------------
  await card.getByRole('button', { name: 'Save Settings' }).click();
  await page.getByText('IT Glue settings saved').waitFor();
  const progress = card.getByLabel('Initial sync progress');
  await progress.waitFor({ timeout: 10_000 });
  await card.getByText('Configured', { exact: true }).waitFor();
  // Per-stream bars appear once the run reports its streams.
  const orgBar = progress.getByRole('progressbar', { name: /^Organizations: / });
  await orgBar.waitFor({ timeout: 15_000 });
  await screenshot(page, 'itglue-progress');

  // --- it completes -------------------------------------------------------------------------
  await progress.getByText('Succeeded', { exact: true }).waitFor({ timeout: 30_000 });
  for (const stream of ['Organizations', 'Configurations', 'Domains']) {
    const bar = progress.getByRole('progressbar', { name: new RegExp(`^${stream}: `) });
    await bar.waitFor();
    assert.equal(await bar.getAttribute('aria-valuenow'), '100', `${stream} bar is full`);
  }
  // The finished run is in the history table, and a notification says so.
  const history = card.getByRole('table', { name: 'Sync history' });
  await history.getByText('Initial sync').waitFor();
  await history.getByText('Succeeded').waitFor();
  await page.getByText(/^Initial sync finished/).first().waitFor({ timeout: 10_000 });
  await screenshot(page, 'itglue-completed');

  // --- Companies: one row per active organization (the MSP's own excluded) ------------------------
  const truth = sb.itglue.control.truth();
  const expected = truth.activeOrganizationIds.length;
  assert.ok(expected > 50, `sandbox has ${expected} active organizations`);
  await dismissToasts(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Companies', exact: true }).click();
  const table = page.getByRole('table', { name: 'Companies' });
  await table.waitFor({ timeout: 10_000 });
  const countText = await page.getByRole('status').filter({ hasText: /companies$/ }).textContent();
  assert.equal(parseCount(countText!.replace(/companies$/, '')), expected, `Companies page count: "${countText}"`);
  const rows = table.locator('tbody tr');
  assert.equal(await rows.count(), Math.min(50, expected), 'first page shows 50 rows');
  // Paging through: the last page holds the rest.
  const pages = Math.ceil(expected / 50);
  await page.getByRole('button', { name: `Page ${pages}` }).click();
  await poll('last page rows', async () => (await rows.count()) === expected - (pages - 1) * 50);
  // The API agrees with the sandbox, id for id.
  const token = (await (await context.request.post(`${stack.url}/api/tokens`, {
    data: { name: 'e2e' },
    headers: { 'x-csrf-token': (await context.cookies()).find((c) => c.name === 'cw_csrf')?.value ?? '' },
  })).json()) as { token: string };
  const api = apiClient(stack.url, token.token);
  const companies = (await api<{ companies: { id: string; name: string }[] }>('GET', '/api/companies')).body.companies;
  assert.deepEqual(companies.map((c) => c.id).sort(), [...truth.activeOrganizationIds].sort());
  await page.getByRole('button', { name: 'Page 1' }).click();
  await poll('first page rows', async () => (await rows.count()) === 50);
  await screenshot(page, 'companies-list');

  // --- a company with configurations: search, open, Configurations tab ---------------------------
  const configsByOrg = new Map<string, number>();
  for (const c of sb.itglue.data.configurations.values()) {
    const id = String(c.organizationId);
    configsByOrg.set(id, (configsByOrg.get(id) ?? 0) + 1);
  }
  const nameCount = new Map<string, number>();
  for (const c of companies) nameCount.set(c.name, (nameCount.get(c.name) ?? 0) + 1);
  const target = companies
    .filter((c) => nameCount.get(c.name) === 1 && (configsByOrg.get(c.id) ?? 0) >= 3)
    .sort((a, b) => (configsByOrg.get(b.id) ?? 0) - (configsByOrg.get(a.id) ?? 0))[0];
  assert.ok(target !== undefined, 'a company with configurations');
  const detail = (await api<{ configurations: { name: string }[]; domains: unknown[] }>('GET', `/api/companies/${target.id}`)).body;

  await page.getByLabel('Search companies').fill(target.name);
  const link = table.getByRole('link', { name: target.name, exact: true });
  await link.waitFor();
  await link.click();
  await page.getByRole('heading', { name: target.name, level: 1 }).waitFor();
  assert.match(new URL(page.url()).pathname, new RegExp(`/companies/${target.id}$`));
  const configTab = page.getByRole('tab', { name: `Configurations (${detail.configurations.length})` });
  await configTab.waitFor();
  assert.equal(await configTab.getAttribute('aria-selected'), 'true');
  await page.getByRole('tab', { name: `Domains (${detail.domains.length})` }).waitFor();
  const configRows = page.getByRole('table', { name: 'Configurations' }).locator('tbody tr');
  await configRows.first().waitFor();
  assert.equal(await configRows.count(), detail.configurations.length);
  assert.ok(detail.configurations.length >= 3);
  // Every configuration's name is on the page.
  for (const c of detail.configurations) {
    await page.getByRole('table', { name: 'Configurations' }).getByText(c.name, { exact: true }).first().waitFor();
  }
  await screenshot(page, 'company-detail');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
