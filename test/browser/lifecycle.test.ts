// Lifecycle in the browser: the page from the navigation (counts that filter, the device table), a refresh opportunity
// from a company's overdue and due-soon devices through the opportunity dialog, the forecast, the policy editor (an
// admin saves a change), the company page's Lifecycle tab; axe-core finds no WCAG 2.1 A/AA violation; screenshots at
// 1280 and 390 px wide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { ARTIFACTS, browserSkipReason, browserSuite, dismissToasts, poll, screenshot as fullShot } from './harness.js';

const skip = browserSkipReason();
const suite = browserSuite({ sandboxes: {}, configure: ['itglue'], signedIn: true });
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Device { id: string; companyId: string; companyName: string; status: string; replacementPrice: number | null }
interface DevicesBody { devices: Device[]; counts: Record<string, number> }

/** The full page, and what the window shows (`-top`): a long table makes the full page too tall to look at. */
async function screenshot(page: Page, name: string): Promise<void> {
  await fullShot(page, name);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}-top.png`) });
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.mouse.move(1, 1); // not hovering what was just clicked
  if (await page.evaluate('typeof window.axe') === 'undefined') await page.evaluate(axeSource); // through the debugger protocol: the app's CSP (rightly) refuses inline scripts
  const result = await page.evaluate(`window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`) as { violations: { id: string; nodes: { target: string[]; html: string; failureSummary?: string }[] }[] };
  return result.violations.map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)} ${n.failureSummary ?? ''}`).join(', ')}`);
}

test('Lifecycle page: counts, filters, refresh opportunity, forecast, policies; company tab', { skip, timeout: 120_000 }, async () => {
  const { api, page, pageErrors, stack } = suite;
  const all = (await api<DevicesBody>('GET', '/api/lifecycle/devices?limit=500')).body;
  assert.ok(all.counts.overdue! > 0 && all.counts.due_soon! > 0, JSON.stringify(all.counts));
  // the company with the most overdue and due-soon devices
  const due = new Map<string, Device[]>();
  for (const d of all.devices) if (d.status === 'overdue' || d.status === 'due_soon') due.set(d.companyId, [...(due.get(d.companyId) ?? []), d]);
  const [companyId, companyDue] = [...due.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  const companyName = companyDue[0]!.companyName;
  const expectedValue = companyDue.reduce((n, d) => n + (d.replacementPrice ?? 0), 0);

  // --- the page from the navigation ------------------------------------------------------------------------
  await page.goto(`${stack.url}/companies`);
  await page.getByRole('link', { name: 'Lifecycle' }).click();
  await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();
  const overdueButton = page.getByRole('button', { name: `Overdue ${all.counts.overdue!.toLocaleString('en-US')} devices` });
  await overdueButton.waitFor();
  await page.getByRole('table', { name: 'Devices' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'lifecycle-1280');

  await overdueButton.click();
  assert.equal(await overdueButton.getAttribute('aria-pressed'), 'true');
  await poll('only overdue rows', async () => {
    const badges = await page.getByRole('table', { name: 'Devices' }).locator('tbody tr').allTextContents();
    return badges.length > 0 && badges.every((t) => t.includes('Overdue')) ? true : undefined;
  });
  await overdueButton.click(); // every status again

  // --- a refresh opportunity for one company --------------------------------------------------------------
  await page.getByRole('combobox', { name: 'Company' }).fill(companyName);
  await page.getByRole('option', { name: companyName, exact: true }).click();
  const create = page.getByRole('button', { name: 'Create opportunity' });
  await poll('create enabled', async () => (await create.isEnabled()) || undefined);
  await page.getByText(`${companyName}: ${companyDue.length} overdue or due-soon device`).waitFor();
  await create.click();
  const dialog = page.getByRole('dialog', { name: 'New opportunity' });
  await dialog.waitFor();
  const title = await dialog.getByLabel('Title').inputValue();
  assert.match(title, new RegExp(`^Replace ${companyDue.length} devices? \\(`));
  assert.equal(Number((await dialog.getByLabel('Estimated value').inputValue()).replace(/[^\d.]/g, '')), Math.round(expectedValue * 100) / 100);
  await screenshot(page, 'lifecycle-opportunity-1280');
  await dialog.getByRole('button', { name: 'Create draft' }).click();
  const created = await poll('the draft', async () => {
    const list = (await api<{ opportunities: { title: string; companyId: string; value: number | null; status: string }[] }>('GET', `/api/opportunities?companyId=${companyId}`)).body.opportunities;
    return list.find((o) => o.title === title);
  });
  assert.equal(created.status, 'draft');
  assert.equal(created.value, Math.round(expectedValue * 100) / 100);
  await page.keyboard.press('Escape');
  await dismissToasts(page);

  // --- forecast ----------------------------------------------------------------------------------------------
  await page.getByRole('tab', { name: 'Forecast' }).click();
  const forecast = page.getByRole('table', { name: 'Replacement forecast by quarter' });
  await forecast.waitFor();
  assert.equal(await forecast.locator('tbody tr').count(), 8);
  await forecast.getByRole('rowheader', { name: 'Total' }).waitFor();
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'lifecycle-forecast-1280');

  // --- policies: an admin changes the laptops' due-soon days and saves ---------------------------------------
  await page.getByRole('tab', { name: 'Policies' }).click();
  const dueSoon = page.getByLabel('Due soon days for Laptop');
  await dueSoon.waitFor();
  await dueSoon.fill('120');
  assert.deepEqual(await axeViolations(page), []);
  await page.getByRole('button', { name: 'Save policies' }).click();
  await page.getByText('Policies saved').waitFor();
  const saved = (await api<{ policies: { type: string; dueSoonDays: number }[]; isDefault: boolean }>('GET', '/api/lifecycle/policies')).body;
  assert.equal(saved.isDefault, false);
  assert.equal(saved.policies.find((p) => p.type === 'Laptop')?.dueSoonDays, 120);
  await dismissToasts(page);
  await screenshot(page, 'lifecycle-policies-1280');

  // --- 390 px ------------------------------------------------------------------------------------------------
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('tab', { name: 'Devices' }).click();
  await page.getByRole('table', { name: 'Devices' }).waitFor();
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as number;
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px (only tables may)`);
  await screenshot(page, 'lifecycle-390');

  // --- the company page's Lifecycle tab ----------------------------------------------------------------------
  await page.goto(`${stack.url}/companies/${companyId}`);
  await page.getByRole('tab', { name: 'Lifecycle' }).click();
  await page.getByRole('table', { name: `Devices of ${companyName}` }).waitFor();
  await page.getByRole('button', { name: 'Create opportunity' }).waitFor();
  await screenshot(page, 'company-lifecycle-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'company-lifecycle-1280');
  assert.deepEqual(pageErrors, []);
});
