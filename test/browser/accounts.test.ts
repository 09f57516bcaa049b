// Accounts in the browser (issue 12, acceptance 1): an admin creates a user, changes their role, disables them
// (they cannot sign in), resets their password (they sign in with the new one), deletes them; the last
// administrator cannot demote themself (the 409 in words). Then My account: change your own password, create
// and revoke an API token; and a member's navigation shows only what members can use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN } from '../helpers/app.js';
import { expectNoAxeViolations } from './axe.js';
import { browserSkipReason, browserSuite, dismissToasts } from './harness.js';

const skip = browserSkipReason();
const suite = browserSuite({ signedIn: true });
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-admin';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await dismissToasts(page);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** Sign-in through the form in a fresh context; returns the context's page after the attempt. */
async function signInPage(context: BrowserContext, url: string, email: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  return page;
}

const status = async (url: string, email: string, password: string): Promise<number> =>
  (await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })).status;

test('account lifecycle: create, change role, disable, reset password, delete; the last admin is protected', { skip, timeout: 120_000 }, async () => {
  const { page, stack, browser, pageErrors } = suite;
  const bob = { email: 'bob@msp.example', name: 'Bob Builder', password: 'first-password-1' };

  await page.goto(`${stack.url}/users`);
  // The form names what is missing, in words, before asking the server.
  await page.getByRole('button', { name: 'Add user' }).click();
  await page.getByText('Enter the Email').waitFor();
  await page.getByText('Enter a password of at least 8 characters').waitFor();

  await page.getByLabel('Email').fill(bob.email);
  await page.getByLabel('Name').fill(bob.name);
  await page.getByLabel('Password', { exact: true }).fill(bob.password);
  await page.getByLabel('Role').selectOption('member');
  await page.getByRole('button', { name: 'Add user' }).click();
  const table = page.getByRole('table', { name: 'All users' });
  const row = table.getByRole('row').filter({ hasText: bob.email });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Member/);
  assert.match((await row.textContent()) ?? '', /Active/);
  assert.match((await row.textContent()) ?? '', /Never/);
  // Dates are shown, not "—": created now; the admin's last sign-in is known.
  const cells = await row.getByRole('cell').allTextContents();
  assert.ok(cells[4] !== undefined && cells[4] !== '—' && /\d/.test(cells[4]), `Created: ${cells[4]}`);
  const adminRow = table.getByRole('row').filter({ hasText: ADMIN.email });
  const adminCells = await adminRow.getByRole('cell').allTextContents();
  assert.ok(/\d/.test(adminCells[5] ?? ''), `Last sign-in of the admin: ${adminCells[5]}`);
  assert.equal(await status(stack.url, bob.email, bob.password), 200);

  // Change name and role.
  const actions = (email: string) => page.getByRole('button', { name: `Actions for ${email}` });
  await actions(bob.email).click();
  await page.getByRole('menuitem', { name: 'Edit name and role' }).click();
  let dialog = page.getByRole('dialog', { name: `Edit ${bob.email}` });
  await dialog.getByLabel('Name').fill('Robert Builder');
  await dialog.getByLabel('Role').selectOption('admin');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.filter({ hasText: 'Robert Builder' }).filter({ hasText: 'Admin' }).waitFor();

  // Disable: the sign-in is refused, with the reason.
  await actions(bob.email).click();
  await page.getByRole('menuitem', { name: 'Disable' }).click();
  await row.filter({ hasText: 'Disabled' }).waitFor();
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const otherPage = await signInPage(other, stack.url, bob.email, bob.password);
  await otherPage.getByText('This account is disabled; ask an administrator to enable it.').waitFor();
  await other.close();

  // Reset the password, enable: the new one works, the old one does not.
  await actions(bob.email).click();
  await page.getByRole('menuitem', { name: 'Reset password' }).click();
  dialog = page.getByRole('dialog', { name: `Reset the password of ${bob.email}` });
  await dialog.getByLabel('New password').fill('short');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await dialog.getByText('Enter a new password of at least 8 characters').waitFor();
  await dialog.getByLabel('New password').fill('second-password-2');
  await dialog.getByRole('button', { name: 'Set password' }).click();
  await dialog.waitFor({ state: 'detached' });
  await actions(bob.email).click();
  await page.getByRole('menuitem', { name: 'Enable' }).click();
  await row.filter({ hasText: 'Active' }).waitFor();
  const again = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const againPage = await signInPage(again, stack.url, bob.email, 'second-password-2');
  await againPage.getByRole('navigation').getByRole('link', { name: 'Companies', exact: true }).waitFor();
  await again.close();
  assert.equal(await status(stack.url, bob.email, bob.password), 401);
  await page.reload();
  await row.waitFor();
  assert.doesNotMatch((await row.getByRole('cell').allTextContents())[5] ?? '', /Never/);
  await page.setViewportSize({ width: 1280, height: 900 });
  await shot(page, 'users-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  // On a phone: one card per user, nothing scrolling sideways.
  await page.getByRole('list', { name: 'All users' }).waitFor();
  assert.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
  await expectNoAxeViolations(page, 'Users at 390 px');
  await shot(page, 'users-390');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Delete.
  await actions(bob.email).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  dialog = page.getByRole('dialog', { name: `Delete ${bob.email}?` });
  await dialog.getByRole('button', { name: 'Delete user' }).click();
  await dialog.waitFor({ state: 'detached' });
  await row.waitFor({ state: 'detached' });
  assert.equal(await status(stack.url, bob.email, 'second-password-2'), 401);

  // The last administrator: deleting yourself is not offered; demoting yourself is refused, in words.
  await actions(ADMIN.email).click();
  assert.equal(await page.getByRole('menuitem', { name: 'Delete' }).isDisabled(), true);
  await page.getByRole('menuitem', { name: 'Edit name and role' }).click();
  dialog = page.getByRole('dialog', { name: `Edit ${ADMIN.email}` });
  await dialog.getByLabel('Role').selectOption('member');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await dialog.getByText('This is the last enabled administrator: make another user an administrator first.').waitFor();
  await shot(page, 'users-last-admin-1280');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  const me = (await suite.api<{ users: { email: string; role: string }[] }>('GET', '/api/users')).body.users.find((u) => u.email === ADMIN.email);
  assert.equal(me?.role, 'admin');
  assert.deepEqual(pageErrors, []);
});

test('My account: change your own password, create and revoke an API token; a member sees only what members use', { skip, timeout: 90_000 }, async () => {
  const { stack, browser, api } = suite;
  const mia = { email: 'mia@msp.example', name: 'Mia Member', password: 'member-password-1' };
  assert.equal((await api('POST', '/api/users', { ...mia, role: 'member' })).status, 201);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signInPage(context, stack.url, mia.email, mia.password);
  const nav = page.getByRole('navigation');
  await nav.getByRole('link', { name: 'Companies', exact: true }).waitFor();
  const links = (await nav.getByRole('link').allTextContents()).map((t) => t.trim());
  assert.deepEqual(links, ['Companies', 'Opportunities', 'Lifecycle', 'My account']);

  await nav.getByRole('link', { name: 'My account' }).click();
  await page.getByRole('heading', { name: 'My account' }).waitFor();
  await page.getByText(mia.email).waitFor();
  // A wrong current password is named in words.
  await page.getByLabel('Current password').fill('not-my-password');
  await page.getByLabel('New password', { exact: true }).fill('member-password-2');
  await page.getByLabel('Confirm new password').fill('member-password-2');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('This is not your current password').waitFor();
  await page.getByText('Check the Current password field.').waitFor();
  await page.getByLabel('Current password').fill(mia.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your other sessions were signed out.').waitFor();
  assert.equal(await status(stack.url, mia.email, 'member-password-2'), 200);

  // A token: shown once, listed, works, revoked.
  await page.getByLabel('Token name').fill('Reporting script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())?.trim() ?? '';
  assert.ok(token.length > 20);
  const tokens = page.getByRole('table', { name: 'API tokens' });
  await tokens.getByRole('row').filter({ hasText: 'Reporting script' }).waitFor();
  const asToken = await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(asToken.status, 200);
  await shot(page, 'account-1280');
  await page.setViewportSize({ width: 390, height: 844 });
  await expectNoAxeViolations(page, 'My account at 390 px');
  await shot(page, 'account-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  await expectNoAxeViolations(page, 'My account');
  await page.getByRole('button', { name: 'Revoke Reporting script' }).click();
  await tokens.waitFor({ state: 'detached' });
  await page.getByText('No API tokens').waitFor();
  assert.equal((await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status, 401);
  await context.close();
});
