// Syncro in the browser, with no Syncro-specific React: the PSA tab's Syncro card (drawn from GET /api/integration-kinds)
// → a subdomain with dots is refused on its field → "Fill in sandbox values" → Test Settings → Save Settings → the
// initial sync's customers and tickets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkipReason, browserSuite, screenshot, type PageElement } from './harness.js';

const skip = browserSkipReason();
const suite = browserSuite({ sandboxes: {}, configure: ['itglue'], signedIn: true });

test('Syncro: validation on the Subdomain, sandbox values, Test Settings, Save Settings, initial sync', { skip, timeout: 60_000 }, async () => {
  const { api, page, pageErrors, sb, stack } = suite;
  await page.goto(`${stack.url}/integrations/syncro`);
  const card = page.getByRole('region', { name: 'Syncro' });
  await card.waitFor();
  for (const label of ['Subdomain', 'API Base URL', 'API Token', 'Pull Tickets from Syncro', 'Enable Syncro Opportunity Export']) {
    assert.equal(await card.getByLabel(label, { exact: true }).count(), 1, `a labelled ${label}`);
  }

  await card.getByLabel('Subdomain', { exact: true }).fill('acme.syncromsp.com');
  await card.getByLabel('API Token', { exact: true }).fill('some-token');
  await card.getByRole('button', { name: 'Test Settings' }).click();
  await card.getByText(/without dots/).first().waitFor({ timeout: 10_000 });

  await card.getByRole('button', { name: 'Fill in sandbox values' }).click();
  await card.getByLabel('Subdomain', { exact: true }).fill('');
  assert.equal(await card.getByLabel('API Base URL', { exact: true }).inputValue(), sb.syncro.baseUrl);
  await card.getByRole('button', { name: 'Test Settings' }).click();
  const ok = card.getByRole('status').filter({ hasText: 'Connection Successful' });
  await ok.waitFor({ timeout: 15_000 });
  await screenshot(page, 'syncro-test-ok');

  await card.getByRole('button', { name: 'Save Settings' }).click();
  await page.getByText('Syncro settings saved').waitFor({ timeout: 10_000 });
  const progress = card.getByLabel('Initial sync progress');
  await progress.getByText('Succeeded', { exact: true }).waitFor({ timeout: 40_000 });
  const bars = await progress.getByRole('progressbar').evaluateAll((els) => els.map((e) => ((e as unknown as PageElement).getAttribute('aria-label') ?? '').split(':')[0]));
  assert.deepEqual(bars, ['Customers', 'Tickets']);
  const run = (await api<{ syncRuns: { status: string; progress: Record<string, { fetched: number }> }[] }>('GET', '/api/sync-runs?integration=syncro')).body.syncRuns[0]!;
  assert.equal(run.status, 'succeeded');
  assert.equal(run.progress.customers?.fetched, sb.syncro.control.data().customers.length);
  await screenshot(page, 'syncro-saved');
  assert.deepEqual(pageErrors, []);
});
