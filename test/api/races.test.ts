import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { THROTTLE } from '../../src/server/auth.js';
import { createUsersRepo } from '../../src/store/repos/users.js';
import { ADMIN, bearer, createTestApp, dialects, setupAdmin, type TestApp } from '../helpers/app.js';

const tally = (responses: LightMyRequestResponse[]): Record<number, number> => {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
};
const codeOf = (r: LightMyRequestResponse): string => (r.json() as { error: { code: string } }).error.code;

for (const dialect of dialects()) {
  describe(`account races on ${dialect}`, () => {
    let t: TestApp;
    let admin: string;
    before(async () => {
      t = await createTestApp({ dialect });
      admin = await setupAdmin(t);
    });
    after(async () => t.close());

    test('20 parallel POST /api/users with one email → 1 × 201 and 19 × 409 email_taken', async () => {
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => t.inject({
        method: 'POST', url: '/api/users', headers: bearer(admin),
        payload: { email: 'Race.Twenty@msp.example', password: `password number ${i}`, role: 'member' },
      })));
      assert.deepEqual(tally(responses), { 201: 1, 409: 19 });
      for (const r of responses.filter((x) => x.statusCode === 409)) assert.equal(codeOf(r), 'email_taken');
      const rows = await t.store.db.selectFrom('users').select('id').where('email', '=', 'race.twenty@msp.example').execute();
      assert.equal(rows.length, 1);
    });

    test('10 parallel setups on a fresh database → exactly one 201, the rest 409 setup_already_done', async () => {
      const fresh = await createTestApp({ dialect });
      try {
        const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => fresh.inject({
          method: 'POST', url: '/api/setup', payload: { email: `first${i}@msp.example`, password: 'first password' },
        })));
        assert.deepEqual(tally(responses), { 201: 1, 409: 9 });
        const users = await fresh.store.db.selectFrom('users').select('id').execute();
        const workspaces = await fresh.store.db.selectFrom('workspaces').select('id').execute();
        assert.deepEqual([users.length, workspaces.length], [1, 1]);
      } finally {
        await fresh.close();
      }
    });

    test(`60 parallel wrong logins from one address → at most ${THROTTLE.accountAtAddress.free} checked (401), the rest 429; the right password from another address still works`, async () => {
      const email = 'victim@msp.example';
      const created = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(admin), payload: { email, password: 'the right password', role: 'member' } });
      assert.equal(created.statusCode, 201);
      const attacker = '198.51.100.7';
      const responses = await Promise.all(Array.from({ length: 60 }, (_, i) => t.inject({
        method: 'POST', url: '/api/session', remoteAddress: attacker, payload: { email, password: `guess ${i}` },
      })));
      const counts = tally(responses);
      assert.equal(counts[401], THROTTLE.accountAtAddress.free, `checked: ${JSON.stringify(counts)}`);
      assert.equal(counts[429], 60 - THROTTLE.accountAtAddress.free);
      for (const r of responses.filter((x) => x.statusCode === 429)) {
        assert.equal(codeOf(r), 'too_many_attempts');
        assert.ok(Number(r.headers['retry-after']) >= 1);
      }
      // The throttled address is refused even with the right password …
      const same = await t.inject({ method: 'POST', url: '/api/session', remoteAddress: attacker, payload: { email, password: 'the right password' } });
      assert.equal(same.statusCode, 429);
      // … while the user, from their own address, signs in.
      const user = await t.inject({ method: 'POST', url: '/api/session', remoteAddress: '203.0.113.20', payload: { email, password: 'the right password' } });
      assert.equal(user.statusCode, 200, user.body);
    });

    test('the pause is a backoff: once it has passed, one more attempt is checked and the next pause is twice as long', async () => {
      const email = 'backoff@msp.example';
      await t.inject({ method: 'POST', url: '/api/users', headers: bearer(admin), payload: { email, password: 'the right password', role: 'member' } });
      const from = '198.51.100.99';
      const attempt = (password: string) => t.inject({ method: 'POST', url: '/api/session', remoteAddress: from, payload: { email, password } });
      for (let i = 0; i < THROTTLE.accountAtAddress.free; i++) assert.equal((await attempt(`wrong ${i}`)).statusCode, 401);
      const paused = await attempt('wrong again');
      assert.equal(paused.statusCode, 429);
      const first = Number(paused.headers['retry-after']);
      assert.ok(first >= 1 && first <= THROTTLE.accountAtAddress.baseMs / 1000, `first pause ${first}s`);
      // Let the pause pass (moved in the database rather than waited for).
      const key = `user:${email}@ip:${from}`;
      await t.store.db.updateTable('login_attempts').set({ blocked_until: new Date(Date.now() - 1).toISOString() }).where('key', '=', key).execute();
      assert.equal((await attempt('wrong once more')).statusCode, 401, 'checked again after the pause');
      const next = await attempt('and again');
      assert.equal(next.statusCode, 429);
      assert.ok(Number(next.headers['retry-after']) > first, `second pause ${String(next.headers['retry-after'])}s > ${first}s`);
      // The right password after the pause ends the streak.
      await t.store.db.updateTable('login_attempts').set({ blocked_until: new Date(Date.now() - 1).toISOString() }).where('key', '=', key).execute();
      assert.equal((await attempt('the right password')).statusCode, 200);
      assert.equal(await t.store.db.selectFrom('login_attempts').select('key').where('key', '=', key).executeTakeFirst(), undefined);
    });

    test('two admins demoting each other at the same time over the API: one succeeds, one enabled admin remains', async () => {
      const fresh = await createTestApp({ dialect });
      try {
        const first = await setupAdmin(fresh);
        const second = await fresh.inject({ method: 'POST', url: '/api/users', headers: bearer(first), payload: { email: 'second@msp.example', password: 'second password', role: 'admin' } });
        const secondToken = await tokenOf(fresh, 'second@msp.example', 'second password');
        const ids = ((await fresh.inject({ method: 'GET', url: '/api/users', headers: bearer(first) })).json() as { users: { id: string; email: string }[] }).users;
        const firstId = ids.find((u) => u.email !== 'second@msp.example')!.id;
        const secondId = (second.json() as { user: { id: string } }).user.id;
        const [a, b] = await Promise.all([
          fresh.inject({ method: 'PATCH', url: `/api/users/${secondId}`, headers: bearer(first), payload: { role: 'member' } }),
          fresh.inject({ method: 'PATCH', url: `/api/users/${firstId}`, headers: bearer(secondToken), payload: { disabled: true } }),
        ]);
        // The loser is refused by the guard (409) or, when the winner committed before its request
        // was authorized, as a non-admin (403).
        const statuses = [a.statusCode, b.statusCode].sort();
        assert.equal(statuses[0], 200, `${a.body} / ${b.body}`);
        assert.ok(statuses[1] === 409 || statuses[1] === 403, `${a.body} / ${b.body}`);
        const admins = await fresh.store.db.selectFrom('users').select('id').where('role', '=', 'admin').where('disabled', '=', 0).execute();
        assert.equal(admins.length, 1);
      } finally {
        await fresh.close();
      }
    });

    test('the last-admin guard is atomic: parallel demotions of every admin leave exactly one (10 rounds)', async () => {
      const users = createUsersRepo(t.store.db);
      const me = (await users.byEmail(ADMIN.email))!;
      for (let round = 0; round < 10; round++) {
        const others = await Promise.all([1, 2, 3].map((i) => users.create({ workspaceId: me.workspaceId, email: `r${round}a${i}@msp.example`, name: 'A', role: 'admin', passwordHash: 'x' })));
        const admins = (await users.list(me.workspaceId)).filter((u) => u.role === 'admin' && !u.disabled);
        assert.equal(admins.length, 4);
        const results = await Promise.all(admins.map((u, i) => users.update(me.workspaceId, u.id, i % 2 === 0 ? { role: 'member' } : { disabled: true })));
        assert.equal(results.filter((r) => r === 'last_admin').length, 1, `round ${round}: ${JSON.stringify(results.map((r) => (typeof r === 'string' ? r : 'ok')))}`);
        const left = (await users.list(me.workspaceId)).filter((u) => u.role === 'admin' && !u.disabled);
        assert.equal(left.length, 1);
        // Back to the setup admin alone, for the next round.
        const survivor = left[0]!;
        if (survivor.id !== me.id) {
          assert.notEqual(await users.update(me.workspaceId, me.id, { role: 'admin', disabled: false }), 'last_admin');
          assert.notEqual(await users.remove(me.workspaceId, survivor.id), 'last_admin');
        }
        for (const o of others) if (o !== null && o.id !== survivor.id) assert.equal(await users.remove(me.workspaceId, o.id), 'deleted');
      }
    });
  });
}

async function tokenOf(t: TestApp, email: string, password: string): Promise<string> {
  const login = await t.inject({ method: 'POST', url: '/api/session', payload: { email, password } });
  const cookie = login.cookies.find((c) => c.name === 'cw_session')!.value;
  const csrf = login.cookies.find((c) => c.name === 'cw_csrf')!.value;
  const res = await t.inject({ method: 'POST', url: '/api/tokens', cookies: { cw_session: cookie }, headers: { 'x-csrf-token': csrf }, payload: { name: 'race' } });
  return (res.json() as { token: string }).token;
}
