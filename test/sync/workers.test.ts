/**
 * Acceptance 2 (issue 10): three `crosswalk worker` processes on PostgreSQL sync 20 workspaces (made directly in the
 * store, each with its own Halo sandbox); the worker running a sync is SIGKILLed midway and a fresh worker starts
 * while the others still run theirs. Every run completes exactly once (one run per workspace, `succeeded`, the
 * sandbox's data stored), none ran twice at the same time (no page requested twice while the run was alive in one
 * process), the fresh process never fails a live run (no run is ever seen `failed`), and the runs left by the
 * killed worker are taken over and finished — the test waits at most 3 minutes for that (the heartbeat lease is
 * 2 minutes, the reaper looks every 30 s: the defaults).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { startHaloSandbox, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import { createVault } from '../../src/store/secrets.js';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { createPgBossQueue } from '../../src/sync/pg-boss-queue.js';
import { dialects, openTestStore } from '../helpers/app.js';
import { childDatabaseUrl, seedIntegration, startCli, type ChildProcessHandle } from '../helpers/processes.js';
import { haloSettingsFor } from '../helpers/sandboxes.js';

const WORKSPACES = 20;
const TAKEOVER_BUDGET_MS = 3 * 60 * 1000;

interface RunRow { id: string; workspace_id: string; status: string; owner: string | null; attempt: number; finished_at: string | null }

if (dialects().includes('postgres')) {
  describe('several worker processes on PostgreSQL', () => {
    it('20 workspaces, 3 workers, one SIGKILLed midway and a fresh one started: every run completes exactly once', { timeout: 10 * 60 * 1000 }, async () => {
      const ts = await openTestStore('postgres');
      const jobs = `jobs_${crypto.randomBytes(5).toString('hex')}`;
      const key = crypto.randomBytes(32);
      const sandboxes: HaloSandbox[] = [];
      const workers: ChildProcessHandle[] = [];
      let enqueuer: Awaited<ReturnType<typeof createPgBossQueue>> | null = null;
      try {
        const vault = createVault(key);
        for (let i = 0; i < WORKSPACES; i++) {
          // slow enough (latency per request) that runs are still going when a worker dies
          const sandbox = await startHaloSandbox({ port: 0, clientCount: 10, ticketCount: 1200, latencyMs: 120 });
          sandboxes.push(sandbox);
          await seedIntegration(ts.store, vault, `ws-${i}`, 'halo', haloSettingsFor(sandbox, { opportunityExport: false }));
        }
        const env = {
          DATA_DIR: ts.dataDir, DATABASE_URL: childDatabaseUrl(ts), CROSSWALK_SECRET_KEY: key.toString('hex'), JOB_QUEUE_SCHEMA: jobs,
          SYNC_INTERVAL_MINUTES: '0', ALLOW_INSECURE_HTTP: '1', WORKER_CONCURRENCY: '2',
        };
        for (let i = 0; i < 3; i++) workers.push(await startCli(['worker'], env, /worker running/));

        // this process only sends jobs (as `crosswalk serve --no-worker` would)
        enqueuer = await createPgBossQueue({ connectionString: ts.databaseUrl, schema: jobs, work: false });
        const config = loadConfig({ DATA_DIR: ts.dataDir, DATABASE_URL: ts.databaseUrl, LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0', ALLOW_INSECURE_HTTP: '1' });
        const services = createServices(config, ts.store, vault, () => {}, { queue: enqueuer });
        for (let i = 0; i < WORKSPACES; i++) await services.sync.start(`ws-${i}`, 'halo', 'initial');

        const runs = async (): Promise<RunRow[]> =>
          (await sql<RunRow>`SELECT id, workspace_id, status, owner, attempt, finished_at FROM sync_runs`.execute(ts.store.db)).rows;
        const seenFailed = new Set<string>();
        const watch = async (): Promise<RunRow[]> => {
          const rows = await runs();
          for (const r of rows) if (r.status === 'failed') seenFailed.add(`${r.workspace_id} ${r.id}`);
          return rows;
        };

        // midway: kill the worker that owns a running run (the owner names its pid)
        let victim: ChildProcessHandle | undefined;
        let orphaned: string[] = [];
        for (let i = 0; i < 600 && victim === undefined; i++) {
          const rows = await watch();
          const running = rows.filter((r) => r.status === 'running' && r.owner !== null);
          victim = workers.find((w) => running.some((r) => r.owner!.includes(`:${w.pid}:`)));
          if (victim !== undefined) orphaned = running.filter((r) => r.owner!.includes(`:${victim!.pid}:`)).map((r) => r.id);
          else await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(victim !== undefined && orphaned.length > 0, 'a worker was running a sync');
        victim.kill('SIGKILL');
        await victim.exited;
        const killedAt = Date.now();
        // the victim may have claimed another run between that poll and the kill (it runs two at once): what it
        // left is read now, when nothing can change it until the lease runs out
        orphaned = (await watch()).filter((r) => r.status === 'running' && r.owner !== null && r.owner.includes(`:${victim!.pid}:`)).map((r) => r.id);
        assert.ok(orphaned.length > 0, 'the killed worker left a live run');
        const requestsBeforeKill = sandboxes.map((s) => s.control.requests().length);

        // a fresh process joins while the two survivors are running their syncs
        const survivorsBusy = (await watch()).some((r) => r.status === 'running' && !orphaned.includes(r.id));
        workers.push(await startCli(['worker'], env, /worker running/));

        // everything ends; the orphaned runs within the budget
        let takenOverAt: number | null = null;
        for (;;) {
          const rows = await watch();
          if (takenOverAt === null && orphaned.every((id) => rows.some((r) => r.id === id && r.owner !== null && r.owner.includes(`:${victim!.pid}:`) === false))) takenOverAt = Date.now();
          if (rows.every((r) => r.status !== 'queued' && r.status !== 'running')) break;
          assert.ok(Date.now() - killedAt < TAKEOVER_BUDGET_MS + 60_000, `runs still active: ${JSON.stringify(rows.filter((r) => r.status === 'queued' || r.status === 'running'))}`);
          await new Promise((r) => setTimeout(r, 500));
        }
        const rows = await runs();
        const pickedUpMs = Math.min(...orphaned.map((id) => Date.parse(rows.find((r) => r.id === id)!.finished_at!))) - killedAt;
        process.stdout.write(`# killed worker ${victim.pid} with ${orphaned.length} live run(s); survivors busy when the fresh worker started: ${survivorsBusy}; `
          + `orphaned runs taken over ${takenOverAt === null ? 'between polls' : `${((takenOverAt - killedAt) / 1000).toFixed(0)} s`} after the kill, first finished ${(pickedUpMs / 1000).toFixed(0)} s after it\n`);

        // exactly once: one run per workspace, each succeeded; none was ever failed (not by the fresh process either)
        assert.equal(rows.length, WORKSPACES);
        assert.deepEqual(new Set(rows.map((r) => r.workspace_id)).size, WORKSPACES);
        for (const r of rows) assert.equal(r.status, 'succeeded', `${r.workspace_id}: ${r.status}`);
        assert.deepEqual([...seenFailed], [], 'no run was ever failed');
        for (const r of rows) assert.equal(r.attempt, orphaned.includes(r.id) ? 2 : 1, `${r.workspace_id} ran ${r.attempt} time(s)`);
        // the orphaned runs were finished by another process within the budget
        for (const id of orphaned) assert.ok(Date.parse(rows.find((r) => r.id === id)!.finished_at!) - killedAt <= TAKEOVER_BUDGET_MS, `run ${id} finished within 3 minutes of the kill`);

        // never twice at the same time: no sandbox saw a request twice while its run lived in one process
        sandboxes.forEach((s, i) => {
          const reqs = s.control.requests().filter((q) => !/token/i.test(q.path)).map((q) => q.path);
          const before = reqs.slice(0, requestsBeforeKill[i]);
          const after = reqs.slice(requestsBeforeKill[i]);
          for (const part of [before, after]) assert.equal(new Set(part).size, part.length, `ws-${i}: a page was requested twice by live runs`);
        });
        // the data: every workspace holds its sandbox's tickets (the initial window covers them all or the same subset)
        for (let i = 0; i < WORKSPACES; i++) {
          const stored = Number((await ts.store.db.selectFrom('psa_companies').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', `ws-${i}`).executeTakeFirstOrThrow()).n);
          assert.equal(stored, sandboxes[i]!.control.data().clientIds.length, `ws-${i} companies`);
        }
        await services.stop();
      } finally {
        for (const w of workers) w.kill('SIGKILL');
        await Promise.all(workers.map((w) => w.exited));
        await enqueuer?.stop().catch(() => {});
        for (const s of sandboxes) await s.close();
        const c = new pg.Client({ connectionString: ts.databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${jobs} CASCADE`);
        await c.end();
        await ts.cleanup();
      }
    });
  });
}
