/**
 * Lifecycle API on SQLite (and PostgreSQL with TEST_DATABASE_URL): devices with filters, counts, keyset paging and CSV;
 * policies (defaults, replace, validation, admin only); company overrides; the forecast.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ItgConfiguration } from '../../src/connectors/contract.js';
import { addDays, quarterStart, utcToday } from '../../src/lifecycle/policy.js';
import type { LifecycleDevicesResponse, LifecycleForecastResponse, LifecyclePoliciesResponse, CompanyLifecyclePoliciesResponse } from '../../src/shared/wire.js';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { ADMIN, apiAs, createMember, createTestApp, dialects, runStartedBy, setupAdmin, useTestApp, type ApiCall, type TestApp } from '../helpers/app.js';
import { itglueSettingsFor } from '../helpers/sandboxes.js';

const today = utcToday(new Date());
const day = (n: number): string => addDays(today, n)!;

function config(id: string, organizationId: string, name: string, over: Partial<ItgConfiguration> = {}): ItgConfiguration {
  return {
    id, organizationId, name, hostname: null, typeName: 'Laptop', serialNumber: null, assetTag: null, manufacturerName: 'Dell', modelName: 'Latitude 5440',
    warrantyExpiresAt: null, purchasedAt: null, installedAt: null, operatingSystemName: 'Windows 11 Pro', archived: false, updatedAt: null, ...over,
  };
}

/** Acme (active): 1 overdue, 1 due soon, 1 ok, 1 unknown, 1 archived, 1 virtual machine (excluded by default), 1 hostile name.
 *  Beta (active): 2 overdue servers. Gone Corp (inactive): 1 overdue laptop that must never show. */
async function seed(t: TestApp): Promise<void> {
  const me = (await t.services.repos.users.byEmail(ADMIN.email))!;
  const scope = { workspaceId: me.workspaceId, runId: 'seed' };
  const org = (id: string, name: string, statusName: string, primary = false) => ({
    id, name, statusId: null, statusName, typeId: null, typeName: 'Customer', primary, shortName: null, psaId: null, createdAt: null, updatedAt: null,
  });
  await t.services.repos.synced.organizations.upsert([org('1', 'MSP', 'Active', true), org('10', 'Acme', 'Active'), org('20', 'Beta', 'Active'), org('30', 'Gone Corp', 'Inactive')], scope);
  await t.services.repos.synced.configurations.upsert([
    config('101', '10', 'ACME-LT01', { warrantyExpiresAt: day(-1), serialNumber: 'SN-OLD' }),
    config('102', '10', 'ACME-LT02', { warrantyExpiresAt: day(30) }),
    config('103', '10', 'ACME-LT03', { warrantyExpiresAt: day(400), purchasedAt: day(-100) }),
    config('104', '10', 'ACME-LT04'),
    config('105', '10', 'ACME-LT05', { warrantyExpiresAt: day(-500), archived: true }),
    config('106', '10', 'ACME-VM01', { typeName: 'Virtual Machine', warrantyExpiresAt: day(-5) }),
    config('107', '10', '=HYPERLINK("http://evil")', { warrantyExpiresAt: day(200), typeName: 'Printer', manufacturerName: 'HP' }),
    config('201', '20', 'BETA-SRV01', { typeName: 'Managed Server', purchasedAt: day(-6 * 366), manufacturerName: 'HP' }),
    config('202', '20', 'BETA-SRV02', { typeName: 'Managed Server', installedAt: day(-7 * 366), manufacturerName: 'HP', serialNumber: '50%_off' }),
    config('301', '30', 'GONE-LT01', { warrantyExpiresAt: day(-10) }),
    config('901', '1', 'MSP-LT01', { warrantyExpiresAt: day(-10) }),
  ], scope);
}

for (const dialect of dialects()) {
  describe(`lifecycle API (${dialect})`, () => {
    const app = useTestApp({ dialect });
    const { api } = app;
    let member: ApiCall;

    before(async () => {
      member = apiAs(app.t, await createMember(app.t, app.token));
      await seed(app.t);
    });

    const devices = async (query = '', as: ApiCall = api): Promise<LifecycleDevicesResponse> => {
      const res = await as('GET', `/api/lifecycle/devices${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as LifecycleDevicesResponse;
    };

    it('lists the devices of the active companies with status, end of life, reason and price (default policies)', async () => {
      const body = await devices('', member);
      assert.deepEqual(body.devices.map((d) => d.id).sort(), ['101', '102', '103', '104', '105', '106', '107', '201', '202'], 'the inactive company and the MSP\'s own are left out');
      assert.equal(body.devices.length, 9);
      assert.ok(!body.devices.some((d) => d.companyId === '30' || d.companyId === '1'));
      assert.deepEqual(body.counts, { overdue: 3, due_soon: 1, ok: 2, unknown: 1, excluded: 2 });
      assert.equal(body.nextCursor, null);
      assert.equal(body.currency, 'USD');
      const d101 = body.devices.find((d) => d.id === '101')!;
      assert.deepEqual({ ...d101, reason: undefined }, {
        id: '101', companyId: '10', companyName: 'Acme', name: 'ACME-LT01', type: 'Laptop', manufacturer: 'Dell', model: 'Latitude 5440', serialNumber: 'SN-OLD',
        operatingSystem: 'Windows 11 Pro', purchasedAt: null, installedAt: null, warrantyExpiresAt: day(-1), archived: false, status: 'overdue',
        endOfLife: day(-1), reason: undefined, replacementPrice: 1500,
      });
      assert.match(d101.reason, /overdue by 1 day/);
      const srv = body.devices.find((d) => d.id === '202')!;
      assert.equal(srv.status, 'overdue');
      assert.match(srv.reason, /^Installed .*5 years of service/);
      assert.equal(body.devices.find((d) => d.id === '105')!.status, 'excluded');
      assert.equal(body.devices.find((d) => d.id === '106')!.status, 'excluded');
      assert.equal(body.devices.find((d) => d.id === '104')!.status, 'unknown');
    });

    it('filters by company, status, type and search; counts ignore only the status filter', async () => {
      const acme = await devices('?companyId=10');
      assert.equal(acme.devices.length, 7);
      assert.deepEqual(acme.counts, { overdue: 1, due_soon: 1, ok: 2, unknown: 1, excluded: 2 });
      const overdue = await devices('?status=overdue');
      assert.deepEqual(overdue.devices.map((d) => d.id).sort(), ['101', '201', '202']);
      assert.deepEqual(overdue.counts, { overdue: 3, due_soon: 1, ok: 2, unknown: 1, excluded: 2 });
      const servers = await devices('?type=managed%20server');
      assert.deepEqual(servers.devices.map((d) => d.id), ['201', '202']);
      assert.deepEqual((await devices('?q=sn-old')).devices.map((d) => d.id), ['101']);
      assert.deepEqual((await devices('?q=50%25_')).devices.map((d) => d.id), ['202'], '% and _ are literal');
      assert.deepEqual((await devices('?q=hp&companyId=20&status=overdue')).devices.map((d) => d.id), ['201', '202']);
      assert.equal((await devices('?companyId=30')).devices.length, 0, 'an inactive company has no devices here');
    });

    it('pages by keyset: every device once, in order, with the status filter too', async () => {
      const all = (await devices()).devices.map((d) => d.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: LifecycleDevicesResponse = await devices(`?limit=2${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        assert.ok(page.devices.length <= 2);
        assert.deepEqual(page.counts, { overdue: 3, due_soon: 1, ok: 2, unknown: 1, excluded: 2 }, 'counts on every page');
        seen.push(...page.devices.map((d) => d.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      assert.deepEqual(seen, all);
      assert.equal(pages, 5);
      const first = await devices('?status=overdue&limit=1');
      const second = await devices(`?status=overdue&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
      const third = await devices(`?status=overdue&limit=1&cursor=${encodeURIComponent(second.nextCursor!)}`);
      assert.deepEqual([...first.devices, ...second.devices, ...third.devices].map((d) => d.id).sort(), ['101', '201', '202']);
      assert.equal(third.nextCursor, null);
    });

    it('answers CSV for format=csv and Accept: text/csv, formulas kept as text', async () => {
      const res = await api('GET', '/api/lifecycle/devices?format=csv');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      const lines = res.body.trim().split('\r\n');
      assert.equal(lines.length, 10);
      assert.match(lines[0]!, /^Name,Company,Type,Manufacturer,Model,Serial number,Operating system,Purchased,Installed,Warranty expires,Archived,Status,End of life,Reason,Replacement price/);
      assert.ok(lines.some((l) => l.startsWith(`"'=HYPERLINK(""http://evil"")"`)), 'a formula is quoted as text');
      assert.ok(lines.some((l) => l.startsWith(`ACME-LT01,Acme,Laptop,Dell,Latitude 5440,SN-OLD,Windows 11 Pro,,,${day(-1)},no,overdue,${day(-1)},`)));
      const accept = await app.t.inject({ method: 'GET', url: '/api/lifecycle/devices?status=overdue&limit=2', headers: { authorization: `Bearer ${app.token}`, accept: 'text/csv' } });
      assert.equal(accept.statusCode, 200);
      assert.equal(accept.body.trim().split('\r\n').length, 3, 'the same page as JSON: a header and two rows');
    });

    it('refuses bad queries with 400 naming the field, an unknown company with 404', async () => {
      for (const q of ['?status=late', '?limit=0', '?limit=501', '?cursor=nope', '?companyId=%20x', `?type=${'x'.repeat(101)}`]) {
        const res = await api('GET', `/api/lifecycle/devices${q}`);
        assert.equal(res.statusCode, 400, q);
        const err = res.json() as { error: { code: string; details: { issues: { path: string }[] } } };
        assert.equal(err.error.code, 'invalid_request');
        assert.ok(err.error.details.issues.length > 0, q);
      }
      const res = await api('GET', '/api/lifecycle/devices?companyId=999');
      assert.equal(res.statusCode, 404);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'not_found');
      assert.equal((await api('GET', '/api/lifecycle/forecast?companyId=999')).statusCode, 404);
    });

    it('policies: defaults, replaced by an admin (the devices follow), refused for members', async () => {
      const defaults = (await (await member('GET', '/api/lifecycle/policies')).json()) as LifecyclePoliciesResponse;
      assert.equal(defaults.isDefault, true);
      assert.ok(defaults.policies.some((p) => p.type === 'Laptop' && p.basis === 'first' && p.maxAgeYears === 4));
      const next = [
        { type: 'Laptop', basis: 'warranty', maxAgeYears: null, dueSoonDays: 10, replacementPrice: 999.999, excluded: false },
        { type: 'Managed Server', basis: 'age', maxAgeYears: 10, dueSoonDays: 0, replacementPrice: null, excluded: false },
      ];
      const forbidden = await member('PUT', '/api/lifecycle/policies', { policies: next });
      assert.equal(forbidden.statusCode, 403);
      const put = await api('PUT', '/api/lifecycle/policies', { policies: next });
      assert.equal(put.statusCode, 200, put.body);
      const saved = put.json() as LifecyclePoliciesResponse;
      assert.equal(saved.isDefault, false);
      assert.equal(saved.policies[0]!.replacementPrice, 1000, 'prices are kept to the cent');
      assert.deepEqual(((await api('GET', '/api/lifecycle/policies')).json() as LifecyclePoliciesResponse).policies, saved.policies);
      const after = await devices();
      const status = (id: string) => after.devices.find((d) => d.id === id)!.status;
      assert.equal(status('102'), 'ok', '30 days away is no longer within 10');
      assert.equal(status('201'), 'ok', 'servers now last 10 years');
      assert.equal(status('106'), 'unknown', 'no policy covers virtual machines any more');
      assert.match(after.devices.find((d) => d.id === '106')!.reason, /No lifecycle policy covers the type "Virtual Machine"/);
      assert.equal(after.devices.find((d) => d.id === '101')!.replacementPrice, 1000);
      const audit = await api('GET', '/api/audit?action=lifecycle.policies_saved');
      assert.equal((audit.json() as { events: unknown[] }).events.length, 1);
    });

    it('PUT policies refuses hostile and malformed input with 400 and keeps what was stored', async () => {
      const before = (await api('GET', '/api/lifecycle/policies')).body;
      const ok = { type: 'Laptop', basis: 'first', maxAgeYears: 4, dueSoonDays: 90, replacementPrice: 1500, excluded: false };
      const bad: [string, unknown, string][] = [
        ['NUL byte', { policies: [{ ...ok, type: 'Lap\u0000top' }] }, 'body.policies.0.type'],
        ['control character', { policies: [{ ...ok, type: 'Lap\ttop' }] }, 'body.policies.0.type'],
        ['negative price', { policies: [{ ...ok, replacementPrice: -1 }] }, 'body.policies.0.replacementPrice'],
        ['negative days', { policies: [{ ...ok, dueSoonDays: -5 }] }, 'body.policies.0.dueSoonDays'],
        ['fractional days', { policies: [{ ...ok, dueSoonDays: 1.5 }] }, 'body.policies.0.dueSoonDays'],
        ['huge age', { policies: [{ ...ok, maxAgeYears: 1e300 }] }, 'body.policies.0.maxAgeYears'],
        ['zero age', { policies: [{ ...ok, maxAgeYears: 0 }] }, 'body.policies.0.maxAgeYears'],
        ['huge price', { policies: [{ ...ok, replacementPrice: 1e12 }] }, 'body.policies.0.replacementPrice'],
        ['price as text', { policies: [{ ...ok, replacementPrice: '100' }] }, 'body.policies.0.replacementPrice'],
        ['unknown basis', { policies: [{ ...ok, basis: 'vibes' }] }, 'body.policies.0.basis'],
        ['age without years', { policies: [{ ...ok, basis: 'age', maxAgeYears: null }] }, 'body.policies.0.maxAgeYears'],
        ['empty type', { policies: [{ ...ok, type: '  ' }] }, 'body.policies.0.type'],
        ['repeated type', { policies: [ok, { ...ok, type: 'LAPTOP' }] }, 'body.policies.1.type'],
        ['not a list', { policies: 'all' }, 'body.policies'],
        ['too many', { policies: Array.from({ length: 201 }, (_, i) => ({ ...ok, type: `T${i}` })) }, 'body.policies'],
      ];
      for (const [what, body, path] of bad) {
        const res = await api('PUT', '/api/lifecycle/policies', body);
        assert.equal(res.statusCode, 400, `${what}: ${res.body}`);
        const err = res.json() as { error: { code: string; details: { issues: { path: string }[] } } };
        assert.equal(err.error.code, 'invalid_request', what);
        assert.ok(err.error.details.issues.some((i) => i.path === path), `${what}: ${JSON.stringify(err.error.details.issues)}`);
      }
      const huge = await app.t.inject({ method: 'PUT', url: '/api/lifecycle/policies', headers: { authorization: `Bearer ${app.token}`, 'content-type': 'application/json' },
        payload: `{"policies":[{"type":"Laptop","basis":"first","maxAgeYears":4,"dueSoonDays":1e400,"replacementPrice":null,"excluded":false}]}` });
      assert.equal(huge.statusCode, 400, huge.body);
      assert.equal((await api('GET', '/api/lifecycle/policies')).body, before, 'nothing changed');
    });

    it('company overrides win per type; GET shows them and what is in effect; unknown company 404; members cannot PUT', async () => {
      const override = { type: 'laptop', basis: 'warranty', maxAgeYears: null, dueSoonDays: 60, replacementPrice: 2000, excluded: false };
      assert.equal((await api('PUT', '/api/companies/999/lifecycle-policies', { policies: [override] })).statusCode, 404);
      assert.equal((await api('GET', '/api/companies/999/lifecycle-policies')).statusCode, 404);
      assert.equal((await member('PUT', '/api/companies/10/lifecycle-policies', { policies: [override] })).statusCode, 403);
      assert.equal((await api('PUT', '/api/companies/10/lifecycle-policies', { policies: [{ ...override, basis: 'nope' }] })).statusCode, 400);
      const put = await api('PUT', '/api/companies/10/lifecycle-policies', { policies: [override] });
      assert.equal(put.statusCode, 200, put.body);
      const body = put.json() as CompanyLifecyclePoliciesResponse;
      assert.deepEqual(body.policies, [override]);
      assert.deepEqual(body.effective.find((p) => p.type === 'laptop'), { ...override, source: 'company' });
      assert.equal(body.effective.find((p) => p.type === 'Managed Server')?.source, 'workspace');
      assert.ok(!body.effective.some((p) => p.type === 'Laptop'), 'the workspace row of the same type is replaced');
      const acme = await devices('?companyId=10');
      assert.equal(acme.devices.find((d) => d.id === '102')!.status, 'due_soon', '30 days within the company\'s 60');
      assert.equal(acme.devices.find((d) => d.id === '102')!.replacementPrice, 2000);
      const fromMember = await member('GET', '/api/companies/10/lifecycle-policies');
      assert.equal(fromMember.statusCode, 200);
      const cleared = await api('PUT', '/api/companies/10/lifecycle-policies', { policies: [] });
      assert.deepEqual((cleared.json() as CompanyLifecyclePoliciesResponse).policies, []);
      assert.equal((await devices('?companyId=10')).devices.find((d) => d.id === '102')!.status, 'ok', 'back to the workspace policy');
    });

    it('forecast: quarters from the current one, overdue devices in the first, bounds checked', async () => {
      await api('PUT', '/api/lifecycle/policies', { policies: [
        { type: 'Laptop', basis: 'warranty', maxAgeYears: null, dueSoonDays: 90, replacementPrice: 1000, excluded: false },
        { type: 'Managed Server', basis: 'age', maxAgeYears: 5, dueSoonDays: 90, replacementPrice: 8000, excluded: false },
        { type: '*', basis: 'warranty', maxAgeYears: null, dueSoonDays: 90, replacementPrice: null, excluded: false },
      ] });
      const res = await member('GET', '/api/lifecycle/forecast');
      assert.equal(res.statusCode, 200, res.body);
      const f = res.json() as LifecycleForecastResponse;
      assert.equal(f.quarters.length, 8);
      assert.equal(f.currency, 'USD');
      assert.equal(f.quarters[0]!.start, quarterStart(today));
      // first quarter: 101 (overdue laptop), 201 + 202 (overdue servers), the VM (overdue, no price) — and 102 when its end falls this quarter
      const inFirst = (d: string) => d < f.quarters[1]!.start;
      const expectedFirst = 3 + 1 + (inFirst(day(30)) ? 1 : 0) + (inFirst(day(200)) ? 1 : 0);
      assert.equal(f.quarters[0]!.devices, expectedFirst);
      assert.equal(f.quarters[0]!.amount, 1000 + 16000 + (inFirst(day(30)) ? 1000 : 0));
      assert.equal(f.total.devices, f.quarters.reduce((n, q) => n + q.devices, 0));
      assert.equal(f.total.amount, f.quarters.reduce((n, q) => n + q.amount, 0));
      const beta = (await (await api('GET', '/api/lifecycle/forecast?quarters=1&companyId=20')).json()) as LifecycleForecastResponse;
      assert.deepEqual(beta.quarters, [{ start: quarterStart(today), devices: 2, amount: 16000, unpriced: 0 }]);
      for (const q of ['0', '41', '-1', '2.5', 'x']) {
        const bad = await api('GET', `/api/lifecycle/forecast?quarters=${q}`);
        assert.equal(bad.statusCode, 400, q);
        assert.equal((bad.json() as { error: { code: string } }).error.code, 'invalid_request');
      }
      assert.equal((await api('GET', '/api/lifecycle/forecast?quarters=40')).json<LifecycleForecastResponse>().quarters.length, 40);
    });

    it('the OpenAPI document lists the lifecycle endpoints', async () => {
      const doc = (await app.t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
      for (const [path, method] of [['/api/lifecycle/devices', 'get'], ['/api/lifecycle/policies', 'put'], ['/api/lifecycle/forecast', 'get'], ['/api/companies/{id}/lifecycle-policies', 'put']] as const) {
        assert.ok(doc.paths[path]?.[method] !== undefined, `${method} ${path}`);
      }
    });

    it('types lists the configuration types with their counts', async () => {
      const res = await member('GET', '/api/lifecycle/types');
      const types = (res.json() as { types: { type: string; devices: number }[] }).types;
      assert.deepEqual(types.find((x) => x.type === 'Managed Server'), { type: 'Managed Server', devices: 2 });
    });
  });
}

describe('lifecycle over a synced primary integration (sandbox)', () => {
  it('the sync keeps purchase, installation and operating system; the seed has devices in every status', async () => {
    const itglue = await startItGlueSandbox({ port: 0, apiKey: 'k', rateLimit: { limit: 0, windowMs: 300_000 } });
    const t = await createTestApp();
    try {
      const api = apiAs(t, await setupAdmin(t));
      const run = await runStartedBy(t, await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue, 'k')));
      assert.equal(run.status, 'succeeded');
      const body = (await api('GET', '/api/lifecycle/devices?limit=500')).json() as LifecycleDevicesResponse;
      for (const s of ['overdue', 'due_soon', 'ok', 'unknown', 'excluded'] as const) assert.ok(body.counts[s] > 0, `${s}: ${JSON.stringify(body.counts)}`);
      assert.ok(body.devices.some((d) => d.purchasedAt !== null && /^\d{4}-\d{2}-\d{2}$/.test(d.purchasedAt)));
      assert.ok(body.devices.some((d) => d.installedAt !== null));
      assert.ok(body.devices.some((d) => d.operatingSystem !== null));
      const truth = itglue.control.truth();
      const active = new Set(truth.activeOrganizationIds.map(String));
      assert.ok(body.devices.every((d) => active.has(d.companyId)), 'only active companies');
    } finally {
      await t.close();
      await itglue.close();
    }
  });
});
