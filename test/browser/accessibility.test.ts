// axe-core (WCAG 2.0/2.1 A + AA) over every page an admin and a member use: first-run setup, sign-in,
// Integrations (both tabs), Companies, a company's detail (every tab), Opportunities, Users, the
// notifications panel and the audit log. Each page must have zero violations. (Link Companies is covered by
// its own browser test with the same helper, test/browser/axe.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeViolations, formatViolations } from './axe.js';
import {
  apiClient, browserSkipReason, browserSuite, configureHaloViaApi, configureItGlueViaApi, dismissToasts, setupAdminViaApi, signIn,
} from './harness.js';
import { ADMIN } from '../helpers/app.js';

const skip = browserSkipReason();
const suite = browserSuite({ sandboxes: { halo: { ticketCount: 300 } }, signedOut: true });

test('axe finds no WCAG A/AA violation on any page', { skip, timeout: 180_000 }, async () => {
  const { browser, context, page, pageErrors, stack, sb } = suite;
  const checked: string[] = [];
  // Every page is checked before the test fails, so one run lists every violation.
  const failures: string[] = [];
  const check = async (what: string, p: Page = page) => {
    await dismissToasts(p);
    const violations = await axeViolations(p);
    checked.push(`${what}: ${violations.length}`);
    if (violations.length > 0) failures.push(`${what}:\n${formatViolations(violations)}`);
  };

  // --- signed out: setup, then sign-in --------------------------------------------------------------
  await page.goto(stack.url);
  await page.getByLabel('Confirm password').waitFor();
  await check('setup');
  const api = apiClient(stack.url, await setupAdminViaApi(stack));
  await page.goto(`${stack.url}/login`);
  await page.getByRole('button', { name: /sign in/i }).waitFor();
  await check('sign-in');

  // --- data: both integrations synced, companies linked, an opportunity -----------------------------
  await configureItGlueViaApi(stack, api, sb);
  await configureHaloViaApi(stack, api, sb);
  const truth = sb.itglue.control.truth();
  const active = new Set(truth.activeOrganizationIds);
  const clients = new Map(sb.halo.control.data({ tickets: false }).clients.filter((c) => !c.inactive && c.businessKey !== null).map((c) => [c.businessKey!, c.id]));
  const pairs = truth.organizations.filter((o) => active.has(o.id) && o.businessKey !== null && clients.has(o.businessKey));
  const put = await api('PUT', '/api/integrations/halo/links', { links: pairs.map((o) => ({ itglueId: o.id, psaId: String(clients.get(o.businessKey!)), source: 'manual' })) });
  assert.equal(put.status, 200, JSON.stringify(put.body));
  // The company with the most configurations shows the fullest tables.
  const detail = await Promise.all(pairs.slice(0, 12).map(async (o) => ({ o, d: (await api<{ configurations: unknown[] }>('GET', `/api/companies/${o.id}`)).body })));
  const company = detail.sort((a, b) => b.d.configurations.length - a.d.configurations.length)[0]!.o;
  const opp = await api('POST', '/api/opportunities', { companyId: company.id, title: 'Replace the firewall', value: 3200 });
  assert.equal(opp.status, 201, JSON.stringify(opp.body));

  // --- signed in as the admin -------------------------------------------------------------------------
  await signIn(context, stack);
  await page.goto(`${stack.url}/integrations`);
  await page.getByRole('tab', { name: 'Primary integration', selected: true }).waitFor();
  await page.getByRole('button', { name: 'Save Settings' }).first().waitFor();
  await check('Integrations, primary tab');
  await page.getByRole('tab', { name: 'PSA Integrations' }).click();
  await page.getByRole('tab', { name: 'PSA Integrations', selected: true }).waitFor();
  await page.getByRole('button', { name: 'Save Settings' }).first().waitFor();
  await check('Integrations, PSA tab');

  await page.goto(`${stack.url}/companies`);
  await page.getByRole('table', { name: 'Companies' }).getByRole('link').first().waitFor();
  await check('Companies');

  await page.goto(`${stack.url}/companies/${company.id}`);
  await page.getByRole('heading', { name: company.name }).waitFor();
  await page.getByRole('table', { name: 'Configurations' }).waitFor();
  await check('company detail, Configurations tab');
  await page.getByRole('tab', { name: /^Domains/ }).click();
  await page.getByRole('tab', { name: /^Domains/, selected: true }).waitFor();
  await page.waitForTimeout(100);
  await check('company detail, Domains tab');
  await page.getByRole('tab', { name: 'PSA tickets' }).click();
  await page.getByRole('table', { name: 'PSA tickets' }).waitFor();
  await check('company detail, PSA tickets tab');

  await page.goto(`${stack.url}/opportunities`);
  await page.getByText('Replace the firewall').first().waitFor();
  await check('Opportunities');

  await page.goto(`${stack.url}/users`);
  await page.getByRole('table', { name: 'All users' }).waitFor();
  await check('Users');


  await page.goto(`${stack.url}/account`);
  await page.getByRole('heading', { name: 'My account' }).waitFor();
  await page.getByRole('table', { name: 'API tokens' }).waitFor();
  await check('My account');

  await page.getByRole('button', { name: /^Notifications/ }).click();
  await page.getByRole('dialog', { name: 'Notifications' }).waitFor();
  await page.getByRole('dialog', { name: 'Notifications' }).getByRole('link').first().waitFor();
  await check('Notifications');
  await page.keyboard.press('Escape');

  await page.goto(`${stack.url}/audit`);
  await page.getByRole('table').first().waitFor();
  await check('Audit log');

  // --- a member: what they see ----------------------------------------------------------------------
  const member = { email: 'member@example.com', password: 'member-password-1', name: 'Mia Member' };
  assert.equal((await api('POST', '/api/users', { ...member, role: 'member' })).status, 201);
  const memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await signIn(memberContext, stack, { ...ADMIN, ...member });
  const memberPage = await memberContext.newPage();
  await memberPage.goto(`${stack.url}/companies`);
  await memberPage.getByRole('table', { name: 'Companies' }).getByRole('link').first().waitFor();
  await check('Companies (member)', memberPage);
  await memberContext.close();

  console.log(`axe violations per page: ${checked.join('; ')}`);
  assert.equal(failures.length, 0, `axe found WCAG A/AA violations on ${failures.length} page(s):\n${failures.join('\n')}`);
  assert.deepEqual(pageErrors, []);
});
