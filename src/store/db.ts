import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { CurrentSchemaPostgresDialect } from './pg-introspector.js';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-one-active-run.js';
import * as m003 from './migrations/003-accounts-hardening.js';
import * as m004 from './migrations/004-sync-alerts.js';
import * as m005 from './migrations/005-opportunities.js';
import * as m006 from './migrations/006-durable-sync.js';
import * as m007 from './migrations/007-link-saves.js';
import * as m009 from './migrations/009-lifecycle.js';
import * as m010 from './migrations/010-processes.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL schema the store lives in when opened with one (tests). */
  schema?: string;
  close(): Promise<void>;
}

const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-one-active-run': m002,
  '003-accounts-hardening': m003,
  '004-sync-alerts': m004,
  '005-opportunities': m005,
  '006-durable-sync': m006,
  '007-link-saves': m007,
  '009-lifecycle': m009,
  '010-processes': m010,
};

/** The better-sqlite3 handle behind a SQLite store's Kysely instance (repositories' bulk-write fast paths). */
const sqliteHandles = new WeakMap<object, SQLite.Database>();

/** The better-sqlite3 database under `db` when it is a SQLite store opened by openDatabase; undefined otherwise (PostgreSQL, transactions). */
export function sqliteDatabaseOf(db: Kysely<Database>): SQLite.Database | undefined {
  return sqliteHandles.get(db);
}

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

function sqliteFile(url: string): string {
  return url.replace(/^(file|sqlite):(\/\/)?/i, '');
}

/**
 * Open the database. `schema` (PostgreSQL only) isolates a test run in its own schema.
 */
export async function openDatabase(url: string, opts: { schema?: string; migrate?: boolean; onPoolError?: (err: Error) => void } = {}): Promise<Store> {
  let db: Kysely<Database>;
  let dialect: Dialect;
  if (isPostgresUrl(url)) {
    dialect = 'postgres';
    const schema = opts.schema;
    if (schema !== undefined) {
      if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.end();
    }
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      // An unreachable database fails a request after 5 s instead of leaving it waiting for a connection.
      connectionTimeoutMillis: 5000,
      ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    });
    // A connection dropped by the server (restart, failover, network) emits 'error' on its client, and on the
    // pool when the client was idle; without listeners the process would crash. The query running on it fails,
    // the pool discards the client and opens a new connection for the next query; readiness reports the outage.
    // (pg-pool listens on idle clients only; Kysely holds a client during a query without listening.)
    pool.on('connect', (client) => client.on('error', (err) => opts.onPoolError?.(err)));
    pool.on('error', () => { /* already reported by the client's listener */ });
    db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    const file = sqliteFile(url);
    if (file !== ':memory:') restrictFileModes(file);
    const database = new SQLite(file);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
    // Checkpoint the WAL every ~40 MB (10,000 pages) instead of SQLite's 4 MB: a sync rewrites the same index pages in
    // many small transactions, and a checkpoint copies each page once however often it changed since the last one
    // (a 100,000-ticket sync spends about a third less CPU in SQLite). The WAL file is cut back to 64 MB after a
    // checkpoint that found it larger.
    database.pragma('wal_autocheckpoint = 10000');
    database.pragma('journal_size_limit = 67108864');
    // An 8 MB page cache instead of better-sqlite3's 16 MB: 9 MB less memory for about a tenth more SQLite CPU when a
    // sync writes 100,000 tickets (measured with the psa_tickets layout; the gain from more cache flattens above 8 MB).
    database.pragma('cache_size = -8000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    sqliteHandles.set(db, database);
  }
  let closed: Promise<void> | null = null;
  const store: Store = { db, dialect, ...(opts.schema !== undefined && dialect === 'postgres' ? { schema: opts.schema } : {}), close: () => (closed ??= db.destroy()) };
  if (opts.migrate !== false) {
    const result = await migrateToLatest(store);
    if (result.error !== undefined) {
      await store.close();
      throw new Error(`migration failed: ${result.error}`);
    }
  }
  return store;
}

/**
 * The SQLite database holds password hashes and encrypted secrets: its folder is created 0700, and the
 * database file is created (or tightened to) 0600 before SQLite opens it. SQLite creates the -wal and
 * -shm files with the database file's permissions; existing ones are tightened too.
 */
function restrictFileModes(file: string): void {
  const full = path.resolve(file);
  fs.mkdirSync(path.dirname(full), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(full, fs.constants.O_CREAT | fs.constants.O_RDWR, 0o600));
  for (const f of [full, `${full}-wal`, `${full}-shm`, `${full}-journal`]) {
    try {
      fs.chmodSync(f, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/** Runs every pending migration; returns a result instead of throwing. */
export async function migrateToLatest(store: Store): Promise<{ applied: string[]; error?: string; cause?: unknown }> {
  // Kysely looks for its migration tables in every schema unless told which: on a database shared with
  // other schemas (parallel test runs, other apps) it would find theirs and skip creating its own.
  let migrationTableSchema: string | undefined;
  if (store.dialect === 'postgres') {
    try {
      const r = await sql<{ schema: string | null }>`SELECT current_schema() AS schema`.execute(store.db);
      migrationTableSchema = r.rows[0]?.schema ?? undefined;
    } catch (e) {
      return { applied: [], error: e instanceof Error ? e.message : String(e), cause: e };
    }
  }
  const migrator = new Migrator({ db: store.db, provider: new StaticProvider(), ...(migrationTableSchema !== undefined ? { migrationTableSchema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error !== undefined) return { applied, error: error instanceof Error ? error.message : String(error), cause: error };
  return { applied };
}

export function nowIso(): string {
  return new Date().toISOString();
}
