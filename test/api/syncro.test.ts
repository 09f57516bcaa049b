/**
 * Syncro through the public API: the kind's description, settings validation (subdomain or base URL, exactly one),
 * PUT / Test / GET, one PSA at a time, links and the tickets of a linked company, opportunity types, and the opportunity
 * export exactly once when Syncro creates the ticket and then answers 500 (or drops the connection).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { syncro } from '../../src/connectors/syncro/definition.js';
import { createRateLimiter } from '../../src/connectors/http/rate-limiter.js';
import { startItGlueSandbox, type ItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startSyncroSandbox, SYNCRO_SANDBOX_DEFAULTS, type SyncroSandbox } from '../../src/sandbox/syncro/index.js';
import { apiAs, createTestApp, json, runStartedBy, setupAdmin, type ApiCall, type TestApp } from '../helpers/app.js';
import { itglueSettingsFor, syncroSettingsFor } from '../helpers/sandboxes.js';

interface Envelope { error: { code: string; message: string; details?: { issues?: { path: string; message: string }[]; configured?: string } } }
interface Opp { id: string; status: string; psa: { kind: string; ticketId: string; ticketNumber?: string; url?: string } | null; error: { code: string } | null }

describe('Syncro settings', () => {
  let t: TestApp;
  let api: ApiCall;
  before(async () => {
    t = await createTestApp();
    api = apiAs(t, await setupAdmin(t));
  });
  after(async () => t.close());

  test('GET /api/integration-kinds describes Syncro: supplemental, its fields and the customers and tickets streams', async () => {
    const kinds = json<{ kinds: { kind: string; role: string; displayName: string; fields: { name: string; type: string; required: boolean }[]; streams: string[] }[] }>(await api('GET', '/api/integration-kinds')).kinds;
    const k = kinds.find((x) => x.kind === 'syncro');
    assert.ok(k);
    assert.equal(k.role, 'supplemental');
    assert.equal(k.displayName, 'Syncro');
    assert.deepEqual(k.streams, ['customers', 'tickets']);
    const field = (n: string) => k.fields.find((f) => f.name === n);
    assert.deepEqual([field('subdomain')?.type, field('baseUrl')?.type, field('apiToken')?.type, field('pullTickets')?.type, field('opportunityExport')?.type], ['text', 'url', 'secret', 'boolean', 'boolean']);
    assert.equal(field('subdomain')?.required, false, 'subdomain or base URL: neither alone is required');
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['a subdomain with dots', { subdomain: 'acme.syncromsp.com' }, 'body.subdomain'],
    ['a subdomain with a scheme', { subdomain: 'https://acme' }, 'body.subdomain'],
    ['an upper-case subdomain', { subdomain: 'Acme' }, 'body.subdomain'],
    ['a subdomain with an underscore', { subdomain: 'my_msp' }, 'body.subdomain'],
    ['both subdomain and base URL', { subdomain: 'acme', baseUrl: 'https://acme.syncromsp.com/api/v1' }, 'body.baseUrl'],
    ['neither subdomain nor base URL', {}, 'body.subdomain'],
    ['an empty subdomain and no base URL', { subdomain: '', baseUrl: null }, 'body.subdomain'],
    ['a base URL that is not a URL', { baseUrl: 'acme' }, 'body.baseUrl'],
    ['a page size out of range', { subdomain: 'acme', perPage: '500' }, 'body.perPage'],
  ];
  for (const [what, over, path] of bad) {
    for (const route of ['PUT /api/integrations/syncro', 'POST /api/integrations/syncro/test'] as const) {
      test(`${route}: ${what} → 400 naming ${path}`, async () => {
        const [method, url] = route.split(' ') as ['PUT' | 'POST', string];
        const res = await api(method, url, { apiToken: 'x-token', pullTickets: true, opportunityExport: false, ...over });
        assert.equal(res.statusCode, 400, res.body);
        const body = json<Envelope>(res);
        assert.equal(body.error.code, 'invalid_request');
        assert.ok(body.error.details?.issues?.some((i) => i.path === path), res.body);
      });
    }
  }

  test('nothing is stored by a refused save', async () => {
    const list = json<{ integrations: { kind: string; configured: boolean }[] }>(await api('GET', '/api/integrations')).integrations;
    assert.equal(list.find((i) => i.kind === 'syncro')?.configured, false);
  });

  test('a subdomain leads to https://{subdomain}.syncromsp.com/api/v1 (the ticket link shows it)', () => {
    const c = syncro.connect({ settings: { subdomain: 'acme', baseUrl: null, pullTickets: true, opportunityExport: false }, secrets: { apiToken: 't' }, limiter: createRateLimiter({ limit: 0, windowMs: 60_000 }) });
    assert.equal(c.psa?.ticketRef('88120').url, 'https://acme.syncromsp.com/tickets/88120');
  });
});

describe('Syncro advanced settings reach the connector', () => {
  test('page size, update filter name and format, issue types endpoint, closed statuses, comment_body', async () => {
    const sb = await startSyncroSandbox({ port: 0, ticketCount: 120, rateLimit: null, variants: { perPage: 'honoured', sinceParam: 'since', issueTypes: 'problem_types', comment: 'comment_body' } });
    try {
      const settings = {
        subdomain: null, baseUrl: sb.baseUrl, pullTickets: true, opportunityExport: true, opportunityIssueTypes: ['Project Quote'], closedStatuses: ['Resolved', 'Scheduled'],
        ticketsSinceParam: 'since', ticketsSinceDateOnly: true, perPage: '50', issueTypesPath: '/ticket_problem_types', commentBody: true,
      };
      const c = syncro.connect({ settings, secrets: { apiToken: SYNCRO_SANDBOX_DEFAULTS.apiToken }, limiter: createRateLimiter({ limit: 0, windowMs: 60_000 }) });
      const steps = c.plan({ ticketHistoryMonths: 24 });
      assert.deepEqual(steps.map((st) => [st.progressName, st.target, st.sweepOnFull]), [['customers', 'psaCompanies', true], [null, 'psaTicketTypes', true], ['tickets', 'psaTickets', true]]);
      const read = async (i: number, since: Date | null) => {
        const out: { id: string; closed?: boolean; isOpportunity?: boolean; status?: string }[] = [];
        const gen = steps[i]!.stream.read({ since });
        for (let n = await gen.next(); n.done !== true; n = await gen.next()) out.push(...(n.value.records as typeof out));
        return out;
      };
      const types = await read(1, null);
      assert.deepEqual(types.filter((x) => x.isOpportunity).map((x) => x.id), ['Project Quote']);
      const all = await read(2, null);
      assert.ok(all.filter((x) => x.status === 'Scheduled').every((x) => x.closed === true));
      assert.ok(sb.control.requests().some((r) => r.path.startsWith('/api/v1/tickets?') && r.path.includes('per_page=50')));
      sb.control.clearRequests();
      await read(2, new Date());
      assert.match(sb.control.requests()[0]!.path, /[?&]since=\d{4}-\d{2}-\d{2}&/);
      const customer = String(sb.control.data().customerIds[0]);
      const t = await c.psa!.createOpportunityTicket({ companyId: customer, ticketTypeId: 'Project Quote', summary: 'Quote', detailsHtml: '<p>x</p>', value: null, marker: 'opp_f00' });
      assert.match(sb.control.getTicket(Number(t.ticketId))!.comments[0]!.body, /crosswalk:opp_f00/);
      assert.equal(await c.psa!.findTicketByMarker(customer, 'opp_f00'), t.ticketId);
    } finally {
      await sb.close();
    }
  });
});

describe('Syncro with IT Glue: settings, one PSA at a time, links, tickets and the exactly-once export', () => {
  let t: TestApp;
  let api: ApiCall;
  let itglue: ItGlueSandbox;
  let sb: SyncroSandbox;
  /** IT Glue company id → Syncro customer id, the same business. */
  const pairs: { itglueId: string; customerId: number }[] = [];

  before(async () => {
    itglue = await startItGlueSandbox({ port: 0, apiKey: 'k', rateLimit: { limit: 0, windowMs: 300_000 } });
    sb = await startSyncroSandbox({ port: 0, ticketCount: 400, rateLimit: null });
    t = await createTestApp();
    api = apiAs(t, await setupAdmin(t));
    assert.equal((await runStartedBy(t, await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue, 'k')))).status, 'succeeded');
  });
  after(async () => {
    await t.close();
    await itglue.close();
    await sb.close();
  });

  test('PUT → 200 with the initial run; GET shows the settings without the token; Test reuses the stored token', async () => {
    const res = await api('PUT', '/api/integrations/syncro', syncroSettingsFor(sb));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await runStartedBy(t, res)).status, 'succeeded');
    const list = await api('GET', '/api/integrations');
    assert.ok(!list.body.includes(SYNCRO_SANDBOX_DEFAULTS.apiToken));
    const s = json<{ integrations: { kind: string; configured: boolean; settings: Record<string, unknown> }[] }>(list).integrations.find((i) => i.kind === 'syncro')!;
    assert.equal(s.configured, true);
    assert.equal(s.settings.apiTokenSet, true);
    assert.equal(s.settings.baseUrl, sb.baseUrl);
    const { apiToken: _omitted, ...withoutToken } = syncroSettingsFor(sb);
    const check = json<{ ok: boolean }>(await api('POST', '/api/integrations/syncro/test', withoutToken));
    assert.equal(check.ok, true);
    const again = await api('PUT', '/api/integrations/syncro', withoutToken);
    assert.equal(again.statusCode, 200);
    assert.equal(json<{ syncRun: unknown }>(again).syncRun, null, 'later saves start no run');
  });

  test('one PSA at a time: saving HaloPSA while Syncro is configured → 409 psa_already_configured', async () => {
    const res = await api('PUT', '/api/integrations/halo', {
      resourceServerUrl: 'http://127.0.0.1:9/api', authorizationServerUrl: 'http://127.0.0.1:9/auth', tenant: '', clientId: 'c', clientSecret: 's', pullTickets: true, opportunityExport: false,
    });
    assert.equal(res.statusCode, 409, res.body);
    const body = json<Envelope>(res);
    assert.equal(body.error.code, 'psa_already_configured');
    assert.match(body.error.message, /Syncro/);
    assert.equal(body.error.details?.configured, 'syncro');
  });

  test('automap proposes the same businesses; saved links show the linked customer’s tickets, newest first', async () => {
    const truth = itglue.control.truth();
    const active = new Set(truth.activeOrganizationIds);
    const byKey = new Map(sb.control.data().customers.filter((c) => c.businessKey !== null && !c.disabled).map((c) => [c.businessKey!, c.id]));
    for (const o of truth.organizations) {
      const c = o.businessKey === null ? undefined : byKey.get(o.businessKey);
      if (active.has(o.id) && c !== undefined) pairs.push({ itglueId: o.id, customerId: c });
    }
    assert.ok(pairs.length > 50);
    const auto = json<{ proposals: { itglueId: string; psaId: string }[] }>(await api('POST', '/api/integrations/syncro/links/automap', {}));
    const right = auto.proposals.filter((p) => pairs.some((x) => x.itglueId === p.itglueId && String(x.customerId) === p.psaId)).length;
    assert.ok(right >= pairs.length * 0.5, `automap found ${right} of ${pairs.length} same-business pairs`);
    const put = await api('PUT', '/api/integrations/syncro/links', { links: pairs.map((p) => ({ itglueId: p.itglueId, psaId: String(p.customerId), source: 'manual' })) });
    assert.equal(put.statusCode, 200, put.body);

    const busy = pairs.map((p) => ({ p, n: sb.control.data().ticketIds.filter((id) => sb.control.getTicket(id)!.customerId === p.customerId).length })).sort((a, b) => b.n - a.n)[0]!;
    assert.ok(busy.n > 0);
    const res = json<{ tickets: { psaId: string; summary: string; closed: boolean; openedAt: string }[] }>(await api('GET', `/api/companies/${busy.p.itglueId}/tickets?status=all&limit=100`));
    const expected = sb.control.data().ticketIds.filter((id) => sb.control.getTicket(id)!.customerId === busy.p.customerId);
    assert.deepEqual(res.tickets.map((x) => Number(x.psaId)).sort((a, b) => a - b), expected);
    for (const x of res.tickets) assert.equal(x.closed, sb.control.getTicket(Number(x.psaId))!.status === 'Resolved');
  });

  test('opportunity types: the issue types marked as opportunity types (ids are the names)', async () => {
    const types = json<{ types: { id: string; name: string }[] }>(await api('GET', `/api/companies/${pairs[0]!.itglueId}/opportunity-types`));
    assert.deepEqual(types.types, [{ id: 'Opportunity', name: 'Opportunity' }]);
    const res = await api('POST', '/api/opportunities', { companyId: pairs[0]!.itglueId, title: 'Wrong type', ticketTypeId: 'Hardware' });
    assert.equal(res.statusCode, 422, res.body);
  });

  const RUNS = 6;
  for (const fault of ['500-after-create', 'reset-after-create'] as const) {
    test(`export exactly once: ${fault}, ${RUNS} runs → one ticket each, found by its marker`, async () => {
      let duplicates = 0;
      for (let run = 0; run < RUNS; run++) {
        const pair = pairs[(run + 1) % pairs.length]!;
        const draft = await api('POST', '/api/opportunities', { companyId: pair.itglueId, title: `${fault} ${run}`, ticketTypeId: 'Opportunity', value: 1200 });
        assert.equal(draft.statusCode, 201, draft.body);
        const id = json<{ opportunity: Opp }>(draft).opportunity.id;
        const created = sb.control.stats().ticketsCreated;
        sb.control.addFault({ type: fault, pathPrefix: '/tickets', method: 'POST' });
        // Odd runs: the searches right after fail too, so the first export cannot tell and says so.
        if (run % 2 === 1) sb.control.addFault({ type: '503', pathPrefix: '/tickets', method: 'GET', count: -1 });
        const first = await api('POST', `/api/opportunities/${id}/export`, {});
        sb.control.clearFaults();
        if (run % 2 === 1) {
          assert.equal(first.statusCode, 502, first.body);
          assert.equal(json<Envelope>(first).error.code, 'psa_unavailable');
        } else assert.equal(first.statusCode, 200, first.body);
        const second = json<{ opportunity: Opp }>(await api('POST', `/api/opportunities/${id}/export`, {})).opportunity;
        const third = json<{ opportunity: Opp }>(await api('POST', `/api/opportunities/${id}/export`, {})).opportunity;
        assert.equal(second.status, 'exported');
        assert.equal(third.psa?.ticketId, second.psa?.ticketId);
        assert.equal(second.psa?.kind, 'syncro');
        const marker = `crosswalk:opp_${id.replace(/-/g, '')}`;
        const carrying = sb.control.data().ticketIds.filter((tid) => sb.control.getTicket(tid)!.comments.some((c) => c.body.includes(marker)));
        assert.deepEqual(carrying, [Number(second.psa?.ticketId)]);
        assert.equal(second.psa?.ticketNumber, String(sb.control.getTicket(carrying[0]!)!.number), 'found by its marker, with its number');
        duplicates += sb.control.stats().ticketsCreated - created - 1;
      }
      assert.equal(duplicates, 0);
    });
  }

  test('a plain export: the ticket id, its number and link; the problem type and a hidden comment with the marker', async () => {
    const pair = pairs[0]!;
    const draft = json<{ opportunity: Opp }>(await api('POST', '/api/opportunities', { companyId: pair.itglueId, title: 'Replace 14 laptops', ticketTypeId: 'Opportunity', value: 18200, description: 'Fleet refresh' })).opportunity;
    const res = await api('POST', `/api/opportunities/${draft.id}/export`, {});
    assert.equal(res.statusCode, 200, res.body);
    const opp = json<{ opportunity: Opp }>(res).opportunity;
    const ticket = sb.control.getTicket(Number(opp.psa!.ticketId))!;
    assert.equal(opp.psa?.ticketNumber, String(ticket.number));
    assert.equal(opp.psa?.url, `${sb.url}/tickets/${ticket.id}`);
    assert.equal(ticket.customerId, pair.customerId);
    assert.equal(ticket.problemType, 'Opportunity');
    assert.equal(ticket.subject, 'Replace 14 laptops');
    assert.match(ticket.comments[0]!.body, /Fleet refresh[\s\S]*crosswalk:opp_/);
    assert.equal(ticket.comments[0]!.hidden, true);
  });

  test('after removing Syncro, another PSA may be saved', async () => {
    assert.equal((await api('DELETE', '/api/integrations/syncro')).statusCode, 204);
    const res = await api('PUT', '/api/integrations/halo', {
      resourceServerUrl: 'http://127.0.0.1:9/api', authorizationServerUrl: 'http://127.0.0.1:9/auth', tenant: '', clientId: 'c', clientSecret: 's', pullTickets: false, opportunityExport: false,
    });
    assert.notEqual(res.statusCode, 409, res.body);
    await runStartedBy(t, res).catch(() => undefined);
  });
});
