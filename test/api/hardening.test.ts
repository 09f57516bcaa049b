import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { loadConfig, ConfigError } from '../../src/config.js';
import { definitionOf } from '../../src/integrations/registry.js';
import { settingsBodySchema } from '../../src/integrations/settings.js';
import { openDatabase } from '../../src/store/db.js';
import { ADMIN, bearer, createTestApp, dialects, setupAdmin, type TestApp } from '../helpers/app.js';

interface Envelope { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[] } } }
const issuePaths = (body: string): string[] => ((JSON.parse(body) as Envelope).error.details?.issues ?? []).map((i) => i.path);

/** A local HTTP server that only counts what reaches it: no vendor call may happen for refused settings. */
async function countingServer(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    n++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => n, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const BAD = { nul: 'abc\u0000def', surrogate: 'abc\ud800def', lowSurrogate: '\udc00' } as const;

for (const dialect of dialects()) {
  describe(`integration settings with NUL or unpaired surrogates on ${dialect}: 400 on Test and Save, nothing stored, nothing sent`, () => {
    let t: TestApp;
    let admin: string;
    let vendor: Awaited<ReturnType<typeof countingServer>>;
    before(async () => {
      t = await createTestApp({ dialect });
      admin = await setupAdmin(t);
      vendor = await countingServer();
    });
    after(async () => {
      await t.close();
      await vendor.close();
    });

    const bodies = () => ({
      itglue: { baseUrl: vendor.url, apiKey: 'ITG.key', activeStatusNames: ['Active'] } as Record<string, unknown>,
      halo: { resourceServerUrl: `${vendor.url}/api`, authorizationServerUrl: `${vendor.url}/auth`, tenant: 'acme', clientId: 'client', clientSecret: 'secret', pullTickets: true, opportunityExport: false } as Record<string, unknown>,
    });

    for (const kind of ['itglue', 'halo'] as const) {
      test(`${kind}: every text field`, async () => {
        const fields = Object.entries(bodies()[kind]).filter(([, v]) => typeof v === 'string' || Array.isArray(v)).map(([k]) => k);
        let checked = 0;
        for (const field of fields) {
          for (const [what, value] of Object.entries(BAD)) {
            const body = bodies()[kind];
            body[field] = Array.isArray(body[field]) ? ['Active', value] : value;
            const expected = Array.isArray(bodies()[kind][field]) ? `body.${field}.1` : `body.${field}`;
            for (const [method, url] of [['POST', `/api/integrations/${kind}/test`], ['PUT', `/api/integrations/${kind}`]] as const) {
              const res = await t.inject({ method, url, headers: bearer(admin), payload: body });
              assert.equal(res.statusCode, 400, `${method} ${url} ${field} ${what}: ${res.body}`);
              assert.equal((res.json() as Envelope).error.code, 'invalid_request');
              assert.deepEqual(issuePaths(res.body), [expected], `${method} ${field} ${what}`);
              checked++;
            }
          }
        }
        assert.equal(checked, fields.length * Object.keys(BAD).length * 2);
        const stored = await t.store.db.selectFrom('integrations').selectAll().execute();
        assert.deepEqual(stored, [], 'nothing stored');
        assert.equal(vendor.hits(), 0, 'no request reached the vendor');
        const list = (await t.inject({ method: 'GET', url: '/api/integrations', headers: bearer(admin) })).json() as { integrations: { kind: string; configured: boolean }[] };
        assert.equal(list.integrations.find((i) => i.kind === kind)?.configured, false);
      });
    }

    test('the settings schemas refuse such values themselves (for paths that do not come through HTTP)', () => {
      const halo = settingsBodySchema(definitionOf('halo')!, { allowInsecureHttp: true });
      const itglue = settingsBodySchema(definitionOf('itglue')!, { allowInsecureHttp: true });
      for (const value of Object.values(BAD)) {
        for (const [schema, field, body] of [
          [halo, 'resourceServerUrl', { ...bodies().halo, resourceServerUrl: `http://h.example/${value}` }],
          [halo, 'clientSecret', { ...bodies().halo, clientSecret: value }],
          [halo, 'tenant', { ...bodies().halo, tenant: value }],
          [halo, 'clientId', { ...bodies().halo, clientId: `id${value}` }],
          [itglue, 'baseUrl', { ...bodies().itglue, baseUrl: `http://h.example/${value}` }],
          [itglue, 'apiKey', { ...bodies().itglue, apiKey: value }],
        ] as const) {
          const r = schema.safeParse(body);
          assert.equal(r.success, false, `${field} ${JSON.stringify(value)}`);
          assert.deepEqual(r.error!.issues.map((i) => i.path.join('.')), [field]);
        }
      }
    });
  });
}

describe('edge: NUL and surrogates in ids, queries and sign-in never reach the database', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await createTestApp({ dialect: dialects().at(-1) });
    admin = await setupAdmin(t);
  });
  after(async () => t.close());

  test('each answers 400 naming the field', async () => {
    const cases: [string, InjectOptions, string][] = [
      ['sign-in email', { method: 'POST', url: '/api/session', payload: { email: `a${BAD.nul}@x.example`, password: 'x' } }, 'body.email'],
      ['sign-in password', { method: 'POST', url: '/api/session', payload: { email: 'a@x.example', password: BAD.surrogate } }, 'body.password'],
      ['token name', { method: 'POST', url: '/api/tokens', headers: bearer(admin), payload: { name: BAD.nul } }, 'body.name'],
      ['sync run id', { method: 'GET', url: '/api/sync-runs/%00', headers: bearer(admin) }, 'params.id'],
      ['company id', { method: 'GET', url: '/api/companies/1%002', headers: bearer(admin) }, 'params.id'],
      ['tickets cursor', { method: 'GET', url: '/api/companies/1/tickets?cursor=%00', headers: bearer(admin) }, 'query.cursor'],
      ['notification id', { method: 'POST', url: '/api/notifications/%00/read', headers: bearer(admin) }, 'params.id'],
      ['rejection', { method: 'PUT', url: '/api/integrations/halo/links/rejections', headers: bearer(admin), payload: { itglueId: '1', psaId: BAD.nul } }, 'body.psaId'],
      ['field name', { method: 'POST', url: '/api/integrations/halo/links/automap', headers: { ...bearer(admin), 'content-type': 'application/json' }, payload: '{"x\\u0000":1}' }, 'body."x\\u0000"'],
    ];
    for (const [name, req, field] of cases) {
      const res = await t.inject(req);
      assert.equal(res.statusCode, 400, `${name}: ${res.body}`);
      assert.deepEqual(issuePaths(res.body), [field], name);
    }
  });

  test('POST /api/setup after setup: 409 whatever the body (even unparsable), before any hashing', async () => {
    for (const payload of ['{not json', JSON.stringify({ email: 'x' }), JSON.stringify({ email: 'a@b.example', password: 'long enough password' })]) {
      const res = await t.inject({ method: 'POST', url: '/api/setup', headers: { 'content-type': 'application/json' }, payload });
      assert.equal(res.statusCode, 409, payload);
      assert.equal((res.json() as Envelope).error.code, 'setup_already_done');
    }
  });
});

describe('error envelope for what Fastify and Node raise themselves', () => {
  let t: TestApp;
  let port: number;
  before(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  after(async () => t.close());

  /** One raw HTTP exchange on a fresh connection; the answer's status and JSON body. */
  function raw(text: string): Promise<{ status: number; body: unknown; head: string }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
      let out = '';
      socket.setEncoding('latin1');
      socket.on('data', (d: string) => {
        out += d;
      });
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = ''] = out.split('\r\n\r\n');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
        let parsed: unknown = body;
        try {
          parsed = JSON.parse(body);
        } catch { /* keep text */ }
        resolve({ status, body: parsed, head });
      });
      socket.setTimeout(5000, () => socket.destroy());
    });
  }
  const isEnvelope = (b: unknown, code: string): boolean =>
    typeof b === 'object' && b !== null && (b as Envelope).error?.code === code && typeof (b as Envelope).error.message === 'string';

  test('bad %-encoding → 400 invalid_request naming the url; path parameter over 100 characters → 414', async () => {
    for (const url of ['/api/sync-runs/%E0%A4%A', '/api/sync-runs/%ED%A0%80', '/api/companies/%ZZ/tickets']) {
      const r = await raw(`GET ${url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      assert.equal(r.status, 400, url);
      assert.ok(isEnvelope(r.body, 'invalid_request'), JSON.stringify(r.body));
      assert.deepEqual((r.body as Envelope).error.details?.issues?.map((i) => i.path), ['url']);
    }
    const long = await raw(`GET /api/sync-runs/${'a'.repeat(101)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(long.status, 414);
    assert.ok(isEnvelope(long.body, 'uri_too_long'), JSON.stringify(long.body));
  });

  test('oversized headers → 431, a malformed request → 400, a NUL in a header → 400, all in the envelope', async () => {
    const big = await raw(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(big.status, 431);
    assert.ok(isEnvelope(big.body, 'headers_too_large'), JSON.stringify(big.body));
    const junk = await raw('HELLO THERE\r\n\r\n');
    assert.equal(junk.status, 400);
    assert.ok(isEnvelope(junk.body, 'invalid_request'));
    const nul = await raw(`GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n`);
    assert.equal(nul.status, 400);
    assert.ok(isEnvelope(nul.body, 'invalid_request'));
    const expect = await raw('POST /api/session HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}');
    assert.equal(expect.status, 417);
    assert.ok(isEnvelope(expect.body, 'expectation_failed'));
  });

  test('body errors: invalid JSON, empty JSON body, prototype poisoning, too large, unsupported media type', async () => {
    const post = (headers: Record<string, string>, payload: string) => t.inject({ method: 'POST', url: '/api/session', headers, payload });
    const cases: [Record<string, string>, string, number, string][] = [
      [{ 'content-type': 'application/json' }, '{"email":', 400, 'invalid_request'],
      [{ 'content-type': 'application/json' }, '', 400, 'invalid_request'],
      [{ 'content-type': 'application/json' }, '{"__proto__":{"admin":true}}', 400, 'invalid_request'],
      [{ 'content-type': 'application/json' }, `"${'a'.repeat(3 * 1024 * 1024)}"`, 413, 'payload_too_large'],
      [{ 'content-type': 'application/x-unknown' }, 'x', 415, 'unsupported_media_type'],
    ];
    for (const [headers, payload, status, code] of cases) {
      const res = await post(headers, payload);
      assert.equal(res.statusCode, status, `${payload.slice(0, 30)}: ${res.body.slice(0, 200)}`);
      assert.equal((res.json() as Envelope).error.code, code);
      if (status === 400) assert.ok(((res.json() as Envelope).error.details?.issues ?? []).length > 0);
    }
  });
});

test('a request arriving while the server shuts down gets 503 in the envelope', async () => {
  // A vendor that holds its answer until released keeps request 1 in flight while the server closes.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived: () => void = () => {};
  const reached = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const vendor = http.createServer((_req, res) => {
    arrived();
    void held.then(() => res.writeHead(401, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => vendor.listen(0, '127.0.0.1', resolve));
  const t = await createTestApp();
  try {
    const admin = await setupAdmin(t);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as net.AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      out += d;
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify({ baseUrl: `http://127.0.0.1:${(vendor.address() as net.AddressInfo).port}`, apiKey: 'k' });
    socket.write(`POST /api/integrations/itglue/test HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await reached;
    const closing = t.app.close();
    // server.close() runs after the preClose hooks: from then on new requests are refused.
    while (t.app.server.listening) await new Promise((resolve) => setImmediate(resolve));
    socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    release();
    await closing;
    await new Promise((resolve) => (socket.destroyed ? resolve(null) : socket.once('close', resolve)));
    const statuses = [...out.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [200, 503], out);
    const last = JSON.parse(out.slice(out.lastIndexOf('\r\n\r\n') + 4)) as Envelope;
    assert.equal(last.error.code, 'shutting_down');
  } finally {
    release();
    await t.close();
    await new Promise((resolve) => vendor.close(resolve));
  }
});

describe('security headers, cookies, tokens, files', () => {
  test('every response carries CSP (frame-ancestors none), X-Frame-Options, nosniff and Referrer-Policy; HSTS only on https', async () => {
    const t = await createTestApp();
    const https = await createTestApp({ env: { PUBLIC_URL: 'https://crosswalk.example' } });
    try {
      for (const url of ['/api/health', '/api/nope', '/', '/api/openapi.json']) {
        const res = await t.inject({ method: 'GET', url });
        const csp = String(res.headers['content-security-policy']);
        assert.match(csp, /default-src 'self'/, url);
        assert.match(csp, /frame-ancestors 'none'/, url);
        assert.match(csp, /script-src 'self'(;|$)/, url);
        assert.match(csp, /object-src 'none'/, url);
        assert.doesNotMatch(csp, /upgrade-insecure-requests/, `${url}: plain http deployments must keep loading`);
        assert.equal(res.headers['x-frame-options'], 'DENY', url);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
        assert.equal(res.headers['strict-transport-security'], undefined, url);
      }
      const secure = await https.inject({ method: 'GET', url: '/api/health' });
      assert.match(String(secure.headers['strict-transport-security']), /max-age=\d+/);
      assert.match(String(secure.headers['content-security-policy']), /upgrade-insecure-requests/);
    } finally {
      await t.close();
      await https.close();
    }
  });

  test('sign-out clears both cookies with the attributes they were set with (Secure, HttpOnly, SameSite, Path)', async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: 'https://crosswalk.example' } });
    try {
      await setupAdmin(t);
      const login = await t.inject({ method: 'POST', url: '/api/session', payload: { email: ADMIN.email, password: ADMIN.password } });
      const session = login.cookies.find((c) => c.name === 'cw_session')!;
      const csrf = login.cookies.find((c) => c.name === 'cw_csrf')!;
      const out = await t.inject({ method: 'DELETE', url: '/api/session', cookies: { cw_session: session.value }, headers: { 'x-csrf-token': csrf.value } });
      assert.equal(out.statusCode, 204);
      for (const set of [session, csrf]) {
        const cleared = out.cookies.find((c) => c.name === set.name)!;
        assert.ok(cleared !== undefined, `${set.name} cleared`);
        assert.equal(cleared.value, '');
        assert.ok(cleared.expires !== undefined && cleared.expires.getTime() <= Date.now());
        for (const attr of ['path', 'sameSite', 'secure', 'httpOnly'] as const) assert.equal(cleared[attr], set[attr], `${set.name} ${attr}`);
      }
      assert.equal(session.secure, true);
      assert.equal(session.httpOnly, true);
    } finally {
      await t.close();
    }
  });

  test('the SQLite database, -wal and -shm files are 0600 (also when a file existed with 0644)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-mode-'));
    try {
      const file = path.join(dir, 'data', 'crosswalk.db');
      const store = await openDatabase(file);
      await store.db.insertInto('workspaces').values({ id: 'w', name: 'W', created_at: new Date().toISOString() }).execute();
      const mode = (f: string) => fs.statSync(f).mode & 0o777;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) assert.equal(mode(f).toString(8), '600', f);
      assert.equal(mode(path.dirname(file)).toString(8), '700');
      await store.close();
      const old = path.join(dir, 'old.db');
      fs.writeFileSync(old, '');
      fs.chmodSync(old, 0o644);
      const reopened = await openDatabase(old);
      await reopened.db.insertInto('workspaces').values({ id: 'w', name: 'W', created_at: new Date().toISOString() }).execute();
      for (const f of [old, `${old}-wal`, `${old}-shm`]) assert.equal(mode(f).toString(8), '600', f);
      await reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ports that fetch refuses (1, 6000) are reported as unreachable', async () => {
    const t = await createTestApp();
    try {
      const admin = await setupAdmin(t);
      for (const port of [1, 6000]) {
        const res = await t.inject({ method: 'POST', url: '/api/integrations/itglue/test', headers: bearer(admin), payload: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k' } });
        assert.equal(res.statusCode, 200);
        const body = res.json() as { ok: boolean; error?: { code: string; message: string } };
        assert.equal(body.ok, false);
        assert.equal(body.error?.code, 'unreachable', JSON.stringify(body));
      }
    } finally {
      await t.close();
    }
  });
});

describe('TRUST_PROXY', () => {
  test('parsing: off by default; 1/true = one proxy; a hop count; addresses and CIDRs; nonsense refused', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '0' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'true' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).trustProxy, ['10.0.0.0/8', 'loopback', '::1']);
    for (const bad of ['everyone', '10.0.0.0/99', '300.1.1.1', '10.0.0.1/8/1']) assert.throws(() => loadConfig({ TRUST_PROXY: bad }), ConfigError, bad);
  });

  test('off: X-Forwarded-For is ignored, so a client cannot escape its throttle by forging it', async () => {
    const t = await createTestApp();
    try {
      await setupAdmin(t);
      const attempt = (xff: string, password: string) => t.inject({ method: 'POST', url: '/api/session', headers: { 'x-forwarded-for': xff }, payload: { email: ADMIN.email, password } });
      for (let i = 0; i < 5; i++) assert.equal((await attempt(`203.0.113.${i}`, 'wrong')).statusCode, 401);
      assert.equal((await attempt('203.0.113.99', ADMIN.password)).statusCode, 429);
    } finally {
      await t.close();
    }
  });

  test('on (1): the client address is the one the proxy saw; another client behind the same proxy is not throttled', async () => {
    const t = await createTestApp({ env: { TRUST_PROXY: '1' } });
    try {
      await setupAdmin(t);
      const attempt = (xff: string, password: string) => t.inject({ method: 'POST', url: '/api/session', headers: { 'x-forwarded-for': xff }, payload: { email: ADMIN.email, password } });
      // The first entry is forged by the client; the proxy appended the real address last.
      for (let i = 0; i < 5; i++) assert.equal((await attempt(`10.9.9.${i}, 198.51.100.1`, 'wrong')).statusCode, 401);
      assert.equal((await attempt('10.9.9.200, 198.51.100.1', ADMIN.password)).statusCode, 429);
      assert.equal((await attempt('198.51.100.2', ADMIN.password)).statusCode, 200);
    } finally {
      await t.close();
    }
  });
});
