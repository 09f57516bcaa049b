import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Store } from '../../src/store/db.js';
import { createVault } from '../../src/store/secrets.js';
import { buildApp } from '../../src/server/app.js';
import { createServices, type Services } from '../../src/services.js';
import type { Mailer } from '../../src/notify/mailer.js';
import type { DemoHints } from '../../src/shared/wire.js';
import { createPgBossQueue } from '../../src/sync/pg-boss-queue.js';

export type DialectName = 'sqlite' | 'postgres';

/** The dialects a repository suite runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (required in CI). */
export function dialects(): DialectName[] {
  const url = process.env.TEST_DATABASE_URL;
  if (url === undefined || url === '') {
    if (process.env.CI === 'true') throw new Error('TEST_DATABASE_URL must be set in CI: the PostgreSQL suite must run');
    if (!warned) {
      warned = true;
      process.stdout.write('# PostgreSQL suite SKIPPED: set TEST_DATABASE_URL=postgres://… to run the repository tests on PostgreSQL too\n');
    }
    return ['sqlite'];
  }
  return ['sqlite', 'postgres'];
}
let warned = false;

export interface TestStore {
  store: Store;
  dataDir: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

export async function openTestStore(dialect: DialectName): Promise<TestStore> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-test-'));
  if (dialect === 'sqlite') {
    const databaseUrl = path.join(dataDir, 'test.db');
    const store = await openDatabase(databaseUrl);
    return { store, dataDir, databaseUrl, cleanup: async () => { await store.close(); fs.rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const store = await openDatabase(url, { schema });
  return {
    store, dataDir, databaseUrl: url,
    cleanup: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  services: Services;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
  inject: FastifyInstance['inject'];
}

export async function createTestApp(opts: { dialect?: DialectName; env?: Record<string, string>; mailer?: Mailer; demoHints?: DemoHints; pgBoss?: boolean } = {}): Promise<TestApp> {
  const ts = await openTestStore(opts.dialect ?? 'sqlite');
  const jobsSchema = `jobs_${crypto.randomBytes(5).toString('hex')}`;
  const queue = opts.pgBoss === true ? await createPgBossQueue({ connectionString: ts.databaseUrl, schema: jobsSchema, pollingIntervalSeconds: 0.5 }) : undefined;
  const config = loadConfig({ DATA_DIR: ts.dataDir, DATABASE_URL: ts.databaseUrl, ALLOW_INSECURE_HTTP: '1', LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0', ...opts.env });
  const vault = createVault(crypto.randomBytes(32));
  const services = createServices(config, ts.store, vault, () => {}, {
    connectorOptions: { retryAfterDefaultMs: 50, backoffBaseMs: 5, timeoutMs: 5000 },
    ...(opts.mailer !== undefined ? { mailer: opts.mailer } : {}),
    ...(queue !== undefined ? { queue } : {}),
  });
  const app = await buildApp({ config, store: ts.store, vault, services, demoHints: opts.demoHints ?? null, webRoot: null });
  await app.ready();
  return {
    app, store: ts.store, services, config, dataDir: ts.dataDir, inject: app.inject.bind(app),
    async close() {
      await app.close();
      await services.stop();
      if (queue !== undefined) {
        const c = new pg.Client({ connectionString: ts.databaseUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${jobsSchema} CASCADE`);
        await c.end();
      }
      await ts.cleanup();
    },
  };
}

export const ADMIN = { email: 'admin@msp.example', password: 'correct horse battery', name: 'Ada Admin' };

/** Runs first-run setup; returns the admin's API token. */
export async function setupAdmin(t: TestApp): Promise<string> {
  const res = await t.inject({ method: 'POST', url: '/api/setup', payload: ADMIN });
  if (res.statusCode !== 201) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export async function createMember(t: TestApp, adminToken: string, email = 'member@msp.example'): Promise<string> {
  const created = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(adminToken), payload: { email, password: 'member password 1', role: 'member' } });
  if (created.statusCode !== 201) throw new Error(`member create failed: ${created.body}`);
  const login = await t.inject({ method: 'POST', url: '/api/session', payload: { email, password: 'member password 1' } });
  const cookie = login.cookies.find((c) => c.name === 'cw_session')!.value;
  const csrf = login.cookies.find((c) => c.name === 'cw_csrf')!.value;
  const tok = await t.inject({ method: 'POST', url: '/api/tokens', cookies: { cw_session: cookie }, headers: { 'x-csrf-token': csrf }, payload: { name: 'test' } });
  return (tok.json() as { token: string }).token;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return res.json() as T;
}

/** A sync run as the API returns it (the fields the tests read). */
export interface SyncRunJson {
  id: string;
  status: string;
  mode: string;
  progress: Record<string, { fetched: number; total: number | null; done: boolean }>;
  retries: number;
  rateLimited: number;
  requestCount: number;
  error: unknown;
  notes: string[];
}

export type ApiCall = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

/** The API as the holder of `token` calls it (through inject). */
export function apiAs(t: TestApp, token: string): ApiCall {
  return (method, url, payload) => t.inject({ method, url, headers: bearer(token), payload: payload as never });
}

/** The app of a suite's tests (see useTestApp): `t` and `token` are set once the suite's `before` hook has run. */
export interface SuiteApp {
  t: TestApp;
  /** the first admin's API token */
  token: string;
  /** the API as that admin; usable from the start (it calls the suite's app when called) */
  api: ApiCall;
}

/**
 * The enclosing suite's app, with its first admin: created (with `opts`) and set up in a `before` hook, closed in an
 * `after` hook. Hooks run in the order they are registered: register this before the hooks that use the app; its
 * `after` then closes the app before theirs run.
 */
export function useTestApp(opts: Parameters<typeof createTestApp>[0] = {}): SuiteApp {
  const suite = { api: (method, url, payload) => apiAs(suite.t, suite.token)(method, url, payload) } as SuiteApp;
  before(async () => {
    suite.t = await createTestApp(opts);
    suite.token = await setupAdmin(suite.t);
  });
  after(async () => {
    await suite.t?.close();
  });
  return suite;
}

/** Waits for the end of the sync run a response started (a first save or a sync request answers `{syncRun: {id}}`). */
export async function runStartedBy(t: TestApp, res: LightMyRequestResponse, timeoutMs?: number): Promise<SyncRunJson> {
  const started = (res.json() as { syncRun?: { id: string } | null }).syncRun;
  if (started === undefined || started === null) throw new Error(`no sync run started: ${res.statusCode} ${res.body}`);
  const run = await t.services.sync.waitFor(started.id, timeoutMs);
  if (run === null) throw new Error(`sync run ${started.id} not found`);
  return run as unknown as SyncRunJson;
}

/** Asks for a sync of one integration through the API and waits for the run's end. */
export async function syncAndWait(t: TestApp, api: ApiCall, kind: string, mode: 'full' | 'incremental'): Promise<SyncRunJson> {
  return runStartedBy(t, await api('POST', `/api/integrations/${kind}/sync`, { mode }));
}
