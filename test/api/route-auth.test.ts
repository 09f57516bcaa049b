import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { installRouteTable } from '../../src/server/app.js';
import { bearer, createMember, createTestApp, setupAdmin, type TestApp } from '../helpers/app.js';

/**
 * Walks EVERY registered /api route (the table is filled by an onRoute hook, so routes added later are
 * covered without anyone remembering them): anonymous → 401 unless public; member → 403 on admin routes.
 */
let t: TestApp;
let memberToken: string;
before(async () => {
  t = await createTestApp();
  const admin = await setupAdmin(t);
  memberToken = await createMember(t, admin);
});
after(async () => t.close());

const fill = (url: string) => url.replace(/:kind/g, 'halo').replace(/:[a-zA-Z]+/g, 'x1');

test('every /api route declares its access and is enforced', async () => {
  const routes = t.app.routeTable;
  assert.ok(routes.length >= 20, `expected the full route table, got ${routes.length}`);
  let checked = 0;
  for (const r of routes) {
    const url = fill(r.url);
    const anon = await t.inject({ method: r.method as 'GET', url, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
    if (r.access === 'public') {
      assert.notEqual(anon.statusCode, 401, `${r.method} ${r.url} is public`);
    } else {
      assert.equal(anon.statusCode, 401, `${r.method} ${r.url} anonymous → 401 (got ${anon.statusCode})`);
      assert.equal((anon.json() as { error: { code: string } }).error.code, 'unauthenticated');
    }
    const asMember = await t.inject({ method: r.method as 'GET', url, headers: bearer(memberToken), payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
    if (r.access === 'admin') {
      assert.equal(asMember.statusCode, 403, `${r.method} ${r.url} member → 403 (got ${asMember.statusCode})`);
    } else {
      assert.notEqual(asMember.statusCode, 403, `${r.method} ${r.url} member allowed`);
      assert.notEqual(asMember.statusCode, 401, `${r.method} ${r.url} member authenticated`);
    }
    assert.ok(asMember.statusCode < 500, `${r.method} ${r.url} member → no 5xx (got ${asMember.statusCode}: ${asMember.body})`);
    checked++;
  }
  assert.equal(checked, routes.length);
});

test('a route without an access declaration cannot be registered', async () => {
  const fresh = Fastify();
  installRouteTable(fresh);
  fresh.get('/api/declared', { config: { access: 'user' } }, async () => ({}));
  assert.throws(() => fresh.get('/api/undeclared', async () => ({})), /declares no access/);
  assert.deepEqual(fresh.routeTable, [{ method: 'GET', url: '/api/declared', access: 'user' }]);
  await fresh.close();
});
