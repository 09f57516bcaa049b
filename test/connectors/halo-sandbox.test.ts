/**
 * The Halo connector against the Halo sandbox (src/sandbox/halo): what is particular to Halo (tenants,
 * scopes, ticket windows, token expiry, faults, behaviour variants, opportunity tickets). The cases every
 * connector passes run in acceptance-halo.test.ts.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { HaloConnectorOptions } from '../../src/connectors/halo/index.js';
import { startHaloSandbox, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import { freePort } from '../helpers/http.js';
import { haloConnectorFor, useSandbox } from '../helpers/sandboxes.js';
import { drain } from '../helpers/streams.js';

describe('halo connector against the sandbox', () => {
  const sandbox = useSandbox(() => startHaloSandbox({ port: 0, ticketCount: 3000, rateLimit: null }));
  let sb: HaloSandbox;
  beforeEach(() => {
    sb = sandbox();
    sb.control.reset();
    sb.control.setRateLimit(null);
  });

  const connector = (extra: Partial<HaloConnectorOptions> = {}) => haloConnectorFor(sb, extra);

  // Check passes, a bad secret fails, full and incremental reads, page caps: acceptance-halo.test.ts.

  it('check: the details count the sandbox clients, tickets and opportunity types', async () => {
    const r = await connector().check({ pullTickets: true, opportunityExport: true });
    assert.equal(r.ok, true, JSON.stringify(r));
    if (!r.ok) return;
    const data = sb.control.data({ tickets: false });
    assert.equal(r.details.clients, data.clientIds.length);
    assert.equal(r.details.tickets, data.ticketCount);
    assert.ok((r.details.opportunityTypes as number) >= 1);
  });

  it('check: the shared auth host form with the right tenant works', async () => {
    const r = await connector({ authorizationServerUrl: sb.sharedAuthUrl, tenant: sb.tenant }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(r.ok, true, JSON.stringify(r));
  });

  it('check: wrong tenant → invalid_tenant', async () => {
    const r = await connector({ authorizationServerUrl: sb.sharedAuthUrl, tenant: 'nobody' }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r.ok && r.error.code, 'invalid_tenant');
  });

  it('check: an app without read:tickets → missing_permissions naming it', async () => {
    sb.control.addApp({ clientId: 'limited', clientSecret: 'limited-secret', scopes: 'read:customers' });
    const c = connector({ clientId: 'limited', clientSecret: 'limited-secret' });
    const r = await c.check({ pullTickets: true, opportunityExport: false });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'missing_permissions');
    assert.deepEqual(r.error.missingPermissions, ['read:tickets']);
    const r2 = await c.check({ pullTickets: true, opportunityExport: true });
    assert.deepEqual(!r2.ok && r2.error.missingPermissions, ['read:tickets', 'edit:tickets', 'read:crm']);
    // nothing was created to probe edit rights
    assert.equal(sb.control.stats().ticketsCreated, 0);
  });

  it('check: read:tickets without edit:tickets blocks only the export', async () => {
    sb.control.addApp({ clientId: 'reader', clientSecret: 'reader-secret', scopes: 'read:customers read:tickets read:crm' });
    const c = connector({ clientId: 'reader', clientSecret: 'reader-secret' });
    assert.equal((await c.check({ pullTickets: true, opportunityExport: false })).ok, true);
    const r = await c.check({ pullTickets: true, opportunityExport: true });
    assert.deepEqual(!r.ok && r.error.missingPermissions, ['edit:tickets']);
  });

  it('check: a scopeless token → missing_permissions', async () => {
    sb.control.addApp({ clientId: 'noscope', clientSecret: 'noscope-secret', scopes: 'read:assets' });
    const r = await connector({ clientId: 'noscope', clientSecret: 'noscope-secret' }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r.ok && r.error.code, 'missing_permissions');
    assert.ok(!r.ok && r.error.missingPermissions?.includes('read:customers'));
  });

  it('check: unreachable port → unreachable', async () => {
    const port = await freePort();
    const r = await connector({ resourceServerUrl: `http://127.0.0.1:${port}/api`, authorizationServerUrl: `http://127.0.0.1:${port}/auth` }).check({
      pullTickets: true,
      opportunityExport: false,
    });
    assert.equal(!r.ok && r.error.code, 'unreachable');
  });

  it('check: URLs serving HTML → not_found', async () => {
    let r = await connector({ resourceServerUrl: `${sb.url}/portal` }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r.ok && r.error.code, 'not_found', JSON.stringify(r));
    r = await connector({ authorizationServerUrl: `${sb.url}/login` }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r.ok && r.error.code, 'not_found', JSON.stringify(r));
  });

  it('full read of tickets: naive Halo times come out as UTC, open tickets have no closedAt', async () => {
    const { records, result } = await drain(connector().streams({ ticketMonths: 1200 }).tickets);
    assert.equal(result.partial, false);
    assert.equal(result.expected, sb.control.data({ tickets: false }).ticketCount, 'the expected count is announced');
    for (const t of records.slice(0, 200)) {
      assert.ok(t.updatedAt === null || t.updatedAt.endsWith('Z'));
      if (!t.closed) assert.equal(t.closedAt, null);
    }
  });

  it('full read of tickets: open ones plus the last N months, deduplicated', async () => {
    const fixedNow = Date.now();
    const c = connector({ now: () => fixedNow });
    const from = new Date(fixedNow);
    const day = from.getUTCDate();
    from.setUTCDate(1);
    from.setUTCMonth(from.getUTCMonth() - 6);
    from.setUTCDate(Math.min(day, new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 0)).getUTCDate()));
    const data = sb.control.data();
    const expected = new Set<number>(data.openTicketIds);
    for (const id of data.ticketIds ?? []) {
      const t = sb.control.getTicket(id);
      if (t !== undefined && t.lastUpdate + t.subMs / 10000 >= from.getTime()) expected.add(id);
    }
    const { records, result } = await drain(c.streams({ ticketMonths: 6 }).tickets);
    assert.equal(records.length, expected.size);
    assert.deepEqual(new Set(records.map((t) => Number(t.id))), expected);
    assert.equal(result.partial, false);
    assert.equal(result.fetched, expected.size);
  });

  it('incremental: a changed ticket comes back', async () => {
    const c = connector();
    // the seed may hold tickets updated just now: move the change past every seeded ticket
    const since = new Date(Date.now() + 30_000);
    const id = (sb.control.data().ticketIds ?? [])[10] as number;
    sb.control.updateTicket(id, { summary: 'changed', lastUpdate: new Date(Date.now() + 60_000).toISOString() });
    const some = await drain(c.streams({ ticketMonths: 6 }).tickets, since);
    assert.deepEqual(some.records.map((t) => [t.id, t.summary]), [[String(id), 'changed']]);
  });

  it('repeat-page fault → partial with a reason', async () => {
    sb.control.addFault({ type: 'repeat-page', pathPrefix: '/Tickets', count: 1 });
    const { result } = await drain(connector({ concurrency: 1 }).streams({ ticketMonths: 1200 }).tickets, new Date(0));
    assert.equal(result.partial, true);
    assert.match(result.reason ?? '', /repeated/);
  });

  it('expired tokens mid-run: one new token, the read completes', async () => {
    const c = connector({ concurrency: 2 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1200 }).tickets, new Date(0), (_page, i) => {
      if (i === 2) sb.control.expireTokens();
    });
    assert.equal(records.length, sb.control.data({ tickets: false }).ticketCount);
    assert.equal(result.partial, false);
    assert.equal(sb.control.stats().tokensIssued, 2);
  });

  it('5xx on a page is retried', async () => {
    sb.control.addFault({ type: '503', pathPrefix: '/Client', count: 2 });
    const { records, result } = await drain(connector({ pageSize: { default: 100, tickets: 100 } }).streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, sb.control.data({ tickets: false }).clientIds.length);
    assert.equal(result.partial, false);
  });

  it('stays under the rate limit: no 429 from a sandbox at our configured limit', async () => {
    sb.control.setRateLimit({ limit: 30, windowMs: 1500 });
    const c = connector({ rateLimit: { limit: 30, windowMs: 1500 }, pageSize: { default: 50, tickets: 100 } });
    const s = c.streams({ ticketMonths: 1200 });
    await drain(s.companies);
    await drain(s.sites!);
    const t = await drain(s.tickets, new Date(0));
    assert.equal(t.result.partial, false);
    assert.equal(sb.control.stats().rateLimited, 0);
    assert.ok(sb.control.stats().maxInWindow <= 30);
  });

  it('behaviour variants: page_size above the cap rejected → falls back to 100', async () => {
    sb.control.setBehaviour({ pageSizeOverCap: 'reject' });
    const c = connector({ pageSize: { default: 5000, tickets: 1000 } });
    const data = sb.control.data({ tickets: false });
    const clients = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(clients.records.length, data.clientIds.length);
    const tickets = await drain(c.streams({ ticketMonths: 1200 }).tickets, new Date(0));
    assert.equal(tickets.records.length, data.ticketCount);
    assert.equal(tickets.result.partial, false);
  });

  it('behaviour variants: a new token voids older ones; single-flight keeps one token', async () => {
    sb.control.setBehaviour({ newTokenVoidsOld: true });
    const c = connector({ concurrency: 4 });
    const { records, result } = await drain(c.streams({ ticketMonths: 1200 }).tickets, new Date(0), (_page, i) => {
      if (i === 3) sb.control.expireTokens();
    });
    assert.equal(result.partial, false);
    assert.equal(records.length, sb.control.data({ tickets: false }).ticketCount);
    assert.equal(sb.control.stats().tokensIssued, 2);
  });

  it('behaviour variants: scopeless 403, ticket types needing read:tickets, /Opportunities needing read:tickets', async () => {
    sb.control.setBehaviour({ noScopeStatus: 403, typeStatusScope: 'tickets', opportunityScope: 'tickets' });
    sb.control.addApp({ clientId: 'cust', clientSecret: 'cust-secret', scopes: 'read:customers' });
    const r = await connector({ clientId: 'cust', clientSecret: 'cust-secret' }).check({ pullTickets: true, opportunityExport: true });
    assert.deepEqual(!r.ok && r.error.missingPermissions, ['read:tickets', 'edit:tickets']);
    sb.control.addApp({ clientId: 'none', clientSecret: 'none-secret', scopes: 'read:assets' });
    const r2 = await connector({ clientId: 'none', clientSecret: 'none-secret' }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r2.ok && r2.error.code, 'missing_permissions');
    assert.deepEqual(!r2.ok && r2.error.missingPermissions, ['read:customers', 'read:tickets']);
  });

  it('a sandbox stricter than our limiter: 429 with Retry-After is waited out', async () => {
    sb.control.setRateLimit({ limit: 5, windowMs: 400, retryAfterSeconds: 1 });
    const events: string[] = [];
    const c = connector({ sleep: undefined, pageSize: { default: 20, tickets: 100 }, onEvent: (e) => events.push(e.type) });
    const { records, result } = await drain(c.streams({ ticketMonths: 1 }).companies);
    assert.equal(records.length, sb.control.data({ tickets: false }).clientIds.length);
    assert.equal(result.partial, false);
    assert.ok(events.includes('rate_limited'));
  });

  it('allowed ticket types, create an opportunity ticket, find it by marker', async () => {
    const data = sb.control.data({ tickets: false });
    const restricted = data.clients.find((cl) => !cl.allowAllTypes && !cl.inactive && cl.allowedTypeIds.some((id) => data.opportunityTypeIds.includes(id)));
    const client = restricted ?? data.clients.find((cl) => !cl.inactive);
    assert.ok(client);
    const c = connector();
    const allowed = await c.allowedTicketTypes(String(client.id));
    if (!client.allowAllTypes) {
      const ids = new Set(client.allowedTypeIds.map(String));
      assert.ok(allowed.every((t) => ids.has(t.id)));
    }
    const opp = allowed.find((t) => t.isOpportunity);
    assert.ok(opp, 'an allowed opportunity type');
    const { ticketId } = await c.createOpportunityTicket({
      companyId: String(client.id),
      ticketTypeId: opp.id,
      summary: 'Replace 14 laptops',
      detailsHtml: '<p>Fleet refresh</p>',
      value: 18200,
      marker: 'opp_abc123',
    });
    const stored = sb.control.getTicket(Number(ticketId));
    assert.ok(stored);
    assert.match(stored.detailsHtml, /crosswalk:opp_abc123/);
    assert.equal(await c.findTicketByMarker(String(client.id), 'opp_abc123'), ticketId);
    assert.equal(await c.findTicketByMarker(String(client.id), 'opp_other'), null);
  });

  it('a disallowed type → 400 with Halo message', async () => {
    const data = sb.control.data({ tickets: false });
    const client = data.clients.find((cl) => !cl.allowAllTypes && !cl.inactive);
    const type = client && data.ticketTypes.find((t) => !t.inactive && !client.allowedTypeIds.includes(t.id));
    if (!client || !type) return;
    await assert.rejects(
      connector().createOpportunityTicket({ companyId: String(client.id), ticketTypeId: String(type.id), summary: 's', detailsHtml: '', value: null, marker: 'm' }),
      (err: Error & { userMessage?: string; status?: number }) => err.status === 400 && /not allowed/.test(err.userMessage ?? ''),
    );
  });

  it('a POST timing out after creating: not retried, then found by marker', async () => {
    sb.control.addFault({ type: 'post-timeout-after-create', pathPrefix: '/Tickets', delayMs: 50 });
    const data = sb.control.data({ tickets: false });
    const client = data.clients.find((cl) => cl.allowAllTypes && !cl.inactive);
    assert.ok(client);
    const type = data.opportunityTypeIds[0] as number;
    const c = connector({ timeoutMs: 2000 });
    const before = sb.control.stats().ticketsCreated;
    await assert.rejects(
      c.createOpportunityTicket({ companyId: String(client.id), ticketTypeId: String(type), summary: 'x', detailsHtml: '<p>x</p>', value: 1, marker: 'opp_timeout1' }),
      (err: Error & { kind?: string }) => err.kind === 'transient',
    );
    assert.equal(sb.control.stats().ticketsCreated - before, 1);
    const found = await c.findTicketByMarker(String(client.id), 'opp_timeout1');
    assert.ok(found !== null);
  });

  it('ticket-type rules for every client from the type details: restricted ones list their active types, the rest allow all', async () => {
    const data = sb.control.data({ tickets: false });
    const active = new Set(data.ticketTypes.filter((t) => !t.inactive).map((t) => t.id));
    const before = sb.control.stats().apiRequests;
    const { records, result } = await drain(connector().streams({ ticketMonths: 1 }).ticketTypeRules!);
    assert.equal(result.partial, false);
    assert.equal(records.length, data.clientIds.length);
    const byId = new Map(records.map((r) => [r.id, r]));
    let restricted = 0;
    for (const c of data.clients) {
      const rule = byId.get(String(c.id));
      assert.ok(rule, `a rule for client ${c.id}`);
      if (c.allowAllTypes) assert.deepEqual(rule, { id: String(c.id), allowAll: true, typeIds: [] });
      else {
        restricted++;
        const want = c.allowedTypeIds.filter((id) => active.has(id)).sort((a, b) => a - b).map(String);
        assert.deepEqual(rule, { id: String(c.id), allowAll: false, typeIds: want }, `client ${c.id}`);
      }
    }
    assert.ok(restricted >= 4, 'the seed has restricted clients');
    // One request per active type, the type list and the client list: not one per client.
    assert.equal(sb.control.stats().apiRequests - before, active.size + 2);
  });

  it('an opportunity ticket carries the main site, probability, close date and company name; number and link come back', async () => {
    const data = sb.control.data({ tickets: false });
    const client = data.clients.find((cl) => cl.allowAllTypes && !cl.inactive && cl.siteIds.length > 1) ?? data.clients.find((cl) => cl.allowAllTypes && !cl.inactive)!;
    const c = connector();
    const t = await c.createOpportunityTicket({
      companyId: String(client.id), ticketTypeId: '42', summary: 'Refresh', detailsHtml: '<p>x</p>', value: 1500.5, probability: 40, closeDate: '2031-03-31', marker: 'opp_fields1',
    });
    assert.equal(t.ticketNumber, t.ticketId);
    assert.equal(t.url, `${new URL(sb.url).origin}/ticket?id=${t.ticketId}`);
    const stored = sb.control.getTicket(Number(t.ticketId))!;
    assert.equal(stored.siteId, client.siteIds[0], 'the main site');
    assert.equal(stored.opp?.value, 1500.5);
    assert.equal(stored.opp?.conversionprobability, 40);
    assert.equal(stored.opp?.companyname, client.name);
    const post = sb.control.requests().filter((r) => r.method === 'POST' && /\/api\/tickets/i.test(r.path));
    assert.equal(post.length, 1);
    assert.deepEqual(c.ticketRef('77'), { ticketId: '77', ticketNumber: '77', url: `${new URL(sb.url).origin}/ticket?id=77` });
  });

  it('500 after creating, and a dropped connection after creating: not retried, the ticket found by marker', async () => {
    const data = sb.control.data({ tickets: false });
    const client = data.clients.find((cl) => cl.allowAllTypes && !cl.inactive)!;
    for (const type of ['500-after-create', 'reset-after-create'] as const) {
      sb.control.addFault({ type, pathPrefix: '/Tickets', method: 'POST' });
      const before = sb.control.stats().ticketsCreated;
      const marker = `opp_${type.replace(/-/g, '')}`;
      await assert.rejects(
        connector().createOpportunityTicket({ companyId: String(client.id), ticketTypeId: '41', summary: type, detailsHtml: '', value: null, marker }),
        (err: Error & { kind?: string }) => err.kind === 'transient',
      );
      assert.equal(sb.control.stats().ticketsCreated - before, 1, `${type}: created once, not retried`);
      assert.notEqual(await connector().findTicketByMarker(String(client.id), marker), null, type);
    }
  });
});
