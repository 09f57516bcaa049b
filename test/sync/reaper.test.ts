/**
 * The reaper (issue 10): dead runs are found by heartbeat age by any process, claimed by a conditional update and
 * resumed from their checkpoints (same run) or failed after too many deaths; a live run — its heartbeat kept fresh by
 * a timer even while a page is awaited — is never touched. Two sync services on one database play two processes.
 */
import crypto from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, PsaCompany, Stream, StreamReadOptions, StreamResult } from '../../src/connectors/contract.js';
import { createInProcessQueue } from '../../src/sync/job-queue.js';
import { createSyncService, type RunPlan, type SyncService } from '../../src/sync/runner.js';
import { dialects } from '../helpers/app.js';
import { useSyncStore } from '../helpers/sync-store.js';

const WS = 'ws-reaper';
const LEASE_MS = 400;

/** 3 pages of 2 companies; the cursor is the page number. `gate` holds page 2 back until released. */
function companies(log: { resumeFrom: unknown[] }, gate?: Promise<void>): Stream<PsaCompany> {
  const rec = (n: number): PsaCompany => ({ id: String(n), name: `Co ${n}`, inactive: false, website: null, domain: null, phone: null, updatedAt: null });
  return {
    name: 'clients',
    incremental: false,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<PsaCompany>, StreamResult> {
      log.resumeFrom.push(opts.resumeFrom ?? null);
      const from = typeof opts.resumeFrom === 'number' ? opts.resumeFrom + 1 : 1;
      for (let page = from; page <= 3; page++) {
        if (page === 2 && gate !== undefined) await gate;
        yield { records: [rec(page * 2 - 1), rec(page * 2)], total: 6, checkpoint: page };
      }
      return { fetched: 6, expected: 6, partial: false };
    },
  };
}

for (const dialect of dialects()) {
  describe(`sync reaper (${dialect})`, () => {
    const suite = useSyncStore(dialect);
    const { services } = suite;

    function service(owner: string, stream: () => Stream<PsaCompany>): SyncService {
      const s = createSyncService({
        repos: suite.repos, queue: createInProcessQueue(), owner, leaseMs: LEASE_MS, heartbeatMs: 40, reaperIntervalMs: 60_000,
        plan: async (): Promise<RunPlan> => ({
          steps: [{ progressName: 'clients', stream: stream(), writer: suite.repos.synced.psaCompanies as never, sweepOnFull: true }],
          requestsPerSecond: 0, pageSize: 2, requestCount: () => 0,
        }),
      });
      services.push(s);
      return s;
    }
    const row = (id: string) => suite.ts.store.db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const stored = async () => (await suite.ts.store.db.selectFrom('psa_companies').select('id').where('workspace_id', '=', WS).execute()).map((r) => r.id).sort();

    test('a live run — waiting on a slow page — is never touched; its heartbeat keeps moving', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const aLog = { resumeFrom: [] as unknown[] };
      const a = service('worker-a', () => companies(aLog, gate));
      const b = service('worker-b', () => companies({ resumeFrom: [] }));
      const run = await a.start(WS, 'halo', 'initial');
      for (let i = 0; i < 100 && (await row(run.id)).status !== 'running'; i++) await new Promise((r) => setTimeout(r, 10));
      const first = (await row(run.id)).heartbeat_at!;
      // Three lease lengths while page 2 hangs: the other process reaps again and again.
      for (let i = 0; i < 12; i++) {
        const reaped = await b.reap();
        assert.deepEqual(reaped, { resumed: [], failed: [] });
        await new Promise((r) => setTimeout(r, LEASE_MS / 4));
      }
      const during = await row(run.id);
      assert.equal(during.status, 'running');
      assert.equal(during.owner, 'worker-a');
      assert.equal(during.attempt, 1);
      assert.ok(during.heartbeat_at! > first, 'the heartbeat is written while the page is awaited');
      release();
      const done = await a.waitFor(run.id);
      assert.equal(done?.status, 'succeeded');
      assert.deepEqual(aLog.resumeFrom, [null]);
      assert.deepEqual(await stored(), ['1', '2', '3', '4', '5', '6']);
    });

    test('a dead run (stale heartbeat) is claimed by one reaper and resumed from its checkpoint: same run, mode kept', async () => {
      // What a worker killed after storing page 1 leaves behind: running, its owner, an old heartbeat, the checkpoint.
      const id = crypto.randomUUID();
      const old = new Date(Date.now() - 10 * LEASE_MS).toISOString();
      await suite.ts.store.db.deleteFrom('psa_companies').execute();
      await suite.repos.syncRuns.insert({
        id, workspace_id: WS, integration: 'halo', mode: 'initial', status: 'running', started_at: old, finished_at: null, created_at: old,
        progress_json: JSON.stringify({ clients: { fetched: 2, total: 6, done: false } }), error_json: null, events_json: '{}', request_count: 1,
        heartbeat_at: old, owner: 'worker-dead', attempt: 1, checkpoint_json: JSON.stringify({ clients: { cursor: 1 } }),
      });
      await suite.repos.synced.psaCompanies.upsert([{ id: '1', name: 'Co 1', inactive: false, website: null, domain: null, phone: null, updatedAt: null },
        { id: '2', name: 'Co 2', inactive: false, website: null, domain: null, phone: null, updatedAt: null }], { workspaceId: WS, kind: 'halo', runId: id });
      const cLog = { resumeFrom: [] as unknown[] };
      const dLog = { resumeFrom: [] as unknown[] };
      const c = service('worker-c', () => companies(cLog));
      const d = service('worker-d', () => companies(dLog));
      // Two reapers at once: exactly one takes the run.
      const [rc, rd] = await Promise.all([c.reap(), d.reap()]);
      assert.equal(rc.resumed.length + rd.resumed.length, 1, JSON.stringify({ rc, rd }));
      const done = await c.waitFor(id);
      assert.equal(done?.status, 'succeeded', JSON.stringify(done));
      assert.equal(done?.mode, 'initial');
      const r = await row(id);
      assert.equal(r.attempt, 2);
      assert.equal(r.owner, null);
      // Resumed after page 1: pages 2 and 3 read, and the sweep kept the companies stored before the crash.
      assert.deepEqual([...cLog.resumeFrom, ...dLog.resumeFrom], [1]);
      assert.equal(done?.progress.clients?.fetched, 6);
      assert.deepEqual(await stored(), ['1', '2', '3', '4', '5', '6']);
      assert.equal((await suite.ts.store.db.selectFrom('sync_runs').select('id').where('integration', '=', 'halo').execute()).length, 2, 'no new run');
    });

    test('a run that died too often is failed with the reason, not resumed', async () => {
      const id = crypto.randomUUID();
      const old = new Date(Date.now() - 10 * LEASE_MS).toISOString();
      await suite.repos.syncRuns.insert({
        id, workspace_id: WS, integration: 'halo', mode: 'full', status: 'running', started_at: old, finished_at: null, created_at: old,
        progress_json: '{}', error_json: null, events_json: '{}', request_count: 0, heartbeat_at: old, owner: 'worker-dead', attempt: 5, checkpoint_json: null,
      });
      const e = service('worker-e', () => companies({ resumeFrom: [] }));
      const reaped = await e.reap();
      assert.deepEqual(reaped, { resumed: [], failed: [id] });
      const r = await row(id);
      assert.equal(r.status, 'failed');
      assert.equal(JSON.parse(r.error_json!).code, 'worker_lost');
      assert.match(JSON.parse(r.error_json!).message, /stopped 5 times/);
    });

    test('a worker whose run was taken over stops writing (its writes are refused)', async () => {
      const id = crypto.randomUUID();
      const now = new Date().toISOString();
      await suite.repos.syncRuns.insert({
        id, workspace_id: WS, integration: 'halo', mode: 'full', status: 'running', started_at: now, finished_at: null, created_at: now,
        progress_json: '{}', error_json: null, events_json: '{}', request_count: 0, heartbeat_at: now, owner: 'worker-new', attempt: 2, checkpoint_json: null,
      });
      await assert.rejects(
        suite.repos.synced.psaCompanies.upsert([{ id: '99', name: 'Late', inactive: false, website: null, domain: null, phone: null, updatedAt: null }],
          { workspaceId: WS, kind: 'halo', runId: id }, { owner: 'worker-old', values: { checkpoint_json: '{}' } }),
        /no longer owned/,
      );
      assert.equal((await suite.ts.store.db.selectFrom('psa_companies').select('id').where('id', '=', '99').execute()).length, 0, 'nothing of the batch was written');
      assert.equal(await suite.repos.syncRuns.updateOwned(id, 'worker-old', { heartbeat_at: now }), false);
      await suite.repos.syncRuns.update(id, { status: 'failed', finished_at: now });
    });
  });
}
