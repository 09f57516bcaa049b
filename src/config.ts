import path from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';

const boolFlag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['', '0', '1', 'true', 'false', 'yes', 'no'].includes(v), 'use 1 or 0')
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const databaseUrl = z
  .string()
  .trim()
  .min(1)
  .superRefine((v, ctx) => {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(v)?.[1]?.toLowerCase();
    if (scheme !== undefined && scheme !== 'postgres' && scheme !== 'postgresql' && scheme !== 'file' && scheme !== 'sqlite') {
      ctx.addIssue({ code: 'custom', message: `unsupported scheme "${scheme}"; use a file path or postgres://` });
    }
  });

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: off by default (the client address is the TCP peer). `1`/`true` = one reverse proxy in
 * front (the client is the last X-Forwarded-For entry; earlier entries, which a client can forge, are
 * ignored), `N` = N proxies, or a comma-separated list of proxy addresses/CIDRs (`10.0.0.0/8,loopback`).
 */
const trustProxy = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const flag = v.toLowerCase();
    if (['0', 'false', 'no', '1', 'true', 'yes'].includes(flag) || /^\d{1,2}$/.test(v)) return;
    for (const entry of v.split(',').map((e) => e.trim())) {
      const [addr = '', bits, extra] = entry.split('/');
      const family = isIP(addr);
      const bitsOk = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
      if (!(PROXY_NAMES.has(entry) || (family !== 0 && bitsOk && extra === undefined))) {
        ctx.addIssue({ code: 'custom', message: `"${entry}" is not a proxy address, CIDR range or loopback/linklocal/uniquelocal; or use 0, 1 or a hop count` });
      }
    }
  })
  .transform((v): TrustProxy => {
    const flag = v.toLowerCase();
    if (flag === '0' || flag === 'false' || flag === 'no') return false;
    if (flag === 'true' || flag === 'yes') return 1;
    if (/^\d+$/.test(v)) return Number(v);
    return v.split(',').map((e) => e.trim());
  });

export type TrustProxy = false | number | string[];

const intInRange = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const envSchema = z.object({
  PORT: intInRange(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: databaseUrl.optional(),
  CROSSWALK_SECRET_KEY: z
    .string()
    .trim()
    .refine((v) => decodeKey(v) !== null, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\//i.test(v), 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().trim().min(3).default('Crosswalk <crosswalk@localhost>'),
  ALLOW_INSECURE_HTTP: boolFlag.default(false),
  SYNC_INTERVAL_MINUTES: intInRange(0, 10080).default(15),
  TICKET_HISTORY_MONTHS: intInRange(1, 240).default(24),
  SYNC_LEASE_SECONDS: intInRange(1, 86_400).default(120),
  SYNC_REAPER_SECONDS: intInRange(1, 86_400).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.string().trim().url().optional(),
  TRUST_PROXY: trustProxy.default(false),
  METRICS_TOKEN: z.string().trim().min(16, 'use at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  CURRENCY: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as USD or EUR').default('USD'),
  SERVE_WORKS_JOBS: boolFlag.default(true),
  WORKER_CONCURRENCY: intInRange(1, 32).default(4),
  JOB_QUEUE_SCHEMA: z.string().trim().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'use lower-case letters, digits and _ (a PostgreSQL schema name)').default('crosswalk_jobs'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  dialect: 'sqlite' | 'postgres';
  secretKey: Buffer | null;
  smtpUrl: string | null;
  mailFrom: string;
  allowInsecureHttp: boolean;
  syncIntervalMinutes: number;
  ticketHistoryMonths: number;
  /** A run without a heartbeat for this long is dead and gets resumed (or failed) by any process's reaper. */
  syncLeaseSeconds: number;
  /** How often each process looks for dead runs. */
  syncReaperSeconds: number;
  logLevel: string;
  publicUrl: string | null;
  /** Which peers may set X-Forwarded-For (client addresses for login throttling); false = none. */
  trustProxy: TrustProxy;
  /** Bearer token for GET /metrics; null = no metrics endpoint (404). */
  metricsToken: string | null;
  /** ISO 4217 code of lifecycle replacement prices and forecasts. */
  currency: string;
  /** PostgreSQL: whether `crosswalk serve` also takes jobs (sync runs) from the queue; SQLite: always. */
  serveWorksJobs: boolean;
  /** PostgreSQL: sync runs one process works at once. */
  workerConcurrency: number;
  /** PostgreSQL: the schema of the pg-boss job queue (every serve and worker of one installation uses the same). */
  jobQueueSchema: string;
}

export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : null;
}

export class ConfigError extends Error {}

/** Parse the environment. Throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const url = e.DATABASE_URL ?? path.join(dataDir, 'crosswalk.db');
  const dialect = /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: url,
    dialect,
    secretKey: e.CROSSWALK_SECRET_KEY !== undefined ? decodeKey(e.CROSSWALK_SECRET_KEY) : null,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM,
    allowInsecureHttp: e.ALLOW_INSECURE_HTTP,
    syncIntervalMinutes: e.SYNC_INTERVAL_MINUTES,
    ticketHistoryMonths: e.TICKET_HISTORY_MONTHS,
    syncLeaseSeconds: e.SYNC_LEASE_SECONDS,
    syncReaperSeconds: e.SYNC_REAPER_SECONDS,
    logLevel: e.LOG_LEVEL,
    publicUrl: e.PUBLIC_URL ?? null,
    trustProxy: e.TRUST_PROXY,
    metricsToken: e.METRICS_TOKEN ?? null,
    currency: e.CURRENCY,
    serveWorksJobs: e.SERVE_WORKS_JOBS,
    workerConcurrency: e.WORKER_CONCURRENCY,
    jobQueueSchema: e.JOB_QUEUE_SCHEMA,
  };
}

/** Documentation of every variable, used by the README table and `crosswalk config`. */
export const CONFIG_DOC: { name: string; default: string; meaning: string }[] = [
  { name: 'PORT', default: '3000', meaning: 'HTTP port' },
  { name: 'HOST', default: '127.0.0.1', meaning: 'Interface to listen on' },
  { name: 'DATA_DIR', default: './data', meaning: 'Folder for the SQLite database and the generated key file' },
  { name: 'DATABASE_URL', default: '`DATA_DIR/crosswalk.db`', meaning: 'A file path (SQLite) or `postgres://…` (PostgreSQL)' },
  { name: 'CROSSWALK_SECRET_KEY', default: 'generated into `DATA_DIR/secret.key`', meaning: '32-byte key (64 hex chars or base64) encrypting stored secrets' },
  { name: 'SMTP_URL', default: 'unset', meaning: 'SMTP server for email, e.g. `smtp://user:pass@mail:587`; unset → mail is logged and kept in-app' },
  { name: 'MAIL_FROM', default: 'Crosswalk <crosswalk@localhost>', meaning: 'Sender address' },
  { name: 'ALLOW_INSECURE_HTTP', default: '0', meaning: '`1` allows `http://` integration URLs (sandboxes, tests)' },
  { name: 'SYNC_INTERVAL_MINUTES', default: '15', meaning: 'Scheduled incremental sync; `0` turns it off' },
  { name: 'TICKET_HISTORY_MONTHS', default: '24', meaning: 'Initial sync pulls open tickets and those updated in the last N months' },
  { name: 'SYNC_LEASE_SECONDS', default: '120', meaning: 'A sync run whose heartbeat is older than this is dead (its process stopped): any process resumes it from its checkpoints' },
  { name: 'SYNC_REAPER_SECONDS', default: '30', meaning: 'How often each process looks for dead sync runs' },
  { name: 'LOG_LEVEL', default: 'info', meaning: 'pino log level' },
  { name: 'PUBLIC_URL', default: 'unset', meaning: 'Link to the app used in emails' },
  { name: 'TRUST_PROXY', default: '0', meaning: 'Behind a reverse proxy: `1` (one proxy), a hop count, or proxy addresses/CIDRs; the client address (login throttling) then comes from X-Forwarded-For' },
  { name: 'CURRENCY', default: 'USD', meaning: 'ISO 4217 code of lifecycle replacement prices and the replacement forecast' },
  { name: 'METRICS_TOKEN', default: 'unset', meaning: '`GET /metrics` (Prometheus) with `Authorization: Bearer <token>`; unset → 404' },
  { name: 'SERVE_WORKS_JOBS', default: '1', meaning: 'PostgreSQL: `0` makes `crosswalk serve` only serve API and UI (same as `--no-worker`); `crosswalk worker` processes run the syncs' },
  { name: 'WORKER_CONCURRENCY', default: '4', meaning: 'PostgreSQL: sync runs one process works at once' },
  { name: 'JOB_QUEUE_SCHEMA', default: 'crosswalk_jobs', meaning: 'PostgreSQL: schema of the job queue (pg-boss); the same for every process of one installation' },
];
