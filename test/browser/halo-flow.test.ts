// HaloPSA, end to end in the browser: PSA Integrations → a wrong Client Secret is explained →
// "Fill in sandbox values" → Test Settings → Save Settings → per-stream progress → the completion
// notification (toast, bell count, notification text).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkipReason, browserSuite, poll, screenshot, type PageElement } from './harness.js';

const skip = browserSkipReason();
// IT Glue first, through the API (the primary integration; its UI flow is itglue-flow.test.ts).
const suite = browserSuite({ sandboxes: { halo: { ticketCount: 1500 } }, configure: ['itglue'], signedIn: true });

async function openPsaTab(): Promise<ReturnType<Page['getByRole']>> {
  const { page, stack } = suite;
  await page.goto(`${stack.url}/integrations`);
  await page.getByRole('tab', { name: 'PSA Integrations' }).click();
  await page.waitForURL(/\/integrations\/halo$/);
  const card = page.getByRole('region', { name: 'HaloPSA' });
  await card.waitFor();
  return card;
}

test('Halo: a wrong Client Secret shows the invalid-credentials message and a hint', { skip, timeout: 30_000 }, async () => {
  const { api, page, sb } = suite;
  const card = await openPsaTab();
  await card.getByText('Sandbox running: use these values').waitFor();
  await card.getByRole('button', { name: 'Fill in sandbox values' }).click();
  assert.equal(await card.getByLabel('Resource Server URL').inputValue(), sb.halo.resourceUrl);
  assert.equal(await card.getByLabel('Authorization Server URL').inputValue(), sb.halo.authUrl);
  assert.equal(await card.getByLabel('Client ID').inputValue(), sb.hints.halo.clientId);
  await card.getByLabel('Client Secret').fill('not-the-secret');

  await card.getByRole('button', { name: 'Test Settings' }).click();
  const alert = card.getByRole('alert').filter({ hasText: 'Connection failed' });
  await alert.waitFor({ timeout: 10_000 });
  await alert.getByText('Halo rejected the Client ID or Client Secret.').waitFor();
  await alert.getByText(/regenerate the Client Secret and paste it here/).waitFor();
  await alert.getByText('Error code: invalid_credentials').waitFor();
  assert.equal(await card.getByText('Connection Successful').count(), 0);
  // Nothing was saved by a test.
  const halo = (await api<{ integrations: { kind: string; configured: boolean }[] }>('GET', '/api/integrations')).body.integrations.find((i) => i.kind === 'halo');
  assert.equal(halo?.configured, false);
  await alert.scrollIntoViewIfNeeded();
  await screenshot(page, 'halo-wrong-secret');
});

test('Halo: fill sandbox values, test, save; per-stream progress; completion notification', { skip, timeout: 45_000 }, async () => {
  const { api, page, pageErrors, sb } = suite;
  const card = await openPsaTab();
  await card.getByRole('button', { name: 'Fill in sandbox values' }).click();
  assert.equal(await card.getByLabel('Client Secret').inputValue(), sb.hints.halo.clientSecret);
  assert.equal(await card.getByLabel('Pull Tickets from Halo').isChecked(), true);
  assert.equal(await card.getByLabel('Enable Halo Opportunity Integration').isChecked(), false);

  await card.getByRole('button', { name: 'Test Settings' }).click();
  const ok = card.getByRole('status').filter({ hasText: 'Connection Successful' });
  await ok.waitFor({ timeout: 10_000 });
  const expectedClients = sb.halo.control.data().clientIds.length;
  await ok.getByText(`Clients: ${expectedClients}`).waitFor();
  await screenshot(page, 'halo-test-ok');

  const unreadBefore = await unreadCount();
  // Slow the sandbox a little so the running sync can be seen, and hold the first tickets page for
  // a while so the mid-way state (other streams done, tickets still filling) lasts even on a busy CI machine.
  sb.halo.control.setLatency(250);
  sb.halo.control.addFault({ type: 'slow', delayMs: 8_000, pathPrefix: '/Tickets', method: 'GET', count: 1 });
  await card.getByRole('button', { name: 'Save Settings' }).click();
  await page.getByText('HaloPSA settings saved').waitFor();
  const progress = card.getByLabel('Initial sync progress');
  await progress.waitFor({ timeout: 10_000 });
  await progress.getByText('Running', { exact: true }).waitFor();
  await progress.getByRole('progressbar', { name: /^Clients: / }).waitFor({ timeout: 15_000 });
  // One bar per stream, and the run mid-way: some streams done, the rest still filling.
  const bars = progress.getByRole('progressbar');
  await poll('a sync mid-way (some bars full, some not)', async () => {
    const values = await bars.evaluateAll((els) => els.map((e) => Number((e as unknown as PageElement).getAttribute('aria-valuenow'))));
    const names = await bars.evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('aria-label') ?? ''));
    return values.length === 4 && values.some((v) => v === 100) && values.some((v) => v < 100)
      && (await progress.getByText('Running', { exact: true }).count()) === 1 ? names : undefined;
  }, { timeoutMs: 15_000, intervalMs: 50 });
  assert.deepEqual(
    (await bars.evaluateAll((els) => els.map((e) => (e as unknown as PageElement).getAttribute('aria-label') ?? ''))).map((n) => n.split(':')[0]),
    ['Clients', 'Sites', 'Ticket types', 'Tickets'],
  );
  await screenshot(page, 'halo-progress');
  sb.halo.control.setLatency(0);

  // Completion: every stream's bar full, a toast, the bell's unread count, the notification text.
  await progress.getByText('Succeeded', { exact: true }).waitFor({ timeout: 30_000 });
  const run = (await api<{ syncRuns: { status: string; progress: Record<string, { fetched: number }> }[] }>('GET', '/api/sync-runs?integration=halo')).body.syncRuns[0]!;
  assert.equal(run.status, 'succeeded');
  for (const [stream, label] of [['clients', 'Clients'], ['ticketTypes', 'Ticket types'], ['tickets', 'Tickets']] as const) {
    const bar = progress.getByRole('progressbar', { name: new RegExp(`^${label}: `) });
    await bar.waitFor();
    assert.equal(await bar.getAttribute('aria-valuenow'), '100', `${label} bar is full`);
    assert.ok((run.progress[stream]?.fetched ?? 0) > 0, `${stream} fetched`);
  }
  assert.equal(run.progress.clients?.fetched, expectedClients);
  const toast = page.locator('.mantine-Notification-root').filter({ hasText: 'HaloPSA' }).filter({ hasText: /Initial sync finished/ });
  await toast.waitFor({ timeout: 10_000 });

  const bell = page.getByRole('button', { name: /^Notifications/ });
  const label = await poll('bell unread count', async () => {
    const l = await bell.getAttribute('aria-label');
    return l === `Notifications, ${unreadBefore + 1} unread` ? l : undefined;
  }, { timeoutMs: 10_000 });
  assert.equal(label, `Notifications, ${unreadBefore + 1} unread`);
  await bell.click();
  const dialog = page.getByRole('dialog', { name: 'Notifications' });
  await dialog.waitFor();
  const item = dialog.getByText(/^HaloPSA initial sync finished: [\d,]+ companies and [\d,]+ tickets synced/);
  await item.waitFor();
  const text = (await item.textContent()) ?? '';
  assert.match(text, new RegExp(`${expectedClients.toLocaleString('en-US')} companies`));
  const serverNotes = (await api<{ notifications: { message: string; read: boolean }[] }>('GET', '/api/notifications')).body.notifications;
  assert.ok(serverNotes.some((n) => n.message === text && !n.read), 'the bell shows the server notification');
  await screenshot(page, 'halo-complete');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

async function unreadCount(): Promise<number> {
  const res = await suite.api<{ notifications: { read: boolean }[] }>('GET', '/api/notifications');
  return res.body.notifications.filter((n) => !n.read).length;
}
