/**
 * Issue 13, acceptance 1: revoked credentials → two failing runs → exactly one email and one notification per
 * admin, none to members; scheduled runs paused; after saving correct settings a run succeeds and
 * `sync_recovered` arrives. Against the HaloPSA sandbox and a real SMTP server, on every dialect.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHaloSandbox, HALO_SANDBOX_DEFAULTS } from '../../src/sandbox/halo/index.js';
import type { HaloSandbox } from '../../src/sandbox/halo/types.js';
import { createMailer } from '../../src/notify/mailer.js';
import { startScheduler } from '../../src/sync/scheduler.js';
import type { Integration, Notification } from '../../src/shared/wire.js';
import { bearer, createTestApp, dialects, setupAdmin, type TestApp } from '../helpers/app.js';
import { startSmtp } from '../helpers/smtp.js';

interface Run { id: string; status: string; mode: string; error: { code: string; message: string } | null }



async function userToken(t: TestApp, adminToken: string, email: string, role: 'admin' | 'member'): Promise<string> {
  const created = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(adminToken), payload: { email, password: 'password 12345', role } });
  assert.equal(created.statusCode, 201, created.body);
  const login = await t.inject({ method: 'POST', url: '/api/session', payload: { email, password: 'password 12345' } });
  const cookie = login.cookies.find((c) => c.name === 'cw_session')!.value;
  const csrf = login.cookies.find((c) => c.name === 'cw_csrf')!.value;
  const tok = await t.inject({ method: 'POST', url: '/api/tokens', cookies: { cw_session: cookie }, headers: { 'x-csrf-token': csrf }, payload: { name: 'test' } });
  return (tok.json() as { token: string }).token;
}

for (const dialect of dialects()) {
  describe(`sync alerts on ${dialect}: revoked HaloPSA credentials`, () => {
    let t: TestApp;
    let sandbox: HaloSandbox;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    const tokens: Record<'admin' | 'admin2' | 'member', string> = { admin: '', admin2: '', member: '' };

    before(async () => {
      sandbox = await startHaloSandbox({ port: 0, clientCount: 20, ticketCount: 200, rateLimit: null });
      smtp = await startSmtp();
      t = await createTestApp({ dialect, pgBoss: dialect === 'postgres', mailer: createMailer({ smtpUrl: smtp.url, from: 'crosswalk@test.example', log: () => {} }), env: { PUBLIC_URL: 'https://crosswalk.example' } });
      tokens.admin = await setupAdmin(t);
      tokens.admin2 = await userToken(t, tokens.admin, 'second-admin@msp.example', 'admin');
      tokens.member = await userToken(t, tokens.admin, 'member@msp.example', 'member');
    });
    after(async () => {
      await t.close();
      await sandbox.close();
      await smtp.close();
    });

    const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, who: keyof typeof tokens = 'admin') =>
      t.inject({ method, url, headers: bearer(tokens[who]), payload: payload as never });
    const settings = (clientSecret: string) => ({
      resourceServerUrl: sandbox.resourceUrl, authorizationServerUrl: sandbox.authUrl, tenant: '', clientId: HALO_SANDBOX_DEFAULTS.clientId,
      clientSecret, pullTickets: true, opportunityExport: false, rateLimitPer5Min: 100000,
    });
    const notes = async (who: keyof typeof tokens) => ((await api('GET', '/api/notifications', undefined, who)).json() as { notifications: Notification[] }).notifications;
    const ofKind = async (who: keyof typeof tokens, kind: string) => (await notes(who)).filter((n) => n.kind === kind);
    const halo = async () => ((await api('GET', '/api/integrations')).json() as { integrations: Integration[] }).integrations.find((i) => i.kind === 'halo')!;
    const runs = async () => ((await api('GET', '/api/sync-runs?integration=halo')).json() as { syncRuns: Run[] }).syncRuns;
    /** The run's end, and what follows it in its job (notifications, emails): the queue has no job running. */
    const wait = async (id: string) => {
      const run = (await t.services.sync.waitFor(id, 60_000)) as unknown as Run;
      await t.services.queue.drain();
      return run;
    };
    /** One round of the scheduler, as its timer would run it; returns the run it started, if any. */
    const scheduledRound = async (): Promise<Run | null> => {
      const before = new Set((await runs()).map((r) => r.id));
      await startScheduler({ intervalMinutes: 0, integrations: t.services.integrations, sync: t.services.sync, log: () => {} }).tick();
      const started = (await runs()).find((r) => !before.has(r.id));
      return started === undefined ? null : wait(started.id);
    };

    test('initial sync: one initial-sync notice per admin, none to the member', async () => {
      const res = await api('PUT', '/api/integrations/halo', settings(HALO_SANDBOX_DEFAULTS.clientSecret));
      assert.equal(res.statusCode, 200, res.body);
      const run = await wait((res.json() as { syncRun: Run }).syncRun.id);
      assert.equal(run.status, 'succeeded', JSON.stringify(run));
      for (const who of ['admin', 'admin2'] as const) {
        const initial = await ofKind(who, 'initial_sync');
        assert.equal(initial.length, 1, who);
        assert.match(initial[0]!.message, /HaloPSA initial sync finished: 20 companies and [\d,]+ tickets synced/);
        assert.equal(initial[0]!.link, '/integrations/halo');
      }
      assert.deepEqual(await notes('member'), []);
      assert.equal(smtp.received.length, 1);
      assert.deepEqual(smtp.received[0]!.to, ['admin@msp.example', 'second-admin@msp.example']);
      const health = (await halo()).syncHealth;
      assert.deepEqual(health, { failureStreak: 0, failingSince: null, lastError: null, alerted: false, paused: null });
    });

    test('revoked secret → two failing runs → one sync_failed per admin and one email; scheduled runs paused', async () => {
      // The Halo admin regenerates the application's secret: the stored one stops working.
      sandbox.control.addApp({ clientId: HALO_SANDBOX_DEFAULTS.clientId, clientSecret: 'regenerated-secret', scopes: 'all' });
      const first = await scheduledRound();
      assert.equal(first?.status, 'failed', JSON.stringify(first));
      assert.equal(first?.error?.code, 'invalid_credentials');
      // Scheduled runs are paused now: the second failing run is started by hand.
      const second = await wait(((await api('POST', '/api/integrations/halo/sync', { mode: 'incremental' })).json() as { syncRun: Run }).syncRun.id);
      assert.equal(second.status, 'failed');
      assert.equal(second.error?.code, 'invalid_credentials');

      for (const who of ['admin', 'admin2'] as const) {
        const failed = await ofKind(who, 'sync_failed');
        assert.equal(failed.length, 1, `${who}: ${JSON.stringify(failed)}`);
        assert.match(failed[0]!.message, /^HaloPSA sync failed: Halo rejected the Client ID or Client Secret\./);
        assert.match(failed[0]!.message, /What to do: .*update it under Integrations → HaloPSA\./);
        assert.match(failed[0]!.message, /Scheduled syncs of HaloPSA are paused until its settings are saved again\./);
        assert.equal(failed[0]!.link, '/integrations/halo');
      }
      assert.deepEqual(await notes('member'), [], 'members get no sync notices');
      // The SMTP server stored each message before it acknowledged it, and the notifier awaited that.
      assert.equal(smtp.received.length, 2, 'one email for the streak, not one per run');
      const mail = smtp.received[1]!;
      assert.deepEqual(mail.to, ['admin@msp.example', 'second-admin@msp.example']);
      assert.match(mail.body, /Subject: Crosswalk: HaloPSA sync failed/);
      assert.match(mail.body, /https:\/\/crosswalk\.example\/integrations\/halo/);

      const health = (await halo()).syncHealth;
      assert.equal(health.failureStreak, 2);
      assert.equal(health.alerted, true);
      assert.equal(health.lastError?.code, 'invalid_credentials');
      assert.equal(health.paused?.code, 'invalid_credentials');
      assert.match(health.paused?.action ?? '', /Integrations → HaloPSA/);
      assert.equal(await scheduledRound(), null, 'the scheduler starts no run while paused');
    });

    test('saving correct settings resumes the schedule; the next run succeeds and sync_recovered arrives', async () => {
      const saved = await api('PUT', '/api/integrations/halo', settings('regenerated-secret'));
      assert.equal(saved.statusCode, 200, saved.body);
      assert.equal((saved.json() as { syncRun: unknown }).syncRun, null, 'a later save starts no run (contract)');
      assert.equal((await halo()).syncHealth.paused, null);
      const run = await scheduledRound();
      assert.equal(run?.status, 'succeeded', JSON.stringify(run));
      for (const who of ['admin', 'admin2'] as const) {
        const recovered = await ofKind(who, 'sync_recovered');
        assert.equal(recovered.length, 1, who);
        assert.match(recovered[0]!.message, /^HaloPSA sync works again: the incremental run succeeded after 2 failed runs since \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/);
        assert.equal((await ofKind(who, 'sync_failed')).length, 1);
      }
      assert.deepEqual(await notes('member'), []);
      assert.equal(smtp.received.length, 3);
      assert.deepEqual((await halo()).syncHealth, { failureStreak: 0, failingSince: null, lastError: null, alerted: false, paused: null });
      // A further success is not news.
      const again = await scheduledRound();
      assert.equal(again?.status, 'succeeded');
      assert.equal((await ofKind('admin', 'sync_recovered')).length, 1);
      assert.equal((await ofKind('admin', 'initial_sync')).length, 1);
    });
  });
}
