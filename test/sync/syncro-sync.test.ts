/**
 * Syncro through the API against its sandbox, on SQLite and PostgreSQL: Test Settings, the initial sync (customers
 * with the disabled ones, issue types, every ticket), an incremental run (only what changed, by the update filter),
 * and the deletion sweep of a full run (customers and tickets gone from Syncro leave the store; an incremental run
 * sweeps nothing).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSyncroSandbox, SYNCRO_SANDBOX_DEFAULTS, type SyncroSandbox } from '../../src/sandbox/syncro/index.js';
import { apiAs, createTestApp, dialects, runStartedBy, setupAdmin, syncAndWait, type ApiCall, type SyncRunJson, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/http.js';
import { syncroSettingsFor } from '../helpers/sandboxes.js';

interface Check { ok: boolean; message?: string; details?: Record<string, unknown>; error?: { code: string; message: string; missingPermissions?: string[] } }

for (const dialect of dialects()) {
  describe(`Syncro integration against the sandbox on ${dialect}`, () => {
    let t: TestApp;
    let sandbox: SyncroSandbox;
    let api: ApiCall;

    before(async () => {
      sandbox = await startSyncroSandbox({ port: 0, customerCount: 120, ticketCount: 900, rateLimit: null });
      t = await createTestApp({ dialect });
      api = apiAs(t, await setupAdmin(t));
    });
    after(async () => {
      await t.close();
      await sandbox.close();
    });

    const sync = (mode: 'full' | 'incremental'): Promise<SyncRunJson> => syncAndWait(t, api, 'syncro', mode);
    const stored = async (table: 'psa_companies' | 'psa_tickets') =>
      (await t.store.db.selectFrom(table).select('id').where('kind', '=', 'syncro').execute()).map((r) => Number(r.id)).sort((a, b) => a - b);
    const check = async (over: Record<string, unknown> = {}) => (await api('POST', '/api/integrations/syncro/test', syncroSettingsFor(sandbox, over))).json() as Check;

    test('Test Settings: Connection Successful; a wrong token → invalid_credentials; a port nobody listens on → unreachable', async () => {
      const ok = await check();
      assert.equal(ok.ok, true, JSON.stringify(ok));
      assert.equal(ok.message, 'Connection Successful');
      assert.equal(ok.details?.customers, sandbox.control.data().customers.length);
      const bad = await check({ apiToken: 'wrong-token' });
      assert.equal(bad.error?.code, 'invalid_credentials');
      const port = await freePort();
      const down = await check({ baseUrl: `http://127.0.0.1:${port}/api/v1` });
      assert.equal(down.error?.code, 'unreachable');
      assert.match(down.error?.message ?? '', /127\.0\.0\.1/);
    });

    test('Save → the initial sync stores every customer (disabled ones inactive) and every ticket; the token is never returned', async () => {
      const res = await api('PUT', '/api/integrations/syncro', syncroSettingsFor(sandbox));
      assert.equal(res.statusCode, 200, res.body);
      assert.ok(!res.body.includes(SYNCRO_SANDBOX_DEFAULTS.apiToken));
      const body = res.json() as { integration: { settings: Record<string, unknown> }; syncRun: SyncRunJson };
      assert.equal(body.integration.settings.apiTokenSet, true);
      assert.equal(body.syncRun.mode, 'initial');
      const run = await runStartedBy(t, res);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const data = sandbox.control.data();
      assert.deepEqual(await stored('psa_companies'), data.customerIds);
      assert.deepEqual(await stored('psa_tickets'), data.ticketIds);
      assert.deepEqual(Object.keys(run.progress).sort(), ['customers', 'tickets']);
      assert.equal(run.progress.customers?.done, true);
      assert.equal(run.progress.tickets?.fetched, data.ticketIds.length);

      const companies = (await api('GET', '/api/integrations/syncro/companies')).json() as { companies: { id: string; name: string; inactive: boolean }[] };
      assert.equal(companies.companies.length, data.customers.length);
      for (const c of data.customers) {
        const got = companies.companies.find((x) => x.id === String(c.id));
        assert.deepEqual(got && { name: got.name, inactive: got.inactive }, { name: c.name, inactive: c.disabled }, `customer ${c.id}`);
      }
      assert.ok(data.customers.some((c) => c.disabled), 'the seed has disabled customers');
      const types = await t.store.db.selectFrom('psa_ticket_types').select(['id', 'name']).where('kind', '=', 'syncro').execute();
      assert.deepEqual(types.map((x) => x.id).sort(), [...data.issueTypes].sort());
    });

    test('incremental: changed and new tickets arrive through the update filter, with few requests', async () => {
      const ids = sandbox.control.data().ticketIds.slice(0, 6);
      for (const id of ids) sandbox.control.updateTicket(id, { subject: `Changed ${id}`, status: 'Resolved' });
      const added = sandbox.control.addTickets({ count: 3 });
      sandbox.control.clearRequests();
      const run = await sync('incremental');
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      const rows = new Map((await t.store.db.selectFrom('psa_tickets').select(['id', 'summary', 'closed']).where('kind', '=', 'syncro').execute()).map((r) => [Number(r.id), r]));
      for (const id of ids) {
        assert.equal(rows.get(id)?.summary, `Changed ${id}`);
        assert.equal(Number(rows.get(id)?.closed), 1);
      }
      for (const id of added) assert.ok(rows.has(id), `new ticket ${id}`);
      const ticketRequests = sandbox.control.requests().filter((r) => r.path.startsWith('/api/v1/tickets?'));
      assert.ok(ticketRequests.every((r) => r.path.includes('since_updated_at=')), 'incremental reads ask for updates since the watermark');
      assert.ok((run.progress.tickets?.fetched ?? 0) < 200, `fetched ${run.progress.tickets?.fetched}: the changes and a day's overlap, not every ticket`);
    });

    test('deletions: an incremental run keeps rows gone from Syncro; a full run sweeps them', async () => {
      const data = sandbox.control.data();
      const goneCustomer = data.customerIds[5]!;
      const goneTicket = data.ticketIds[10]!;
      sandbox.control.deleteCustomer(goneCustomer);
      sandbox.control.deleteTicket(goneTicket);
      const inc = await sync('incremental');
      assert.equal(inc.status, 'succeeded', JSON.stringify(inc));
      assert.ok((await stored('psa_tickets')).includes(goneTicket), 'an incremental run sweeps nothing');
      const full = await sync('full');
      assert.equal(full.status, 'succeeded', JSON.stringify(full));
      const after = sandbox.control.data();
      assert.deepEqual(await stored('psa_companies'), after.customerIds);
      assert.deepEqual(await stored('psa_tickets'), after.ticketIds);
      assert.ok(!(await stored('psa_companies')).includes(goneCustomer));
      assert.ok(!(await stored('psa_tickets')).includes(goneTicket));
    });

    test('a customer disabled in Syncro stays, marked inactive (not swept as deleted)', async () => {
      const id = sandbox.control.data().customers.find((c) => !c.disabled)!.id;
      sandbox.control.updateCustomer(id, { disabled: true });
      const run = await sync('full');
      assert.equal(run.status, 'succeeded');
      const row = await t.store.db.selectFrom('psa_companies').select(['id', 'inactive']).where('kind', '=', 'syncro').where('id', '=', String(id)).executeTakeFirst();
      assert.equal(Number(row?.inactive), 1);
    });

    test('a shortfall (a page repeated) marks the run partial and sweeps nothing', async () => {
      const before = await stored('psa_tickets');
      sandbox.control.addFault({ type: 'repeat-page', pathPrefix: '/tickets', method: 'GET' });
      const run = await sync('full');
      sandbox.control.clearFaults();
      assert.notEqual(run.status, 'succeeded', JSON.stringify(run));
      assert.deepEqual(await stored('psa_tickets'), before, 'nothing swept');
    });

    test('the token expires: the run fails with invalid_credentials and keeps what is stored', async () => {
      const before = await stored('psa_companies');
      sandbox.control.expireToken(SYNCRO_SANDBOX_DEFAULTS.apiToken);
      const run = await sync('full');
      assert.equal(run.status, 'failed');
      assert.equal((run.error as { code?: string } | null)?.code, 'invalid_credentials');
      assert.deepEqual(await stored('psa_companies'), before);
      sandbox.control.reset();
    });
  });
}
