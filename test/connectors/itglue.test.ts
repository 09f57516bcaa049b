import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpEvent } from '../../src/connectors/http/client.js';
import {
  ITGLUE_REGIONS,
  createItGlueConnector,
  mapConfiguration,
  mapDomain,
  mapOrganization,
  toDateOnly,
  toIsoTimestamp,
  type MapResult,
} from '../../src/connectors/itglue/index.js';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { freePort, sendJson, startServer, type TestServer } from '../helpers/http.js';
import { collect } from '../helpers/streams.js';

const KEY = 'ITG.0123456789abcdef.testkey-value';
const JSON_API = 'application/vnd.api+json; charset=utf-8';

type Res = { id: string | number; type: string; attributes: Record<string, unknown> };

function org(id: string | number, name: string, extra: Record<string, unknown> = {}): Res {
  return {
    id,
    type: 'organizations',
    attributes: {
      name,
      alert: null,
      description: null,
      'organization-type-id': 86,
      'organization-type-name': 'Customer',
      'organization-status-id': 68,
      'organization-status-name': 'Active',
      primary: false,
      logo: '',
      'quick-notes': null,
      'short-name': null,
      'created-at': '2016-09-14T17:02:44.000Z',
      'updated-at': '2024-05-02T09:11:07.000Z',
      'parent-id': null,
      'ancestor-ids': null,
      ...extra,
    },
  };
}

function query(url: string): Record<string, string> {
  const q = url.split('?')[1] ?? '';
  const out: Record<string, string> = {};
  for (const pair of q.split('&')) {
    if (pair === '') continue;
    const [k, v] = pair.split('=');
    out[decodeURIComponent(k as string)] = decodeURIComponent(v ?? '');
  }
  return out;
}

interface FakeOptions {
  /** what meta.total-count says (default: the real count) */
  totalCount?: number;
  /** ignore page[number] and always serve page 1 */
  ignorePageNumber?: boolean;
  /** a status / body instead of data */
  respond?: (path: string, q: Record<string, string>) => { status: number; body: unknown; type?: string } | null;
  maxPageSize?: number;
}

/** A tiny JSON:API collection server: `collections[path]` paged by page[number] / page[size]. */
async function fakeItGlue(collections: Record<string, Res[]>, o: FakeOptions = {}): Promise<TestServer> {
  return startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) {
      sendJson(res, 403, { message: 'Forbidden' });
      return;
    }
    const path = (req.url ?? '').split('?')[0] as string;
    const q = query(req.url ?? '');
    const special = o.respond?.(path, q) ?? null;
    if (special !== null) {
      const text = typeof special.body === 'string' ? special.body : JSON.stringify(special.body);
      res.writeHead(special.status, { 'content-type': special.type ?? JSON_API });
      res.end(text);
      return;
    }
    const all = collections[path];
    if (all === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>The page you were looking for does not exist.</body></html>');
      return;
    }
    const size = Math.min(Number(q['page[size]'] ?? 50), o.maxPageSize ?? 1000);
    const number = o.ignorePageNumber === true ? 1 : Number(q['page[number]'] ?? 1);
    const total = all.length;
    const totalPages = Math.max(1, Math.ceil(total / size));
    const data = all.slice((number - 1) * size, number * size);
    res.writeHead(200, { 'content-type': JSON_API });
    res.end(
      JSON.stringify({
        data,
        meta: {
          'current-page': number,
          'next-page': number < totalPages ? number + 1 : null,
          'prev-page': number > 1 ? number - 1 : null,
          'total-pages': totalPages,
          'total-count': o.totalCount ?? total,
          filters: {},
        },
        links: { self: 'https://api.itglue.com/ignored', next: 'https://evil.example/never-follow' },
      }),
    );
  });
}

/** The record a mapper made; fails when the mapper refused the resource. */
function mapped<T>(r: MapResult<T>): T {
  if (!r.ok) assert.fail(`the mapper refused the resource: ${r.error}`);
  return r.record;
}

const fastSleep = async (): Promise<void> => {};

function connector(srv: TestServer, extra: Partial<Parameters<typeof createItGlueConnector>[0]> = {}) {
  return createItGlueConnector({ baseUrl: srv.url, apiKey: KEY, sleep: fastSleep, rateLimit: { limit: 0, windowMs: 1 }, ...extra });
}

describe('IT Glue mappers', () => {
  it('parses ids, foreign keys, dates and blanks leniently', () => {
    const r = mapped(mapOrganization(
      org(1234567890123456, '  Happy Frog ', {
        'organization-status-id': '68',
        'organization-type-id': null,
        'organization-type-name': '',
        'short-name': '',
        'parent-id': '1',
        'ancestor-ids': '[1,6]',
        'created-at': 'not a date',
        'updated-at': '2024-05-02T09:11:07.000Z',
        'unknown-attribute': 'dropped',
      }),
    ));
    assert.deepEqual(r, {
      id: '1234567890123456',
      name: 'Happy Frog',
      statusId: '68',
      statusName: 'Active',
      typeId: null,
      typeName: null,
      primary: false,
      shortName: null,
      psaId: null,
      createdAt: null,
      updatedAt: '2024-05-02T09:11:07.000Z',
    });
    const long = mapOrganization(org('9007199254740993123', 'Long', { 'parent-id': 2 }));
    assert.ok(long.ok && long.record.id === '9007199254740993123', '18-digit string ids stay exact');
    assert.equal(mapOrganization(org(2 ** 53 + 2, 'Unsafe')).ok, false, 'an unsafe numeric id is refused');
    const unsafeFk = mapOrganization(org('5', 'X', { 'organization-status-id': 2 ** 60 }));
    assert.equal(unsafeFk.ok, false);
    assert.ok(mapOrganization({ id: '7', type: 'organizations', attributes: { name: 'Bare' } }).ok, 'missing attributes are null');
  });

  it('maps configurations and domains', () => {
    const c = mapped(mapConfiguration({
      id: '455',
      type: 'configurations',
      attributes: {
        'organization-id': 2,
        name: 'HF-SF-CJ452JK',
        hostname: 'HFSFCJ452JK',
        'serial-number': 'C03R3LT7THV8',
        'asset-tag': '',
        'warranty-expires-at': '2026-05-05',
        'purchased-at': '2021-02-29',
        'installed-at': '2021-03-01T23:30:00',
        'operating-system-name': 'Windows Server 2022',
        'configuration-type-name': 'Managed Server',
        'manufacturer-name': 'Dell',
        archived: false,
        'updated-at': '2025-03-29T20:55:16.000Z',
      },
      relationships: { 'adapters-resources': { data: [] } },
    }));
    assert.deepEqual(c, {
      id: '455',
      organizationId: '2',
      name: 'HF-SF-CJ452JK',
      hostname: 'HFSFCJ452JK',
      typeName: 'Managed Server',
      serialNumber: 'C03R3LT7THV8',
      assetTag: null,
      manufacturerName: 'Dell',
      modelName: null,
      warrantyExpiresAt: '2026-05-05',
      purchasedAt: null, // 2021 had no 29 February
      installedAt: '2021-03-01', // the date part of a naive time, never shifted by a time zone
      operatingSystemName: 'Windows Server 2022',
      archived: false,
      updatedAt: '2025-03-29T20:55:16.000Z',
    });
    assert.equal(mapConfiguration({ id: 1, type: 'configurations', attributes: { name: 'x' } }).ok, false, 'organization-id required');
    const d = mapped(mapDomain({
      id: '1',
      type: 'domains',
      attributes: { 'organization-id': 2, name: 'happyfrog.com', 'registrar-name': 'MarkMonitor, Inc.', 'expires-on': '2026-09-14T04:00:00.000Z', 'updated-at': '2025-03-04T00:28:09.000Z' },
    }));
    assert.deepEqual(d, {
      id: '1',
      organizationId: '2',
      name: 'happyfrog.com',
      registrarName: 'MarkMonitor, Inc.',
      expiresOn: '2026-09-14T04:00:00.000Z',
      updatedAt: '2025-03-04T00:28:09.000Z',
    });
    assert.equal(toDateOnly('2026-02-30'), null);
    assert.equal(toDateOnly('2026-02-28T10:00:00Z'), '2026-02-28');
    assert.equal(toIsoTimestamp('2016-09-14T17:02:44Z'), '2016-09-14T17:02:44.000Z');
    assert.equal(toIsoTimestamp('0001-01-01T00:00:00Z'), null);
    assert.equal(toIsoTimestamp(''), null);
  });
});

describe('IT Glue paginator and streams', () => {
  it('pages through meta, never following links; sends x-api-key and no content-type', async () => {
    const orgs = Array.from({ length: 7 }, (_, i) => org(i + 1, `Org ${i + 1}`));
    const srv = await fakeItGlue({ '/organizations': orgs });
    try {
      const c = connector(srv, { pageSize: 3 });
      const { records, pages, result } = await collect(c.streams().organizations.read({ since: null }));
      assert.deepEqual(
        records.map((r) => r.id),
        ['1', '2', '3', '4', '5', '6', '7'],
      );
      assert.equal(pages.length, 3);
      assert.equal(pages[0]?.total, 7);
      assert.deepEqual(result, { fetched: 7, expected: 7, partial: false });
      assert.equal(srv.received.length, 3);
      for (const [i, r] of srv.received.entries()) {
        const q = query(r.url);
        assert.equal(q['page[number]'], String(i + 1));
        assert.equal(q['page[size]'], '3');
        assert.equal(q.sort, 'id');
        assert.equal(r.headers['x-api-key'], KEY);
        assert.equal(r.headers['content-type'], undefined);
        assert.ok(!r.url.includes(KEY));
      }
    } finally {
      await srv.close();
    }
  });

  it('never asks for more than 1000 per page', async () => {
    const srv = await fakeItGlue({ '/organization_statuses': [{ id: '68', type: 'organization-statuses', attributes: { name: 'Active', synced: false } }] });
    try {
      const c = connector(srv, { pageSize: 5000 });
      const { records } = await collect(c.streams().organizationStatuses.read({ since: null }));
      assert.deepEqual(records, [{ id: '68', name: 'Active' }]);
      assert.equal(query(srv.received[0]?.url ?? '')['page[size]'], '1000');
      const d = connector(srv);
      await collect(d.streams().organizationStatuses.read({ since: null }));
      assert.equal(query(srv.received[1]?.url ?? '')['page[size]'], '1000', 'default page size is 1000');
    } finally {
      await srv.close();
    }
  });

  it('stops when a page repeats the previous one and marks the result partial', async () => {
    const orgs = Array.from({ length: 6 }, (_, i) => org(i + 1, `Org ${i + 1}`));
    const srv = await fakeItGlue({ '/organizations': orgs }, { ignorePageNumber: true });
    try {
      const { records, result } = await collect(connector(srv, { pageSize: 2 }).streams().organizations.read({ since: null }));
      assert.deepEqual(
        records.map((r) => r.id),
        ['1', '2'],
      );
      assert.equal(result.partial, true);
      assert.match(result.reason ?? '', /repeated/);
      assert.equal(srv.received.length, 2);
    } finally {
      await srv.close();
    }
  });

  it('a shortfall against total-count is partial; a surplus is tolerated', async () => {
    const orgs = Array.from({ length: 5 }, (_, i) => org(i + 1, `Org ${i + 1}`));
    const short = await fakeItGlue({ '/organizations': orgs }, { totalCount: 8 });
    try {
      const { result } = await collect(connector(short, { pageSize: 2 }).streams().organizations.read({ since: null }));
      assert.equal(result.partial, true);
      assert.equal(result.fetched, 5);
      assert.equal(result.expected, 8);
      assert.match(result.reason ?? '', /5 of 8/);
    } finally {
      await short.close();
    }
    const more = await fakeItGlue({ '/organizations': orgs }, { totalCount: 4 });
    try {
      const { result } = await collect(connector(more, { pageSize: 2 }).streams().organizations.read({ since: null }));
      assert.deepEqual(result, { fetched: 5, expected: 4, partial: false });
    } finally {
      await more.close();
    }
  });

  it('keeps readable records when one cannot be parsed, and says so', async () => {
    const srv = await fakeItGlue({
      '/configurations': [
        { id: 1, type: 'configurations', attributes: { 'organization-id': 2, name: 'ok', 'updated-at': '2025-01-01T00:00:00.000Z' } },
        { id: 2, type: 'configurations', attributes: { 'organization-id': null, name: 'orphan' } },
      ],
    });
    try {
      const { records, result } = await collect(connector(srv).streams().configurations.read({ since: null }));
      assert.deepEqual(
        records.map((r) => r.id),
        ['1'],
      );
      assert.equal(result.partial, true);
      assert.match(result.reason ?? '', /could not be read/);
    } finally {
      await srv.close();
    }
  });

  it('incremental organizations: filter[updated_at]=<since without ms>Z,* and sort=updated_at, raw brackets', async () => {
    const srv = await fakeItGlue({ '/organizations': [org(3, 'Recent', { 'updated-at': '2025-02-01T00:00:00.000Z' })] });
    try {
      const { records, result } = await collect(
        connector(srv).streams().organizations.read({ since: new Date('2025-01-01T00:00:00.789Z') }),
      );
      assert.equal(records.length, 1);
      assert.equal(result.partial, false);
      const url = srv.received[0]?.url ?? '';
      assert.ok(url.startsWith('/organizations?'), url);
      assert.ok(url.includes('filter[updated_at]=2025-01-01T00:00:00Z,*'), url);
      assert.ok(url.includes('sort=updated_at'), url);
      assert.ok(url.includes('page[size]=1000'), url);
    } finally {
      await srv.close();
    }
  });

  it('falls back to a full pull when the updated_at range is refused', async () => {
    const srv = await fakeItGlue(
      { '/organizations': [org(1, 'A'), org(2, 'B')] },
      {
        respond: (_p, q) =>
          q['filter[updated_at]'] !== undefined
            ? { status: 422, body: { errors: [{ status: 422, title: 'Unprocessable Entity', detail: 'range too long' }] } }
            : null,
      },
    );
    try {
      const { records, result } = await collect(connector(srv).streams().organizations.read({ since: new Date('2020-01-01T00:00:00Z') }));
      assert.equal(records.length, 2);
      assert.match(result.reason ?? '', /refused/);
      assert.equal(query(srv.received[1]?.url ?? '').sort, 'id');
    } finally {
      await srv.close();
    }
  });

  it('configurations and domains: newest first until older than the watermark; full pull without one', async () => {
    const configs: Res[] = Array.from({ length: 10 }, (_, i) => ({
      id: String(100 - i),
      type: 'configurations',
      attributes: { 'organization-id': 2, name: `c${i}`, 'updated-at': new Date(Date.UTC(2025, 0, 20 - i)).toISOString() },
    }));
    const domains: Res[] = [{ id: 1, type: 'domains', attributes: { 'organization-id': 2, name: 'a.example', 'updated-at': '2025-01-01T00:00:00.000Z' } }];
    const srv = await fakeItGlue({ '/configurations': configs, '/domains': domains });
    try {
      const s = connector(srv, { pageSize: 3 }).streams();
      assert.equal(s.configurations.incremental, true);
      const { records, result } = await collect(s.configurations.read({ since: new Date(Date.UTC(2025, 0, 16)) }));
      // updated Jan 20..16 are kept (5 rows); paging stops on page 2, which holds the first older row
      assert.deepEqual(
        records.map((r) => r.id),
        ['100', '99', '98', '97', '96'],
      );
      assert.equal(result.partial, false);
      assert.equal(result.expected, null);
      assert.equal(srv.received.length, 2);
      assert.equal(query(srv.received[0]?.url ?? '').sort, '-updated_at');
      assert.ok(!(srv.received[0]?.url ?? '').includes('filter[updated_at]'), 'configurations have no updated_at filter');
      const full = await collect(s.configurations.read({ since: null }));
      assert.equal(full.records.length, 10);
      assert.equal(query(srv.received[2]?.url ?? '').sort, 'id');
      const d = await collect(s.domains.read({ since: new Date('2024-01-01T00:00:00Z') }));
      assert.equal(d.records.length, 1);
      assert.equal(query(srv.received.at(-1)?.url ?? '').sort, '-updated_at');
      await collect(s.domains.read({ since: null }));
      assert.equal(query(srv.received.at(-1)?.url ?? '').sort, undefined, 'domains document no id sort');
    } finally {
      await srv.close();
    }
  });

  it('halves the page size when a large page times out (504) and resumes at the same offset', async () => {
    const orgs = Array.from({ length: 250 }, (_, i) => org(i + 1, `Org ${i + 1}`));
    const srv = await fakeItGlue(
      { '/organizations': orgs },
      {
        respond: (_p, q) =>
          q['page[size]'] === '200' && q['page[number]'] === '2'
            ? { status: 504, body: '<html><body>504 Gateway Time-out</body></html>', type: 'text/html' }
            : null,
      },
    );
    try {
      const { records, result } = await collect(connector(srv, { pageSize: 200 }).streams().organizations.read({ since: null }));
      assert.deepEqual(
        records.map((r) => Number(r.id)),
        Array.from({ length: 250 }, (_, i) => i + 1),
      );
      assert.deepEqual(result, { fetched: 250, expected: 250, partial: false });
      const asked = srv.received.map((r) => `${query(r.url)['page[number]']}x${query(r.url)['page[size]']}`);
      assert.deepEqual(asked, ['1x200', '2x200', '2x200', '3x100'], 'one retry, then half-size pages from the same offset');
    } finally {
      await srv.close();
    }
  });

  it('a 403 in a stream throws invalid_credentials with the region hint', async () => {
    const srv = await fakeItGlue({ '/organizations': [] });
    try {
      const c = createItGlueConnector({ baseUrl: srv.url, apiKey: 'wrong-key-123', sleep: fastSleep });
      await assert.rejects(collect(c.streams().organizations.read({ since: null })), (e: unknown) => {
        const err = e as { code?: string; hint?: string; message: string };
        assert.equal(err.code, 'invalid_credentials');
        assert.match(err.hint ?? '', /region/);
        assert.ok(!err.message.includes('wrong-key-123'));
        return true;
      });
    } finally {
      await srv.close();
    }
  });
});

describe('IT Glue check()', () => {
  const statuses = [{ id: '68', type: 'organization-statuses', attributes: { name: 'Active' } }];

  it('succeeds with the organization count', async () => {
    const srv = await fakeItGlue({ '/organizations': [org(2, 'Happy Frog'), org(6, 'Kraken', { primary: true })], '/organization_statuses': statuses });
    try {
      const r = await connector(srv).check();
      assert.deepEqual(r, { ok: true, message: 'Connection Successful', details: { organizations: 2, region: null, organizationStatuses: 1 } });
      assert.equal(query(srv.received[0]?.url ?? '')['page[size]'], '1');
    } finally {
      await srv.close();
    }
  });

  it('403 and 401 → invalid_credentials with the hint', async () => {
    for (const status of [403, 401]) {
      const srv = await fakeItGlue({}, { respond: () => ({ status, body: status === 403 ? { message: 'Forbidden' } : '' }) });
      try {
        const r = await connector(srv).check();
        assert.equal(r.ok, false);
        if (!r.ok) {
          assert.equal(r.error.code, 'invalid_credentials');
          assert.equal(
            r.error.hint,
            'Check the API key and the region (US / EU / AU): a key from one region is refused by the others. Keys unused for 90 days are revoked automatically.',
          );
          assert.ok(!JSON.stringify(r).includes(KEY));
        }
      } finally {
        await srv.close();
      }
    }
  });

  it('unreachable port → unreachable naming the host', async () => {
    const port = await freePort();
    const r = await createItGlueConnector({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, sleep: fastSleep }).check();
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.error.code, 'unreachable');
      assert.match(r.error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    }
  });

  it('HTML 404 (or a web page) → not_found', async () => {
    const srv = await fakeItGlue({});
    try {
      const r = await connector(srv).check();
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'not_found');
        assert.match(r.error.message, /is not an IT Glue API URL/);
      }
    } finally {
      await srv.close();
    }
    const page = await fakeItGlue({}, { respond: () => ({ status: 200, body: '<!DOCTYPE html><html>IT Glue sign in</html>', type: 'text/html' }) });
    try {
      const r = await connector(page).check();
      assert.equal(r.ok ? 'ok' : r.error.code, 'not_found');
    } finally {
      await page.close();
    }
  });

  it('429 → rate_limited quickly (no 60 s wait)', async () => {
    const srv = await fakeItGlue({}, { respond: () => ({ status: 429, body: { errors: [{ status: 429, title: 'Too Many Requests' }] } }) });
    try {
      const t0 = Date.now();
      const r = await createItGlueConnector({ baseUrl: srv.url, apiKey: KEY }).check();
      assert.ok(Date.now() - t0 < 3000);
      assert.equal(r.ok ? 'ok' : r.error.code, 'rate_limited');
    } finally {
      await srv.close();
    }
  });

  it('anything else → unexpected_response; never throws', async () => {
    const srv = await fakeItGlue({}, { respond: (p) => (p === '/organizations' ? { status: 500, body: { errors: [] } } : null) });
    try {
      const r = await connector(srv).check();
      assert.equal(r.ok ? 'ok' : r.error.code, 'unexpected_response');
      assert.ok(srv.received.length <= 2, 'the check retries at most once');
    } finally {
      await srv.close();
    }
    const odd = await fakeItGlue({}, { respond: () => ({ status: 200, body: { hello: 'world' } }) });
    try {
      const r = await connector(odd).check();
      assert.equal(r.ok ? 'ok' : r.error.code, 'unexpected_response');
    } finally {
      await odd.close();
    }
  });

  it('exports the region URLs', () => {
    assert.deepEqual(ITGLUE_REGIONS, { us: 'https://api.itglue.com', eu: 'https://api.eu.itglue.com', au: 'https://api.au.itglue.com' });
  });
});

describe('IT Glue connector against the sandbox', () => {
  // Check passes, a bad key fails, full and incremental reads, page caps: acceptance-itglue.test.ts.

  it('check counts the organizations; the primary one is flagged; the key never appears in events', async () => {
    const sb = await startItGlueSandbox({ port: 0, apiKey: KEY });
    try {
      const events: HttpEvent[] = [];
      const c = createItGlueConnector({ baseUrl: sb.url, apiKey: KEY, pageSize: 100, onEvent: (e) => events.push(e) });
      const truth = sb.control.truth();
      const check = await c.check();
      assert.equal(check.ok && check.details.organizations, truth.organizationCount, JSON.stringify(check));
      const { records } = await collect(c.streams().organizations.read({ since: null }));
      assert.deepEqual(
        records.filter((r) => r.primary).map((r) => r.id),
        [truth.primaryOrganizationId],
      );
      assert.ok(events.length > 1);
      assert.ok(!JSON.stringify(events).includes(KEY));
    } finally {
      await sb.close();
    }
  });

  it('survives the sandbox faults and behaviour variants', async () => {
    const sb = await startItGlueSandbox({
      port: 0,
      apiKey: KEY,
      behaviour: { links: 'raw', maxPageSize: 250, maxDateRangeDays: 7, authFailure: '401', kebabNames: 'error', unknownFilters: 'error' },
    });
    try {
      const waits: number[] = [];
      const c = createItGlueConnector({
        baseUrl: sb.url,
        apiKey: KEY,
        sleep: async (ms) => void waits.push(ms),
        retryAfterDefaultMs: 1234,
      });
      const truth = sb.control.truth();
      sb.control.addFault({ type: '429', pathPrefix: '/organizations', count: 1 });
      sb.control.addFault({ type: '504', pathPrefix: '/organizations', count: 1 });
      sb.control.addFault({ type: 'reset', pathPrefix: '/organizations', count: 1 });
      sb.control.addFault({ type: 'truncated', pathPrefix: '/organizations', count: 1 });
      const { records, result } = await collect(c.streams().organizations.read({ since: null }));
      assert.equal(result.partial, false, result.reason);
      assert.equal(records.length, truth.organizationCount);
      assert.ok(waits.includes(1234), '429 without Retry-After waits retryAfterDefaultMs');
      assert.equal(waits.length, 4);
      // a 30-day range is refused by this sandbox (7 days max): the stream falls back to a full pull
      const inc = await collect(c.streams().organizations.read({ since: new Date(Date.now() - 30 * 86_400_000) }));
      assert.equal(inc.records.length, truth.organizationCount);
      assert.match(inc.result.reason ?? '', /refused/);
      const bad = await createItGlueConnector({ baseUrl: sb.url, apiKey: 'ITG.wrong' }).check();
      assert.equal(bad.ok ? 'ok' : bad.error.code, 'invalid_credentials');
      // large pages time out for good: the paginator falls back to smaller pages
      sb.control.addFault({ type: '504', count: -1, minPageSize: 1000, pathPrefix: '/configurations' });
      const cfg = await collect(c.streams().configurations.read({ since: null }));
      assert.equal(cfg.records.length, truth.configurationCount);
      assert.equal(cfg.result.partial, false, cfg.result.reason);
      sb.control.clearFaults();
      sb.control.setOptions({ oversizePage: 'error', maxPageSize: 500 });
      const dom = await collect(c.streams().domains.read({ since: null }));
      assert.equal(dom.records.length, truth.domainCount);
      sb.control.setOptions({ oversizePage: 'clamp', maxPageSize: 1000 });
      sb.control.addFault({ type: 'html404', count: 1 });
      const html = await c.check();
      assert.equal(html.ok ? 'ok' : html.error.code, 'not_found');
      sb.control.addFault({ type: '429', count: -1 });
      const limited = await c.check();
      assert.equal(limited.ok ? 'ok' : limited.error.code, 'rate_limited');
    } finally {
      await sb.close();
    }
  });
});
