import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import argon2 from 'argon2';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN, bearer, dialects, useTestApp } from '../helpers/app.js';

interface Account { id: string; email: string; name: string; role: 'admin' | 'member'; disabled: boolean; createdAt: string; lastLoginAt: string | null }
interface TokenRow { id: string; name: string; createdAt: string; lastUsedAt: string | null; expiresAt: string | null }
const code = (res: LightMyRequestResponse): string => (res.json() as { error: { code: string } }).error.code;

for (const dialect of dialects()) {
  describe(`Accounts API on ${dialect}: users, tokens, own password`, () => {
    const app = useTestApp({ dialect });
    let adminId: string;
    before(async () => {
      adminId = (((await app.t.inject({ method: 'GET', url: '/api/me', headers: bearer(app.token) })).json()) as { user: { id: string } }).user.id;
    });

    const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string, payload?: unknown, extra: { remoteAddress?: string } = {}) =>
      app.t.inject({ method, url, headers: bearer(token), ...(payload !== undefined ? { payload: payload as never } : {}), ...extra });
    const signIn = (email: string, password: string, remoteAddress = '127.0.0.1') =>
      app.t.inject({ method: 'POST', url: '/api/session', payload: { email, password }, remoteAddress });
    async function createUser(email: string, role: 'admin' | 'member', password = 'a good password'): Promise<Account> {
      const res = await api('POST', '/api/users', app.token, { email, password, role, name: email.split('@')[0] });
      assert.equal(res.statusCode, 201, res.body);
      return (res.json() as { user: Account }).user;
    }
    async function tokenFor(email: string, password = 'a good password'): Promise<string> {
      const login = await signIn(email, password);
      assert.equal(login.statusCode, 200, login.body);
      const cookie = login.cookies.find((c) => c.name === 'cw_session')!.value;
      const csrf = login.cookies.find((c) => c.name === 'cw_csrf')!.value;
      const res = await app.t.inject({ method: 'POST', url: '/api/tokens', cookies: { cw_session: cookie }, headers: { 'x-csrf-token': csrf }, payload: { name: 'cli' } });
      assert.equal(res.statusCode, 201, res.body);
      return (res.json() as { token: string }).token;
    }

    test('GET /api/users lists accounts with disabled, createdAt and lastLoginAt (recorded at sign-in)', async () => {
      const before = (await api('GET', '/api/users', app.token)).json() as { users: Account[] };
      const me = before.users.find((u) => u.email === ADMIN.email)!;
      assert.deepEqual(Object.keys(me).sort(), ['createdAt', 'disabled', 'email', 'id', 'lastLoginAt', 'name', 'role']);
      assert.equal(me.disabled, false);
      assert.ok(!Number.isNaN(Date.parse(me.createdAt)));
      assert.equal(me.lastLoginAt, null);
      assert.equal((await signIn(ADMIN.email, ADMIN.password)).statusCode, 200);
      const after = (await api('GET', '/api/users', app.token)).json() as { users: Account[] };
      const again = after.users.find((u) => u.id === me.id)!;
      assert.ok(again.lastLoginAt !== null && Date.parse(again.lastLoginAt) >= Date.parse(me.createdAt));
    });

    test('PATCH /api/users/:id changes name and role; unknown id → 404, malformed id → 400, empty body → 400', async () => {
      const u = await createUser('patch.me@msp.example', 'member');
      const res = await api('PATCH', `/api/users/${u.id}`, app.token, { name: 'Pat Ch', role: 'admin' });
      assert.equal(res.statusCode, 200, res.body);
      const user = (res.json() as { user: Account }).user;
      assert.equal(user.name, 'Pat Ch');
      assert.equal(user.role, 'admin');
      assert.equal((await api('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', app.token, { name: 'x' })).statusCode, 404);
      const malformed = await api('PATCH', '/api/users/not-a-uuid', app.token, { name: 'x' });
      assert.equal(malformed.statusCode, 400);
      assert.deepEqual((malformed.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.map((i) => i.path), ['params.id']);
      assert.equal((await api('PATCH', `/api/users/${u.id}`, app.token, {})).statusCode, 400);
      assert.equal((await api('DELETE', `/api/users/${u.id}`, app.token)).statusCode, 204);
    });

    test('a member cannot use the admin user routes (403) but can create, list and revoke their own tokens', async () => {
      const m = await createUser('member.one@msp.example', 'member');
      const token = await tokenFor(m.email);
      assert.equal((await api('GET', '/api/users', token)).statusCode, 403);
      assert.equal((await api('PATCH', `/api/users/${m.id}`, token, { role: 'admin' })).statusCode, 403);
      assert.equal((await api('DELETE', `/api/users/${adminId}`, token)).statusCode, 403);
      const created = await api('POST', '/api/tokens', token, { name: 'my script' });
      assert.equal(created.statusCode, 201);
      const { id, token: second } = created.json() as { id: string; token: string };
      assert.ok(id.length > 0 && second.startsWith('cw_'));
      assert.equal((await api('GET', '/api/me', second)).statusCode, 200);
    });

    test('tokens: list shows name, createdAt, lastUsedAt, expiresAt (never the token); revoke → 204 and the token stops working', async () => {
      const created = await api('POST', '/api/tokens', app.token, { name: 'nightly export', expiresAt: '2099-01-31T12:00:00+01:00' });
      assert.equal(created.statusCode, 201, created.body);
      const { id, token } = created.json() as { id: string; token: string };
      let list = (await api('GET', '/api/tokens', app.token)).json() as { tokens: TokenRow[] };
      let row = list.tokens.find((r) => r.id === id)!;
      assert.deepEqual(Object.keys(row).sort(), ['createdAt', 'expiresAt', 'id', 'lastUsedAt', 'name']);
      assert.equal(row.name, 'nightly export');
      assert.equal(row.expiresAt, '2099-01-31T11:00:00.000Z');
      assert.equal(row.lastUsedAt, null);
      assert.ok(!JSON.stringify(list).includes(token), 'the token itself is never listed');
      assert.ok(list.tokens.some((r) => r.name === 'setup'));
      assert.equal((await api('GET', '/api/me', token)).statusCode, 200);
      list = (await api('GET', '/api/tokens', app.token)).json() as { tokens: TokenRow[] };
      row = list.tokens.find((r) => r.id === id)!;
      assert.ok(row.lastUsedAt !== null, 'last use recorded');
      // Another user cannot see or revoke it.
      const other = await createUser('other.member@msp.example', 'member');
      const otherToken = await tokenFor(other.email);
      assert.ok(!((await api('GET', '/api/tokens', otherToken)).json() as { tokens: TokenRow[] }).tokens.some((r) => r.id === id));
      assert.equal((await api('DELETE', `/api/tokens/${id}`, otherToken)).statusCode, 404);
      assert.equal((await api('DELETE', `/api/tokens/${id}`, app.token)).statusCode, 204);
      assert.equal((await api('GET', '/api/me', token)).statusCode, 401);
      assert.equal((await api('DELETE', `/api/tokens/${id}`, app.token)).statusCode, 404);
      assert.equal((await api('DELETE', '/api/tokens/nope', app.token)).statusCode, 400);
    });

    test('tokens: expiresAt must be a future ISO date-time; an expired token answers 401', async () => {
      for (const expiresAt of ['2001-01-01T00:00:00Z', 'tomorrow', 12]) {
        const res = await api('POST', '/api/tokens', app.token, { name: 'x', expiresAt });
        assert.equal(res.statusCode, 400, `expiresAt ${String(expiresAt)}`);
        assert.ok((res.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.some((i) => i.path === 'body.expiresAt'));
      }
      const created = (await api('POST', '/api/tokens', app.token, { name: 'short', expiresAt: new Date(Date.now() + 3_600_000).toISOString() })).json() as { id: string; token: string };
      assert.equal((await api('GET', '/api/me', created.token)).statusCode, 200);
      // Time passes (moved in the database rather than waited for).
      await app.t.store.db.updateTable('api_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', created.id).execute();
      assert.equal((await api('GET', '/api/me', created.token)).statusCode, 401);
    });

    test('disabling a user: their sessions and tokens answer 401, they cannot sign in; enabling restores sign-in', async () => {
      const u = await createUser('to.disable@msp.example', 'member');
      const token = await tokenFor(u.email);
      const login = await signIn(u.email, 'a good password');
      const cookie = login.cookies.find((c) => c.name === 'cw_session')!.value;
      assert.equal((await app.t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie } })).statusCode, 200);
      const res = await api('PATCH', `/api/users/${u.id}`, app.token, { disabled: true });
      assert.equal(res.statusCode, 200);
      assert.equal((res.json() as { user: Account }).user.disabled, true);
      assert.equal((await api('GET', '/api/me', token)).statusCode, 401);
      assert.equal((await app.t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie } })).statusCode, 401);
      const denied = await signIn(u.email, 'a good password');
      assert.equal(denied.statusCode, 403);
      assert.equal(code(denied), 'account_disabled');
      assert.equal((await signIn(u.email, 'not the password')).statusCode, 401, 'a wrong password still says only "wrong"');
      assert.equal((await api('PATCH', `/api/users/${u.id}`, app.token, { disabled: false })).statusCode, 200);
      assert.equal((await signIn(u.email, 'a good password')).statusCode, 200);
      assert.equal((await api('GET', '/api/me', token)).statusCode, 200, 'tokens work again once enabled');
    });

    test('admin password reset: the new password works, the old one does not, old sessions end', async () => {
      const u = await createUser('reset.me@msp.example', 'member');
      const login = await signIn(u.email, 'a good password');
      const cookie = login.cookies.find((c) => c.name === 'cw_session')!.value;
      assert.equal((await api('PATCH', `/api/users/${u.id}`, app.token, { password: 'short' })).statusCode, 400);
      assert.equal((await api('PATCH', `/api/users/${u.id}`, app.token, { password: 'brand new password' })).statusCode, 200);
      assert.equal((await app.t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie } })).statusCode, 401);
      assert.equal((await signIn(u.email, 'a good password')).statusCode, 401);
      assert.equal((await signIn(u.email, 'brand new password')).statusCode, 200);
    });

    test('POST /api/me/password: wrong current password → 400 naming it; right → 204, other sessions end, this one stays', async () => {
      const u = await createUser('self.service@msp.example', 'member');
      const first = await signIn(u.email, 'a good password');
      const second = await signIn(u.email, 'a good password');
      const cookie = (r: LightMyRequestResponse, n: string) => r.cookies.find((c) => c.name === n)!.value;
      const call = (payload: unknown) => app.t.inject({
        method: 'POST', url: '/api/me/password', payload: payload as never,
        cookies: { cw_session: cookie(first, 'cw_session') }, headers: { 'x-csrf-token': cookie(first, 'cw_csrf') },
      });
      const wrong = await call({ currentPassword: 'nope nope', newPassword: 'a better password' });
      assert.equal(wrong.statusCode, 400);
      assert.deepEqual((wrong.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.map((i) => i.path), ['body.currentPassword']);
      assert.equal((await call({ currentPassword: 'a good password', newPassword: 'short' })).statusCode, 400);
      assert.equal((await call({ currentPassword: 'a good password', newPassword: 'a better password' })).statusCode, 204);
      assert.equal((await app.t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie(first, 'cw_session') } })).statusCode, 200);
      assert.equal((await app.t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie(second, 'cw_session') } })).statusCode, 401);
      assert.equal((await signIn(u.email, 'a good password')).statusCode, 401);
      assert.equal((await signIn(u.email, 'a better password')).statusCode, 200);
    });

    test('last enabled admin: cannot be demoted, disabled or deleted (409 last_admin); possible once another admin exists', async () => {
      // The admins created by earlier tests are demoted so that the setup admin is the only enabled one.
      for (const u of ((await api('GET', '/api/users', app.token)).json() as { users: Account[] }).users) {
        if (u.id !== adminId && u.role === 'admin') assert.equal((await api('PATCH', `/api/users/${u.id}`, app.token, { role: 'member' })).statusCode, 200);
      }
      for (const [method, payload] of [['PATCH', { role: 'member' }], ['PATCH', { disabled: true }], ['DELETE', undefined]] as const) {
        const res = await api(method, `/api/users/${adminId}`, app.token, payload);
        assert.equal(res.statusCode, 409, `${method} ${JSON.stringify(payload)}`);
        assert.equal(code(res), 'last_admin');
      }
      assert.equal((await api('PATCH', `/api/users/${adminId}`, app.token, { name: 'Still Ada' })).statusCode, 200, 'other changes are fine');
      // A disabled admin does not count as an administrator.
      const disabledAdmin = await createUser('sleeping.admin@msp.example', 'admin');
      assert.equal((await api('PATCH', `/api/users/${disabledAdmin.id}`, app.token, { disabled: true })).statusCode, 200);
      assert.equal(code(await api('DELETE', `/api/users/${adminId}`, app.token)), 'last_admin');
      const second = await createUser('second.admin@msp.example', 'admin');
      assert.equal((await api('PATCH', `/api/users/${adminId}`, app.token, { role: 'member' })).statusCode, 200);
      const secondToken = await tokenFor(second.email);
      assert.equal((await api('GET', '/api/users', app.token)).statusCode, 403, 'the demoted admin is a member now');
      assert.equal(code(await api('DELETE', `/api/users/${second.id}`, secondToken)), 'last_admin');
      assert.equal((await api('PATCH', `/api/users/${adminId}`, secondToken, { role: 'admin' })).statusCode, 200);
    });

    test('a password hashed with older argon2 parameters still signs in and is rehashed with the current ones', async () => {
      const u = await createUser('legacy.hash@msp.example', 'member');
      const legacy = await argon2.hash('legacy password', { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
      await app.t.store.db.updateTable('users').set({ password_hash: legacy }).where('id', '=', u.id).execute();
      assert.equal((await signIn(u.email, 'legacy password')).statusCode, 200);
      const row = await app.t.store.db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
      assert.match(row.password_hash, /^\$argon2id\$v=19\$m=47104,p=1,t=1\$/);
      assert.equal((await signIn(u.email, 'legacy password')).statusCode, 200);
    });

    test('DELETE /api/users/:id removes the user, their sessions and tokens; the email can be used again', async () => {
      const u = await createUser('leaver@msp.example', 'member');
      const token = await tokenFor(u.email);
      assert.equal((await api('DELETE', `/api/users/${u.id}`, app.token)).statusCode, 204);
      assert.equal((await api('GET', '/api/me', token)).statusCode, 401);
      assert.equal((await api('DELETE', `/api/users/${u.id}`, app.token)).statusCode, 404);
      const tokens = await app.t.store.db.selectFrom('api_tokens').select('id').where('user_id', '=', u.id).execute();
      const sessions = await app.t.store.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute();
      assert.deepEqual([tokens.length, sessions.length], [0, 0]);
      await createUser('leaver@msp.example', 'member');
    });
  });
}
