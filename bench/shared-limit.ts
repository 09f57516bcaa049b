/**
 * Shared rate-limit benchmark (issue 10, acceptance 3): two Crosswalk processes sync one Halo account at the
 * sandbox's limit, time-compressed (default 60 requests per rolling 10 s), on PostgreSQL where the account's
 * rolling window is shared through the database (src/store/repos/rate-slots.ts). Each process is a workspace whose
 * Halo integration points at the same sandbox instance; both start their initial sync at once.
 *
 * Figures: wall time (first run's start → last run's end) ÷ the physical bound (API requests of both runs ÷ limit ×
 * window), the sandbox's 429s and its most requests in one window; the machine's busy CPU beside the wall time.
 *
 *   BENCH_DATABASE_URL=postgres://… npm run bench:shared-limit -- [--tickets 10000] [--clients 100]
 *        [--limit 60] [--window-ms 10000]
 *
 * Falls back to TEST_DATABASE_URL; without either it says so and exits 0 (PostgreSQL is needed for several
 * processes). Exits 1 when a run fails or a 429 was served.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../src/store/db.js';
import { createVault } from '../src/store/secrets.js';
import { childDatabaseUrl, runSyncChild, seedIntegration } from '../test/helpers/processes.js';
import { numberArg } from './lib/args.js';
import { startSandboxProcess } from './lib/sandbox-process.js';
import { machineBusyMs } from './lib/machine.js';

const TICKETS = numberArg('tickets', 10_000);
const CLIENTS = numberArg('clients', 100);
const LIMIT = numberArg('limit', 60);
const WINDOW_MS = numberArg('window-ms', 10_000);
const TARGET_RATIO = 1.1;

const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (url === undefined || url === '') {
  process.stdout.write('bench:shared-limit needs PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to postgres://…; skipped.\n');
  process.exit(0);
}

const schema = `bench_${crypto.randomBytes(5).toString('hex')}`;
const sandbox = await startSandboxProcess({ port: 0, clientCount: CLIENTS, ticketCount: TICKETS, rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } });
const store = await openDatabase(url, { schema });
let failed = false;
try {
  const key = crypto.randomBytes(32);
  const vault = createVault(key);
  const settings = {
    resourceServerUrl: sandbox.resourceUrl, authorizationServerUrl: sandbox.authUrl, tenant: '', clientId: 'crosswalk-sandbox', clientSecret: 'sandbox-secret',
    pullTickets: true, opportunityExport: false, rateLimitPer5Min: LIMIT,
  };
  for (const ws of ['bench-a', 'bench-b']) await seedIntegration(store, vault, ws, 'halo', settings);
  const before = await sandbox.stats();
  const common = { databaseUrl: childDatabaseUrl({ databaseUrl: url, store }), keyHex: key.toString('hex'), kind: 'halo', mode: 'initial' as const, rateWindowMs: WINDOW_MS };
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  const runs = await Promise.all([runSyncChild({ ...common, workspaceId: 'bench-a' }), runSyncChild({ ...common, workspaceId: 'bench-b' })]);
  const elapsedMs = performance.now() - t0;
  const busy1 = machineBusyMs();
  const after = await sandbox.stats();
  for (const r of runs) if (r.status !== 'succeeded') failed = true;
  const requests = after.apiRequests - before.apiRequests;
  const start = Math.min(...runs.map((r) => Date.parse(r.startedAt ?? '')));
  const end = Math.max(...runs.map((r) => Date.parse(r.finishedAt ?? '')));
  const wallS = (end - start) / 1000;
  const boundS = (requests / LIMIT) * (WINDOW_MS / 1000);
  const ratio = wallS / boundS;
  const rateLimited = after.rateLimited - before.rateLimited;
  if (rateLimited > 0) failed = true;
  const cpu = busy0 !== null && busy1 !== null ? ` (machine busy ${((busy1 - busy0) / 1000).toFixed(1)} CPU-s over ${(elapsedMs / 1000).toFixed(1)} s incl. process start-up)` : '';
  process.stdout.write([
    `bench:shared-limit — two processes, one Halo account, ${LIMIT} requests per ${WINDOW_MS / 1000} s, ${TICKETS} tickets, ${CLIENTS} clients`,
    `  runs: ${runs.map((r) => `${r.status} (${r.requestCount} requests)`).join(', ')}`,
    `  wall time ${wallS.toFixed(1)} s ÷ physical bound ${boundS.toFixed(1)} s (${requests} requests ÷ ${LIMIT} × ${WINDOW_MS / 1000} s) = ${ratio.toFixed(3)}  target ≤ ${TARGET_RATIO}  ${ratio <= TARGET_RATIO ? 'MET' : 'MISSED'}${cpu}`,
    `  429s served: ${rateLimited}  (target 0)   most requests in one window: ${after.maxInWindow} (limit ${LIMIT})`,
    '',
  ].join('\n'));
} finally {
  await store.close();
  await sandbox.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}
process.exit(failed ? 1 : 0);
