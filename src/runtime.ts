import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Config } from './config.js';
import { openDatabase, type Store } from './store/db.js';
import { createVault, loadOrCreateKey } from './store/secrets.js';
import { buildApp, defaultLogger } from './server/app.js';
import { createServices, type Services } from './services.js';
import { createPgBossQueue } from './sync/pg-boss-queue.js';
import type { FastifyInstance } from 'fastify';
import type { DemoHints } from './shared/wire.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
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

/** Start the whole service: store → services → app → listen, with graceful shutdown. */
export async function startServer(config: Config, opts: { demoHints?: DemoHints | null; scheduler?: boolean } = {}): Promise<Running> {
  const logger = pino(defaultLogger(config.logLevel) === false ? { level: 'silent' } : { level: config.logLevel, redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' } });
  const store = await openDatabase(config.databaseUrl);
  const vault = createVault(loadOrCreateKey(config.secretKey, config.dataDir));
  const log = (msg: string, extra?: Record<string, unknown>) => logger.info(extra ?? {}, msg);
  // On PostgreSQL every process is a worker of one pg-boss queue; on SQLite jobs run in this process.
  const queue = store.dialect === 'postgres'
    ? await createPgBossQueue({ connectionString: config.databaseUrl, onError: (name, err) => logger.error({ name, err: String(err) }, 'job failed') })
    : undefined;
  const services = createServices(config, store, vault, log, queue !== undefined ? { queue } : {});
  await ensureWebBuilt((m) => logger.warn(m));
  const stale = await services.sync.recoverStale();
  if (stale > 0) log(`marked ${stale} interrupted sync run(s) as failed`);
  const app = await buildApp({ config, store, vault, services, demoHints: opts.demoHints ?? null, loggerInstance: logger, webRoot: WEB_ROOT });
  await app.listen({ port: config.port, host: config.host });
  if (opts.scheduler !== false) services.startScheduler();
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  let closing: Promise<void> | null = null;
  return {
    app, store, services,
    url: `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`,
    close() {
      closing ??= (async () => {
        await app.close();
        await services.stop();
        await store.close();
      })();
      return closing;
    },
  };
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
