/**
 * The Syncro sandbox as syncro.md describes the API: envelopes and `meta`, offsets in timestamps, `include_disabled`
 * (default false), the update filter, Bearer tokens and permissions, POST /tickets, errors, the rate limit, the same
 * businesses as the IT Glue sandbox, and the control interface over HTTP.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startSyncroSandbox, SYNCRO_SANDBOX_DEFAULTS, syncroTime, type SyncroSandbox } from '../../src/sandbox/syncro/index.js';
import { useSandbox } from '../helpers/sandboxes.js';

const AUTH = { authorization: `Bearer ${SYNCRO_SANDBOX_DEFAULTS.apiToken}` };

describe('Syncro sandbox', () => {
  const sb = useSandbox<SyncroSandbox>(() => startSyncroSandbox({ port: 0, ticketCount: 120, rateLimit: null }));
  const get = async (path: string, headers: Record<string, string> = AUTH) => {
    const res = await fetch(`${sb().baseUrl}${path}`, { headers });
    const text = await res.text();
    // A 502/503 fault answers an HTML page, as a proxy in front of Syncro would.
    const body = (text.startsWith('{') ? JSON.parse(text) : { html: text }) as Record<string, unknown>;
    return { status: res.status, body, headers: res.headers };
  };

  test('lists: envelope and meta; 25 per page; page 2 follows page 1', async () => {
    sb().control.reset();
    const p1 = await get('/customers?page=1&include_disabled=true');
    const meta = p1.body.meta as Record<string, number>;
    const total = sb().control.data().customers.length;
    assert.deepEqual(meta, { total_pages: Math.ceil(total / 25), total_entries: total, per_page: 25, page: 1 });
    assert.equal((p1.body.customers as unknown[]).length, 25);
    const p2 = await get('/customers?page=2&include_disabled=true');
    assert.equal((p2.body.meta as Record<string, number>).page, 2);
    const ids1 = (p1.body.customers as { id: number }[]).map((c) => c.id);
    assert.ok((p2.body.customers as { id: number }[]).every((c) => !ids1.includes(c.id)));
  });

  test('disabled customers are left out unless include_disabled=true', async () => {
    sb().control.reset();
    const id = sb().control.data().customerIds[0]!;
    sb().control.updateCustomer(id, { disabled: true });
    const all = async (q: string) => {
      const out: number[] = [];
      for (let page = 1; ; page++) {
        const r = await get(`/customers?page=${page}${q}`);
        out.push(...(r.body.customers as { id: number }[]).map((c) => c.id));
        if (page >= (r.body.meta as { total_pages: number }).total_pages) return out;
      }
    };
    assert.ok(!(await all('')).includes(id));
    assert.ok((await all('&include_disabled=true')).includes(id));
  });

  test('timestamps carry the account’s offset; ids and the ticket number are integers (or a string in that variant)', async () => {
    sb().control.reset();
    const r = await get('/tickets?page=1');
    const t = (r.body.tickets as Record<string, unknown>[])[0]!;
    assert.match(String(t.updated_at), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-05:00$/);
    assert.equal(typeof t.id, 'number');
    assert.equal(typeof t.number, 'number');
    sb().control.setVariants({ ticketNumber: 'string' });
    assert.equal(typeof ((await get('/tickets?page=1')).body.tickets as Record<string, unknown>[])[0]!.number, 'string');
    assert.equal(syncroTime(Date.UTC(2024, 5, 1, 19, 30), -300), '2024-06-01T14:30:00.000-05:00');
  });

  test('since_updated_at: a timestamp is honoured, or cut to the day in the account’s zone (date-only variant)', async () => {
    sb().control.reset();
    const [a] = sb().control.data().ticketIds;
    sb().control.updateTicket(a!, { subject: 'now' });
    const since = new Date(Date.now() - 60_000).toISOString();
    const exact = (await get(`/tickets?page=1&since_updated_at=${since}`)).body.meta as { total_entries: number };
    assert.equal(exact.total_entries, 1);
    sb().control.setVariants({ since: 'date-only' });
    const day = (await get(`/tickets?page=1&since_updated_at=${since}`)).body.meta as { total_entries: number };
    assert.ok(day.total_entries >= 1);
  });

  test('auth: Bearer only (bearerOptional variant accepts a bare token); a missing permission answers 403 or 401', async () => {
    sb().control.reset();
    assert.equal((await get('/me', {})).status, 401);
    assert.equal((await get('/me', { authorization: SYNCRO_SANDBOX_DEFAULTS.apiToken })).status, 401);
    sb().control.setVariants({ bearerOptional: true });
    assert.equal((await get('/me', { authorization: SYNCRO_SANDBOX_DEFAULTS.apiToken })).status, 200);
    sb().control.addToken({ token: 'ro', permissions: ['Customers - List/Search'] });
    const denied = await get('/tickets?page=1', { authorization: 'Bearer ro' });
    assert.equal(denied.status, 403);
    assert.match(String(denied.body.error), /Tickets - List\/Search/);
    sb().control.setVariants({ missingPermissionStatus: 401, me: false });
    assert.equal((await get('/tickets?page=1', { authorization: 'Bearer ro' })).status, 401);
    assert.equal((await get('/me')).status, 404);
  });

  test('POST /tickets: a JSON object; 422 without a customer; reply {"ticket"} with id and number; the first comment kept', async () => {
    sb().control.reset();
    const post = async (body: unknown) => {
      const res = await fetch(`${sb().baseUrl}/tickets`, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const customer = sb().control.data().customerIds[0]!;
    assert.equal((await post({ subject: 'x' })).status, 422);
    assert.equal((await post([{ customer_id: customer, subject: 'x' }])).status, 422, 'an array is refused');
    const ok = await post({ customer_id: customer, subject: 'Replace 14 laptops', problem_type: 'Opportunity', comments_attributes: [{ subject: 'Opportunity', body: 'crosswalk:opp_1', hidden: true, do_not_email: true }] });
    assert.equal(ok.status, 200);
    const t = ok.body.ticket as { id: number; number: number; comments: { body: string; hidden: boolean }[] };
    assert.ok(t.id > 0 && t.number > 0);
    assert.deepEqual(t.comments.map((c) => [c.body, c.hidden]), [['crosswalk:opp_1', true]]);
    sb().control.setVariants({ postStatus: 201, errorBody: 'errors-object' });
    assert.equal((await post({ customer_id: customer, subject: 'y' })).status, 201);
    assert.deepEqual((await post({ customer_id: customer })).body, { errors: { subject: ["Subject can't be blank"] } });
  });

  test('180 requests per rolling minute by default; Retry-After only in that variant', async () => {
    const limited = await startSyncroSandbox({ port: 0, ticketCount: 0 });
    try {
      let last: Response | null = null;
      for (let i = 0; i < 181; i++) {
        last = await fetch(`${limited.baseUrl}/me`, { headers: AUTH });
        await last.arrayBuffer();
      }
      assert.equal(last?.status, 429);
      assert.equal(last?.headers.get('retry-after'), null);
      limited.control.setVariants({ retryAfter: true });
      const again = await fetch(`${limited.baseUrl}/me`, { headers: AUTH });
      assert.equal(again.status, 429);
      assert.ok(Number(again.headers.get('retry-after')) > 0);
    } finally {
      await limited.close();
    }
  });

  test('the same businesses as the IT Glue sandbox, under PSA names', async () => {
    const itglue = await startItGlueSandbox({ port: 0 });
    try {
      const keys = new Set(itglue.control.truth().organizations.map((o) => o.businessKey).filter((k) => k !== null));
      const customers = sb().control.data().customers;
      const shared = customers.filter((c) => c.businessKey !== null && keys.has(c.businessKey));
      assert.ok(shared.length > customers.length * 0.8, `${shared.length} of ${customers.length} customers are IT Glue businesses`);
      assert.ok(customers.some((c) => c.businessKey === null), 'individuals too');
    } finally {
      await itglue.close();
    }
  });

  test('the control interface over HTTP: variants, faults, data, reset', async () => {
    const ctl = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sb().url}/_sandbox${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    assert.equal(((await ctl('POST', '/variants', { perPage: 'honoured' })).body.variants as { perPage: string }).perPage, 'honoured');
    assert.equal((await ctl('POST', '/variants', { perPage: 'sometimes' })).status, 400);
    assert.equal((await ctl('POST', '/faults', { type: '503', pathPrefix: '/customers' })).status, 200);
    assert.equal((await get('/customers?page=1')).status, 503);
    assert.equal((await get('/customers?page=1')).status, 200);
    assert.ok(((await ctl('GET', '/data')).body.customerIds as number[]).length > 0);
    assert.equal((await ctl('POST', '/reset')).status, 200);
    assert.equal(sb().control.variants().perPage, 'ignored');
  });
});
