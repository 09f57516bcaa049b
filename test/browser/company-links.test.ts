// Issue 12 in the browser: links out of the company page (IT Glue organization and configurations once its web
// address is set; the PSA company and each ticket), ticket search and sorting, a clickable notification that
// marks itself read, form messages in words on the settings card, and toasts that leave the Sync buttons free.
// Screenshots at 1280 and 390 px go to /tmp/shots-admin (SHOTS_DIR).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations } from './axe.js';
import { browserSkipReason, browserSuite, dismissToasts, poll } from './harness.js';

const skip = browserSkipReason();
const suite = browserSuite({ sandboxes: { halo: { ticketCount: 600 } }, configure: ['itglue', 'halo'], signedIn: true });
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-admin';
const WEB = 'https://acme.itglue.com';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

interface Company { id: string; name: string; openTickets: number; psa: { id: string; url?: string } | null; webUrl?: string }

test('company page: Open in … links, configuration and ticket links, ticket search and sort', { skip, timeout: 120_000 }, async () => {
  const { api, page, sb, stack, pageErrors } = suite;
  const itg = await api('PUT', '/api/integrations/itglue', { baseUrl: sb.hints.itglue.baseUrl, apiKey: sb.hints.itglue.apiKey, rateLimitPer5Min: 100_000, webUrl: WEB });
  assert.equal(itg.status, 200, JSON.stringify(itg.body));
  const clients = new Map(sb.halo.control.data({ tickets: false }).clients.filter((c) => c.businessKey !== null).map((c) => [c.businessKey!, String(c.id)]));
  const truth = sb.itglue.control.truth();
  const active = new Set(truth.activeOrganizationIds);
  const pairs = truth.organizations.filter((o) => active.has(o.id) && o.businessKey !== null && clients.has(o.businessKey));
  const put = await api('PUT', '/api/integrations/halo/links', { links: pairs.map((o) => ({ itglueId: o.id, psaId: clients.get(o.businessKey!)!, source: 'manual' })) });
  assert.equal(put.status, 200);
  const companies = (await api<{ companies: Company[] }>('GET', '/api/companies')).body.companies;
  const company = companies.filter((c) => c.psa !== null).sort((a, b) => b.openTickets - a.openTickets)[0]!;
  const haloBase = new URL(sb.halo.url).origin;

  await page.goto(`${stack.url}/companies/${company.id}`);
  await page.getByRole('heading', { name: company.name, level: 1 }).waitFor();
  const openItg = page.getByRole('link', { name: 'Open in IT Glue' });
  assert.equal(await openItg.getAttribute('href'), `${WEB}/${company.id}`);
  assert.equal(await openItg.getAttribute('target'), '_blank');
  assert.match((await openItg.getAttribute('rel')) ?? '', /noopener/);
  const openPsa = page.getByRole('link', { name: 'Open in HaloPSA' });
  assert.equal(await openPsa.getAttribute('href'), `${haloBase}/customers?clientid=${company.psa!.id}`);
  assert.equal(await openPsa.getAttribute('target'), '_blank');
  const configLinks = page.getByRole('table', { name: 'Configurations' }).getByRole('link');
  if ((await configLinks.count()) > 0) {
    assert.match((await configLinks.first().getAttribute('href')) ?? '', new RegExp(`^${WEB}/${company.id}/configurations/\\d+$`));
  }
  await shot(page, 'company-1280');
  await expectNoAxeViolations(page, 'company page with links');

  // Tickets: newest first; the ticket number links to the ticket in Halo.
  await page.getByRole('tab', { name: 'PSA tickets' }).click();
  const table = page.getByRole('table', { name: 'PSA tickets' });
  await table.waitFor();
  const apiFirst = (await api<{ tickets: { psaId: string; summary: string }[] }>('GET', `/api/companies/${company.id}/tickets?limit=25`)).body.tickets;
  const rows = table.locator('tbody tr');
  await poll('ticket rows', async () => (await rows.count()) === apiFirst.length);
  const firstLink = rows.first().getByRole('link');
  assert.equal(await firstLink.getAttribute('href'), `${haloBase}/ticket?id=${apiFirst[0]!.psaId}`);
  assert.equal(await firstLink.getAttribute('target'), '_blank');

  // Sort by Opened (ascending), as the API sorts it.
  await table.getByRole('button', { name: 'Opened' }).click();
  const oldest = (await api<{ tickets: { psaId: string }[] }>('GET', `/api/companies/${company.id}/tickets?limit=25&sort=opened`)).body.tickets;
  await poll('oldest first', async () => (await rows.first().getByRole('link').getAttribute('href')) === `${haloBase}/ticket?id=${oldest[0]!.psaId}`);
  assert.equal(await table.locator('th[aria-sort="ascending"]').textContent(), 'Opened');

  // Search: a word of a summary keeps only tickets with it; nonsense finds nothing, in words.
  const word = apiFirst[0]!.summary.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w)) ?? apiFirst[0]!.summary.split(/\s+/)[0]!;
  await page.getByLabel('Search tickets').fill(word.toLowerCase());
  await poll('filtered rows', async () => {
    const texts = await rows.locator('td:nth-child(3)').allTextContents();
    return texts.length > 0 && texts.every((t) => t.toLowerCase().includes(word.toLowerCase()));
  });
  await shot(page, 'company-tickets-1280');
  await expectNoAxeViolations(page, 'tickets tab, searched and sorted');
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = async () => page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(' | ')`);
  // Once the layout has settled after the resize.
  const fits = await poll('no sideways scrolling at 390 px', async () => (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) === true, { timeoutMs: 3000 }).catch(() => false);
  assert.equal(fits, true, `no sideways scrolling at 390 px: ${await wide()}`);
  await expectNoAxeViolations(page, 'tickets tab at 390 px');
  await shot(page, 'company-tickets-390');
  await page.getByRole('tab', { name: /^Configurations/ }).click();
  await page.getByRole('table', { name: 'Configurations' }).waitFor();
  assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true, 'configurations fit at 390 px');
  await expectNoAxeViolations(page, 'configurations at 390 px');
  await shot(page, 'company-390');
  await page.getByRole('tab', { name: /^Domains/ }).click();
  await page.getByRole('table', { name: 'Domains' }).waitFor();
  await shot(page, 'company-domains-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole('tab', { name: 'PSA tickets' }).click();
  await page.getByLabel('Search tickets').fill('zzzz no such ticket');
  await page.getByText('No tickets match “zzzz no such ticket”').waitFor();
  assert.deepEqual(pageErrors, []);
});

test('a notification is a link: it opens its page, closes the panel and is read', { skip, timeout: 60_000 }, async () => {
  const { api, page, stack } = suite;
  await page.goto(`${stack.url}/companies`);
  await page.getByRole('button', { name: /^Notifications, \d+ unread$/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Notifications' });
  const link = dialog.getByRole('link').first();
  await link.waitFor();
  await shot(page, 'notifications-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'notifications-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  const target = (await link.getAttribute('href')) ?? '';
  const text = ((await link.textContent()) ?? '').trim();
  await link.click();
  await page.waitForURL((u) => u.pathname === target);
  await dialog.waitFor({ state: 'hidden' });
  await poll('read', async () => {
    const n = (await api<{ notifications: { message: string; read: boolean }[] }>('GET', '/api/notifications')).body.notifications;
    return n.find((x) => x.message === text)?.read === true;
  });
});

test('the IT Glue card offers the optional web address', { skip, timeout: 30_000 }, async () => {
  const { page, stack } = suite;
  await page.goto(`${stack.url}/integrations`);
  const card = page.getByRole('region', { name: 'IT Glue' });
  const web = card.getByLabel('IT Glue web address');
  await web.waitFor();
  assert.equal(await web.inputValue(), WEB);
  await shot(page, 'itglue-card-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'itglue-card-390');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('settings card: messages in words next to the field, one summary; toasts leave the Sync buttons free', { skip, timeout: 60_000 }, async () => {
  const { page, stack } = suite;
  await page.goto(`${stack.url}/integrations/halo`);
  const card = page.getByRole('region', { name: 'HaloPSA' });
  await card.getByRole('button', { name: 'Save Settings' }).waitFor();
  const url = card.getByLabel('Resource Server URL');
  const saved = await url.inputValue();
  await url.fill('');
  await card.getByLabel('Client ID').fill('');
  await card.getByRole('button', { name: 'Test Settings' }).click();
  await card.getByText('Enter the Resource Server URL').waitFor();
  await card.getByText('Enter the Client ID').waitFor();
  const summaries = card.getByRole('alert').filter({ hasText: /Check|Could not/ });
  assert.equal(await summaries.count(), 1, `one summary: ${(await summaries.allTextContents()).join(' | ')}`);
  assert.equal(((await summaries.textContent()) ?? '').includes('Check these fields: Resource Server URL, Client ID.'), true);
  assert.equal(await card.getByText(/body\.|resourceServerUrl|is required/).count(), 0, 'no raw paths');
  await url.fill('not a url');
  await card.getByRole('button', { name: 'Save Settings' }).click();
  await card.getByText('Enter a valid URL starting with https://').waitFor();
  await shot(page, 'settings-messages-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'settings-messages-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.reload();
  await card.getByRole('button', { name: 'Save Settings' }).waitFor();
  assert.equal(await card.getByLabel('Resource Server URL').inputValue(), saved, 'nothing was saved');

  // A saved-settings toast does not sit over Sync now / Full sync.
  await card.getByRole('button', { name: 'Save Settings' }).click();
  const toast = page.locator('.mantine-Notification-root').first();
  await toast.waitFor();
  const sync = card.getByRole('button', { name: 'Sync now' });
  await sync.scrollIntoViewIfNeeded();
  const a = (await toast.boundingBox())!;
  for (const name of ['Sync now', 'Full sync']) {
    const b = (await card.getByRole('button', { name }).boundingBox())!;
    const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    assert.equal(overlap, false, `the toast covers ${name}`);
  }
  await card.getByRole('button', { name: 'Sync now' }).click({ trial: true });
  await dismissToasts(page);
});
