import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHaloSandbox, HALO_SANDBOX_DEFAULTS } from '../../src/sandbox/halo/index.js';
import type { HaloSandbox } from '../../src/sandbox/halo/types.js';
import { createMailer } from '../../src/notify/mailer.js';
import { freePort, startServer } from '../helpers/http.js';
import { apiAs, bearer, createTestApp, runStartedBy, setupAdmin, syncAndWait, type ApiCall, type SyncRunJson, type TestApp } from '../helpers/app.js';
import { haloSettingsFor } from '../helpers/sandboxes.js';
import { startSmtp } from '../helpers/smtp.js';

interface Check { ok: boolean; message?: string; error?: { code: string; message: string; hint?: string; missingPermissions?: string[] } }


describe('HaloPSA integration against the sandbox', () => {
  let t: TestApp;
  let token: string;
  let sandbox: HaloSandbox;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let api: ApiCall;
  const months = 24;

  before(async () => {
    sandbox = await startHaloSandbox({ port: 0, clientCount: 160, ticketCount: 12_500, rateLimit: null });
    smtp = await startSmtp();
    t = await createTestApp({ mailer: createMailer({ smtpUrl: smtp.url, from: 'crosswalk@test.example', log: () => {} }), env: { TICKET_HISTORY_MONTHS: String(months) } });
    token = await setupAdmin(t);
    api = apiAs(t, token);
    await t.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload: { email: 'second-admin@msp.example', password: 'password 12345', role: 'admin' } });
    await t.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload: { email: 'member@msp.example', password: 'password 12345', role: 'member' } });
  });
  after(async () => {
    await t.close();
    await sandbox.close();
    await smtp.close();
  });

  const check = async (over: Record<string, unknown>) => (await api('POST', '/api/integrations/halo/test', haloSettingsFor(sandbox, over))).json() as Check;
  const sync = (mode: 'full' | 'incremental'): Promise<SyncRunJson> => syncAndWait(t, api, 'halo', mode);
  const storedIds = async (table: 'psa_companies' | 'psa_tickets') => (await t.store.db.selectFrom(table).select('id').where('kind', '=', 'halo').execute()).map((r) => Number(r.id)).sort((a, b) => a - b);
  /** The sandbox's truth for the initial window: all open tickets plus those updated in the last N months. */
  const expectedTickets = () => {
    const cutoff = new Date(sandbox.control.data().now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
    return (sandbox.control.data({ tickets: true }).ticketIds ?? [])
      .filter((id) => { const tk = sandbox.control.getTicket(id)!; return !tk.closed || tk.lastUpdate >= cutoff.getTime(); })
      .sort((a, b) => a - b);
  };

  test('Test Settings → Connection Successful', async () => {
    const r = await check({});
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.message, 'Connection Successful');
  });

  test('wrong secret → invalid_credentials, saying where to fix it', async () => {
    const r = await check({ clientSecret: 'not-the-secret' });
    assert.equal(r.error?.code, 'invalid_credentials');
    assert.match(`${r.error?.message} ${r.error?.hint ?? ''}`, /secret/i);
  });

  test('wrong tenant (shared auth host form) → invalid_tenant', async () => {
    const r = await check({ authorizationServerUrl: sandbox.sharedAuthUrl, tenant: 'nosuchtenant' });
    assert.equal(r.error?.code, 'invalid_tenant');
    const ok = await check({ authorizationServerUrl: sandbox.sharedAuthUrl, tenant: sandbox.tenant });
    assert.equal(ok.ok, true, JSON.stringify(ok));
  });

  test('token without read:tickets → missing_permissions listing read:tickets', async () => {
    sandbox.control.addApp({ clientId: 'limited-app', clientSecret: 'limited-secret', scopes: 'read:customers' });
    const r = await check({ clientId: 'limited-app', clientSecret: 'limited-secret', opportunityExport: false });
    assert.equal(r.error?.code, 'missing_permissions');
    assert.ok(r.error?.missingPermissions?.includes('read:tickets'), JSON.stringify(r.error));
    assert.ok(!r.error?.missingPermissions?.includes('read:customers'));
    const exp = await check({ clientId: 'limited-app', clientSecret: 'limited-secret', opportunityExport: true });
    assert.ok(exp.error?.missingPermissions?.includes('edit:tickets'), JSON.stringify(exp.error));
  });

  test('unreachable port → unreachable naming the host', async () => {
    const port = await freePort();
    const r = await check({ resourceServerUrl: `http://127.0.0.1:${port}/api`, authorizationServerUrl: `http://127.0.0.1:${port}/auth` });
    assert.equal(r.error?.code, 'unreachable');
    assert.match(r.error!.message, /127\.0\.0\.1/);
  });

  test('a URL that serves something else → not_found', async () => {
    const other = await startServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html><body>Welcome to nginx!</body></html>'); });
    try {
      const r = await check({ resourceServerUrl: `${other.url}/api`, authorizationServerUrl: `${other.url}/auth` });
      assert.equal(r.error?.code, 'not_found', JSON.stringify(r));
    } finally {
      await other.close();
    }
  });

  test('Save → initial sync stores exactly the sandbox clients and tickets; every admin gets an email with the counts', async () => {
    const res = await api('PUT', '/api/integrations/halo', haloSettingsFor(sandbox));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { integration: { settings: Record<string, unknown> } };
    assert.equal(body.integration.settings.clientSecretSet, true);
    assert.ok(!res.body.includes(HALO_SANDBOX_DEFAULTS.clientSecret));
    const run = await runStartedBy(t, res);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    const data = sandbox.control.data();
    assert.ok(data.clientIds.length >= 150);
    assert.deepEqual(await storedIds('psa_companies'), [...data.clientIds].sort((a, b) => a - b));
    const expected = expectedTickets();
    assert.ok(expected.length >= 12_000 * 0.8, `window holds ${expected.length} tickets`);
    assert.deepEqual(await storedIds('psa_tickets'), expected);
    for (const k of ['clients', 'sites', 'ticketTypes', 'tickets']) assert.equal(run.progress[k]?.done, true, k);

    // Email at a real SMTP server, to every admin (not the member), with the counts.
    for (let i = 0; i < 50 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0]!;
    assert.deepEqual(mail.to.sort(), ['admin@msp.example', 'second-admin@msp.example']);
    assert.match(mail.body, new RegExp(`${data.clientIds.length} companies`));
    assert.match(mail.body, new RegExp(`${expected.length.toLocaleString('en-US')} tickets`));
    const notes = (await api('GET', '/api/notifications')).json() as { notifications: { message: string }[] };
    assert.match(notes.notifications[0]!.message, /HaloPSA initial sync finished/);
  });

  test('incremental after 10 changed and 5 new tickets picks up exactly those, with requests proportional to the changes', async () => {
    const before = new Map((await t.store.db.selectFrom('psa_tickets').select(['id', 'summary']).execute()).map((r) => [r.id, r.summary]));
    const ids = expectedTickets().slice(0, 10);
    for (const id of ids) sandbox.control.updateTicket(id, { summary: `Changed ${id}` });
    const added = sandbox.control.addTickets({ count: 5 });
    sandbox.control.clearRequests();
    const run = await sync('incremental');
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    const after = new Map((await t.store.db.selectFrom('psa_tickets').select(['id', 'summary']).execute()).map((r) => [r.id, r.summary]));
    for (const id of ids) assert.equal(after.get(String(id)), `Changed ${id}`);
    for (const id of added) assert.ok(after.has(String(id)));
    assert.equal(after.size, before.size + 5);
    // The read asks for tickets updated since the last run's start minus a 10-minute overlap: exactly those come back.
    const runs = (await api('GET', '/api/sync-runs?integration=halo')).json() as { syncRuns: { mode: string; startedAt: string }[] };
    const initial = runs.syncRuns.find((r) => r.mode === 'initial')!;
    const since = Date.parse(initial.startedAt!) - 10 * 60 * 1000;
    const inWindow = (sandbox.control.data({ tickets: true }).ticketIds ?? []).filter((id) => sandbox.control.getTicket(id)!.lastUpdate >= since).length;
    assert.equal(run.progress.tickets!.fetched, inWindow, 'the incremental ticket read fetched the changed and new tickets plus the overlap, nothing else');
    assert.ok(inWindow >= 15 && inWindow < 500);
    const ticketRequests = sandbox.control.requests().filter((r) => /\/tickets/i.test(r.path)).length;
    assert.ok(ticketRequests <= 2, `ticket requests: ${ticketRequests}`);
    // With opportunity export on, every run also reads which ticket types each client may use: the type list, one
    // detail per active type and the client list (a constant, whatever the changes).
    const typeRules = sandbox.control.data({ tickets: false }).ticketTypes.filter((tt) => !tt.inactive).length + 2;
    assert.ok(sandbox.control.requests().length <= 12 + typeRules, `total requests ${sandbox.control.requests().length}`);
  });

  test('token expiry mid-sync, 429 without Retry-After, 500/502/503 and resets during the ticket stream: exact data', async () => {
    await t.store.db.deleteFrom('psa_tickets').execute();
    // Faults injected while the ticket stream runs, spread over it (each request still has its retry budget).
    const schedule: [number, () => void][] = [
      [5, () => sandbox.control.addFault({ type: '500', count: 1, pathPrefix: '/Tickets' })],
      [15, () => sandbox.control.addFault({ type: '502', count: 1, pathPrefix: '/Tickets' })],
      [25, () => sandbox.control.expireTokens()],
      [35, () => sandbox.control.addFault({ type: '503', count: 1, pathPrefix: '/Tickets' })],
      [45, () => sandbox.control.addFault({ type: 'reset', count: 1, pathPrefix: '/Tickets' })],
      [55, () => sandbox.control.addFault({ type: '429', count: 1, pathPrefix: '/Tickets' })],
      [70, () => sandbox.control.addFault({ type: 'reset', count: 1, pathPrefix: '/Tickets' })],
    ];
    sandbox.control.setLatency(15);
    let expired = false;
    const timer = setInterval(() => {
      const n = sandbox.control.requests().filter((r) => /\/tickets/i.test(r.path) && r.status === 200).length;
      while (schedule.length > 0 && n >= schedule[0]![0]) {
        const [at, inject] = schedule.shift()!;
        inject();
        if (at === 25) expired = true;
      }
    }, 2);
    sandbox.control.clearRequests();
    const run = await sync('full');
    clearInterval(timer);
    sandbox.control.setLatency(0);
    assert.ok(expired, `the token was expired mid-run ${JSON.stringify(run)}`);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.ok(run.retries + run.rateLimited >= 6, `retries ${run.retries} rate limited ${run.rateLimited}`);
    assert.ok(sandbox.control.requests().some((r) => r.status === 401), 'an expired-token 401 was seen and recovered from');
    assert.deepEqual(await storedIds('psa_tickets'), expectedTickets());
  });

  test('a failed sync keeps everything it stored and can be retried', async () => {
    await t.store.db.deleteFrom('psa_tickets').execute();
    sandbox.control.setLatency(10);
    let broken = false;
    const timer = setInterval(() => {
      const n = sandbox.control.requests().filter((r) => /\/tickets/i.test(r.path) && r.status === 200).length;
      if (!broken && n >= 30) { sandbox.control.addFault({ type: '500', count: -1, pathPrefix: '/Tickets' }); broken = true; }
    }, 2);
    sandbox.control.clearRequests();
    const failed = await sync('full');
    clearInterval(timer);
    sandbox.control.setLatency(0);
    sandbox.control.clearFaults();
    assert.equal(failed.status, 'failed');
    assert.match(JSON.stringify(failed.error), /HTTP 500|server/i);
    const kept = (await storedIds('psa_tickets')).length;
    assert.ok(kept >= 1000 && kept < expectedTickets().length, `kept ${kept} tickets`);
    assert.equal(failed.progress.tickets!.fetched, kept, 'progress counts what was stored');
    const retry = await sync('full');
    assert.equal(retry.status, 'succeeded', JSON.stringify(retry));
    assert.deepEqual(await storedIds('psa_tickets'), expectedTickets());
  });
});
