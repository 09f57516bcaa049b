/**
 * Processes and keys (issue 10): `crosswalk worker` refuses SQLite with one line; a process whose
 * CROSSWALK_SECRET_KEY cannot decrypt what the database holds refuses to start with one line (exit 1), on both
 * databases, and one started without any key never generates its own beside secrets under another.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { createRepos } from '../../src/store/repos/index.js';
import { createVault, KEY_CHECK_META, SecretKeyMismatchError, verifySecretKey, type ResolvedKey } from '../../src/store/secrets.js';
import { dialects, openTestStore, type DialectName, type TestStore } from '../helpers/app.js';
import { childDatabaseUrl, userCommand } from '../helpers/processes.js';

const KEY_A = crypto.randomBytes(32);
const KEY_B = crypto.randomBytes(32);
const fromEnv = (key: Buffer): ResolvedKey => ({ key, source: 'env', persist() {} });

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, userCommand('bin/crosswalk.js', args), {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', PORT: '0', SYNC_INTERVAL_MINUTES: '0', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected:\n${stderr}`);
  assert.doesNotMatch(stderr, /\bat .*\.[jt]s:\d+/, 'no stack trace');
  return lines[0]!;
}

/** A database whose secrets are encrypted under KEY_A (an integration saved by a process with that key). */
async function databaseUnderKeyA(ts: TestStore): Promise<void> {
  const vault = createVault(KEY_A);
  await verifySecretKey(vault, fromEnv(KEY_A), createRepos(ts.store.db).instance);
  const now = new Date().toISOString();
  await ts.store.db.insertInto('workspaces').values({ id: 'w1', name: 'MSP', created_at: now }).execute();
  await ts.store.db.insertInto('integrations').values({
    workspace_id: 'w1', kind: 'halo', settings_json: '{}', secrets_enc: vault.encrypt(JSON.stringify({ clientSecret: 's3cret' })), configured: 1, state_json: '{}', created_at: now, updated_at: now,
  }).execute();
}

/** Runs `fn` on a new test database of `dialect` whose secrets are under KEY_A; removes the database afterwards. */
async function withDatabaseUnderKeyA(dialect: DialectName, fn: (ts: TestStore) => Promise<void> | void): Promise<void> {
  const ts = await openTestStore(dialect);
  try {
    await databaseUnderKeyA(ts);
    await fn(ts);
  } finally {
    await ts.cleanup();
  }
}

describe('crosswalk worker on SQLite', () => {
  it('refuses with one clear line', () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'cw-worker-'));
    try {
      const r = cli(['worker'], { DATA_DIR: dir, DATABASE_URL: path.join(dir, 'x.db') });
      assert.equal(r.status, 1);
      assert.match(oneLine(r.stderr), /crosswalk worker needs PostgreSQL/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

for (const dialect of dialects()) {
  describe(`the secret key is checked at start (${dialect})`, () => {
    it('a process with another CROSSWALK_SECRET_KEY refuses to start with one line (exit 1)', () =>
      withDatabaseUnderKeyA(dialect, (ts) => {
        const env = { DATA_DIR: ts.dataDir, DATABASE_URL: childDatabaseUrl(ts), CROSSWALK_SECRET_KEY: KEY_B.toString('hex') };
        for (const command of dialect === 'postgres' ? ['serve', 'worker'] : ['serve']) {
          const r = cli([command], env);
          assert.equal(r.status, 1, `${command}: ${r.stdout} ${r.stderr}`);
          assert.match(oneLine(r.stderr), /^Crosswalk failed to start: the database holds secrets encrypted with another key than CROSSWALK_SECRET_KEY/);
        }
      }));

    it('a process without any key refuses instead of generating one beside secrets under another', () =>
      withDatabaseUnderKeyA(dialect, (ts) => {
        const r = cli(['serve'], { DATA_DIR: ts.dataDir, DATABASE_URL: childDatabaseUrl(ts) });
        assert.equal(r.status, 1);
        assert.match(oneLine(r.stderr), /CROSSWALK_SECRET_KEY is not set .* start this process with the CROSSWALK_SECRET_KEY the other Crosswalk processes use/);
        assert.equal(fs.existsSync(path.join(ts.dataDir, 'secret.key')), false, 'no key file was generated');
      }));

    it('a database from before the check: one stored secret decides; the right key stores the check', () =>
      withDatabaseUnderKeyA(dialect, async (ts) => {
        const repos = createRepos(ts.store.db);
        await ts.store.db.deleteFrom('instance_meta').execute();
        await assert.rejects(verifySecretKey(createVault(KEY_B), fromEnv(KEY_B), repos.instance), SecretKeyMismatchError);
        assert.equal(await repos.instance.getMeta(KEY_CHECK_META), null, 'a refused key stores nothing');
        await verifySecretKey(createVault(KEY_A), fromEnv(KEY_A), repos.instance);
        assert.equal(createVault(KEY_A).decrypt((await repos.instance.getMeta(KEY_CHECK_META))!).length > 0, true);
        await assert.rejects(verifySecretKey(createVault(KEY_B), fromEnv(KEY_B), repos.instance), SecretKeyMismatchError);
      }));
  });
}

if (dialects().includes('postgres')) {
  describe('crosswalk worker on PostgreSQL', () => {
    it('starts with the shared key, serves no HTTP, and stops on SIGTERM', () =>
      withDatabaseUnderKeyA('postgres', async (ts) => {
        const jobs = `jobs_${crypto.randomBytes(5).toString('hex')}`;
        try {
          const child = spawn(process.execPath, userCommand('bin/crosswalk.js', ['worker']), {
            env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', DATA_DIR: ts.dataDir, DATABASE_URL: childDatabaseUrl(ts), CROSSWALK_SECRET_KEY: KEY_A.toString('hex'), JOB_QUEUE_SCHEMA: jobs, SYNC_INTERVAL_MINUTES: '0' },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let out = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (out += d.toString()));
          const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
          for (let i = 0; i < 600 && !out.includes('worker running'); i++) await new Promise((r) => setTimeout(r, 100));
          assert.match(out, /Crosswalk worker running/);
          assert.doesNotMatch(out, /listening/);
          child.kill('SIGTERM');
          assert.equal(await exited, 0);
        } finally {
          const c = new pg.Client({ connectionString: ts.databaseUrl });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${jobs} CASCADE`);
          await c.end();
        }
      }));
  });
}
