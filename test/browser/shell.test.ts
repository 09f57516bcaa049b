import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { browserSkipReason, launchBrowser, screenshot, startStack, type Stack } from './harness.js';

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

test('first-run setup → shell → logout → login', { skip }, async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(stack.url);
  await page.getByLabel('Email').fill('admin@msp.example');
  await page.getByLabel('Name').fill('Ada Admin');
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByLabel('Confirm password').fill('correct horse battery');
  await page.getByRole('button', { name: /create/i }).click();

  // The app shell: navigation with the four sections, and the signed-in user.
  const nav = page.getByRole('navigation');
  for (const name of ['Integrations', 'Companies', 'Opportunities', 'Users']) {
    await nav.getByRole('link', { name }).waitFor();
  }
  await page.getByText('Ada Admin').first().waitFor();
  const file = await screenshot(page, 'shell');
  assert.ok(fs.statSync(file).size > 10_000);

  await page.getByRole('button', { name: /log out/i }).click();
  await page.getByRole('button', { name: /sign in/i }).waitFor();
  await page.getByLabel('Email').fill('admin@msp.example');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByText(/wrong email or password/i).waitFor();
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: /sign in/i }).click();
  await nav.getByRole('link', { name: 'Companies' }).waitFor();
  await page.close();
});
