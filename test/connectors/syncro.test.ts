/**
 * The Syncro connector's quirks: the mappers, the paginator's guards, and each item syncro.md marks "uncertain — keep
 * configurable", played by the sandbox's variants.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  emailDomain, extractSyncroMessage, mapCustomer, mapTicket, paginateSyncro, parseIssueTypes, sinceValue, syncroDate, syncroId, ticketNumber, ticketRules,
} from '../../src/connectors/syncro/index.js';
import { startSyncroSandbox, SYNCRO_SANDBOX_DEFAULTS, type SyncroSandbox } from '../../src/sandbox/syncro/index.js';
import { syncroConnectorFor, useSandbox } from '../helpers/sandboxes.js';
import { expectCases } from '../helpers/cases.js';
import { collect, drain } from '../helpers/streams.js';

const rules = ticketRules(['Resolved']);

describe('Syncro mappers', () => {
  test('ids: integers and numeric strings become strings; anything else is dropped', () => {
    expectCases(syncroId, [
      [1021, '1021'],
      [' 88120 ', '88120'],
      [0, null],
      [1.5, null],
      ['abc', null],
    ]);
    assert.equal(mapCustomer({ business_name: 'No id' }), null);
  });

  test('timestamps with a zone offset or Z are stored as UTC; a naive one is read as UTC; junk is null', () => {
    expectCases(syncroDate, [
      ['2024-06-01T14:30:00.000-05:00', '2024-06-01T19:30:00.000Z'],
      ['2024-01-15T10:00:00.000-06:00', '2024-01-15T16:00:00.000Z'],
      ['2024-06-20T09:45:15Z', '2024-06-20T09:45:15.000Z'],
      ['2024-06-20T09:45:15+02:00', '2024-06-20T07:45:15.000Z'],
      ['2024-06-20 09:45:15', '2024-06-20T09:45:15.000Z'],
      ['2019-02-25', '2019-02-25T00:00:00.000Z'],
      ['not a date', null],
      [null, null],
    ]);
  });

  test('customers: business name, else first and last name; email domain (not a mailbox provider’s); disabled = inactive', () => {
    const sample = { id: 1021, business_name: 'Contoso Ltd', firstname: 'Dana', lastname: 'Reyes', email: 'dana@contoso.example', phone: '555-0100', mobile: '', disabled: false, updated_at: '2024-06-01T14:30:00.000-05:00' };
    assert.deepEqual(mapCustomer(sample), { id: '1021', name: 'Contoso Ltd', inactive: false, website: null, domain: 'contoso.example', phone: '555-0100', updatedAt: '2024-06-01T19:30:00.000Z' });
    const person = mapCustomer({ id: '7', business_name: '', firstname: 'Sam', lastname: 'Okafor', email: 'sam@gmail.com', mobile: '555-0199', disabled: true });
    assert.equal(person?.name, 'Sam Okafor');
    assert.equal(person?.domain, null);
    assert.equal(person?.phone, '555-0199');
    assert.equal(person?.inactive, true);
    assert.equal(emailDomain('x@Sub.Example.COM'), 'sub.example.com');
    assert.equal(emailDomain('nonsense'), null);
  });

  test('tickets: closed by a configured status or a resolved date; the issue type is the type id; number int or string', () => {
    const raw = { id: 88120, number: 4207, subject: 'Printer offline', customer_id: 1021, problem_type: 'Hardware', status: 'In Progress', created_at: '2024-06-20T09:45:15.000-05:00', updated_at: '2024-06-20T10:02:11.000-05:00', resolved_at: null };
    assert.deepEqual(mapTicket(raw, rules), {
      id: '88120', companyId: '1021', summary: 'Printer offline', status: 'In Progress', closed: false, typeId: 'Hardware', typeName: 'Hardware',
      openedAt: '2024-06-20T14:45:15.000Z', closedAt: null, updatedAt: '2024-06-20T15:02:11.000Z',
    });
    assert.equal(mapTicket({ ...raw, status: 'resolved' }, rules)?.closed, true, 'status compared case-insensitively');
    assert.equal(mapTicket({ ...raw, status: 'Closed' }, rules)?.closed, false, 'not a closed status by default');
    assert.equal(mapTicket({ ...raw, status: 'Closed' }, ticketRules(['Resolved', 'Closed']))?.closed, true, 'the closed statuses are a setting');
    const resolved = mapTicket({ ...raw, status: 'Invoiced', resolved_at: '2024-06-21T08:00:00-05:00' }, rules);
    assert.equal(resolved?.closed, true);
    assert.equal(resolved?.closedAt, '2024-06-21T13:00:00.000Z');
    assert.equal(mapTicket({ ...raw, problem_type: null, ticket_type_id: 12 }, rules)?.typeId, '12', 'ticket_type_id when there is no issue type');
    assert.equal(ticketNumber(4207), '4207');
    assert.equal(ticketNumber('4207'), '4207');
    assert.equal(ticketNumber(null), null);
  });

  test('error bodies: each known shape gives its message; HTML and empty bodies give none', () => {
    assert.equal(extractSyncroMessage({ error: 'Customer must exist' }), 'Customer must exist');
    assert.equal(extractSyncroMessage({ errors: ['Subject can\'t be blank', 'Customer must exist'] }), "Subject can't be blank; Customer must exist");
    assert.equal(extractSyncroMessage({ errors: { customer_id: ['must exist'], base: ['Try again'] } }), 'customer id must exist; Try again');
    assert.equal(extractSyncroMessage({ message: 'Not authorized' }), 'Not authorized');
    assert.equal(extractSyncroMessage('<html><body>500</body></html>'), null);
    assert.equal(extractSyncroMessage({}), null);
  });

  test('issue types: strings, objects with a name, a bare array; duplicates dropped', () => {
    assert.deepEqual(parseIssueTypes({ problem_types: ['Hardware', 'Opportunity', 'hardware'] }), ['Hardware', 'Opportunity']);
    assert.deepEqual(parseIssueTypes({ problem_types: [{ id: 1, name: 'Network' }, { name: 'Email' }] }), ['Network', 'Email']);
    assert.deepEqual(parseIssueTypes(['Other']), ['Other']);
    assert.equal(parseIssueTypes({ nothing: 1 }), null);
  });

  test('the ticket update filter: the watermark minus a whole day, as a UTC timestamp or a date', () => {
    const w = new Date('2024-06-21T03:00:00.000Z');
    assert.equal(sinceValue(w, { sinceOverlapMs: 86_400_000, sinceDateOnly: false }), '2024-06-20T03:00:00.000Z');
    assert.equal(sinceValue(w, { sinceOverlapMs: 86_400_000, sinceDateOnly: true }), '2024-06-20');
  });
});

describe('Syncro paginator guards', () => {
  const pages = (bodies: unknown[]) => {
    const asked: number[] = [];
    const gen = paginateSyncro({
      get: async (q) => {
        asked.push(Number(q.page));
        return bodies[Number(q.page) - 1] ?? { tickets: [], meta: { page: Number(q.page), total_pages: bodies.length, total_entries: 0, per_page: 25 } };
      },
      key: 'tickets', label: 'GET /tickets', perPage: null,
    });
    return { gen, asked };
  };
  const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: from + i }));

  test('loops while meta.page < meta.total_pages and checks total_entries', async () => {
    const { gen, asked } = pages([
      { tickets: rows(1, 25), meta: { page: 1, total_pages: 2, total_entries: 30, per_page: 25 } },
      { tickets: rows(26, 5), meta: { page: 2, total_pages: 2, total_entries: 30, per_page: 25 } },
    ]);
    const { records, result } = await collect(gen as never);
    assert.deepEqual((records as { id: number }[]).map((r) => r.id), rows(1, 30).map((r) => r.id));
    assert.deepEqual(asked, [1, 2]);
    assert.deepEqual(result, { fetched: 30, expected: 30, partial: false });
  });

  test('a page number other than the one asked for fails the read', async () => {
    const { gen } = pages([
      { tickets: rows(1, 25), meta: { page: 1, total_pages: 2, total_entries: 50, per_page: 25 } },
      { tickets: rows(1, 25), meta: { page: 1, total_pages: 2, total_entries: 50, per_page: 25 } },
    ]);
    await assert.rejects(collect(gen as never), /page 1 when page 2 was asked for/);
  });

  test('a repeated page and a shortfall end the read as partial', async () => {
    const repeat = pages([
      { tickets: rows(1, 25), meta: { page: 1, total_pages: 3, total_entries: 75, per_page: 25 } },
      { tickets: rows(1, 25), meta: { page: 2, total_pages: 3, total_entries: 75, per_page: 25 } },
    ]);
    const r1 = (await collect(repeat.gen as never)).result;
    assert.equal(r1.partial, true);
    assert.match(r1.reason ?? '', /repeated/);
    const short = pages([{ tickets: rows(1, 20), meta: { page: 1, total_pages: 1, total_entries: 26, per_page: 25 } }]);
    const r2 = (await collect(short.gen as never)).result;
    assert.equal(r2.partial, true);
    assert.match(r2.reason ?? '', /announced 26 records \(total_entries\) but 20 arrived/);
  });

  test('without meta: pages until a short one', async () => {
    const { gen, asked } = pages([{ tickets: rows(1, 25) }, { tickets: rows(26, 3) }]);
    const { result } = await collect(gen as never);
    assert.deepEqual(asked, [1, 2]);
    assert.equal(result.fetched, 28);
  });
});

describe('Syncro variants (sandbox)', () => {
  const sb = useSandbox<SyncroSandbox>(() => startSyncroSandbox({ port: 0, ticketCount: 260, rateLimit: null }));
  const fresh = () => {
    sb().control.reset();
  };

  test('requests carry the token as Bearer, never as api_key; a token without the prefix is refused by default', async () => {
    fresh();
    const { records } = await drain(syncroConnectorFor(sb()).streams({ ticketMonths: 0 }).companies);
    assert.ok(records.length > 0);
    for (const r of sb().control.requests()) {
      assert.ok(!r.path.includes('api_key'), r.path);
      assert.ok(!r.path.includes(SYNCRO_SANDBOX_DEFAULTS.apiToken), r.path);
    }
  });

  test('customers: include_disabled=true, so disabled customers come back marked inactive', async () => {
    fresh();
    const id = sb().control.data().customerIds[0]!;
    sb().control.updateCustomer(id, { disabled: true });
    const { records } = await drain(syncroConnectorFor(sb()).streams({ ticketMonths: 0 }).companies);
    assert.equal(records.find((c) => c.id === String(id))?.inactive, true);
    assert.equal(records.length, sb().control.data().customers.length);
    assert.ok(sb().control.requests().every((r) => !r.path.startsWith('/api/v1/customers') || r.path.includes('include_disabled=true')));
  });

  test('per_page: not sent by default; when set, honoured (fewer pages) or ignored (meta says 25) — every record either way', async () => {
    fresh();
    const all = sb().control.data().ticketIds.length;
    const count = async (perPage: number | null) => {
      sb().control.clearRequests();
      const { records, result } = await drain(syncroConnectorFor(sb(), { perPage }).streams({ ticketMonths: 0 }).tickets);
      assert.equal(result.partial, false, result.reason);
      assert.equal(records.length, all);
      return sb().control.requests().filter((r) => r.path.startsWith('/api/v1/tickets')).length;
    };
    const byDefault = await count(null);
    assert.equal(byDefault, Math.ceil(all / 25));
    assert.ok(sb().control.requests().every((r) => !r.path.includes('per_page')));
    assert.equal(await count(100), Math.ceil(all / 25), 'ignored: 25 per page');
    sb().control.setVariants({ perPage: 'honoured' });
    assert.equal(await count(100), Math.ceil(all / 100), 'honoured: 100 per page');
    assert.ok(sb().control.requests().every((r) => !r.path.startsWith('/api/v1/tickets') || r.path.includes('per_page=100')));
  });

  for (const since of ['timestamp', 'date-only'] as const) {
    for (const dateOnly of [false, true]) {
      test(`incremental tickets: server ${since}, client sends ${dateOnly ? 'a date' : 'a timestamp'} → every change since the watermark, not everything`, async () => {
        fresh();
        sb().control.setVariants({ since });
        const watermark = new Date(Date.now() - 1000);
        const ids = sb().control.data().ticketIds.slice(0, 3);
        for (const id of ids) sb().control.updateTicket(id, { subject: `changed ${id}` });
        const added = sb().control.addTickets({ count: 2 });
        const { records, result } = await drain(syncroConnectorFor(sb(), { sinceDateOnly: dateOnly }).streams({ ticketMonths: 0 }).tickets, watermark);
        assert.equal(result.partial, false);
        const got = new Set(records.map((r) => r.id));
        for (const id of [...ids, ...added]) assert.ok(got.has(String(id)), `ticket ${id} changed after the watermark`);
        assert.ok(records.length < sb().control.data().ticketIds.length, 'an incremental read, not a full one');
        const param = sb().control.requests().map((r) => new URL(r.path, 'http://x').searchParams.get('since_updated_at')).find((v) => v !== null);
        assert.match(param ?? '', dateOnly ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}T.*Z$/);
      });
    }
  }

  test('the update filter parameter name is a setting (an account honouring `since`)', async () => {
    fresh();
    sb().control.setVariants({ sinceParam: 'since' });
    const future = new Date(Date.now() + 2 * 86_400_000);
    const wrong = await drain(syncroConnectorFor(sb()).streams({ ticketMonths: 0 }).tickets, future);
    assert.equal(wrong.records.length, sb().control.data().ticketIds.length, 'the default name is ignored here: everything comes back');
    const right = await drain(syncroConnectorFor(sb(), { sinceParam: 'since' }).streams({ ticketMonths: 0 }).tickets, future);
    assert.equal(right.records.length, 0);
  });

  for (const status of [401, 403] as const) {
    test(`a missing permission answered ${status} after /me succeeded → missing_permissions naming it`, async () => {
      fresh();
      sb().control.setVariants({ missingPermissionStatus: status });
      sb().control.addToken({ token: 'no-tickets', permissions: ['Customers - List/Search', 'Customers - View Detail'] });
      const r = await syncroConnectorFor(sb(), { apiToken: 'no-tickets' }).check({ pullTickets: true, opportunityExport: false });
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.code, 'missing_permissions', JSON.stringify(r));
      assert.deepEqual(!r.ok && r.error.missingPermissions, ['Tickets - List/Search']);
    });
  }

  test('without /me: the lists prove the token (403 → missing_permissions, a bad token → invalid_credentials)', async () => {
    fresh();
    sb().control.setVariants({ me: false });
    const ok = await syncroConnectorFor(sb()).check({ pullTickets: true, opportunityExport: false });
    assert.equal(ok.ok, true, JSON.stringify(ok));
    sb().control.addToken({ token: 'no-tickets', permissions: ['Customers - List/Search'] });
    const limited = await syncroConnectorFor(sb(), { apiToken: 'no-tickets' }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!limited.ok && limited.error.code, 'missing_permissions');
    const bad = await syncroConnectorFor(sb(), { apiToken: 'wrong' }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(!bad.ok && bad.error.code, 'invalid_credentials');
  });

  test('an expired token → invalid_credentials in the Test and in a sync read', async () => {
    fresh();
    sb().control.addToken({ token: 'expiring' });
    sb().control.expireToken('expiring');
    const c = syncroConnectorFor(sb(), { apiToken: 'expiring' });
    const r = await c.check({ pullTickets: true, opportunityExport: false });
    assert.equal(!r.ok && r.error.code, 'invalid_credentials');
    assert.match(!r.ok ? r.error.message : '', /expired/);
    await assert.rejects(drain(c.streams({ ticketMonths: 0 }).companies), (e: { code?: string }) => e.code === 'invalid_credentials');
  });

  test('a token that sees nothing: Connection Successful with warnings about the empty lists', async () => {
    fresh();
    sb().control.addToken({ token: 'part-time', seesNothing: true });
    const r = await syncroConnectorFor(sb(), { apiToken: 'part-time' }).check({ pullTickets: true, opportunityExport: false });
    assert.equal(r.ok, true);
    assert.match(JSON.stringify(r.ok && r.details.warnings), /no customers.*no tickets/);
  });

  test('issue types: /tickets/settings, /ticket_problem_types, a configured path, or none (the settings’ opportunity types)', async () => {
    fresh();
    const names = async (extra: Record<string, unknown> = {}) => (await drain(syncroConnectorFor(sb(), extra).streams({ ticketMonths: 0 }).ticketTypes)).records.map((t) => t.id);
    assert.deepEqual(await names(), sb().control.data().issueTypes);
    sb().control.setVariants({ issueTypes: 'problem_types' });
    assert.deepEqual(await names(), sb().control.data().issueTypes);
    assert.deepEqual(await names({ issueTypesPath: '/ticket_problem_types' }), sb().control.data().issueTypes);
    sb().control.setVariants({ issueTypes: 'none' });
    assert.deepEqual(await names({ opportunityIssueTypes: ['Sales Opportunity'] }), ['Sales Opportunity']);
  });

  test('429 without Retry-After waits 60 s; with it, as long as it says', async () => {
    fresh();
    const waits: number[] = [];
    const c = syncroConnectorFor(sb(), { sleep: async (ms) => { waits.push(ms); } });
    sb().control.addFault({ type: '429', pathPrefix: '/customers' });
    await drain(c.streams({ ticketMonths: 0 }).companies);
    sb().control.addFault({ type: '429', pathPrefix: '/customers', retryAfter: 7 });
    await drain(c.streams({ ticketMonths: 0 }).companies);
    assert.deepEqual(waits.filter((w) => w >= 1000), [60_000, 7000]);
  });

  test('the sandbox enforces 180 requests per rolling minute', async () => {
    fresh();
    sb().control.setRateLimit({ limit: 180, windowMs: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 182; i++) {
      const res = await fetch(`${sb().baseUrl}/me`, { headers: { authorization: `Bearer ${SYNCRO_SANDBOX_DEFAULTS.apiToken}` } });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    sb().control.setRateLimit(null);
    assert.equal(statuses.filter((s) => s === 200).length, 180);
    assert.deepEqual(statuses.slice(180), [429, 429]);
  });
});

describe('Syncro opportunity ticket (sandbox variants)', () => {
  const sb = useSandbox<SyncroSandbox>(() => startSyncroSandbox({ port: 0, ticketCount: 60, rateLimit: null }));
  const input = (marker: string, companyId: string) => ({ companyId, ticketTypeId: 'Opportunity', summary: 'Replace 14 laptops', detailsHtml: '<p>Value 18,200.</p>', value: 18200, marker });

  for (const v of [{ ticketNumber: 'int', postStatus: 200 }, { ticketNumber: 'string', postStatus: 201 }] as const) {
    test(`POST /tickets answered ${v.postStatus} with a ${v.ticketNumber} number: id, number and link; the marker in a hidden first comment`, async () => {
      sb().control.reset();
      sb().control.setVariants(v);
      const customer = String(sb().control.data().customerIds[0]);
      const t = await syncroConnectorFor(sb()).createOpportunityTicket(input('opp_aaa1', customer));
      const stored = sb().control.getTicket(Number(t.ticketId))!;
      assert.equal(t.ticketNumber, String(stored.number));
      assert.equal(t.url, `${sb().url}/tickets/${t.ticketId}`);
      assert.equal(stored.problemType, 'Opportunity');
      assert.equal(stored.comments[0]?.hidden, true);
      assert.match(stored.comments[0]?.body ?? '', /Value 18,200\.\s+crosswalk:opp_aaa1$/);
    });
  }

  test('found again by its marker: through the search, and through recent tickets when the search ignores comments', async () => {
    sb().control.reset();
    const c = syncroConnectorFor(sb());
    const customer = String(sb().control.data().customerIds[1]);
    const t = await c.createOpportunityTicket(input('opp_bbb2', customer));
    assert.equal(await c.findTicketByMarker(customer, 'opp_bbb2'), t.ticketId);
    assert.equal(await c.findTicketByMarker(customer, 'opp_bbb'), null, 'a prefix of the marker is another marker');
    sb().control.setVariants({ querySearchesComments: false });
    assert.equal(await c.findTicketByMarker(customer, 'opp_bbb2'), t.ticketId);
    sb().control.setVariants({ listIncludesComments: true });
    assert.equal(await c.findTicketByMarker(customer, 'opp_bbb2'), t.ticketId);
  });

  test('an account that only records comment_body: the setting sends it that way, and the marker is found', async () => {
    sb().control.reset();
    sb().control.setVariants({ comment: 'comment_body' });
    const customer = String(sb().control.data().customerIds[2]);
    const lost = await syncroConnectorFor(sb()).createOpportunityTicket(input('opp_ccc3', customer));
    assert.deepEqual(sb().control.getTicket(Number(lost.ticketId))!.comments, [], 'comments_attributes ignored by this account');
    const c = syncroConnectorFor(sb(), { commentBody: true });
    const t = await c.createOpportunityTicket(input('opp_ddd4', customer));
    assert.match(sb().control.getTicket(Number(t.ticketId))!.comments[0]!.body, /crosswalk:opp_ddd4/);
    assert.equal(await c.findTicketByMarker(customer, 'opp_ddd4'), t.ticketId);
  });

  for (const errorBody of ['error', 'errors-array', 'errors-object', 'message'] as const) {
    test(`a refused ticket (422, body shape ${errorBody}): kind config with Syncro's message, nothing created`, async () => {
      sb().control.reset();
      sb().control.setVariants({ errorBody });
      const before = sb().control.stats().ticketsCreated;
      await assert.rejects(syncroConnectorFor(sb()).createOpportunityTicket(input('opp_eee5', '999999')), (e: { kind?: string; userMessage?: string }) => {
        assert.equal(e.kind, 'config');
        assert.match(e.userMessage ?? '', /must exist/i);
        return true;
      });
      assert.equal(sb().control.stats().ticketsCreated, before);
    });
  }

  test('500 after creating: a transient error (the caller looks for the marker), never a second POST', async () => {
    sb().control.reset();
    const customer = String(sb().control.data().customerIds[3]);
    sb().control.addFault({ type: '500-after-create', pathPrefix: '/tickets', method: 'POST' });
    const c = syncroConnectorFor(sb());
    await assert.rejects(c.createOpportunityTicket(input('opp_fff6', customer)), (e: { kind?: string }) => e.kind === 'transient');
    assert.equal(sb().control.stats().ticketsCreated, 1);
    assert.equal(sb().control.requests().filter((r) => r.method === 'POST').length, 1);
    assert.ok((await c.findTicketByMarker(customer, 'opp_fff6')) !== null);
  });
});
