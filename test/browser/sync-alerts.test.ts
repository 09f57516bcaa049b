// Sync alerts in the browser: after the PSA rejects the stored secret, the integration card shows the paused
// schedule, the failed runs and what to do; the bell's notification links to that page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HALO_SANDBOX_DEFAULTS } from '../../src/sandbox/halo/index.js';
import {
  apiClient, browserSkipReason, configureHaloViaApi, configureItGlueViaApi, launchBrowser, poll, screenshot, setupAdminViaApi, signIn,
  startSandboxes, startStack, type ApiCall, type Sandboxes, type Stack,
} from './harness.js';

const skip = browserSkipReason();
let sb: Sandboxes;
let stack: Stack;
let browser: Browser;
let api: ApiCall;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  if (skip !== false) return;
  sb = await startSandboxes({ halo: { ticketCount: 300 } });
  stack = await startStack({ demoHints: sb.hints });
  api = apiClient(stack.url, await setupAdminViaApi(stack));
  await configureItGlueViaApi(stack, api, sb);
  await configureHaloViaApi(stack, api, sb);
  // The Halo admin regenerates the secret; two runs fail.
  sb.halo.control.addApp({ clientId: HALO_SANDBOX_DEFAULTS.clientId, clientSecret: 'regenerated-secret', scopes: 'all' });
  for (let i = 0; i < 2; i++) {
    const res = await api<{ syncRun: { id: string } }>('POST', '/api/integrations/halo/sync', { mode: 'incremental' });
    await stack.running.services.sync.waitFor(res.body.syncRun.id);
    await stack.running.services.queue.drain();
  }
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await signIn(context, stack);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
});
after(async () => {
  await context?.close();
  await browser?.close();
  await stack?.close();
  await sb?.close();
});

test('the PSA card shows the paused schedule, the streak and what to do', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${stack.url}/integrations/halo`);
  const card = page.getByRole('region', { name: 'HaloPSA' });
  const alert = card.getByRole('alert').filter({ hasText: 'Scheduled syncs paused' });
  await alert.waitFor();
  const text = await alert.innerText();
  assert.match(text, /Halo rejected the Client ID or Client Secret\./);
  assert.match(text, /the last 2 syncs failed/);
  assert.match(text, /What to do: Generate a new Client Secret in Halo .* update it under Integrations → HaloPSA\./);
  await screenshot(page, 'sync-alerts-paused-card');
  assert.deepEqual(pageErrors, []);
});

test('the bell\'s sync_failed notification opens the page that fixes it', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${stack.url}/companies`);
  await page.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Notifications' });
  const item = dialog.getByRole('listitem').filter({ hasText: 'HaloPSA sync failed' });
  await item.waitFor();
  assert.equal(await dialog.getByRole('listitem').filter({ hasText: 'HaloPSA sync failed' }).count(), 1, 'one notification for the streak');
  await screenshot(page, 'sync-alerts-bell');
  // The message itself is the link.
  await item.getByRole('link', { name: /HaloPSA sync failed/ }).click();
  await page.waitForURL(/\/integrations\/halo$/);
  await page.getByRole('region', { name: 'HaloPSA' }).getByText('Scheduled syncs paused').waitFor();
  const notes = await api<{ notifications: { kind: string; read: boolean }[] }>('GET', '/api/notifications');
  await poll('the opened notification is read', async () => {
    const n = await api<{ notifications: { kind: string; read: boolean }[] }>('GET', '/api/notifications');
    return n.body.notifications.find((x) => x.kind === 'sync_failed')?.read === true;
  });
  assert.ok(notes.body.notifications.some((x) => x.kind === 'sync_failed'));
  assert.deepEqual(pageErrors, []);
});
