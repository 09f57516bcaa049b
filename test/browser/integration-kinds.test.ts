// The web UI draws integrations from GET /api/integration-kinds only: a PSA the server starts listing gets its
// settings card (fields in order, presets, guide), its tab, its Link Companies button and its Test Settings body
// with no React change. The kinds answer is intercepted here to add an invented "Acme PSA".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { IntegrationKindInfo, IntegrationKindsResponse } from '../../src/shared/wire.js';
import { browserSkipReason, launchBrowser, screenshot, setupAdminViaApi, signIn, startStack, type Stack } from './harness.js';

const ACME: IntegrationKindInfo = {
  kind: 'acme',
  role: 'supplemental',
  displayName: 'Acme PSA',
  description: 'PSA: customers and tickets.',
  fields: [
    {
      name: 'baseUrl', label: 'Base URL', type: 'url', required: true, default: 'https://us.acme.example/api',
      presetsLabel: 'Data centre',
      presets: [{ label: 'US', value: 'https://us.acme.example/api' }, { label: 'EU', value: 'https://eu.acme.example/api' }],
    },
    { name: 'apiToken', label: 'API Token', type: 'secret', required: true, help: 'Acme → Settings → API' },
    { name: 'syncClosed', label: 'Sync closed tickets', type: 'boolean', required: true, default: true },
    { name: 'boards', label: 'Ticket boards', type: 'list', required: false, default: ['Service'] },
  ],
  streams: ['customers', 'tickets'],
  streamInfo: [
    { name: 'customers', label: 'Customers', noun: ['company', 'companies'], summary: true },
    { name: 'tickets', label: 'Tickets', noun: ['ticket', 'tickets'], summary: true },
  ],
  guide: { title: 'Permissions to grant the Acme API user', items: [{ terms: ['customers:read', 'tickets:read'], text: 'customers and tickets' }] },
  nextStep: 'Link your companies.',
};

const skip = browserSkipReason();
let stack: Stack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
let testBody: unknown = null;

before(async () => {
  if (skip !== false) return;
  stack = await startStack();
  await setupAdminViaApi(stack);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await signIn(context, stack);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.route(`${stack.url}/api/integration-kinds`, async (route) => {
    const res = await route.fetch();
    const body = (await res.json()) as IntegrationKindsResponse;
    await route.fulfill({ response: res, json: { kinds: [...body.kinds, ACME] } });
  });
  await page.route(`${stack.url}/api/integrations/acme/test`, async (route) => {
    testBody = route.request().postDataJSON();
    await route.fulfill({ json: { ok: true, message: 'Connection Successful', details: { customers: 12 } } });
  });
});
after(async () => {
  await context?.close();
  await browser?.close();
  await stack?.close();
});

test('a kind the server lists gets a settings card drawn from its fields, with no React change', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${stack.url}/integrations/acme`);
  assert.equal(await page.getByRole('tab', { name: 'PSA Integrations' }).getAttribute('aria-selected'), 'true');
  const card = page.getByRole('region', { name: 'Acme PSA' });
  await card.waitFor();
  await card.getByText('PSA: customers and tickets.').waitFor();
  await card.getByText('Not configured', { exact: true }).waitFor();
  await card.getByText('Permissions to grant the Acme API user').waitFor();
  // The PSA the server already had is on the same tab.
  await page.getByRole('region', { name: 'HaloPSA' }).waitFor();

  // Fields in order, each as its type asks, starting from the defaults.
  const form = card.getByRole('form', { name: 'Acme PSA settings' });
  assert.equal(await form.getByLabel('Data centre').inputValue(), 'https://us.acme.example/api');
  assert.equal(await form.getByLabel('Base URL').inputValue(), 'https://us.acme.example/api');
  assert.equal(await form.getByLabel('API Token').getAttribute('type'), 'password');
  assert.equal(await form.getByLabel('Sync closed tickets').isChecked(), true);
  assert.equal(await form.getByLabel('Ticket boards').inputValue(), 'Service');

  await form.getByLabel('Data centre').selectOption({ label: 'EU' });
  assert.equal(await form.getByLabel('Base URL').inputValue(), 'https://eu.acme.example/api');
  await form.getByLabel('API Token').fill('acme-token');
  await form.getByLabel('Sync closed tickets').uncheck();
  await form.getByLabel('Ticket boards').fill('Service, Projects , ');
  await card.getByRole('button', { name: 'Test Settings' }).click();
  const ok = card.getByRole('status').filter({ hasText: 'Connection Successful' });
  await ok.waitFor();
  await ok.getByText('Customers: 12').waitFor();
  assert.deepEqual(testBody, { baseUrl: 'https://eu.acme.example/api', apiToken: 'acme-token', syncClosed: false, boards: ['Service', 'Projects'] });

  // A URL that is none of the presets is "Custom".
  await form.getByLabel('Base URL').fill('https://acme.internal.example/api');
  assert.equal(await form.getByLabel('Data centre').inputValue(), 'custom');
  await screenshot(page, 'integration-kinds-acme');

  // Link Companies for the new kind, at /integrations/<kind>/links.
  await card.getByRole('button', { name: 'Link Companies' }).click();
  await page.waitForURL(/\/integrations\/acme\/links$/);
  // the "Link Companies to <primary>" tab of the PSA integration
  await page.getByRole('heading', { name: /^Link Companies to /, level: 2 }).waitFor();
  const psaTabs = page.getByRole('tablist', { name: 'Acme PSA integration' });
  assert.equal(await psaTabs.getByRole('tab', { name: /^Link Companies to / }).getAttribute('aria-selected'), 'true');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('a kind the server does not list has no page', { skip, timeout: 20_000 }, async () => {
  for (const path of ['/integrations/nothing-here', '/integrations/nothing-here/links']) {
    await page.goto(`${stack.url}${path}`);
    await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
  }
  // The primary integration is not something to link to.
  await page.goto(`${stack.url}/integrations/itglue/links`);
  await page.getByRole('heading', { name: 'Page not found', level: 1 }).waitFor();
});
