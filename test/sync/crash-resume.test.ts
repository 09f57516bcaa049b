/**
 * Issue 10, acceptance 1 and 4b (second half): a worker process running an initial HaloPSA sync is killed with SIGKILL
 * at 10 random points; each time a fresh worker process finds the run dead (by its heartbeat age), resumes it from
 * its checkpoints, and the run ends — the same run, still "initial" — with exactly the sandbox's data, and the admins
 * get the initial-sync notice once. The test reports, per kill and per stream, the list pages fetched again (at most
 * one: the page in flight when the worker died).
 *
 * The sandbox runs in this process; the workers are child processes (test/sync/fixtures/sync-worker.ts) on the same
 * database (SQLite file, or a PostgreSQL schema). This process only saves the settings: its job queue runs nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { createVault } from '../../src/store/secrets.js';
import { buildApp } from '../../src/server/app.js';
import { createServices } from '../../src/services.js';
import type { JobQueue } from '../../src/sync/job-queue.js';
import { startHaloSandbox, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import { apiAs, bearer, dialects, openTestStore, setupAdmin, type TestStore } from '../helpers/app.js';
import { haloSettingsFor } from '../helpers/sandboxes.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORKER = path.join(HERE, 'fixtures', 'sync-worker.ts');

/**
 * The worker bundled once into one ESM file (esbuild, which tsx brings along; packages stay external, so it lives under
 * node_modules/.cache to resolve them): each of the ~13 worker starts per database then costs a fraction of loading the
 * TypeScript sources through tsx. Without esbuild the workers run through tsx.
 */
async function workerCommand(): Promise<{ args: string[]; cleanup(): void }> {
  try {
    const { build } = await import('esbuild');
    const dir = fs.mkdtempSync(path.join(HERE, '..', '..', 'node_modules', '.cache-crash-test-'));
    const outfile = path.join(dir, 'sync-worker.mjs');
    await build({ entryPoints: [WORKER], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile, logLevel: 'warning', target: 'node20' });
    return { args: [outfile], cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } catch {
    return { args: ['--import', 'tsx', WORKER], cleanup: () => {} };
  }
}
const KILLS = 10;
const PAGE_SIZE = 50;
const LEASE_MS = 1000;

/** A queue that accepts jobs and runs none: this process only saves settings; the workers run the sync. */
const inertQueue: JobQueue = { register() {}, async enqueue() {}, async drain() {}, async stop() {}, async check() {} };

/** The stream a logged list request belongs to (paged list requests only; id lists and status lookups are not pages). */
function streamOf(p: string): string | null {
  const url = new URL(p, 'http://sandbox.local');
  if (url.searchParams.get('pageinate') !== 'true') return null;
  const name = url.pathname.toLowerCase();
  if (url.searchParams.has('ticketids')) return 'tickets (reconciliation)';
  return ({ '/api/client': 'clients', '/api/site': 'sites', '/api/tickettype': 'ticketTypes', '/api/tickets': 'tickets' } as Record<string, string>)[name] ?? null;
}

for (const dialect of dialects()) {
  describe(`a killed initial sync resumes from its checkpoints (${dialect})`, () => {
    let ts: TestStore;
    let sandbox: HaloSandbox;
    const key = crypto.randomBytes(32);
    let close: () => Promise<void>;
    let api: ReturnType<typeof apiAs>;
    let token: string;
    const children = new Set<ChildProcess>();
    let worker: Awaited<ReturnType<typeof workerCommand>>;

    before(async () => {
      worker = await workerCommand();
      sandbox = await startHaloSandbox({ port: 0, clientCount: 120, ticketCount: 3000, rateLimit: null, latencyMs: 3 });
      ts = await openTestStore(dialect);
      const config = loadConfig({ DATA_DIR: ts.dataDir, DATABASE_URL: ts.databaseUrl, ALLOW_INSECURE_HTTP: '1', LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0' });
      const services = createServices(config, ts.store, createVault(key), () => {}, { queue: inertQueue });
      const app = await buildApp({ config, store: ts.store, vault: createVault(key), services, demoHints: null, webRoot: null });
      await app.ready();
      const t = { inject: app.inject.bind(app) } as Parameters<typeof apiAs>[0];
      token = await setupAdmin(t as never);
      api = apiAs(t, token);
      await t.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload: { email: 'second-admin@msp.example', password: 'password 12345', role: 'admin' } });
      close = async () => {
        await app.close();
        await services.stop();
      };
    });
    after(async () => {
      for (const c of children) c.kill('SIGKILL');
      await close();
      await ts.cleanup();
      await sandbox.close();
      worker.cleanup();
    });

    function startWorker(workspaceId: string): { child: ChildProcess; exited: Promise<number | null> } {
      const child = spawn(process.execPath, worker.args, {
        env: {
          ...process.env,
          DATABASE_URL: ts.databaseUrl, PG_SCHEMA: ts.store.schema ?? '', DATA_DIR: ts.dataDir, SECRET_KEY: key.toString('hex'),
          WORKSPACE_ID: workspaceId, KIND: 'halo', LEASE_MS: String(LEASE_MS), PAGE_SIZE: String(PAGE_SIZE),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.add(child);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
        children.delete(child);
        resolve(code);
      }));
      return { child, exited };
    }

    test(`SIGKILL at ${KILLS} random points: the same initial run resumes and ends with exactly the sandbox's data; the notice goes out once`, async () => {
      const res = await api('PUT', '/api/integrations/halo', haloSettingsFor(sandbox, { opportunityExport: false }));
      assert.equal(res.statusCode, 200, res.body);
      const runId = (res.json() as { syncRun: { id: string } }).syncRun.id;
      const row = await ts.store.db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
      assert.equal(row.mode, 'initial');

      // Requests a whole run makes (clients, sites, types, tickets at PAGE_SIZE, id lists, status): kill points fall inside it.
      const data = sandbox.control.data({ tickets: true });
      const estimate = Math.ceil(data.clientIds.length / PAGE_SIZE) + Math.ceil(data.siteIds.length / PAGE_SIZE) + 1 + Math.ceil(data.ticketCount / PAGE_SIZE);
      const apiCount = () => sandbox.control.requests().filter((r) => r.path.toLowerCase().startsWith('/api/')).length;
      const points = Array.from({ length: KILLS }, () => 2 + Math.floor(Math.random() * (estimate - 4))).sort((a, b) => a - b);
      const killTimes: number[] = []; // when each worker was killed (requests that arrived before were its own)
      sandbox.control.clearRequests();
      const t0 = performance.now();

      // Three worker processes are alive at all times (start-up is slow; the pool hides it). The one running the run (its
      // pid is in the run's owner) is killed; another finds the run dead after the lease and resumes it. Live runs are
      // never taken: each kill hits the worker that claimed the run after the previous kill.
      const pool = new Map<number, ReturnType<typeof startWorker>>();
      const fill = () => {
        while (pool.size < 3) {
          const w = startWorker(row.workspace_id);
          pool.set(w.child.pid!, w);
          void w.exited.then(() => pool.delete(w.child.pid!));
        }
      };
      const ownerPid = async (): Promise<{ pid: number | null; owner: string | null; status: string }> => {
        const r = await ts.store.db.selectFrom('sync_runs').select(['owner', 'status']).where('id', '=', runId).executeTakeFirstOrThrow();
        return { pid: r.owner === null ? null : Number(r.owner.split(':').at(-2)), owner: r.owner, status: r.status };
      };
      fill();
      const killedAt: number[] = [];
      const owners: string[] = [];
      for (const [i, point] of points.entries()) {
        // Kill once the run has made `point` requests in all, and the resuming worker at least two of its own.
        const target = Math.max(point, (killedAt.at(-1) ?? 0) + 2);
        while (apiCount() < target) {
          const st = await ownerPid();
          assert.ok(st.status === 'queued' || st.status === 'running', `the run ended (${st.status}) before kill ${i + 1} at ${target} requests`);
          await new Promise((r) => setTimeout(r, 1));
        }
        const st = await ownerPid();
        assert.equal(st.status, 'running');
        const victim = pool.get(st.pid!);
        assert.ok(victim !== undefined, `the run's owner ${st.owner} is one of the workers`);
        assert.ok(!owners.includes(st.owner!), 'a new worker owns the run after each kill');
        owners.push(st.owner!);
        victim.child.kill('SIGKILL');
        killTimes.push(Date.now());
        await victim.exited;
        fill();
        await new Promise((r) => setTimeout(r, 50)); // the killed worker's last request is logged
        killedAt.push(apiCount());
      }
      while ((await ownerPid()).status !== 'succeeded' && pool.size > 0) await new Promise((r) => setTimeout(r, 50));
      await Promise.all([...pool.values()].map((w) => w.exited));
      process.stdout.write(`# ${dialect}: ${KILLS} kills, the run resumed by another worker each time; ${((performance.now() - t0) / 1000).toFixed(1)} s in all\n`);

      // The same run, still initial, resumed once per kill, succeeded.
      const runs = await ts.store.db.selectFrom('sync_runs').selectAll().where('integration', '=', 'halo').execute();
      assert.equal(runs.length, 1, 'no new run was started: the killed one resumed');
      const done = runs[0]!;
      assert.equal(done.id, runId);
      assert.equal(done.mode, 'initial');
      assert.equal(done.status, 'succeeded', `${done.error_json} ${done.events_json}`);
      assert.ok(done.attempt >= KILLS + 1, `attempts ${done.attempt}`);

      // Exactly the sandbox's data.
      const ids = async (table: 'psa_companies' | 'psa_sites' | 'psa_tickets') =>
        (await ts.store.db.selectFrom(table).select('id').where('kind', '=', 'halo').execute()).map((r) => Number(r.id)).sort((a, b) => a - b);
      const truth = sandbox.control.data({ tickets: true });
      const cutoff = new Date(truth.now);
      cutoff.setUTCMonth(cutoff.getUTCMonth() - 240); // the workers' TICKET_HISTORY_MONTHS
      const expectedTickets = (truth.ticketIds ?? []).filter((id) => { const tk = sandbox.control.getTicket(id)!; return !tk.closed || tk.lastUpdate >= cutoff.getTime(); });
      assert.deepEqual(await ids('psa_companies'), [...truth.clientIds].sort((a, b) => a - b));
      assert.deepEqual(await ids('psa_sites'), [...truth.siteIds].sort((a, b) => a - b));
      assert.deepEqual(await ids('psa_tickets'), expectedTickets.sort((a, b) => a - b));

      // Pages fetched again after each kill, per stream: a list page requested (answered or still in flight) before the
      // kill and answered again after it. Requests are placed by their arrival time.
      const log = sandbox.control.requests();
      const bounds = [0, ...killTimes, Infinity];
      const before = new Set<string>();
      const report: Record<string, number>[] = [];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const again: Record<string, number> = {};
        const mine = new Set<string>();
        for (const r of log) {
          const t = Date.parse(r.time);
          if (t < bounds[k]! || t >= bounds[k + 1]!) continue;
          const stream = streamOf(r.path);
          if (stream === null) continue;
          if (r.status === 200 && before.has(r.path) && !mine.has(r.path)) again[stream] = (again[stream] ?? 0) + 1;
          mine.add(r.path);
        }
        for (const p of mine) before.add(p);
        if (k > 0) report.push(again);
      }
      process.stdout.write(`# ${dialect}: kill points (requests) ${points.join(', ')}; pages fetched again after each kill, per stream: ${JSON.stringify(report)}\n`);
      for (const [k, again] of report.entries()) {
        for (const [stream, n] of Object.entries(again)) assert.ok(n <= 1, `after kill ${k + 1}: ${n} ${stream} pages fetched again`);
      }

      // The initial-sync notice, once per admin, once the data was complete.
      const notices = await ts.store.db.selectFrom('notifications').select(['user_id', 'kind']).where('kind', '=', 'initial_sync').execute();
      assert.equal(notices.length, 2, JSON.stringify(notices));
      assert.equal(new Set(notices.map((n) => n.user_id)).size, 2);
    });
  });
}
