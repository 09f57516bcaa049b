import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { freePort } from '../helpers/http.js';
import { bearer, createTestApp, dialects, runStartedBy, setupAdmin, syncAndWait, useTestApp, type SyncRunJson } from '../helpers/app.js';
import { itglueSettingsFor, useSandbox } from '../helpers/sandboxes.js';


describe('IT Glue integration against the sandbox', () => {
  const app = useTestApp();
  const { api } = app;
  const apiKey = 'ITG.test.key-123456';
  const sandbox = useSandbox(() => startItGlueSandbox({ port: 0, apiKey }));

  const sync = (mode: 'full' | 'incremental'): Promise<SyncRunJson> => syncAndWait(app.t, api, 'itglue', mode);
  const companyIds = async () => ((await api('GET', '/api/companies')).json() as { companies: { id: string; name: string }[] }).companies;

  test('Test Settings: success, wrong key, unreachable host', async () => {
    const ok = (await api('POST', '/api/integrations/itglue/test', { baseUrl: sandbox().url, apiKey })).json() as { ok: boolean; message: string };
    assert.equal(ok.ok, true);
    assert.equal(ok.message, 'Connection Successful');
    const bad = (await api('POST', '/api/integrations/itglue/test', { baseUrl: sandbox().url, apiKey: 'ITG.wrong' })).json() as { ok: boolean; error: { code: string; hint?: string } };
    assert.equal(bad.ok, false);
    assert.equal(bad.error.code, 'invalid_credentials');
    assert.match(bad.error.hint ?? '', /region/i);
    const port = await freePort();
    const down = (await api('POST', '/api/integrations/itglue/test', { baseUrl: `http://127.0.0.1:${port}`, apiKey })).json() as { ok: boolean; error: { code: string; message: string } };
    assert.equal(down.error.code, 'unreachable');
    assert.match(down.error.message, /127\.0\.0\.1/);
  });

  test('Save → initial sync succeeds; companies are exactly the active organizations without the primary', async () => {
    const res = await api('PUT', '/api/integrations/itglue', itglueSettingsFor(sandbox(), apiKey));
    assert.equal(res.statusCode, 200);
    const body = res.json() as { integration: { settings: Record<string, unknown> }; syncRun: SyncRunJson };
    assert.equal(body.integration.settings.apiKeySet, true);
    assert.ok(!JSON.stringify(body).includes(apiKey), 'the key is never returned');
    assert.equal(body.syncRun.mode, 'initial');
    const run = await runStartedBy(app.t, res);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    const truth = sandbox().control.truth();
    const ids = (await companyIds()).map((c) => c.id).sort();
    assert.deepEqual(ids, [...truth.activeOrganizationIds].sort());
    assert.ok(!ids.includes(truth.primaryOrganizationId));
    assert.equal(run.progress.organizations!.fetched, truth.organizationCount);
    assert.equal(run.progress.configurations!.fetched, truth.configurationCount);
    assert.equal(run.progress.domains!.fetched, truth.domainCount);
    // A second save does not start another initial sync.
    const again = (await api('PUT', '/api/integrations/itglue', { baseUrl: sandbox().url, rateLimitPer5Min: 100000 })).json() as { syncRun: unknown };
    assert.equal(again.syncRun, null);
  });

  test('the API key is encrypted at rest: the database files never contain it', async () => {
    await app.t.store.db.selectFrom('integrations').selectAll().execute();
    for (const f of fs.readdirSync(app.t.dataDir)) {
      const bytes = fs.readFileSync(`${app.t.dataDir}/${f}`);
      assert.equal(bytes.includes(Buffer.from(apiKey)), false, `${f} contains the key`);
    }
  });

  test('incremental sync with nothing changed makes at most 5 requests', async () => {
    sandbox().control.clearRequests();
    const done = await sync('incremental');
    assert.equal(done.status, 'succeeded');
    const n = sandbox().control.requests().length;
    assert.ok(n <= 5, `incremental sync made ${n} requests`);
  });

  test('mutations: incremental picks up additions and changes; a full sync also removes the deleted org', async () => {
    const truth = sandbox().control.truth();
    const [renameId, deactivateId, deleteId] = truth.activeOrganizationIds;
    await new Promise((r) => setTimeout(r, 1100)); // updated-at has second precision in filters
    const created = sandbox().control.createOrganization({ name: 'Brand New Dental LLC', statusName: 'Active', statusId: 68, typeName: 'Customer', typeId: 86 });
    sandbox().control.updateOrganization(renameId!, { name: 'Renamed Holdings Ltd' });
    sandbox().control.updateOrganization(deactivateId!, { statusId: 69, statusName: 'Inactive' });
    const cfg = sandbox().control.createConfiguration({ organizationId: Number(renameId), name: 'NEW-SRV-01', serialNumber: 'SN-NEW-1' });
    sandbox().control.deleteOrganization(deleteId!);

    const inc = await sync('incremental');
    assert.equal(inc.status, 'succeeded');
    let companies = await companyIds();
    const byId = new Map(companies.map((c) => [c.id, c.name]));
    assert.equal(byId.get(String(created.id)), 'Brand New Dental LLC');
    assert.equal(byId.get(renameId!), 'Renamed Holdings Ltd');
    assert.equal(byId.has(deactivateId!), false);
    assert.equal(byId.has(deleteId!), true, 'an incremental sync cannot see deletions');
    const detail = (await api('GET', `/api/companies/${renameId}`)).json() as { configurations: { id: string; serialNumber: string | null }[] };
    assert.ok(detail.configurations.some((c) => c.id === String(cfg.id) && c.serialNumber === 'SN-NEW-1'));

    // A configuration and a domain of an organization that stays, deleted in IT Glue: the full sync's sweep removes them too.
    const keptCfg = await app.t.store.db.selectFrom('itg_configurations').select('id').where('organization_id', '!=', deleteId!).where('id', '!=', String(cfg.id)).executeTakeFirstOrThrow();
    const someDomain = await app.t.store.db.selectFrom('itg_domains').select(['id', 'organization_id']).where('organization_id', '!=', deleteId!).executeTakeFirstOrThrow();
    assert.ok(sandbox().control.deleteConfiguration(keptCfg.id));
    assert.ok(sandbox().control.deleteDomain(someDomain.id));

    const full = await sync('full');
    assert.equal(full.status, 'succeeded');
    assert.equal((await app.t.store.db.selectFrom('itg_configurations').select('id').where('id', '=', keptCfg.id).execute()).length, 0, 'the deleted configuration is gone');
    assert.equal((await app.t.store.db.selectFrom('itg_domains').select('id').where('id', '=', someDomain.id).execute()).length, 0, 'the deleted domain is gone');
    assert.ok((await app.t.store.db.selectFrom('itg_configurations').select('id').where('id', '=', String(cfg.id)).execute()).length === 1, 'other configurations stay');
    companies = await companyIds();
    assert.equal(companies.some((c) => c.id === deleteId), false);
    assert.deepEqual(companies.map((c) => c.id).sort(), [...sandbox().control.truth().activeOrganizationIds].sort());
  });

  test('a second sync while one runs → 409 sync_in_progress naming the run', async () => {
    sandbox().control.addFault({ type: 'slow', count: 1, delayMs: 400 });
    const started = await api('POST', '/api/integrations/itglue/sync', { mode: 'full' });
    const first = started.json() as { syncRun: SyncRunJson };
    const second = await api('POST', '/api/integrations/itglue/sync', { mode: 'full' });
    assert.equal(second.statusCode, 409);
    const err = (second.json() as { error: { code: string; details: { syncRun: { id: string } } } }).error;
    assert.equal(err.code, 'sync_in_progress');
    assert.equal(err.details.syncRun.id, first.syncRun.id);
    await runStartedBy(app.t, started);
  });

  test('5xx, 429 with and without Retry-After and connection resets: the sync still ends with exactly the sandbox data, retries in history', async () => {
    // Spread over the streams: each stream meets a run of consecutive failures shorter than the retry budget.
    sandbox().control.addFault({ type: '500', count: 1, pathPrefix: '/organizations' });
    sandbox().control.addFault({ type: 'reset', count: 1, pathPrefix: '/organizations' });
    sandbox().control.addFault({ type: '429', count: 1, retryAfter: 1, pathPrefix: '/organizations' });
    sandbox().control.addFault({ type: '502', count: 1, pathPrefix: '/configurations' });
    sandbox().control.addFault({ type: '429', count: 1, pathPrefix: '/configurations' });
    sandbox().control.addFault({ type: '504', count: 1, pathPrefix: '/configurations' });
    sandbox().control.addFault({ type: '503', count: 1, pathPrefix: '/domains' });
    sandbox().control.addFault({ type: 'truncated', count: 1, pathPrefix: '/domains' });
    const run = await sync('full');
    if (run.status !== 'succeeded') console.log((await app.t.store.db.selectFrom('sync_runs').select('events_json').where('id', '=', run.id).executeTakeFirst())?.events_json, sandbox().control.requests().slice(-30).map((r) => `${r.status} ${r.path}`));
    assert.equal(run.status, 'succeeded', JSON.stringify(run.error));
    assert.ok(run.retries + run.rateLimited >= 8, `retries ${run.retries}, rate limited ${run.rateLimited}`);
    assert.ok(run.rateLimited >= 2);
    const truth = sandbox().control.truth();
    assert.deepEqual((await companyIds()).map((c) => c.id).sort(), [...truth.activeOrganizationIds].sort());
    const cfgCount = await app.t.store.db.selectFrom('itg_configurations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(cfgCount.n), truth.configurationCount);
    const history = (await api('GET', '/api/sync-runs?integration=itglue')).json() as { syncRuns: SyncRunJson[] };
    assert.equal(history.syncRuns[0]!.id, run.id);
    assert.ok(history.syncRuns[0]!.retries > 0);
  });
});

describe('IT Glue settings validation', () => {
  test('http:// without ALLOW_INSECURE_HTTP → 400 naming baseUrl', async () => {
    const t = await createTestApp({ env: { ALLOW_INSECURE_HTTP: '0' } });
    try {
      const token = await setupAdmin(t);
      for (const url of ['/api/integrations/itglue', '/api/integrations/itglue/test']) {
        const res = await t.inject({ method: url.endsWith('test') ? 'POST' : 'PUT', url, headers: bearer(token), payload: { baseUrl: 'http://api.itglue.example', apiKey: 'k' } });
        assert.equal(res.statusCode, 400);
        const err = (res.json() as { error: { code: string; details: { issues: { path: string; message: string }[] } } }).error;
        assert.equal(err.code, 'invalid_request');
        assert.ok(err.details.issues.some((i) => i.path === 'body.baseUrl' && /https/.test(i.message)));
      }
      const missingKey = await t.inject({ method: 'PUT', url: '/api/integrations/itglue', headers: bearer(token), payload: { baseUrl: 'https://api.itglue.com' } });
      assert.equal(missingKey.statusCode, 400);
    } finally {
      await t.close();
    }
  });
});

if (dialects().includes('postgres')) {
  describe('IT Glue initial sync on PostgreSQL with the pg-boss job queue', () => {
    test('Save → the run executes through pg-boss and stores exactly the active companies', async () => {
      const sandbox = await startItGlueSandbox({ port: 0, apiKey: 'pg-key' });
      const t = await createTestApp({ dialect: 'postgres', pgBoss: true });
      try {
        const token = await setupAdmin(t);
        const res = await t.inject({ method: 'PUT', url: '/api/integrations/itglue', headers: bearer(token), payload: itglueSettingsFor(sandbox, 'pg-key') });
        assert.equal(res.statusCode, 200, res.body);
        const run = await runStartedBy(t, res, 60_000);
        assert.equal(run.status, 'succeeded', JSON.stringify(run));
        const companies = (await t.inject({ method: 'GET', url: '/api/companies', headers: bearer(token) })).json() as { companies: { id: string }[] };
        assert.deepEqual(companies.companies.map((c) => c.id).sort(), [...sandbox.control.truth().activeOrganizationIds].sort());
        const second = await t.inject({ method: 'POST', url: '/api/integrations/itglue/sync', headers: bearer(token), payload: { mode: 'full' } });
        const third = await t.inject({ method: 'POST', url: '/api/integrations/itglue/sync', headers: bearer(token), payload: { mode: 'full' } });
        assert.equal(second.statusCode, 202);
        assert.equal(third.statusCode, 409, 'the database refuses a second active run');
        await runStartedBy(t, second, 60_000);
      } finally {
        await t.close();
        await sandbox.close();
      }
    });
  });
}
