import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot, startStack, type Stack } from './harness.js';
import { ADMIN as E2E_ADMIN } from '../helpers/app.js';

/**
 * The built UI and /docs run under the Content-Security-Policy the server sends: every page renders
 * and the browser reports no violation (securitypolicyviolation events and console reports).
 */
const skip = browserSkipReason();
let stack: Stack;
let browser: Browser;

before(async () => {
  if (skip !== false) return;
  stack = await startStack();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stack?.close();
});

async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('__cspViolation', (v: string) => {
    seen.push(v);
  });
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
  });`);
  page.on('console', (m) => {
    if (/content security policy/i.test(m.text())) seen.push(`console: ${m.text()}`);
  });
  return seen;
}

test('the web UI and /docs render under the CSP without a single violation', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const violations = await watchViolations(page);
  const first = await page.goto(stack.url);
  assert.match(String(first?.headers()['content-security-policy']), /script-src 'self'/);
  // First-run setup through the UI: forms, inline styles of Mantine, fetches to /api.
  await page.getByLabel('Email').fill(E2E_ADMIN.email);
  await page.getByLabel('Name').fill(E2E_ADMIN.name);
  await page.getByLabel('Password', { exact: true }).fill(E2E_ADMIN.password);
  await page.getByLabel('Confirm password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: /create/i }).click();
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: 'Companies', exact: true }).waitFor();
  for (const [path, text] of [
    ['/integrations', /IT Glue/], ['/integrations/halo', /HaloPSA/], ['/companies', /Companies/], ['/opportunities', /Opportunities/], ['/users', /admin@msp\.example/],
  ] as const) {
    await page.goto(`${stack.url}${path}`);
    await page.getByText(text).first().waitFor();
  }
  await screenshot(page, 'csp-users');
  await page.goto(`${stack.url}/docs`);
  await page.locator('.swagger-ui .info .title').waitFor();
  await page.getByText('/api/users').first().waitFor();
  await screenshot(page, 'csp-docs');
  assert.deepEqual(violations, []);
  await page.close();
});

test('the app cannot be framed by another site (frame-ancestors none, X-Frame-Options DENY)', { skip }, async () => {
  // Another origin (localhost vs 127.0.0.1) whose page embeds the app.
  const host = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<iframe id="f" src="${stack.url}/" width="400" height="300"></iframe>`);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${(host.address() as AddressInfo).port}/`, { waitUntil: 'load' });
    const frame = await (await page.$('#f'))!.contentFrame();
    // Chromium replaces a refused frame with its error page (an allowed one would show /setup).
    assert.match(frame!.url(), /^chrome-error:/);
    await page.close();
  } finally {
    await new Promise((resolve) => host.close(resolve));
  }
});
