/**
 * A Crosswalk instance for the benchmark: SQLite in a temp dir, the real services and Fastify app (as
 * test/helpers/app.ts builds them), but with the connectors' production defaults (no shortened waits).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Store } from '../../src/store/db.js';
import { createVault } from '../../src/store/secrets.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/services.js';

type ServiceOptions = Parameters<typeof createServices>[4];

export interface BenchApp {
  app: FastifyInstance;
  store: Store;
  services: Services;
  config: Config;
  dataDir: string;
  /** Admin API token (first-run setup done). */
  token: string;
  workspaceId: string;
  close(): Promise<void>;
}

export async function createBenchApp(env: Record<string, string> = {}, serviceOptions: ServiceOptions = {}): Promise<BenchApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-bench-'));
  const databaseUrl = path.join(dataDir, 'bench.db');
  const store = await openDatabase(databaseUrl);
  const config = loadConfig({ DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ALLOW_INSECURE_HTTP: '1', LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0', ...env });
  const vault = createVault(crypto.randomBytes(32));
  const log = (msg: string, extra?: Record<string, unknown>): void => {
    process.stderr.write(`[crosswalk] ${msg}${extra === undefined ? '' : ` ${JSON.stringify(extra)}`}\n`);
  };
  const services = createServices(config, store, vault, log, serviceOptions);
  const app = await buildApp({ config, store, vault, services, demoHints: null, webRoot: null });
  await app.ready();
  const setup = await app.inject({ method: 'POST', url: '/api/setup', payload: { email: 'bench@msp.example', password: 'bench password 123', name: 'Bench' } });
  if (setup.statusCode !== 201) throw new Error(`setup failed: ${setup.statusCode} ${setup.body}`);
  const token = (setup.json() as { token: string }).token;
  const ws = await store.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
  return {
    app, store, services, config, dataDir, token, workspaceId: ws.id,
    async close() {
      await app.close();
      await services.stop();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
