/**
 * The notifier's decisions, one place (src/notify/sync-alerts.ts): the initial-sync notice once, from whichever
 * run completes the initial data (an interrupted initial run resumed or retried by a later one); one
 * `sync_failed` per streak; `sync_recovered` only after an alerted streak; pauses on rejected credentials.
 * On every dialect, with runs as the runner reports them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createNotifier } from '../../src/notify/notifier.js';
import type { Mail, Mailer } from '../../src/notify/mailer.js';
import { createSyncAlerts } from '../../src/notify/sync-alerts.js';
import { adviceFor, syncHealthOf } from '../../src/integrations/sync-health.js';
import { definitionOf, INTEGRATIONS } from '../../src/integrations/registry.js';
import { createRepos } from '../../src/store/repos/index.js';
import type { SyncRunView } from '../../src/sync/runner.js';
import { dialects, openTestStore } from '../helpers/app.js';

const KIND = INTEGRATIONS.find((d) => d.role === 'supplemental')!.kind;
const NAME = definitionOf(KIND)!.displayName;

async function scenario(dialect: 'sqlite' | 'postgres') {
  const ts = await openTestStore(dialect);
  const db = ts.store.db;
  const ws = crypto.randomUUID();
  const now = new Date().toISOString();
  await db.insertInto('workspaces').values({ id: ws, name: 'MSP', created_at: now }).execute();
  const users = { admin1: crypto.randomUUID(), admin2: crypto.randomUUID(), member: crypto.randomUUID() };
  for (const [key, id] of Object.entries(users)) {
    await db.insertInto('users').values({ id, workspace_id: ws, email: `${key}@msp.example`, name: key, role: key === 'member' ? 'member' : 'admin', password_hash: 'x', created_at: now }).execute();
  }
  const repos = createRepos(db);
  const mails: Mail[] = [];
  const mailer: Mailer = { async send(m) { mails.push(m); return 'logged'; }, close() {} };
  const alerts = createSyncAlerts({ repos, notifier: createNotifier(repos.notifications, mailer, () => {}) });
  let n = 0;
  /** A finished run as the runner reports it. */
  const finish = (mode: SyncRunView['mode'], status: SyncRunView['status'], error: { code: string; message: string } | null = null) => {
    n++;
    const run: SyncRunView = {
      id: `run-${n}`, integration: KIND, mode, status, startedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), finishedAt: new Date(Date.UTC(2026, 0, 1, 0, n, 30)).toISOString(),
      progress: {}, error, requestCount: 1, retries: 0, rateLimited: 0, estimatedSecondsLeft: null, notes: status === 'partial' ? ['tickets: fetched 90 of 100 records'] : [],
    };
    return alerts.onRunFinished(run, ws);
  };
  /** A user's notifications (in no particular order: two made in one millisecond tie on created_at). */
  const notes = async (who: keyof typeof users) => (await repos.notifications.forUser(ws, users[who])).map((r) => ({ kind: r.kind, message: r.message, link: r.link }));
  const kinds = async (who: keyof typeof users) => (await notes(who)).map((x) => x.kind).sort();
  const message = async (who: keyof typeof users, prefix: string) => {
    const found = (await notes(who)).filter((x) => x.message.startsWith(prefix));
    assert.equal(found.length, 1, `one notification starting "${prefix}"`);
    return found[0]!.message;
  };
  const state = async () => repos.syncAlerts.get(ws, KIND);
  return { finish, notes, kinds, message, mails, state, repos, ws, cleanup: ts.cleanup };
}

const UNREACHABLE = { code: 'unreachable', message: 'Could not connect to the server.' };
const REJECTED = { code: 'invalid_credentials', message: 'The vendor rejected the credentials.' };

for (const dialect of dialects()) {
  describe(`sync alerts (${dialect})`, () => {
    test('an interrupted initial run: the run that completes the data sends the initial-sync notice, once', async () => {
      const s = await scenario(dialect);
      try {
        assert.equal(await s.finish('initial', 'failed', { code: 'interrupted', message: 'The server stopped during this run.' }), null);
        assert.equal(await s.finish('initial', 'failed', { code: 'aborted', message: 'The run was stopped.' }), null);
        assert.equal(await s.finish('incremental', 'succeeded'), 'initial_sync');
        assert.equal(await s.finish('incremental', 'succeeded'), null);
        for (const who of ['admin1', 'admin2'] as const) {
          const n = await s.notes(who);
          assert.equal(n.length, 1);
          assert.equal(n[0]!.kind, 'initial_sync');
          assert.match(n[0]!.message, new RegExp(`^${NAME} initial sync finished: .* synced in 30s\\.$`));
          assert.equal(n[0]!.link, `/integrations/${KIND}`);
        }
        assert.deepEqual(await s.notes('member'), []);
        assert.equal(s.mails.length, 1);
        assert.deepEqual(s.mails[0]!.to.sort(), ['admin1@msp.example', 'admin2@msp.example']);
        assert.equal((await s.state())?.failure_streak, 0, 'interruptions are no failures');
      } finally {
        await s.cleanup();
      }
    });

    test('a failed initial sync is its streak\'s alert; the data\'s completion sends the initial notice, not a recovery', async () => {
      const s = await scenario(dialect);
      try {
        assert.equal(await s.finish('initial', 'failed', UNREACHABLE), 'sync_failed');
        assert.equal(await s.finish('full', 'failed', UNREACHABLE), null);
        assert.equal(await s.finish('full', 'succeeded'), 'initial_sync');
        // A later streak: one alert, silence, then the recovery.
        assert.equal(await s.finish('incremental', 'failed', { code: 'http_error', message: 'The server answered HTTP 500.' }), 'sync_failed');
        assert.equal(await s.finish('incremental', 'partial'), null);
        assert.equal(await s.finish('incremental', 'failed', UNREACHABLE), null);
        assert.equal((await s.state())?.failure_streak, 3);
        assert.equal(await s.finish('incremental', 'succeeded'), 'sync_recovered');
        for (const who of ['admin1', 'admin2'] as const) assert.deepEqual(await s.kinds(who), ['initial_sync', 'sync_failed', 'sync_failed', 'sync_recovered']);
        assert.match(await s.message('admin1', `${NAME} initial sync failed`), new RegExp(`: .* Could not connect to the server\\. What to do: .*Integrations → ${NAME}`));
        assert.match(await s.message('admin1', `${NAME} sync failed`), new RegExp(`: The server answered HTTP 500\\. What to do: `));
        assert.match(await s.message('admin1', `${NAME} sync works again`), /: the incremental run succeeded after 3 failed runs since 2026-01-01 00:04 UTC\.$/);
        assert.deepEqual(await s.notes('member'), []);
        assert.equal(s.mails.length, 4);
      } finally {
        await s.cleanup();
      }
    });

    test('an initial sync that ends partial sends the initial notice as the streak\'s alert; the next success recovers', async () => {
      const s = await scenario(dialect);
      try {
        assert.equal(await s.finish('initial', 'partial'), 'sync_failed');
        assert.equal(await s.finish('incremental', 'succeeded'), 'sync_recovered');
        assert.equal(await s.finish('incremental', 'partial'), 'sync_failed');
        assert.deepEqual(await s.kinds('admin2'), ['sync_failed', 'sync_failed', 'sync_recovered']);
        assert.match(await s.message('admin2', `${NAME} initial sync finished with gaps`), / What to do: Nothing, unless it keeps happening/);
        await s.message('admin2', `${NAME} sync finished with gaps`);
        assert.match(s.mails[0]!.text, /Notes: tickets: fetched 90 of 100 records/);
      } finally {
        await s.cleanup();
      }
    });

    test('rejected credentials pause scheduled runs until a save (or a succeeded run); other failures do not', async () => {
      const s = await scenario(dialect);
      try {
        await s.finish('initial', 'succeeded');
        await s.finish('incremental', 'failed', UNREACHABLE);
        assert.deepEqual(await s.repos.syncAlerts.paused(), []);
        await s.finish('incremental', 'failed', REJECTED);
        assert.deepEqual(await s.repos.syncAlerts.paused(), [{ workspaceId: s.ws, kind: KIND }]);
        const health = syncHealthOf(definitionOf(KIND)!, await s.state());
        assert.equal(health.failureStreak, 2);
        assert.equal(health.paused?.code, 'invalid_credentials');
        assert.equal(health.paused?.action, adviceFor(definitionOf(KIND)!, 'invalid_credentials'));
        assert.equal(health.lastError?.code, 'invalid_credentials');
        assert.equal(await s.repos.syncAlerts.resume(s.ws, KIND), true, 'saving the settings resumes');
        assert.deepEqual(await s.repos.syncAlerts.paused(), []);
        await s.finish('incremental', 'failed', { code: 'missing_permissions', message: 'A permission is missing.' });
        assert.equal((await s.repos.syncAlerts.paused()).length, 1);
        assert.equal(await s.finish('full', 'succeeded'), 'sync_recovered');
        assert.deepEqual(await s.repos.syncAlerts.paused(), [], 'a succeeded (manual) run lifts the pause');
        assert.deepEqual(await s.kinds('admin1'), ['initial_sync', 'sync_failed', 'sync_recovered']);
        assert.doesNotMatch(await s.message('admin1', `${NAME} sync failed`), /paused/, 'the streak began with a failure that does not pause');
      } finally {
        await s.cleanup();
      }
    });
  });
}

test('what to do: each integration\'s own sentence, a generic one naming the settings page otherwise', () => {
  for (const def of INTEGRATIONS) {
    const own = adviceFor(def, 'invalid_credentials');
    assert.match(own, new RegExp(`Integrations → ${def.displayName}`));
    assert.equal(own, def.advice?.invalid_credentials ?? own);
  }
  const bare = { displayName: 'Acme PSA' };
  assert.equal(adviceFor(bare, 'invalid_credentials'), 'Update the credentials under Integrations → Acme PSA.');
  assert.match(adviceFor(bare, 'missing_permissions'), /^Grant the missing permission in Acme PSA, then save the settings under Integrations → Acme PSA\.$/);
  assert.match(adviceFor(bare, 'something_new'), /check the settings under Integrations → Acme PSA/);
});
