/**
 * A separate Crosswalk process that runs one sync and exits (tests and benchmarks of several processes on one
 * PostgreSQL database): the real services (integration service, shared rate limiter, sync runner, store), no HTTP.
 *
 *   node --import tsx test/helpers/sync-child.ts '{"databaseUrl":…,"keyHex":…,"workspaceId":…,"kind":…,"mode":"initial","rateWindowMs":10000}'
 *
 * Prints one JSON line: { runId, status, requestCount, startedAt, finishedAt, error }.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createServices } from '../../src/services.js';
import { openDatabase } from '../../src/store/db.js';
import { createVault } from '../../src/store/secrets.js';

export interface SyncChildInput {
  databaseUrl: string;
  keyHex: string;
  workspaceId: string;
  kind: string;
  mode: 'initial' | 'incremental' | 'full';
  /** The vendor's rate-limit window compressed (the settings' limit stays per window). */
  rateWindowMs?: number;
}

export interface SyncChildResult {
  runId: string;
  status: string;
  requestCount: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: unknown;
}

const input = JSON.parse(process.argv[2] ?? '{}') as SyncChildInput;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-child-'));
const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: input.databaseUrl, ALLOW_INSECURE_HTTP: '1', LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0' });
const store = await openDatabase(config.databaseUrl, { migrate: false });
const services = createServices(config, store, createVault(Buffer.from(input.keyHex, 'hex')), (m, e) => process.stderr.write(`[child ${process.pid}] ${m} ${e === undefined ? '' : JSON.stringify(e)}\n`), {
  ...(input.rateWindowMs !== undefined ? { rateWindowMs: input.rateWindowMs } : {}),
});
const run = await services.sync.start(input.workspaceId, input.kind, input.mode);
const done = await services.sync.waitFor(run.id);
const result: SyncChildResult = {
  runId: run.id,
  status: done?.status ?? 'unknown',
  requestCount: done?.requestCount ?? 0,
  startedAt: done?.startedAt ?? null,
  finishedAt: done?.finishedAt ?? null,
  error: done?.error ?? null,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
await services.stop();
await store.close();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
