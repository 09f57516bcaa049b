import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ADMIN } from '../helpers/app.js';
import { browserSkipReason, browserSuite, screenshot, setupAdminInPage } from './harness.js';

const skip = browserSkipReason();
const suite = browserSuite();

test('first-run setup → shell → logout → login', { skip }, async () => {
  const page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await setupAdminInPage(page, suite.stack);

  // The app shell: navigation with its sections (Link Companies for admins), and the signed-in user.
  const nav = page.getByRole('navigation');
  for (const name of ['Integrations', 'Link Companies', 'Companies', 'Opportunities', 'Users']) {
    await nav.getByRole('link', { name, exact: true }).waitFor();
  }
  await page.getByText(ADMIN.name).first().waitFor();
  const file = await screenshot(page, 'shell');
  assert.ok(fs.statSync(file).size > 10_000);

  await page.getByRole('button', { name: /log out/i }).click();
  await page.getByRole('button', { name: /sign in/i }).waitFor();
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByText(/wrong email or password/i).waitFor();
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await nav.getByRole('link', { name: 'Companies', exact: true }).waitFor();
  await page.close();
});
