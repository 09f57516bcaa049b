import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHaloSandbox, type HaloSandbox, type HaloSandboxData } from '../../src/sandbox/halo/index.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CREDS = 'grant_type=client_credentials&client_id=crosswalk-sandbox&client_secret=sandbox-secret';

async function tokenRes(url: string, body: string, headers: Record<string, string> = FORM): Promise<{ status: number; json: any }> {
  const r = await fetch(url, { method: 'POST', headers, body });
  const text = await r.text();
  return { status: r.status, json: text ? JSON.parse(text) : null };
}

async function getToken(sb: HaloSandbox, scope = 'all', creds = CREDS): Promise<string> {
  const r = await tokenRes(`${sb.authUrl}/token`, `${creds}&scope=${encodeURIComponent(scope)}`);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.access_token as string;
}

async function api(sb: HaloSandbox, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; text: string; json: any; headers: Headers }> {
  const r = await fetch(`${sb.resourceUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  const text = await r.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: r.status, text, json, headers: r.headers };
}

async function control(sb: HaloSandbox, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${sb.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(r.status < 300, `control ${method} ${path} → ${r.status}`);
  return r.json();
}

/** Halo datetimes: naive strings are UTC. */
function parseUtc(s: string): number {
  const iso = /[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`;
  return Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
}

describe('Halo sandbox', () => {
  let sb: HaloSandbox;
  let token: string;
  let truth: HaloSandboxData;

  before(async () => {
    sb = await startHaloSandbox({ ticketCount: 1234, rateLimit: null });
    token = await getToken(sb);
    truth = await control(sb, 'GET', '/data');
  });
  after(async () => {
    await sb.close();
  });

  describe('token endpoint', () => {
    it('issues a token on the same-host form and on the shared-auth-host form', async () => {
      const a = await tokenRes(`${sb.authUrl}/token`, `${CREDS}&scope=all`);
      assert.equal(a.status, 200);
      assert.equal(a.json.token_type, 'Bearer');
      assert.equal(a.json.expires_in, 3600);
      assert.equal(a.json.scope, 'all');
      assert.equal(a.json.refresh_token, '');
      assert.match(a.json.access_token, /^eyJ/);
      assert.match(a.json.id_token, /^eyJ/);

      const b = await tokenRes(`${sb.url}/token?tenant=sandbox`, `${CREDS}&scope=all`);
      assert.equal(b.status, 200);
      const me = await api(sb, b.json.access_token, '/Agent/me');
      assert.equal(me.status, 200);
      assert.equal(typeof me.json.id, 'number');

      // the shared host needs the tenant
      const c = await tokenRes(`${sb.url}/token`, `${CREDS}&scope=all`);
      assert.equal(c.status, 400);
    });

    it('accepts HTTP Basic client authentication', async () => {
      const basic = Buffer.from('crosswalk-sandbox:sandbox-secret').toString('base64');
      const r = await tokenRes(`${sb.authUrl}/token`, 'grant_type=client_credentials&scope=all', { ...FORM, authorization: `Basic ${basic}` });
      assert.equal(r.status, 200);
    });

    it('answers 401 invalid_client for a wrong secret or id', async () => {
      const r = await tokenRes(`${sb.authUrl}/token`, 'grant_type=client_credentials&client_id=crosswalk-sandbox&client_secret=nope&scope=all');
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { error: 'invalid_client' });
      const r2 = await tokenRes(`${sb.authUrl}/token`, 'grant_type=client_credentials&client_id=who&client_secret=sandbox-secret&scope=all');
      assert.equal(r2.status, 401);
      assert.deepEqual(r2.json, { error: 'invalid_client' });
    });

    it('answers 400 Unknown tenant for a wrong tenant', async () => {
      const r = await tokenRes(`${sb.url}/token?tenant=acme`, `${CREDS}&scope=all`);
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, { error: 'invalid_request', error_description: 'Unknown tenant' });
      const r2 = await tokenRes(`${sb.authUrl}/token?tenant=acme`, `${CREDS}&scope=all`);
      assert.equal(r2.status, 400);
      assert.equal(r2.json.error_description, 'Unknown tenant');
    });

    it('answers invalid_scope for an unknown scope, and a no-scope token fails on the API', async () => {
      const r = await tokenRes(`${sb.authUrl}/token`, `${CREDS}&scope=read:everything`);
      assert.equal(r.status, 400);
      assert.equal(r.json.error, 'invalid_scope');

      const none = await tokenRes(`${sb.authUrl}/token`, CREDS);
      assert.equal(none.status, 200);
      assert.equal(none.json.scope, '');
      const me = await api(sb, none.json.access_token, '/Agent/me');
      assert.ok(me.status === 401 || me.status === 403);
    });
  });

  describe('permissions and token expiry', () => {
    it('gives a scope-limited app 403 on /Tickets but access to /Client and /TicketType', async () => {
      await control(sb, 'POST', '/apps', { clientId: 'limited', clientSecret: 'limited-secret', scopes: 'read:customers' });
      const t = await tokenRes(`${sb.authUrl}/token`, 'grant_type=client_credentials&client_id=limited&client_secret=limited-secret&scope=all');
      assert.equal(t.status, 200);
      assert.equal(t.json.scope, 'read:customers');
      const lim = t.json.access_token as string;

      const tickets = await api(sb, lim, '/Tickets?pageinate=true&page_size=10');
      assert.equal(tickets.status, 403);
      assert.match(tickets.json.Message, /read:tickets/);
      assert.equal((await api(sb, lim, '/Opportunities')).status, 403);
      assert.equal((await api(sb, lim, '/Client?pageinate=true&page_size=5')).status, 200);
      assert.equal((await api(sb, lim, '/Site?pageinate=true&page_size=5')).status, 200);
      assert.equal((await api(sb, lim, '/TicketType')).status, 200);
      assert.equal((await api(sb, lim, '/Status')).status, 200);

      // read:tickets does not allow creating tickets; edit:tickets implies read
      await control(sb, 'POST', '/apps', { clientId: 'reader', clientSecret: 's', scopes: 'read:tickets read:customers' });
      const reader = await getToken(sb, 'read:tickets read:customers', 'grant_type=client_credentials&client_id=reader&client_secret=s');
      const post = await api(sb, reader, '/Tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ client_id: truth.activeClientIds[0], summary: 'x' }]) });
      assert.equal(post.status, 403);
      assert.match(post.json.Message, /edit:tickets/);
      await control(sb, 'POST', '/apps', { clientId: 'editor', clientSecret: 's', scopes: 'edit:tickets' });
      const editor = await getToken(sb, 'edit:tickets', 'grant_type=client_credentials&client_id=editor&client_secret=s');
      assert.equal((await api(sb, editor, '/Tickets?pageinate=true&page_size=1')).status, 200);
    });

    it('answers 401 with WWW-Authenticate: Bearer and an empty body once tokens expire', async () => {
      const t = await getToken(sb);
      assert.equal((await api(sb, t, '/Agent/me')).status, 200);
      await control(sb, 'POST', '/expire-tokens');
      const r = await api(sb, t, '/Client');
      assert.equal(r.status, 401);
      assert.equal(r.text, '');
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
      const missing = await fetch(`${sb.resourceUrl}/Client`);
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
      token = await getToken(sb);
    });

    it('expires tokens after their TTL', async () => {
      let clock = Date.now();
      const s = await startHaloSandbox({ ticketCount: 10, tokenTtlSeconds: 60, now: () => clock, rateLimit: null });
      try {
        const t = await getToken(s);
        assert.equal((await api(s, t, '/Agent/me')).status, 200);
        clock += 61_000;
        assert.equal((await api(s, t, '/Agent/me')).status, 401);
      } finally {
        await s.close();
      }
    });
  });

  describe('pagination', () => {
    it('without pageinate=true ignores paging parameters and returns one truncated batch', async () => {
      const r = await api(sb, token, '/Tickets?page_size=100&page_no=3');
      assert.equal(r.status, 200);
      assert.equal(r.json.record_count, truth.ticketCount);
      assert.equal(r.json.tickets.length, 50);
      assert.equal('page_no' in r.json, false);
      assert.equal('page_size' in r.json, false);
      assert.equal(r.json.tickets[0].id, truth.ticketIds![0]);
      const c = await api(sb, token, '/Client?includeinactive=true&includeactive=true');
      assert.equal(c.json.record_count, truth.clientIds.length);
      assert.equal(c.json.clients.length, 50);
    });

    it('pages through all tickets: every id exactly once, record_count matches', async () => {
      const seen = new Set<number>();
      let fetched = 0;
      let recordCount = -1;
      for (let page = 1; page < 100; page++) {
        const r = await api(sb, token, `/Tickets?pageinate=true&page_size=100&page_no=${page}`);
        assert.equal(r.status, 200);
        assert.equal(r.json.page_no, page);
        assert.equal(r.json.page_size, 100);
        recordCount = r.json.record_count;
        for (const t of r.json.tickets) seen.add(t.id);
        fetched += r.json.tickets.length;
        if (r.json.tickets.length < 100) break;
      }
      assert.equal(recordCount, truth.ticketCount);
      assert.equal(fetched, truth.ticketCount);
      assert.equal(seen.size, truth.ticketCount);
      assert.deepEqual([...seen].sort((a, b) => a - b), truth.ticketIds);
    });

    it('includes closed tickets, with the 1900 sentinel as dateclosed of open ones', async () => {
      const r = await api(sb, token, '/Tickets?pageinate=true&page_size=100&page_no=1');
      const open = r.json.tickets.filter((t: any) => !t.hasbeenclosed);
      const closed = r.json.tickets.filter((t: any) => t.hasbeenclosed);
      assert.ok(closed.length > 0);
      for (const t of open) assert.equal(t.dateclosed, '1900-01-01T00:00:00');
      const open2 = await api(sb, token, '/Tickets?pageinate=true&page_size=100&open_only=true');
      assert.equal(open2.json.record_count, truth.openTicketIds!.length);
      const closed2 = await api(sb, token, '/Tickets?pageinate=true&page_size=100&closed_only=true');
      assert.equal(closed2.json.record_count, truth.ticketCount - truth.openTicketIds!.length);
    });

    it('clamps page_size to the cap and echoes the effective size', async () => {
      const t = await api(sb, token, '/Tickets?pageinate=true&page_size=500&page_no=1');
      assert.equal(t.json.page_size, 100);
      assert.equal(t.json.tickets.length, 100);
      const c = await api(sb, token, '/Client?pageinate=true&page_size=5000&page_no=1&includeinactive=true&includeactive=true');
      assert.equal(c.json.page_size, 1000);
      assert.equal(c.json.clients.length, Math.min(1000, truth.clientIds.length));
      assert.equal(c.json.record_count, truth.clientIds.length);
    });

    it('filters clients by activity', async () => {
      const active = await api(sb, token, '/Client?pageinate=true&page_size=1000');
      assert.equal(active.json.record_count, truth.activeClientIds.length);
      assert.ok(active.json.clients.every((c: any) => c.inactive === false));
      const all = await api(sb, token, '/Client?pageinate=true&page_size=1000&includeinactive=true&includeactive=true');
      assert.equal(all.json.record_count, truth.clientIds.length);
      assert.ok(truth.inactiveClientIds.length > 0);
      assert.ok(all.json.clients.some((c: any) => c.inactive === true));
    });
  });

  describe('values and filters', () => {
    it('filters tickets by lastupdatefromdate', async () => {
      const ids = truth.ticketIds!.slice(10, 13);
      // seeded last updates are all before now; the patched ones are at or after it
      const since = new Date(Date.now()).toISOString();
      for (const id of ids) await control(sb, 'PATCH', `/tickets/${id}`, { summary: `changed ${id}` });
      const r = await api(sb, token, `/Tickets?pageinate=true&page_size=100&lastupdatefromdate=${encodeURIComponent(since)}`);
      assert.equal(r.status, 200);
      const got = r.json.tickets.map((t: any) => t.id).sort((a: number, b: number) => a - b);
      assert.deepEqual(got, ids);
      for (const t of r.json.tickets) assert.ok(parseUtc(t.last_update) >= Date.parse(since) - 1);

      // a wider window: every returned ticket's last_update is within it, and the count shrinks with it
      const mid = new Date(Date.now() - 180 * 86_400_000).toISOString();
      const to = new Date(Date.now() - 30 * 86_400_000).toISOString();
      const w = await api(sb, token, `/Tickets?pageinate=true&page_size=100&lastupdatefromdate=${mid}&lastupdatetodate=${to}`);
      assert.ok(w.json.record_count > 0 && w.json.record_count < truth.ticketCount);
      for (const t of w.json.tickets) {
        const lu = parseUtc(t.last_update);
        assert.ok(lu >= Date.parse(mid) - 1 && lu <= Date.parse(to) + 1, t.last_update);
      }
    });

    it('mixes datetime shapes and uses last_update / lastupdate / flastupdate per view', async () => {
      const r = await api(sb, token, '/Tickets?pageinate=true&page_size=100');
      const shapes = new Set(r.json.tickets.map((t: any) => (String(t.last_update).endsWith('Z') ? 'z' : 'naive')));
      assert.deepEqual([...shapes].sort(), ['naive', 'z']);
      assert.ok(r.json.tickets.some((t: any) => /\.\d{7}Z$/.test(t.last_update)));
      const d = await api(sb, token, `/Tickets/${r.json.tickets[0].id}`);
      assert.equal(d.status, 200);
      assert.equal('last_update' in d.json, false);
      assert.equal(typeof d.json.lastupdate, 'string');
      assert.equal(typeof d.json.details_html, 'string');
    });

    it('serializes the site client_id as a double', async () => {
      const r = await api(sb, token, '/Site?pageinate=true&page_size=3');
      assert.equal(r.status, 200);
      assert.match(r.text, /"client_id":\d+\.0[,}]/);
      const first = truth.clients[0];
      const bySite = await api(sb, token, `/Site?client_id=${first.id}&includeinactive=true`);
      assert.ok(bySite.text.includes(`"client_id":${first.id}.0`));
      assert.equal(bySite.json.record_count, first.siteIds.length);
    });

    it('restricts /TicketType?client_id= to the types that client may use', async () => {
      const restricted = truth.clients.find((c) => !c.allowAllTypes && truth.opportunityTypeIds.some((id) => !c.allowedTypeIds.includes(id)));
      assert.ok(restricted, 'seed has a restricted client');
      const all = await api(sb, token, '/TicketType');
      assert.ok(Array.isArray(all.json));
      assert.ok(all.json.some((t: any) => t.use === 'opps'));
      assert.ok(all.json.every((t: any) => !t.inactive));
      const withInactive = await api(sb, token, '/TicketType?showinactive=true');
      assert.ok(withInactive.json.length > all.json.length);

      const r = await api(sb, token, `/TicketType?client_id=${restricted.id}`);
      assert.ok(Array.isArray(r.json));
      const ids = r.json.map((t: any) => t.id).sort((a: number, b: number) => a - b);
      const expected = truth.ticketTypes.filter((t) => !t.inactive && restricted.allowedTypeIds.includes(t.id)).map((t) => t.id).sort((a, b) => a - b);
      assert.deepEqual(ids, expected);

      const detail = await api(sb, token, `/Client/${restricted.id}`);
      assert.equal(detail.json.allowall_tickettypes, false);
      assert.ok(Array.isArray(detail.json.allowed_tickettypes));
      assert.equal(typeof detail.json.main_site_id, 'number');
      assert.ok('website' in detail.json && 'domain' in detail.json);
    });
  });

  describe('POST /Tickets', () => {
    const post = (body: unknown) =>
      api(sb, token, '/Tickets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

    it('creates one ticket: 201 with one object, is_opportunity for an opportunity type', async () => {
      const client = truth.clients.find((c) => !c.inactive && c.allowAllTypes)!;
      const r = await post([{ client_id: client.id, site_id: client.siteIds[0], summary: 'Replace 14 laptops', details_html: '<p>x</p><p>crosswalk:opp_1</p>', tickettype_id: 41, oppvalue: 18200 }]);
      assert.equal(r.status, 201);
      assert.equal(Array.isArray(r.json), false);
      assert.equal(typeof r.json.id, 'number');
      assert.equal(r.json.is_opportunity, true);
      assert.equal(r.json.client_id, client.id);
      assert.equal(typeof r.json.flastupdate, 'string');
      assert.match(r.text, /"oppvalue":18200\.0/);
      const back = await api(sb, token, `/Tickets/${r.json.id}`);
      assert.equal(back.json.summary, 'Replace 14 laptops');
      const opps = await api(sb, token, `/Opportunities?pageinate=true&page_size=100&client_id=${client.id}`);
      assert.ok(opps.json.tickets.some((t: any) => t.id === r.json.id));
      const found = await api(sb, token, `/Tickets?pageinate=true&page_size=100&client_id=${client.id}&search=crosswalk:opp_1`);
      assert.deepEqual(found.json.tickets.map((t: any) => t.id), [r.json.id]);
    });

    it('answers 400 with a plain string for a type the client may not use', async () => {
      const restricted = truth.clients.find((c) => !c.allowAllTypes && !c.allowedTypeIds.includes(42))!;
      const r = await post([{ client_id: restricted.id, summary: 'Refresh', tickettype_id: 42 }]);
      assert.equal(r.status, 400);
      assert.equal(typeof r.json, 'string');
      assert.match(r.json, /not allowed/);
    });

    it('answers 400 for a non-array body, a missing summary or client', async () => {
      const client = truth.clients.find((c) => !c.inactive)!;
      const obj = await post({ client_id: client.id, summary: 'x', tickettype_id: 36 });
      assert.equal(obj.status, 400);
      assert.equal(typeof obj.json, 'string');
      const noSummary = await post([{ client_id: client.id, tickettype_id: 36 }]);
      assert.equal(noSummary.status, 400);
      assert.equal(typeof noSummary.json, 'string');
      const noClient = await post([{ summary: 'x', tickettype_id: 36 }]);
      assert.equal(noClient.status, 400);
      assert.equal(typeof noClient.json, 'string');
    });

    it('post-timeout-after-create creates the ticket but never answers', async () => {
      const client = truth.clients.find((c) => !c.inactive && c.allowAllTypes)!;
      await control(sb, 'POST', '/faults', { type: 'post-timeout-after-create', count: 1, delayMs: 50 });
      const before = (await control(sb, 'GET', '/stats')).tickets as number;
      await assert.rejects(post([{ client_id: client.id, summary: 'Ambiguous', tickettype_id: 41 }]));
      const after = (await control(sb, 'GET', '/stats')).tickets as number;
      assert.equal(after, before + 1);
    });
  });

  describe('routing', () => {
    it('routes case-insensitively', async () => {
      for (const p of ['/client?pageinate=true&page_size=1', '/CLIENT?pageinate=true&page_size=1', '/tickettype', '/TICKETS?pageinate=true&page_size=1', '/agent/ME', '/status']) {
        const r = await api(sb, token, p);
        assert.equal(r.status, 200, p);
      }
      const r = await fetch(`${sb.url}/API/Tickets?pageinate=true&page_size=1`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200);
    });

    it('answers 404 for unknown /api routes and an HTML page elsewhere', async () => {
      assert.equal((await api(sb, token, '/Nope')).status, 404);
      assert.equal((await api(sb, token, '/Tickets/99999999')).status, 404);
      const home = await fetch(`${sb.url}/`);
      assert.equal(home.status, 200);
      assert.match(home.headers.get('content-type') ?? '', /text\/html/);
      await home.text();
    });
  });

  describe('control interface', () => {
    it('adds, renames, deactivates and deletes clients', async () => {
      const { id } = await control(sb, 'POST', '/clients', { name: 'Zed Sandbox Test Ltd', website: 'https://zed.example', domain: 'zed.example' });
      const d = await api(sb, token, `/Client/${id}`);
      assert.equal(d.json.name, 'Zed Sandbox Test Ltd');
      assert.equal(d.json.domain, 'zed.example');
      await control(sb, 'PATCH', `/clients/${id}`, { name: 'Zed Renamed Ltd', inactive: true });
      const act = await api(sb, token, '/Client?pageinate=true&page_size=1000&search=zed renamed');
      assert.equal(act.json.record_count, 0);
      const all = await api(sb, token, '/Client?pageinate=true&page_size=1000&includeinactive=true&includeactive=true&search=zed renamed');
      assert.deepEqual(all.json.clients.map((c: any) => c.id), [id]);
      await control(sb, 'DELETE', `/clients/${id}`);
      assert.equal((await api(sb, token, `/Client/${id}`)).status, 404);
    });

    it('adds tickets that show up with a fresh last_update', async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const { ids } = await control(sb, 'POST', '/tickets', { count: 3 });
      assert.equal(ids.length, 3);
      const r = await api(sb, token, `/Tickets?pageinate=true&page_size=100&lastupdatefromdate=${since}&ticketids=${ids.join(',')}`);
      assert.deepEqual(r.json.tickets.map((t: any) => t.id), ids);
    });

    it('plays an agent without visibility: empty lists, not errors', async () => {
      await control(sb, 'POST', '/apps', { clientId: 'blind', clientSecret: 's', scopes: 'all', noVisibility: true });
      const blind = await getToken(sb, 'all', 'grant_type=client_credentials&client_id=blind&client_secret=s');
      const c = await api(sb, blind, '/Client?pageinate=true&page_size=10');
      assert.equal(c.status, 200);
      assert.deepEqual(c.json, { page_no: 1, page_size: 10, record_count: 0, clients: [] });
      const t = await api(sb, blind, '/Tickets?pageinate=true&page_size=10');
      assert.equal(t.json.record_count, 0);
    });

    it('switches uncertain behaviours at runtime', async () => {
      await control(sb, 'PATCH', '/behaviour', { pageSizeOverCap: 'reject', noScopeStatus: 403 });
      try {
        const r = await api(sb, token, '/Tickets?pageinate=true&page_size=500');
        assert.equal(r.status, 400);
        const none = await tokenRes(`${sb.authUrl}/token`, CREDS);
        const me = await api(sb, none.json.access_token, '/Agent/me');
        assert.equal(me.status, 403);
      } finally {
        await control(sb, 'PATCH', '/behaviour', { pageSizeOverCap: 'clamp', noScopeStatus: 401 });
      }
    });
  });

  describe('faults', () => {
    it('repeat-page makes page 2 return page 1', async () => {
      await control(sb, 'POST', '/faults', { type: 'repeat-page', count: 1, pathPrefix: '/Tickets' });
      const p1 = await api(sb, token, '/Tickets?pageinate=true&page_size=20&page_no=1');
      const p2 = await api(sb, token, '/Tickets?pageinate=true&page_size=20&page_no=2');
      assert.deepEqual(p2.json.tickets.map((t: any) => t.id), p1.json.tickets.map((t: any) => t.id));
      const p2b = await api(sb, token, '/Tickets?pageinate=true&page_size=20&page_no=2');
      assert.notDeepEqual(p2b.json.tickets.map((t: any) => t.id), p1.json.tickets.map((t: any) => t.id));
    });

    it('injects 5xx and 429 faults, counted down, and logs requests', async () => {
      await control(sb, 'DELETE', '/requests');
      await control(sb, 'POST', '/faults', { type: '503', count: 2, pathPrefix: '/api/client' });
      assert.equal((await api(sb, token, '/Client')).status, 503);
      assert.equal((await api(sb, token, '/Tickets')).status, 200);
      assert.equal((await api(sb, token, '/Client')).status, 503);
      assert.equal((await api(sb, token, '/Client')).status, 200);
      await control(sb, 'POST', '/faults', { type: '429', count: 1, retryAfter: 7 });
      const r = await api(sb, token, '/Status');
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '7');
      const log = (await control(sb, 'GET', '/requests')).requests as { method: string; path: string; status: number }[];
      assert.deepEqual(log.map((e) => e.status), [503, 200, 503, 200, 429]);
      assert.equal(log[0].path, '/api/Client');
    });

    it('reset drops the socket', async () => {
      await control(sb, 'POST', '/faults', { type: 'reset', count: 1 });
      await assert.rejects(api(sb, token, '/Status'));
      assert.equal((await api(sb, token, '/Status')).status, 200);
    });
  });
});

describe('Halo sandbox rate limit', () => {
  it('answers 429 with the exact message past the limit', async () => {
    const sb = await startHaloSandbox({ ticketCount: 10, rateLimit: { limit: 3, windowMs: 300_000 } });
    try {
      const token = await getToken(sb);
      for (let i = 0; i < 3; i++) assert.equal((await api(sb, token, '/Agent/me')).status, 200);
      const r = await api(sb, token, '/Agent/me');
      assert.equal(r.status, 429);
      assert.equal(r.json, 'Rate Limit Reached - 3 Requests per rolling 5 minute window');
      assert.equal(r.headers.get('retry-after'), null);
    } finally {
      await sb.close();
    }
  });

  it('uses the documented message with the default limit, and a rolling window', async () => {
    let clock = Date.now();
    const sb = await startHaloSandbox({ ticketCount: 10, now: () => clock });
    try {
      const token = await getToken(sb);
      for (let i = 0; i < 300; i++) {
        const r = await api(sb, token, '/Status');
        assert.equal(r.status, 200);
        clock += 100;
      }
      const r = await api(sb, token, '/Status');
      assert.equal(r.status, 429);
      assert.equal(r.text, '"Rate Limit Reached - 300 Requests per rolling 5 minute window"');
      // after the oldest request leaves the window, one more fits
      clock += 300_000 - 300 * 100 + 1;
      assert.equal((await api(sb, token, '/Status')).status, 200);
      assert.equal((await api(sb, token, '/Status')).status, 429);
    } finally {
      await sb.close();
    }
  });
});
