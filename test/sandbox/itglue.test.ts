import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startItGlueSandbox, type ItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { useSandbox } from '../helpers/sandboxes.js';

const KEY = 'ITG.sandbox.key';
const H = { 'x-api-key': KEY };

interface JsonApiList {
  data: Array<{ id: string; type: string; attributes: Record<string, unknown>; relationships?: unknown }>;
  meta: { 'current-page': number; 'next-page': number | null; 'prev-page': number | null; 'total-pages': number; 'total-count': number; filters: Record<string, unknown> };
  links?: Record<string, string | null>;
}

async function getJson<T = JsonApiList>(url: string, headers: Record<string, string> = H): Promise<{ status: number; body: T; res: Response }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, res };
}

async function pageThrough(sb: ItGlueSandbox, path: string, size: number): Promise<{ ids: string[]; metas: JsonApiList['meta'][] }> {
  const ids: string[] = [];
  const metas: JsonApiList['meta'][] = [];
  let page: number | null = 1;
  while (page !== null) {
    const sep = path.includes('?') ? '&' : '?';
    const { status, body }: { status: number; body: JsonApiList } = await getJson(`${sb.url}${path}${sep}page[number]=${page}&page[size]=${size}`);
    assert.equal(status, 200);
    ids.push(...body.data.map((d) => d.id));
    metas.push(body.meta);
    page = body.meta['next-page'];
    assert.ok(metas.length < 10_000, 'paging never ends');
  }
  return { ids, metas };
}

describe('IT Glue sandbox: API', () => {
  const sb = useSandbox(() => startItGlueSandbox({ port: 0, now: Date.UTC(2026, 0, 15) }));

  test('missing or bad key → 403 {"message":"Forbidden"}', async () => {
    const variants: Array<Record<string, string>> = [{}, { 'x-api-key': 'ITG.wrong' }];
    for (const headers of variants) {
      const res = await fetch(`${sb().url}/organizations`, { headers });
      assert.equal(res.status, 403);
      assert.deepEqual(await res.json(), { message: 'Forbidden' });
    }
  });

  test('JSON:API envelope: string ids, kebab attributes, numeric foreign keys, media type', async () => {
    const { res, body } = await getJson(`${sb().url}/configurations?page[size]=3`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/vnd\.api\+json/);
    assert.equal(body.data.length, 3);
    for (const d of body.data) {
      assert.equal(typeof d.id, 'string');
      assert.equal(d.type, 'configurations');
      assert.equal(typeof d.attributes['organization-id'], 'number');
      assert.ok('serial-number' in d.attributes && 'warranty-expires-at' in d.attributes);
      assert.match(String(d.attributes['created-at']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const w = d.attributes['warranty-expires-at'];
      assert.ok(w === null || /^\d{4}-\d{2}-\d{2}$/.test(String(w)));
    }
    assert.ok(body.links?.self?.startsWith('http://'));
    assert.equal(body.links?.prev, null);
    assert.match(String(body.links?.next), /page%5Bnumber%5D=2/);
  });

  test('paging with page[size]=1000 and with small pages returns every id once; meta consistent', async () => {
    const truth = sb().control.truth();
    const big = await pageThrough(sb(), '/organizations', 1000);
    assert.equal(big.metas.length, 1);
    assert.equal(big.metas[0]['total-count'], truth.organizationCount);
    assert.deepEqual([...big.ids].sort(), [...truth.organizationIds].sort());

    const small = await pageThrough(sb(), '/organizations', 7);
    assert.equal(small.ids.length, truth.organizationCount);
    assert.equal(new Set(small.ids).size, truth.organizationCount);
    const pages = Math.ceil(truth.organizationCount / 7);
    assert.equal(small.metas.length, pages);
    small.metas.forEach((m, i) => {
      assert.equal(m['current-page'], i + 1);
      assert.equal(m['total-pages'], pages);
      assert.equal(m['total-count'], truth.organizationCount);
      assert.equal(m['prev-page'], i === 0 ? null : i);
      assert.equal(m['next-page'], i === pages - 1 ? null : i + 2);
    });

    const configs = await pageThrough(sb(), '/configurations', 250);
    assert.equal(new Set(configs.ids).size, truth.configurationCount);
  });

  test('seed facts: one primary Owner org, statuses 68/69, duplicate names, 16-digit ids, parent-id strings', async () => {
    const { body } = await getJson(`${sb().url}/organizations?page[size]=1000`);
    const primary = body.data.filter((d) => d.attributes.primary === true);
    assert.equal(primary.length, 1);
    assert.equal(primary[0].id, sb().control.truth().primaryOrganizationId);
    assert.equal(primary[0].attributes['organization-type-name'], 'Owner');
    const statuses = await getJson(`${sb().url}/organization_statuses`);
    assert.deepEqual(statuses.body.data.slice(0, 2).map((s) => [s.id, s.attributes.name]), [['68', 'Active'], ['69', 'Inactive']]);
    const names = body.data.map((d) => d.attributes.name);
    assert.ok(names.length > new Set(names).size, 'some names repeat');
    const long = body.data.filter((d) => d.id.length === 16);
    assert.ok(long.length >= 1);
    for (const d of long) assert.ok(Number.isSafeInteger(Number(d.id)));
    assert.ok(body.data.some((d) => typeof d.attributes['parent-id'] === 'string'));
    const one = await getJson<{ data: { id: string } }>(`${sb().url}/organizations/${long[0].id}`);
    assert.equal(one.body.data.id, long[0].id);
  });

  test('page[size]=5000 clamps to 1000; configurable to 422', async () => {
    const sb2 = await startItGlueSandbox({ orgCount: 1200 });
    try {
      const { body } = await getJson(`${sb2.url}/organizations?page[size]=5000`);
      assert.equal(body.data.length, 1000);
      assert.equal(body.meta['next-page'], 2);
      sb2.control.setOptions({ oversizePage: 'error' });
      const r = await getJson<{ errors: Array<{ status: number }> }>(`${sb2.url}/organizations?page[size]=5000`);
      assert.equal(r.status, 422);
      assert.equal(r.body.errors[0].status, 422);
    } finally {
      await sb2.close();
    }
  });

  test('brackets raw or percent-encoded behave the same', async () => {
    const raw = await getJson(`${sb().url}/organizations?page[size]=3&page[number]=2`);
    const enc = await getJson(`${sb().url}/organizations?page%5Bsize%5D=3&page%5Bnumber%5D=2`);
    assert.deepEqual(raw.body.data.map((d) => d.id), enc.body.data.map((d) => d.id));
    assert.equal(raw.body.meta['current-page'], 2);
  });

  test('filter[updated_at] range on organizations', async () => {
    const truth = sb().control.truth();
    const start = '2025-12-20T00:00:00Z';
    const end = '2026-01-10T00:00:00Z';
    const expected = truth.organizations.filter((o) => o.updatedAt >= '2025-12-20T00:00:00.000Z').map((o) => o.id).sort();
    const { body } = await getJson(`${sb().url}/organizations?filter[updated_at]=${start},*&sort=updated_at&page[size]=1000`);
    assert.ok(expected.length > 0);
    assert.deepEqual(body.data.map((d) => d.id).sort(), expected);
    const stamps = body.data.map((d) => String(d.attributes['updated-at']));
    assert.deepEqual(stamps, [...stamps].sort());
    assert.deepEqual(body.meta.filters, { updated_at: `${start},*` });
    const closed = await getJson(`${sb().url}/organizations?filter[updated_at]=${start},${end}&page[size]=1000`);
    for (const d of closed.body.data) {
      const t = String(d.attributes['updated-at']);
      assert.ok(t >= '2025-12-20' && t <= '2026-01-10T00:00:00.000Z');
    }
    const desc = await getJson(`${sb().url}/organizations?sort=-updated_at&page[size]=5`);
    const ds = desc.body.data.map((d) => String(d.attributes['updated-at']));
    assert.deepEqual(ds, [...ds].sort().reverse());
    // not on configurations
    const bad = await getJson(`${sb().url}/configurations?filter[updated_at]=${start},*`);
    assert.equal(bad.status, 400);
  });

  test('filter[organization_id] on configurations and domains; nested route ignores filters', async () => {
    const truth = sb().control.truth();
    const orgId = truth.activeOrganizationIds[0];
    const all = await getJson(`${sb().url}/configurations?page[size]=1000`);
    const expected = all.body.data.filter((d) => String(d.attributes['organization-id']) === orgId).map((d) => d.id);
    const { body } = await getJson(`${sb().url}/configurations?filter[organization_id]=${orgId}&page[size]=1000`);
    assert.deepEqual(body.data.map((d) => d.id), expected);
    const archived = await getJson(`${sb().url}/configurations?filter[archived]=true&page[size]=1000`);
    assert.equal(archived.body.meta['total-count'], truth.archivedConfigurationCount);
    assert.ok(archived.body.data.every((d) => d.attributes.archived === true));
    const nested = await getJson(`${sb().url}/organizations/${orgId}/relationships/configurations?filter[archived]=true&filter[organization_id]=999`);
    assert.deepEqual(nested.body.data.map((d) => d.id), expected.slice(0, 50));
    const domains = await getJson(`${sb().url}/domains?filter[organization_id]=${orgId}`);
    assert.ok(domains.body.data.every((d) => String(d.attributes['organization-id']) === orgId));
    const two = truth.activeOrganizationIds.slice(0, 2).join(',');
    const byIds = await getJson(`${sb().url}/organizations?filter[id]=${two}`);
    assert.deepEqual(byIds.body.data.map((d) => d.id).sort(), truth.activeOrganizationIds.slice(0, 2).sort());
    const primary = await getJson(`${sb().url}/organizations?filter[primary]=true`);
    assert.deepEqual(primary.body.data.map((d) => d.id), [truth.primaryOrganizationId]);
    const active = await getJson(`${sb().url}/organizations?filter[organization_status_id]=68&page[size]=1000`);
    assert.equal(active.body.meta['total-count'], truth.activeOrganizationIds.length + 1);
  });

  test('kebab-case filter and sort names are refused with 400 (configurable)', async () => {
    const f = await getJson<{ errors: Array<{ status: number }> }>(`${sb().url}/configurations?filter[organization-id]=2`);
    assert.equal(f.status, 400);
    assert.equal(f.body.errors[0].status, 400);
    const s = await getJson(`${sb().url}/organizations?sort=-updated-at`);
    assert.equal(s.status, 400);
    sb().control.setOptions({ kebabNames: 'accept' });
    try {
      const ok = await getJson(`${sb().url}/configurations?filter[organization-id]=2`);
      assert.equal(ok.status, 200);
      assert.ok(ok.body.data.every((d) => d.attributes['organization-id'] === 2));
    } finally {
      sb().control.setOptions({ kebabNames: 'error' });
    }
  });

  test('unknown route → HTML 404; unknown id → JSON:API 404', async () => {
    for (const path of ['/v1/organizations', '/nope', '/domains/1']) {
      const res = await fetch(`${sb().url}${path}`, { headers: H });
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /<html/i);
    }
    const r = await getJson<{ errors: Array<{ status: number; title: string }> }>(`${sb().url}/organizations/123456789`);
    assert.equal(r.status, 404);
    assert.equal(r.body.errors[0].status, 404);
    assert.match(r.res.headers.get('content-type') ?? '', /vnd\.api\+json/);
  });

  test('quick-notes are cut to 250 characters in lists only', async () => {
    const long = sb().data.organizations.find((o) => (o.quickNotes?.length ?? 0) > 250);
    assert.ok(long);
    const list = await getJson(`${sb().url}/organizations?filter[id]=${long.id}`);
    assert.equal(String(list.body.data[0].attributes['quick-notes']).length, 250);
    const one = await getJson<{ data: { attributes: Record<string, unknown> } }>(`${sb().url}/organizations/${long.id}`);
    assert.equal(one.body.data.attributes['quick-notes'], long.quickNotes);
  });
});

describe('IT Glue sandbox: rate limit', () => {
  test('429 past the limit (JSON:API body, no Retry-After by default), window rolls', async () => {
    const sb = await startItGlueSandbox({ rateLimit: { limit: 5, windowMs: 400 } });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await fetch(`${sb.url}/organization_types`, { headers: H })).status, 200);
      const res = await fetch(`${sb.url}/organization_types`, { headers: H });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), null);
      const body = (await res.json()) as { errors: Array<{ status: number }> };
      assert.equal(body.errors[0].status, 429);
      sb.control.setOptions({ rateLimitRetryAfter: 7 });
      const res2 = await fetch(`${sb.url}/organization_types`, { headers: H });
      await res2.arrayBuffer();
      assert.equal(res2.status, 429);
      assert.equal(res2.headers.get('retry-after'), '7');
      await new Promise((r) => setTimeout(r, 450));
      assert.equal((await fetch(`${sb.url}/organization_types`, { headers: H })).status, 200);
      assert.ok(sb.control.stats().rateLimited >= 2);
    } finally {
      await sb.close();
    }
  });
});

describe('IT Glue sandbox: faults', () => {
  const sb = useSandbox(() => startItGlueSandbox({ orgCount: 40 }));
  const post = (path: string, body: unknown) =>
    fetch(`${sb().url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('status faults hit the next `count` requests only', async () => {
    for (const type of ['500', '502', '503', '504'] as const) {
      assert.equal((await post('/_sandbox/faults', { type, count: 2 })).status, 201);
      for (let i = 0; i < 2; i++) {
        const r = await fetch(`${sb().url}/organizations`, { headers: H });
        await r.arrayBuffer();
        assert.equal(r.status, Number(type));
      }
      const ok = await fetch(`${sb().url}/organizations`, { headers: H });
      await ok.arrayBuffer();
      assert.equal(ok.status, 200);
    }
  });

  test('429 fault with Retry-After', async () => {
    sb().control.addFault({ type: '429', count: 1, retryAfter: 2 });
    const r = await fetch(`${sb().url}/organizations`, { headers: H });
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '2');
    assert.equal(((await r.json()) as { errors: Array<{ status: number }> }).errors[0].status, 429);
  });

  test('reset destroys the socket', async () => {
    sb().control.addFault({ type: 'reset', count: 1 });
    await assert.rejects(fetch(`${sb().url}/organizations`, { headers: H }));
    const r = await fetch(`${sb().url}/organizations`, { headers: H });
    await r.arrayBuffer();
    assert.equal(r.status, 200);
  });

  test('truncated sends half a body', async () => {
    sb().control.addFault({ type: 'truncated', count: 1 });
    await assert.rejects(async () => {
      const r = await fetch(`${sb().url}/organizations`, { headers: H });
      JSON.parse(await r.text());
    });
  });

  test('slow delays the response', async () => {
    sb().control.addFault({ type: 'slow', count: 1, delayMs: 300 });
    const t0 = Date.now();
    const r = await fetch(`${sb().url}/organizations`, { headers: H });
    await r.arrayBuffer();
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 280);
  });

  test('html404 fault; pathPrefix and minPageSize select requests; DELETE clears', async () => {
    sb().control.addFault({ type: 'html404', count: 1, pathPrefix: '/configurations' });
    const other = await fetch(`${sb().url}/organizations`, { headers: H });
    await other.arrayBuffer();
    assert.equal(other.status, 200);
    const hit = await fetch(`${sb().url}/configurations`, { headers: H });
    assert.equal(hit.status, 404);
    assert.match(hit.headers.get('content-type') ?? '', /text\/html/);
    await hit.arrayBuffer();

    sb().control.addFault({ type: '504', count: -1, minPageSize: 500 });
    const small = await fetch(`${sb().url}/organizations?page[size]=100`, { headers: H });
    await small.arrayBuffer();
    assert.equal(small.status, 200);
    const large = await fetch(`${sb().url}/organizations?page[size]=1000`, { headers: H });
    await large.arrayBuffer();
    assert.equal(large.status, 504);
    assert.equal((await fetch(`${sb().url}/_sandbox/faults`, { method: 'DELETE' })).status, 204);
    const after = await fetch(`${sb().url}/organizations?page[size]=1000`, { headers: H });
    await after.arrayBuffer();
    assert.equal(after.status, 200);
  });

  test('request log and stats', async () => {
    await fetch(`${sb().url}/_sandbox/requests`, { method: 'DELETE' });
    await (await fetch(`${sb().url}/organizations?page[size]=2`, { headers: H })).arrayBuffer();
    await (await fetch(`${sb().url}/organizations`)).arrayBuffer();
    const log = (await (await fetch(`${sb().url}/_sandbox/requests`)).json()) as { requests: Array<{ method: string; path: string; status: number; time: string }> };
    assert.deepEqual(log.requests.map((r) => [r.method, r.path, r.status]), [['GET', '/organizations?page[size]=2', 200], ['GET', '/organizations', 403]]);
    const stats = (await (await fetch(`${sb().url}/_sandbox/stats`)).json()) as { total: number };
    assert.equal(stats.total, 2);
  });
});

describe('IT Glue sandbox: mutations through /_sandbox', () => {
  const sb = useSandbox(() => startItGlueSandbox({ orgCount: 60 }));
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sb().url}${path}`, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : null };
  };

  test('rename and status change move updated-at; incremental filter sees it', async () => {
    const id = sb().control.truth().activeOrganizationIds[3];
    const before = await getJson<{ data: { attributes: Record<string, unknown> } }>(`${sb().url}/organizations/${id}`);
    const oldUpdated = String(before.body.data.attributes['updated-at']);
    const watermark = new Date(Date.now() - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const r = await send('PATCH', `/_sandbox/organizations/${id}`, { name: 'Renamed Co', 'organization-status-name': 'Inactive' });
    assert.equal(r.status, 200);
    const after = await getJson<{ data: { attributes: Record<string, unknown> } }>(`${sb().url}/organizations/${id}`);
    assert.equal(after.body.data.attributes.name, 'Renamed Co');
    assert.equal(after.body.data.attributes['organization-status-id'], 69);
    assert.ok(String(after.body.data.attributes['updated-at']) > oldUpdated);
    const inc = await getJson(`${sb().url}/organizations?filter[updated_at]=${watermark},*`);
    assert.deepEqual(inc.body.data.map((d) => d.id), [id]);
    assert.ok(!sb().control.truth().activeOrganizationIds.includes(id));
  });

  test('create and delete organizations, configurations, domains', async () => {
    const count0 = (await getJson(`${sb().url}/organizations`)).body.meta['total-count'];
    const created = await send('POST', '/_sandbox/organizations', { name: 'Brand New Dental', statusName: 'Active' });
    assert.equal(created.status, 201);
    const orgId = created.body.data.id as string;
    assert.equal((await getJson(`${sb().url}/organizations`)).body.meta['total-count'], count0 + 1);

    const cfg = await send('POST', '/_sandbox/configurations', { organizationId: Number(orgId), name: 'BND-SRV01', serialNumber: 'ABC123', warrantyExpiresAt: '2027-01-01', typeName: 'Managed Server' });
    assert.equal(cfg.status, 201);
    const dom = await send('POST', '/_sandbox/domains', { 'organization-id': Number(orgId), name: 'brandnewdental.com' });
    assert.equal(dom.status, 201);
    const cfgs = await getJson(`${sb().url}/configurations?filter[organization_id]=${orgId}`);
    assert.deepEqual(cfgs.body.data.map((d) => d.attributes['serial-number']), ['ABC123']);
    assert.equal(cfgs.body.data[0].attributes['configuration-type-kind'], 'server');

    const patched = await send('PATCH', `/_sandbox/configurations/${cfg.body.data.id}`, { archived: true });
    assert.equal(patched.body.data.attributes.archived, true);

    assert.equal((await send('DELETE', `/_sandbox/domains/${dom.body.data.id}`)).status, 204);
    assert.equal((await getJson(`${sb().url}/domains?filter[organization_id]=${orgId}`)).body.meta['total-count'], 0);
    assert.equal((await send('DELETE', `/_sandbox/organizations/${orgId}`)).status, 204);
    assert.equal((await getJson(`${sb().url}/organizations/${orgId}`)).status, 404);
    assert.equal((await getJson(`${sb().url}/configurations?filter[organization_id]=${orgId}`)).body.meta['total-count'], 0);
    assert.equal((await send('DELETE', `/_sandbox/organizations/${orgId}`)).status, 404);
    assert.equal((await send('POST', '/_sandbox/configurations', { organizationId: 987654321, name: 'x' })).status, 422);
  });

  test('status rename: denormalised names lag unless propagated', async () => {
    await send('PATCH', '/_sandbox/organization_statuses/68', { name: 'Active Client' });
    const st = await getJson(`${sb().url}/organization_statuses/68`);
    assert.equal((st.body as any).data.attributes.name, 'Active Client');
    const orgs = await getJson(`${sb().url}/organizations?filter[organization_status_id]=68&page[size]=1`);
    assert.equal(orgs.body.data[0].attributes['organization-status-name'], 'Active');
    await send('PATCH', '/_sandbox/organization_statuses/68', { name: 'Active Client', propagate: true });
    const orgs2 = await getJson(`${sb().url}/organizations?filter[organization_status_id]=68&page[size]=1`);
    assert.equal(orgs2.body.data[0].attributes['organization-status-name'], 'Active Client');
  });

  test('reset reseeds; data exposes the truth', async () => {
    const r = await send('POST', '/_sandbox/reset', { orgCount: 30, seed: 2 });
    assert.equal(r.status, 200);
    const truth = (await send('GET', '/_sandbox/data')).body;
    assert.equal(truth.seed, 2);
    assert.equal(truth.primaryOrganizationId, '1');
    assert.equal((await getJson(`${sb().url}/organizations?page[size]=1000`)).body.meta['total-count'], truth.organizationCount);
  });
});

describe('IT Glue sandbox: scale', () => {
  test('10,000 businesses page through quickly', async () => {
    const sb = await startItGlueSandbox({ orgCount: 10_000 });
    try {
      const t0 = Date.now();
      const { ids, metas } = await pageThrough(sb, '/organizations', 1000);
      assert.equal(new Set(ids).size, sb.control.truth().organizationCount);
      assert.equal(metas.length, Math.ceil(ids.length / 1000));
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      await sb.close();
    }
  });
});
