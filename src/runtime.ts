import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import type { Config } from './config.js';
import { migrateToLatest, openDatabase, type Store } from './store/db.js';
import { createVault, resolveKey, SecretKeyMismatchError, verifySecretKey } from './store/secrets.js';
import { buildApp, defaultLogger } from './server/app.js';
import { createServices, type Services } from './services.js';
import { createPgBossQueue } from './sync/pg-boss-queue.js';
import { createDeferredQueue } from './sync/job-queue.js';
import type { FastifyInstance } from 'fastify';
import type { DemoHints } from './shared/wire.js';
import { ROOT } from './paths.js';

export { ROOT };
export const WEB_ROOT = path.join(ROOT, 'dist', 'web');

export interface Running {
  app: FastifyInstance;
  store: Store;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/**
 * The web UI is built by `npm run build`; a fresh clone started with `npm start` builds it once here instead
 * of serving a page without it. Vite is a development dependency: without it (an install with --omit=dev that
 * skipped the build) the server still starts and says how to build the UI.
 */
export async function ensureWebBuilt(log: (msg: string) => void): Promise<void> {
  if (fs.existsSync(path.join(WEB_ROOT, 'index.html'))) return;
  log('The web UI is not built yet: building it now (npm run build; once, about 20 seconds)…');
  try {
    const vite = await import('vite');
    await vite.build({ configFile: path.join(ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
    log('Web UI built.');
  } catch (e) {
    log(`Could not build the web UI (${e instanceof Error ? e.message : String(e)}); run \`npm run build\`. The API is served meanwhile.`);
  }
}

/** Errors that mean "the database does not answer (yet)", as opposed to a wrong password or a broken migration. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
]);

export function isUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isUnreachable)) return true; // AggregateError (IPv4 + IPv6 attempts)
  return typeof e.message === 'string' && /timeout exceeded when trying to connect|connection terminated/i.test(e.message);
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  return err instanceof Error ? err.message : String(err);
}

/** `crosswalk worker` on SQLite: one process does everything there. */
export class WorkerNeedsPostgresError extends Error {
  override name = 'WorkerNeedsPostgresError';
}

function createLogger(config: Config) {
  return pino(defaultLogger(config.logLevel) === false ? { level: 'silent' } : { level: config.logLevel, redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' } });
}

/** Store, key, services and the `connect` step shared by `serve` and `worker`. */
async function startCore(config: Config, logger: pino.Logger, opts: { works: boolean; scheduler: boolean }) {
  const postgres = config.dialect === 'postgres';
  const store = await openDatabase(config.databaseUrl, {
    migrate: !postgres,
    onPoolError: (err) => logger.warn({ code: errorCode(err) }, 'a database connection was lost; the next query opens a new one'),
  });
  // The key is checked against the database in `connect` (a generated key is written to its file only then).
  const key = resolveKey(config.secretKey, config.dataDir);
  const vault = createVault(key.key);
  const log = (msg: string, extra?: Record<string, unknown>) => logger.info(extra ?? {}, msg);
  // On PostgreSQL the serve and worker processes share one pg-boss queue (attached once the database answers);
  // on SQLite jobs run in this process.
  const deferred = postgres ? createDeferredQueue() : null;
  const services = createServices(config, store, vault, log, deferred !== null ? { queue: deferred } : {});

  /** Migrations (PostgreSQL), the key check, the pg-boss queue, the reaper of dead runs, the scheduler: everything that needs the database. */
  const connect = async (): Promise<void> => {
    if (postgres) {
      const migrated = await migrateToLatest(store);
      if (migrated.error !== undefined) throw Object.assign(new Error(`migration failed: ${migrated.error}`), { cause: migrated.cause });
    }
    await verifySecretKey(vault, key, services.repos.instance);
    if (postgres) {
      const queue = await createPgBossQueue({
        connectionString: config.databaseUrl,
        schema: config.jobQueueSchema,
        work: opts.works,
        concurrency: config.workerConcurrency,
        onError: (name, err) => logger.error({ name, err: String(err) }, 'job failed'),
      });
      await deferred!.attach(queue);
    }
    // Dead runs (no heartbeat for SYNC_LEASE_SECONDS) are resumed by any process; live ones are never touched.
    services.sync.startReaper();
    if (opts.scheduler) services.startScheduler();
  };

  /** The first connect; true when the database is unreachable (PostgreSQL: keep retrying in the background). */
  const firstConnect = async (): Promise<boolean> => {
    try {
      await connect();
      return false;
    } catch (e) {
      const cause = (e as { cause?: unknown }).cause ?? e;
      if (!postgres || !isUnreachable(cause)) {
        await services.stop().catch(() => {});
        await store.close();
        throw e;
      }
      return true;
    }
  };
  return { store, vault, services, connect, firstConnect };
}

/**
 * Start the whole service: store → services → app → listen, with graceful shutdown.
 *
 * On PostgreSQL the server also starts while the database is unreachable: it listens, answers /api/health
 * (alive) and /api/health/ready (503 naming the database), and retries in the background; once the database
 * answers it migrates, checks the secret key, starts the pg-boss queue, the reaper of dead sync runs and the
 * scheduler. Any other database error at start (wrong password, a failed migration, a secret key that cannot
 * decrypt the stored secrets) still stops the process with its message.
 *
 * `worker` (default `SERVE_WORKS_JOBS`): on PostgreSQL, whether this process also runs queued jobs; on SQLite
 * it always does (nothing else could).
 */
export async function startServer(config: Config, opts: { demoHints?: DemoHints | null; scheduler?: boolean; worker?: boolean; onFatal?: (message: string) => void } = {}): Promise<Running> {
  const logger = createLogger(config);
  const works = config.dialect !== 'postgres' || (opts.worker ?? config.serveWorksJobs);
  const { store, vault, services, connect, firstConnect } = await startCore(config, logger, { works, scheduler: opts.scheduler !== false });
  const waiting = await firstConnect();
  await ensureWebBuilt((m) => logger.warn(m));
  const app = await buildApp({ config, store, vault, services, demoHints: opts.demoHints ?? null, loggerInstance: logger, webRoot: WEB_ROOT });
  await app.listen({ port: config.port, host: config.host });

  const close = keepConnecting(waiting, { store, services, connect }, logger, opts.onFatal ?? exitFatal, () => app.close());
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  return {
    app, store, services,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    close,
  };
}

export interface RunningWorker {
  store: Store;
  services: Services;
  close(): Promise<void>;
}

/**
 * `crosswalk worker`: runs queued jobs (sync runs) and the scheduler, serves no HTTP. PostgreSQL only: on SQLite
 * one `crosswalk serve` process does everything, so this refuses (WorkerNeedsPostgresError). Like the server, it
 * starts while the database is unreachable and connects once it answers.
 */
export async function startWorker(config: Config, opts: { scheduler?: boolean; onFatal?: (message: string) => void } = {}): Promise<RunningWorker> {
  if (config.dialect !== 'postgres') {
    throw new WorkerNeedsPostgresError('crosswalk worker needs PostgreSQL (DATABASE_URL=postgres://…); on SQLite `crosswalk serve` runs the syncs itself.');
  }
  const logger = createLogger(config);
  const { store, services, connect, firstConnect } = await startCore(config, logger, { works: true, scheduler: opts.scheduler !== false });
  const waiting = await firstConnect();
  return { store, services, close: keepConnecting(waiting, { store, services, connect }, logger, opts.onFatal ?? exitFatal) };
}

/**
 * After the first connect: when the database was unreachable (`waiting`), retries `connect` in the background.
 * Returns the process's close (once, however often called): stop retrying and wait for it, run `stopFirst` (the
 * HTTP server), stop the services, close the store.
 */
function keepConnecting(
  waiting: boolean,
  core: { store: Store; services: Services; connect: () => Promise<void> },
  logger: pino.Logger,
  onFatal: (message: string) => void,
  stopFirst?: () => Promise<void>,
): () => Promise<void> {
  const stopRetrying = new AbortController();
  const retried = waiting ? retryConnect(core.connect, stopRetrying.signal, (msg, level) => logger[level](msg), onFatal) : Promise.resolve();
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= (async () => {
      stopRetrying.abort();
      await retried;
      await stopFirst?.();
      await core.services.stop();
      await core.store.close();
    })();
    return closing;
  };
}

/** A process that cannot go on (e.g. its secret key does not fit the database it reached late): one line, exit 1. */
function exitFatal(message: string): void {
  process.stderr.write(`Crosswalk stopped: ${message}\n`);
  process.exit(1);
}

/** Retries `connect` with backoff (1 s doubling to 30 s) until it succeeds or `signal` aborts. */
async function retryConnect(connect: () => Promise<void>, signal: AbortSignal, log: (msg: string, level: 'warn' | 'info' | 'error') => void, onFatal: (message: string) => void): Promise<void> {
  log('The database is not reachable: serving /api/health/ready with 503 and retrying in the background.', 'warn');
  for (let attempt = 1; !signal.aborted; attempt++) {
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delay);
      signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
    if (signal.aborted) return;
    try {
      await connect();
      log('The database answers again: migrations, job queue and scheduler started.', 'info');
      return;
    } catch (e) {
      if (e instanceof SecretKeyMismatchError) {
        onFatal(e.message);
        return;
      }
      const cause = (e as { cause?: unknown }).cause ?? e;
      log(isUnreachable(cause)
        ? `The database is still not reachable (${errorCode(cause)}); retrying in up to 30 s.`
        : `Could not start on the database: ${e instanceof Error ? e.message : String(e)}; retrying in up to 30 s.`, isUnreachable(cause) ? 'warn' : 'error');
    }
  }
}

export function onShutdown(fn: () => Promise<void>): void {
  let done = false;
  const handler = (signal: string) => {
    if (done) return;
    done = true;
    fn().then(() => process.exit(0), (e: unknown) => {
      process.stderr.write(`shutdown after ${signal} failed: ${String(e)}\n`);
      process.exit(1);
    });
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}
