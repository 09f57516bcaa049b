import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, bearer, createMember, createTestApp, setupAdmin, type TestApp } from '../helpers/app.js';

describe('Process and Accounts', () => {
  let t: TestApp;
  let adminToken: string;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  test('GET /api/health answers ok without auth', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  test('setup status says needed before the first user', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/setup' });
    assert.deepEqual(res.json(), { needed: true });
  });

  test('POST /api/setup with bad fields → 400 envelope listing each bad field', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/setup', payload: { email: 'not-an-email', password: 'short' } });
    assert.equal(res.statusCode, 400);
    const body = res.json() as { error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } };
    assert.equal(body.error.code, 'invalid_request');
    const paths = body.error.details.issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['body.email', 'body.password']);
  });

  test('POST /api/setup creates the admin and returns an API token', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/setup', payload: ADMIN });
    assert.equal(res.statusCode, 201);
    const body = res.json() as { user: { id: string; email: string; name: string; role: string }; token: string };
    assert.equal(body.user.email, ADMIN.email);
    assert.equal(body.user.name, ADMIN.name);
    assert.equal(body.user.role, 'admin');
    assert.ok(body.token.length > 20);
    adminToken = body.token;
    const me = await t.inject({ method: 'GET', url: '/api/me', headers: bearer(adminToken) });
    assert.equal(me.statusCode, 200);
    assert.equal((me.json() as { user: { email: string } }).user.email, ADMIN.email);
    // Tokens are stored hashed.
    const row = await t.store.db.selectFrom('api_tokens').select('token_hash').executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, adminToken);
    assert.ok(!row.token_hash.includes(adminToken));
  });

  test('a second setup → 409 setup_already_done', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/setup', payload: { email: 'other@x.example', password: 'another password' } });
    assert.equal(res.statusCode, 409);
    assert.equal((res.json() as { error: { code: string } }).error.code, 'setup_already_done');
    assert.deepEqual((await t.inject({ method: 'GET', url: '/api/setup' })).json(), { needed: false });
  });

  test('POST /api/session: wrong password → 401; right password → 200 + httpOnly SameSite cookie', async () => {
    const bad = await t.inject({ method: 'POST', url: '/api/session', payload: { email: ADMIN.email, password: 'wrong password' } });
    assert.equal(bad.statusCode, 401);
    assert.equal((bad.json() as { error: { code: string } }).error.code, 'invalid_credentials');
    const ok = await t.inject({ method: 'POST', url: '/api/session', payload: { email: ADMIN.email.toUpperCase(), password: ADMIN.password } });
    assert.equal(ok.statusCode, 200);
    const session = ok.cookies.find((c) => c.name === 'cw_session');
    assert.ok(session !== undefined);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    const csrf = ok.cookies.find((c) => c.name === 'cw_csrf');
    assert.ok(csrf !== undefined && csrf.httpOnly !== true);
  });

  test('cookie-authenticated writes need the CSRF token; DELETE /api/session signs out', async () => {
    const ok = await t.inject({ method: 'POST', url: '/api/session', payload: { email: ADMIN.email, password: ADMIN.password } });
    const cookie = ok.cookies.find((c) => c.name === 'cw_session')!.value;
    const csrf = ok.cookies.find((c) => c.name === 'cw_csrf')!.value;
    const me = await t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie } });
    assert.equal(me.statusCode, 200);
    const noCsrf = await t.inject({ method: 'POST', url: '/api/tokens', cookies: { cw_session: cookie }, payload: { name: 'x' } });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal((noCsrf.json() as { error: { code: string } }).error.code, 'csrf_failed');
    const withCsrf = await t.inject({ method: 'POST', url: '/api/tokens', cookies: { cw_session: cookie }, headers: { 'x-csrf-token': csrf }, payload: { name: 'x' } });
    assert.equal(withCsrf.statusCode, 201);
    const out = await t.inject({ method: 'DELETE', url: '/api/session', cookies: { cw_session: cookie }, headers: { 'x-csrf-token': csrf } });
    assert.equal(out.statusCode, 204);
    const after = await t.inject({ method: 'GET', url: '/api/me', cookies: { cw_session: cookie } });
    assert.equal(after.statusCode, 401);
  });

  test('POST /api/tokens gives a token that authenticates as its user', async () => {
    const res = await t.inject({ method: 'POST', url: '/api/tokens', headers: bearer(adminToken), payload: { name: 'script' } });
    assert.equal(res.statusCode, 201);
    const token = (res.json() as { token: string }).token;
    const me = await t.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
    assert.equal((me.json() as { user: { email: string } }).user.email, ADMIN.email);
    const bad = await t.inject({ method: 'GET', url: '/api/me', headers: bearer(`${token}x`) });
    assert.equal(bad.statusCode, 401);
  });

  test('POST /api/users (admin) creates a member; a member cannot create users (403); duplicate email → 409', async () => {
    const memberToken = await createMember(t, adminToken);
    const me = await t.inject({ method: 'GET', url: '/api/me', headers: bearer(memberToken) });
    assert.equal((me.json() as { user: { role: string } }).user.role, 'member');
    const denied = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(memberToken), payload: { email: 'x@y.example', password: 'password123', role: 'admin' } });
    assert.equal(denied.statusCode, 403);
    const dup = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(adminToken), payload: { email: 'member@msp.example', password: 'password123', role: 'member' } });
    assert.equal(dup.statusCode, 409);
    const badRole = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(adminToken), payload: { email: 'r@y.example', password: 'password123', role: 'owner' } });
    assert.equal(badRole.statusCode, 400);
    assert.ok((badRole.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.some((i) => i.path === 'body.role'));
  });

  test('login throttling: after 5 failures from one address the account pauses there (429 + Retry-After)', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.inject({ method: 'POST', url: '/api/session', payload: { email: 'member@msp.example', password: `wrong ${i}` } });
      assert.equal(r.statusCode, 401);
    }
    const locked = await t.inject({ method: 'POST', url: '/api/session', payload: { email: 'member@msp.example', password: 'member password 1' } });
    assert.equal(locked.statusCode, 429);
    assert.equal((locked.json() as { error: { code: string } }).error.code, 'too_many_attempts');
    assert.ok(Number(locked.headers['retry-after']) > 0);
  });

  test('malformed JSON and unknown routes answer with the envelope', async () => {
    const bad = await t.inject({ method: 'POST', url: '/api/session', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { error: { code: string } }).error.code, 'invalid_request');
    const missing = await t.inject({ method: 'GET', url: '/api/nope' });
    assert.equal(missing.statusCode, 404);
    assert.equal((missing.json() as { error: { code: string } }).error.code, 'not_found');
  });

  test('OpenAPI document lists the contract paths; /docs serves HTML', async () => {
    const res = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    assert.match(doc.openapi, /^3\./);
    for (const p of ['/api/setup', '/api/session', '/api/users', '/api/tokens', '/api/me', '/api/integrations', '/api/companies', '/api/sync-runs/{id}']) {
      assert.ok(p in doc.paths, `${p} in OpenAPI`);
    }
    const docs = await t.inject({ method: 'GET', url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.match(String(docs.headers['content-type']), /html/);
  });
});
