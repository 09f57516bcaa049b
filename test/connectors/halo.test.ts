/**
 * Halo connector against tiny local fake servers (one per test, port 0, always closed).
 */
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, describe, it } from 'node:test';
import type { HttpEvent } from '../../src/connectors/http/client.js';
import { createHaloConnector, effectiveRateLimit, type HaloConnectorOptions } from '../../src/connectors/halo/index.js';
import { resolveTokenEndpoint } from '../../src/connectors/halo/auth.js';
import { freePort, startServer } from '../helpers/http.js';
import { drain } from '../helpers/streams.js';

// ------------------------------------------------------------------------------------------------
// fake server

interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}
type Handler = (req: FakeRequest) => Reply | Promise<Reply>;

interface Fake {
  url: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

const servers: Fake[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function startFake(handler: Handler): Promise<Fake> {
  const requests: FakeRequest[] = [];
  const srv = await startServer(async (req, res, body) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const fr: FakeRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, url: req.url ?? '/', headers: req.headers, body };
    requests.push(fr);
    const r = await handler(fr);
    if (r.delayMs !== undefined) await new Promise((ok) => setTimeout(ok, r.delayMs));
    const headers: Record<string, string> = { ...r.headers };
    let payload = '';
    if (r.json !== undefined) {
      payload = JSON.stringify(r.json);
      headers['content-type'] ??= 'application/json; charset=utf-8';
    } else if (r.text !== undefined) {
      payload = r.text;
      headers['content-type'] ??= 'text/plain';
    }
    res.writeHead(r.status ?? 200, headers);
    res.end(payload);
  });
  const fake: Fake = { url: srv.url, requests, close: srv.close };
  servers.push(fake);
  return fake;
}

// ------------------------------------------------------------------------------------------------
// a mini Halo

const SECRET = 'S3cret-Value-xyz';

interface MiniOptions {
  clients?: number;
  tickets?: number;
  /** page size cap per list */
  cap?: number;
  /** echo page_no / page_size */
  echo?: boolean;
  /** pages ≥ this number repeat page 1 */
  repeatFrom?: number;
  /** record_count over-announces by this many */
  announceExtra?: number;
  scope?: string;
  expiresIn?: number;
  latencyMs?: number;
  tokenDelayMs?: number;
  /** per-path status overrides, e.g. {'/api/tickets': 403} */
  deny?: Record<string, number>;
  /** every token becomes invalid after this many API calls with it */
  tokenUses?: number;
  /** when the API call count reaches this, every token issued so far is voided (once) */
  voidAfterCalls?: number;
  ticketTypes?: unknown[];
  ticket?: (i: number) => Record<string, unknown>;
}

function miniHalo(o: MiniOptions = {}) {
  const state = { tokens: new Map<string, number>(), tokenCount: 0, apiCount: 0, posts: [] as unknown[] };
  const cap = o.cap ?? 1000;
  const clients = Array.from({ length: o.clients ?? 3 }, (_, i) => ({ id: i + 1, name: `Client ${i + 1}`, inactive: false }));
  const tickets = Array.from({ length: o.tickets ?? 5 }, (_, i) =>
    o.ticket ? o.ticket(i) : { id: i + 1, summary: `T${i + 1}`, client_id: 1, status_id: 1, hasbeenclosed: i % 2 === 1, last_update: '2024-06-20T14:45:17' },
  );
  const types = o.ticketTypes ?? [
    { id: 36, name: 'General', use: 'tickets' },
    { id: 41, name: 'New Business Opportunity', use: 'opps' },
  ];

  const page = (all: unknown[], q: URLSearchParams, key: string, pageCap: number): Reply => {
    if (q.get('pageinate') !== 'true') return { json: { record_count: all.length, [key]: all.slice(0, 50) } };
    const size = Math.min(Number(q.get('page_size') ?? 50), pageCap);
    const no = Number(q.get('page_no') ?? 1);
    const eff = o.repeatFrom !== undefined && no >= o.repeatFrom ? 1 : no;
    const rows = all.slice((eff - 1) * size, eff * size);
    const body: Record<string, unknown> = { record_count: all.length + (o.announceExtra ?? 0), [key]: rows };
    if (o.echo !== false) Object.assign(body, { page_no: no, page_size: size });
    return { json: body };
  };

  const handler: Handler = (req) => {
    const p = req.path.toLowerCase();
    if (p === '/auth/token' && req.method === 'POST') {
      state.tokenCount++;
      const form = new URLSearchParams(req.body);
      if (form.get('client_secret') !== SECRET) return { status: 401, json: { error: 'invalid_client' } };
      const token = `tok-${state.tokenCount}`;
      state.tokens.set(token, 0);
      return {
        delayMs: o.tokenDelayMs,
        json: { token_type: 'Bearer', access_token: token, expires_in: o.expiresIn ?? 3600, scope: o.scope ?? 'all' },
      };
    }
    if (!p.startsWith('/api/')) return { status: 404, text: 'nope' };
    state.apiCount++;
    if (o.voidAfterCalls !== undefined && state.apiCount === o.voidAfterCalls) state.tokens.clear();
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const uses = token === undefined ? undefined : state.tokens.get(token);
    if (uses === undefined || (o.tokenUses !== undefined && uses >= o.tokenUses)) return { status: 401, text: '', headers: { 'www-authenticate': 'Bearer' } };
    state.tokens.set(token as string, uses + 1);
    const denied = o.deny?.[p];
    if (denied !== undefined) return { status: denied, text: '' };
    const delay = o.latencyMs;
    const withDelay = (r: Reply): Reply => ({ ...r, delayMs: delay });
    if (p === '/api/client') return withDelay(page(clients, req.query, 'clients', cap));
    if (p === '/api/site') return withDelay(page([{ id: 18, name: 'HQ', client_id: 1.0, inactive: false }], req.query, 'sites', cap));
    if (p === '/api/tickettype') return withDelay({ json: types });
    if (p === '/api/tickets' && req.method === 'GET') return withDelay(page(tickets, req.query, 'tickets', Math.min(cap, 100)));
    if (p === '/api/opportunities') return withDelay(page([], req.query, 'tickets', 100));
    if (p === '/api/tickets' && req.method === 'POST') {
      state.posts.push(JSON.parse(req.body));
      return { status: 201, json: { id: 9512, summary: 'x', flastupdate: '2024-07-01T09:12:44.12' } };
    }
    return { status: 404, json: { Message: 'not found' } };
  };
  return { handler, state };
}

function connector(fake: Fake, extra: Partial<HaloConnectorOptions> = {}) {
  return createHaloConnector({
    resourceServerUrl: `${fake.url}/api`,
    authorizationServerUrl: `${fake.url}/auth`,
    clientId: 'cid',
    clientSecret: SECRET,
    rateLimit: { limit: 0, windowMs: 1000 },
    sleep: async () => undefined,
    ...extra,
  });
}

/** A mini Halo on a fake server, and a connector to it. */
async function miniConnector(o: MiniOptions = {}, extra: Partial<HaloConnectorOptions> = {}) {
  const mini = miniHalo(o);
  const fake = await startFake(mini.handler);
  return { mini, fake, c: connector(fake, extra) };
}

// ------------------------------------------------------------------------------------------------
// token

/** A paged list request, as opposed to the one unpaged id list (`idonly` / `ticketidonly`) each paged read ends with. */
const paged = (r: { query: URLSearchParams }): boolean => r.query.get('idonly') === null && r.query.get('ticketidonly') === null;

describe('halo token', () => {
  it('resolves the token URL with or without /token, tenant only when configured', () => {
    assert.equal(resolveTokenEndpoint('https://acme.halopsa.com/auth', null).url, 'https://acme.halopsa.com/auth/token');
    assert.equal(resolveTokenEndpoint('https://acme.halopsa.com/auth/', '').url, 'https://acme.halopsa.com/auth/token');
    assert.equal(resolveTokenEndpoint('https://acme.halopsa.com/auth/token', null).url, 'https://acme.halopsa.com/auth/token');
    assert.equal(resolveTokenEndpoint('https://halo.local/auth/token/', null).url, 'https://halo.local/auth/token');
    assert.equal(resolveTokenEndpoint('https://auth.halopsa.com', 'acme').url, 'https://auth.halopsa.com/token?tenant=acme');
    assert.equal(resolveTokenEndpoint('https://auth.halopsa.com/token', 'acme').url, 'https://auth.halopsa.com/token?tenant=acme');
    assert.equal(resolveTokenEndpoint('https://auth.halopsa.com/token?tenant=pasted', null).url, 'https://auth.halopsa.com/token?tenant=pasted');
    assert.deepEqual(resolveTokenEndpoint('https://acme.halopsa.com/auth', null).query, {});
  });

  it('POSTs the exact form to /auth/token without a tenant; the secret is never in a URL or event', async () => {
    const mini = miniHalo();
    const fake = await startFake(mini.handler);
    const events: HttpEvent[] = [];
    const c = connector(fake, { onEvent: (e) => events.push(e), scope: 'read:customers read:tickets' });
    await c.auth.getToken();
    const tokenReq = fake.requests.find((r) => r.path === '/auth/token');
    assert.ok(tokenReq);
    assert.equal(tokenReq.url, '/auth/token');
    assert.equal(tokenReq.method, 'POST');
    assert.match(String(tokenReq.headers['content-type']), /application\/x-www-form-urlencoded/);
    assert.deepEqual(Object.fromEntries(new URLSearchParams(tokenReq.body)), {
      grant_type: 'client_credentials',
      client_id: 'cid',
      client_secret: SECRET,
      scope: 'read:customers read:tickets',
    });
    await drain(c.streams({ ticketMonths: 12 }).companies);
    for (const r of fake.requests) assert.ok(!r.url.includes(SECRET));
    for (const e of events) {
      assert.ok(!e.url.includes(SECRET));
      assert.ok(!e.url.includes('tok-1'));
    }
  });

  it('appends ?tenant= when configured (shared auth host form)', async () => {
    const fake = await startFake((req) =>
      req.path === '/token' ? { json: { access_token: 'a', expires_in: 3600, token_type: 'Bearer', scope: 'all' } } : { status: 404 },
    );
    const c = createHaloConnector({
      resourceServerUrl: `${fake.url}/api`,
      authorizationServerUrl: `${fake.url}/token`,
      tenant: 'acme',
      clientId: 'cid',
      clientSecret: SECRET,
    });
    await c.auth.getToken();
    assert.equal(fake.requests[0]?.url, '/token?tenant=acme');
    assert.equal(new URLSearchParams(fake.requests[0]?.body).get('client_secret'), SECRET);
  });

  it('defaults scope to all', async () => {
    const mini = miniHalo();
    const fake = await startFake(mini.handler);
    await connector(fake).auth.getToken();
    assert.equal(new URLSearchParams(fake.requests[0]?.body).get('scope'), 'all');
  });

  it('caches the token and renews it 90 s before expires_in', async () => {
    const mini = miniHalo({ expiresIn: 3600 });
    const fake = await startFake(mini.handler);
    let clock = 1_000_000;
    const c = connector(fake, { now: () => clock });
    const t1 = await c.auth.getToken();
    assert.equal(await c.auth.getToken(), t1);
    await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(mini.state.tokenCount, 1);
    clock += (3600 - 91) * 1000;
    assert.equal(await c.auth.getToken(), t1);
    clock += 2000;
    const t2 = await c.auth.getToken();
    assert.notEqual(t2, t1);
    assert.equal(mini.state.tokenCount, 2);
  });

  it('fetches single-flight: concurrent callers share one token request', async () => {
    const { mini, c } = await miniConnector({ tokenDelayMs: 50 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => c.auth.getToken()));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(mini.state.tokenCount, 1);
  });

  it('a 401 mid-run: one new token, one retry, the read completes', async () => {
    const { mini, fake, c } = await miniConnector({ clients: 25, cap: 5, tokenUses: 3 }, { concurrency: 1 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 25);
    assert.equal(result.partial, false);
    // 5 pages with 3 uses per token: tokens 1 and 2 (and retries) — never a token per request
    assert.equal(mini.state.tokenCount, 2);
    const statuses = fake.requests.filter((r) => paged(r) && r.path === '/api/Client').length;
    assert.equal(statuses, 6); // 5 pages + one retried after the 401
  });

  it('concurrent 401s with the same stale token cause one renewal', async () => {
    const { mini, fake, c } = await miniConnector({ clients: 50, cap: 5, voidAfterCalls: 3, latencyMs: 10 }, { concurrency: 4 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 50);
    assert.equal(result.partial, false);
    // the token is voided while 4 requests are in flight: all of them fail with it, one renewal serves them all
    assert.equal(mini.state.tokenCount, 2);
    assert.ok(fake.requests.filter((r) => paged(r) && r.path === '/api/Client').length > 10);
  });

  it('a 401 on the token endpoint is invalid_credentials with no secret in the error', async () => {
    const { c } = await miniConnector({}, { clientSecret: 'wrong-secret-123' });
    await assert.rejects(c.auth.getToken(), (err: Error & { code?: string; detail?: string; hint?: string }) => {
      assert.equal(err.code, 'invalid_credentials');
      assert.match(err.hint ?? '', /Client Secret/);
      assert.ok(!JSON.stringify(err).includes('wrong-secret-123'));
      return true;
    });
  });
});

// ------------------------------------------------------------------------------------------------
// paginator

describe('halo paginator', () => {
  it('always sends pageinate=true with page_size and page_no', async () => {
    const { fake, c } = await miniConnector({ clients: 7, tickets: 3 });
    const s = c.streams({ ticketMonths: 6 });
    await drain(s.companies);
    await drain(s.sites!);
    await drain(s.ticketTypes);
    await drain(s.tickets);
    // /Status is a bare-array lookup (status names for tickets), not a paged list.
    const api = fake.requests.filter((r) => paged(r) && r.path.startsWith('/api/') && r.path !== '/api/Status');
    assert.ok(api.length >= 5);
    for (const r of api) {
      assert.equal(r.query.get('pageinate'), 'true', r.url);
      assert.ok(r.query.get('page_size') !== null, r.url);
      assert.ok(r.query.get('page_no') !== null, r.url);
      assert.equal(r.query.get('count'), null);
    }
    const clientReq = api.find((r) => r.path === '/api/Client');
    assert.equal(clientReq?.query.get('includeinactive'), 'true');
    assert.equal(clientReq?.query.get('includeactive'), 'true');
    assert.equal(api.find((r) => r.path === '/api/Site')?.query.get('includeinactive'), 'true');
    assert.equal(api.find((r) => r.path === '/api/TicketType')?.query.get('showinactive'), 'true');
    assert.equal(api.find((r) => r.path === '/api/Tickets')?.query.get('page_size'), '100');
  });

  it('stops at record_count: no request beyond the last page', async () => {
    const { fake, c } = await miniConnector({ clients: 250, cap: 100 }, { pageSize: { default: 100, tickets: 100 } });
    const { records, result, totals } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 250);
    assert.deepEqual(result, { fetched: 250, expected: 250, partial: false });
    assert.deepEqual(totals, [250, 250, 250]);
    const pages = fake.requests.filter((r) => paged(r) && r.path === '/api/Client').map((r) => r.query.get('page_no'));
    assert.deepEqual(pages.sort(), ['1', '2', '3']);
  });

  it('stops on an exact multiple without an extra empty page', async () => {
    const { fake, c } = await miniConnector({ clients: 200, cap: 100 }, { pageSize: { default: 100, tickets: 100 } });
    const { records } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 200);
    assert.equal(fake.requests.filter((r) => paged(r) && r.path === '/api/Client').length, 2);
  });

  it('honours the page_size Halo echoes (clamped 1000 → 100)', async () => {
    const { fake, c } = await miniConnector({ clients: 350, cap: 100 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 350);
    assert.equal(result.partial, false);
    const reqs = fake.requests.filter((r) => paged(r) && r.path === '/api/Client');
    assert.equal(reqs[0]?.query.get('page_size'), '1000');
    assert.deepEqual(
      reqs.slice(1).map((r) => [r.query.get('page_no'), r.query.get('page_size')]).sort(),
      [['2', '100'], ['3', '100'], ['4', '100']],
    );
    assert.equal(new Set(records.map((r) => r.id)).size, 350);
  });

  it('infers a silent clamp when no page_size is echoed', async () => {
    const { c } = await miniConnector({ clients: 120, cap: 50, echo: false });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 120);
    assert.equal(result.partial, false);
  });

  it('repeat guard: a page repeating the previous ids stops the read as partial', async () => {
    const { c } = await miniConnector({ clients: 300, cap: 100, repeatFrom: 2 }, { concurrency: 1 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 100);
    assert.equal(result.partial, true);
    assert.equal(result.expected, 300);
    assert.match(result.reason ?? '', /repeated/);
  });

  it('shortfall: fewer records than record_count → partial', async () => {
    const { c } = await miniConnector({ clients: 150, cap: 100, announceExtra: 30 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 150);
    assert.deepEqual({ ...result, reason: undefined }, { fetched: 150, expected: 180, partial: true, reason: undefined });
    assert.match(result.reason ?? '', /180/);
  });

  it('an endpoint ignoring pageinate (truncated batch) is partial, not success', async () => {
    // 50 of 1254, no echo, same 50 for every page
    const all = Array.from({ length: 1254 }, (_, i) => ({ id: i + 1, summary: `T${i}`, client_id: 1 }));
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      return { json: { record_count: all.length, tickets: all.slice(0, 50) } };
    });
    const c = connector(fake);
    const { records, result } = await drain(c.streams({ ticketMonths: 0 }).tickets, new Date('2024-01-01T00:00:00Z'));
    assert.equal(records.length, 50);
    assert.equal(result.partial, true);
  });

  it('accepts a bare array (TicketType) and envelopes by key', async () => {
    const { c } = await miniConnector();
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).ticketTypes);
    assert.deepEqual(records, [
      { id: '36', name: 'General', isOpportunity: false, inactive: false, category: 'tickets' },
      { id: '41', name: 'New Business Opportunity', isOpportunity: true, inactive: false, category: 'opps' },
    ]);
    assert.deepEqual(result, { fetched: 2, expected: null, partial: false });
  });

  it('throughput: pages are fetched 8 at a time (the default concurrency) and delivered in order (timing lives in npm run bench:sync)', async () => {
    const count = 20_450;
    let active = 0;
    let maxActive = 0;
    const all = Array.from({ length: count }, (_, i) => ({ id: i + 1, summary: 's', client_id: 1, status_id: 1, hasbeenclosed: false }));
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      const size = Math.min(Number(req.query.get('page_size')), 100);
      const no = Number(req.query.get('page_no'));
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => active--, 20);
      return { delayMs: 20, json: { page_no: no, page_size: size, record_count: count, tickets: all.slice((no - 1) * size, no * size) } };
    });
    const c = connector(fake);
    const started = Date.now();
    let last = 0;
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).tickets, new Date('2020-01-01T00:00:00Z'), (page) => {
      for (const t of page.records) {
        assert.equal(Number(t.id), last + 1, 'delivered in order');
        last = Number(t.id);
      }
    });
    const ms = Date.now() - started;
    assert.equal(records.length, count);
    assert.equal(result.partial, false);
    assert.equal(maxActive, 8, `requests in flight at once: ${maxActive}`);
    void ms;
  });

  it('a consumer stopping early cancels the prefetched pages cleanly', async () => {
    const { fake, c } = await miniConnector({ clients: 1000, cap: 10, latencyMs: 30 }, { concurrency: 4 });
    const gen = c.streams({ ticketMonths: 1 }).companies.read({ since: null });
    await gen.next();
    await gen.next();
    await gen.return({ fetched: 0, expected: null, partial: true });
    await new Promise((ok) => setTimeout(ok, 100));
    const seen = fake.requests.filter((r) => paged(r) && r.path === '/api/Client').length;
    assert.ok(seen <= 12, `requests: ${seen}`);
  });

  it('an aborted read rejects with code aborted', async () => {
    const { c } = await miniConnector({ clients: 1000, cap: 10, latencyMs: 30 });
    const ctrl = new AbortController();
    const gen = c.streams({ ticketMonths: 1 }).companies.read({ since: null, signal: ctrl.signal });
    await gen.next();
    ctrl.abort();
    await assert.rejects(
      (async () => {
        for (;;) if ((await gen.next()).done === true) return;
      })(),
      (err: Error & { code?: string }) => err.code === 'aborted',
    );
  });

  it('the limiter bounds requests: no more than the effective limit per window', async () => {
    assert.equal(effectiveRateLimit(300, 5), 295);
    assert.equal(effectiveRateLimit(450, 5), 445);
    assert.equal(effectiveRateLimit(10, 5), 10);
    assert.equal(effectiveRateLimit(0, 5), 0);
    const { c } = await miniConnector({ clients: 40, cap: 2 }, { rateLimit: { limit: 10, windowMs: 300 }, concurrency: 4 });
    assert.equal(c.limiter.limit, 10);
    const started = Date.now();
    const { records } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, 40);
    // 20 pages at 10 per 300 ms rolling window: at least one full window of waiting
    assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
  });
});

// ------------------------------------------------------------------------------------------------
// tickets

describe('halo tickets stream', () => {
  it('incremental: lastupdatefromdate=<since …Z>, no open_only', async () => {
    const { fake, c } = await miniConnector({ tickets: 3 });
    const { records } = await drain(c.streams({ ticketMonths: 6 }).tickets, new Date('2024-05-01T10:00:00Z'));
    assert.equal(records.length, 3);
    const reqs = fake.requests.filter((r) => paged(r) && r.path === '/api/Tickets');
    assert.equal(reqs.length, 1);
    assert.equal(reqs[0]?.query.get('lastupdatefromdate'), '2024-05-01T10:00:00.000Z');
    assert.equal(reqs[0]?.query.get('open_only'), null);
  });

  it('full: recently updated + open tickets, deduplicated by id', async () => {
    const recent = [1, 2, 3].map((id) => ({ id, summary: `r${id}`, client_id: 1, hasbeenclosed: id === 3 }));
    const open = [2, 4].map((id) => ({ id, summary: `o${id}`, client_id: 1, hasbeenclosed: false }));
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      const rows = req.query.get('open_only') === 'true' ? open : recent;
      return { json: { page_no: 1, page_size: 100, record_count: rows.length, tickets: rows } };
    });
    const c = connector(fake, { now: () => Date.parse('2024-08-31T12:00:00Z') });
    const { records, result } = await drain(c.streams({ ticketMonths: 6 }).tickets);
    assert.deepEqual(records.map((t) => t.id).sort(), ['1', '2', '3', '4']);
    // The sweep of a full read keeps to its window: open tickets and those updated since the cutoff (+ 1 min).
    assert.deepEqual(result, { fetched: 4, expected: 4, partial: false, sweepWindow: { openOrUpdatedSince: '2024-02-29T12:01:00.000Z' } });
    const reqs = fake.requests.filter((r) => paged(r) && r.path === '/api/Tickets');
    assert.equal(reqs[0]?.query.get('lastupdatefromdate'), '2024-02-29T12:00:00.000Z');
    assert.equal(reqs[1]?.query.get('open_only'), 'true');
  });
});

// ------------------------------------------------------------------------------------------------
// actions

describe('halo actions', () => {
  it('ticket-type rules: a Halo whose type details carry no allowed_clients yields none (asked per client instead)', async () => {
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      if (req.path === '/api/TicketType') return { json: [{ id: 41, name: 'New Business Opportunity', use: 'opps' }] };
      if (req.path === '/api/TicketType/41') return { json: { id: 41, name: 'New Business Opportunity', use: 'opps' } };
      return { json: { record_count: 1, clients: [{ id: 12, name: 'Contoso' }] } };
    });
    const c = connector(fake);
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).ticketTypeRules!);
    assert.deepEqual(records, []);
    assert.equal(result.partial, false);
    assert.equal(fake.requests.some((r) => r.path === '/api/Client'), false, 'no client list needed');
  });

  it('createOpportunityTicket posts an array of one with the marker footer → 201 object', async () => {
    const { mini, fake, c } = await miniConnector({}, { now: () => Date.parse('2024-07-01T09:12:44.120Z') });
    const out = await c.createOpportunityTicket({
      companyId: '12',
      ticketTypeId: '41',
      summary: 'Replace 14 laptops',
      detailsHtml: '<p>Fleet refresh</p>',
      value: 18200,
      marker: 'opp_7f3c',
    });
    // A Halo ticket's number is its id; the link is the web app's ticket page on the Resource Server URL's host.
    assert.deepEqual(out, { ticketId: '9512', ticketNumber: '9512', url: `${new URL(fake.url).origin}/ticket?id=9512` });
    assert.deepEqual(mini.state.posts, [
      [
        {
          client_id: 12,
          summary: 'Replace 14 laptops',
          details_html: '<p>Fleet refresh</p><p>crosswalk:opp_7f3c</p>',
          tickettype_id: 41,
          dateoccurred: '2024-07-01T09:12:44.120',
          oppvalue: 18200,
        },
      ],
    ]);
  });

  it('a 400 carries Halo plain message; a 500 is not retried', async () => {
    let posts = 0;
    let status = 400;
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      if (req.method === 'GET') return { status: 404, json: 'Client not found' }; // the client's main site: unknown here
      posts++;
      return status === 400 ? { status: 400, json: 'CODE:APP03/2 Please select the CAB members to approve' } : { status: 500, text: 'boom' };
    });
    const c = connector(fake);
    const input = { companyId: '1', ticketTypeId: '41', summary: 's', detailsHtml: '', value: null, marker: 'm1' };
    await assert.rejects(c.createOpportunityTicket(input), (err: Error & { code?: string; kind?: string; userMessage?: string }) => {
      assert.equal(err.userMessage, 'CODE:APP03/2 Please select the CAB members to approve');
      assert.equal(err.kind, 'config');
      return true;
    });
    status = 500;
    posts = 0;
    await assert.rejects(c.createOpportunityTicket(input), (err: Error & { kind?: string }) => err.kind === 'transient');
    assert.equal(posts, 1);
  });

  it('findTicketByMarker searches the client and checks details', async () => {
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      if (req.path === '/api/Tickets' && req.query.get('search') === 'opp_1') {
        return {
          json: {
            record_count: 2,
            tickets: [
              { id: 5, details: 'crosswalk:opp_12 other' },
              { id: 6, details: 'Fleet refresh crosswalk:opp_1' },
            ],
          },
        };
      }
      if (req.path === '/api/Tickets') return { json: { record_count: 0, tickets: [] } };
      return { status: 404 };
    });
    const c = connector(fake);
    assert.equal(await c.findTicketByMarker('12', 'opp_1'), '6');
    assert.equal(await c.findTicketByMarker('12', 'opp_9'), null);
    const first = fake.requests.find((r) => r.path === '/api/Tickets');
    assert.equal(first?.query.get('client_id'), '12');
  });

  it('allowedTicketTypes: GET /TicketType?client_id= cross-checked with the client detail', async () => {
    const fake = await startFake((req) => {
      if (req.path === '/auth/token') return { json: { access_token: 'a', expires_in: 3600 } };
      if (req.path === '/api/TicketType') {
        return { json: [{ id: 36, name: 'General', use: 'tickets' }, { id: 41, name: 'Opp', use: 'opps' }, { id: 42, name: 'Opp 2', use: 'opps' }] };
      }
      if (req.path === '/api/Client/12') return { json: { id: 12, allowall_tickettypes: false, allowed_tickettypes: [{ id: 41 }, { id: 36 }] } };
      return { status: 404 };
    });
    const c = connector(fake);
    const types = await c.allowedTicketTypes('12');
    assert.deepEqual(types.map((t) => [t.id, t.isOpportunity]), [['36', false], ['41', true]]);
    assert.equal(fake.requests.find((r) => r.path === '/api/TicketType')?.query.get('client_id'), '12');
  });
});

// ------------------------------------------------------------------------------------------------
// check

describe('halo check', () => {
  const opts = { pullTickets: true, opportunityExport: true };

  it('ok: Connection Successful with counts', async () => {
    const { fake, c } = await miniConnector({ clients: 3, tickets: 5 });
    const r = await c.check(opts);
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.equal(r.message, 'Connection Successful');
    assert.equal(r.details.clients, 3);
    assert.equal(r.details.tickets, 5);
    assert.equal(r.details.ticketTypes, 2);
    assert.equal(r.details.opportunityTypes, 1);
    const probe = fake.requests.find((x) => x.path === '/api/Client');
    assert.equal(probe?.query.get('pageinate'), 'true');
    assert.equal(probe?.query.get('page_size'), '1');
    assert.equal(probe?.query.get('page_no'), '1');
  });

  it('warns on empty lists (agent visibility)', async () => {
    const { c } = await miniConnector({ clients: 0, tickets: 0 });
    const r = await c.check({ pullTickets: true, opportunityExport: false });
    assert.equal(r.ok, true);
    if (!r.ok) return;
    assert.equal(r.details.clients, 0);
    assert.ok(Array.isArray(r.details.warnings) && (r.details.warnings as string[]).length === 2);
  });

  it('unreachable names the host', async () => {
    const port = await freePort();
    const c = createHaloConnector({
      resourceServerUrl: `http://127.0.0.1:${port}/api`,
      authorizationServerUrl: `http://127.0.0.1:${port}/auth`,
      clientId: 'cid',
      clientSecret: SECRET,
    });
    const r = await c.check(opts);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'unreachable');
    assert.match(r.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  it('tls_error when https meets a plain server', async () => {
    const mini = miniHalo();
    const fake = await startFake(mini.handler);
    const https = fake.url.replace('http://', 'https://');
    const c = createHaloConnector({ resourceServerUrl: `${https}/api`, authorizationServerUrl: `${https}/auth`, clientId: 'cid', clientSecret: SECRET });
    const r = await c.check(opts);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'tls_error');
  });

  it('invalid_credentials on 401 invalid_client, with where to fix it', async () => {
    const { c } = await miniConnector({}, { clientSecret: 'nope-nope' });
    const r = await c.check(opts);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'invalid_credentials');
    assert.match(r.error.hint ?? '', /regenerate the Client Secret/);
    assert.ok(!JSON.stringify(r).includes('nope-nope'));
  });

  it('invalid_tenant on 400 "Unknown tenant"', async () => {
    const fake = await startFake(() => ({ status: 400, json: { error: 'invalid_request', error_description: 'Unknown tenant' } }));
    const r = await connector(fake, { tenant: 'wrong' }).check(opts);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'invalid_tenant');
    assert.match(r.error.hint ?? '', /Tenant Name/);
  });

  it('not_found: token URL 404, token URL serving HTML, API URL serving HTML', async () => {
    const fake404 = await startFake(() => ({ status: 404, text: 'Not Found' }));
    let r = await connector(fake404).check(opts);
    assert.equal(!r.ok && r.error.code, 'not_found');

    const html = await startFake(() => ({ status: 200, text: '<!DOCTYPE html><html><body>Login</body></html>', headers: { 'content-type': 'text/html' } }));
    r = await connector(html).check(opts);
    assert.equal(!r.ok && r.error.code, 'not_found');

    const mini = miniHalo();
    const apiHtml = await startFake((req) =>
      req.path.startsWith('/api') ? { status: 200, text: '<html><body>Halo</body></html>', headers: { 'content-type': 'text/html' } } : mini.handler(req),
    );
    r = await connector(apiHtml).check(opts);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'not_found');
    assert.match(r.error.message, /not Halo's API/);
  });

  it('missing_permissions: lists Halo scope names, probes without creating anything', async () => {
    const { fake, c } = await miniConnector({ scope: 'read:customers', deny: { '/api/tickets': 403, '/api/opportunities': 403 } });
    const r = await c.check(opts);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'missing_permissions');
    assert.deepEqual(r.error.missingPermissions, ['read:tickets', 'edit:tickets', 'read:crm']);
    assert.match(r.error.hint ?? '', /Permissions: tick read:tickets/);
    assert.ok(fake.requests.every((x) => x.method !== 'POST' || x.path === '/auth/token'));
  });

  it('missing_permissions: read:customers on a 401 with a scope that lacks it', async () => {
    const { c } = await miniConnector({ scope: 'read:tickets', deny: { '/api/client': 401 } });
    const r = await c.check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r.ok && r.error.code, 'missing_permissions');
    assert.deepEqual(!r.ok && r.error.missingPermissions, ['read:customers']);
  });

  it('missing_permissions: a 401 insufficient_scope or a 403 naming the scope', async () => {
    const mini = miniHalo();
    const fake = await startFake((req) => {
      if (req.path === '/api/Client') return { status: 401, text: '', headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } };
      if (req.path === '/api/Opportunities') return { status: 403, json: { ClassName: 'HaloPermissionException', Message: 'The application is missing the required scope (read:sales)' } };
      return mini.handler(req);
    });
    const r = await connector(fake).check({ pullTickets: true, opportunityExport: true });
    assert.equal(!r.ok && r.error.code, 'missing_permissions');
    assert.deepEqual(!r.ok && r.error.missingPermissions, ['read:customers', 'read:sales']);
  });

  it('rate_limited on 429 answers quickly', async () => {
    const mini = miniHalo();
    const fake = await startFake((req) => (req.path.startsWith('/api') ? { status: 429, text: 'Rate Limit Reached - 300 Requests per rolling 5 minute window' } : mini.handler(req)));
    const c = createHaloConnector({ resourceServerUrl: `${fake.url}/api`, authorizationServerUrl: `${fake.url}/auth`, clientId: 'cid', clientSecret: SECRET });
    const started = Date.now();
    const r = await c.check(opts);
    assert.equal(!r.ok && r.error.code, 'rate_limited');
    assert.ok(Date.now() - started < 5000);
  });

  it('unexpected_response on JSON that is not Halo', async () => {
    const mini = miniHalo();
    const fake = await startFake((req) => (req.path.startsWith('/api') ? { json: { hello: 'world' } } : mini.handler(req)));
    const r = await connector(fake).check(opts);
    assert.equal(!r.ok && r.error.code, 'unexpected_response');
  });

  it('never throws, even on a malformed token reply', async () => {
    const fake = await startFake(() => ({ json: { token_type: 'Bearer' } }));
    const r = await connector(fake).check(opts);
    assert.equal(!r.ok && r.error.code, 'unexpected_response');
  });
});
