import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError } from '../../src/config.js';
import { userCommand } from '../helpers/processes.js';

/** `npm start`: the compiled server. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, userCommand('scripts/start.js'), { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30000 });
}

test('an unsupported DATABASE_URL scheme exits non-zero with one clear line, no stack trace', () => {
  const r = start({ DATABASE_URL: 'mysql://root@localhost/crosswalk' });
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /DATABASE_URL: unsupported scheme "mysql"; use a file path or postgres:\/\//);
  assert.doesNotMatch(r.stderr, /\bat .*\.[jt]s:\d+/);
});

test('several bad values are named on one line', () => {
  const r = start({ PORT: 'eighty', SMTP_URL: 'mail.example.com', CROSSWALK_SECRET_KEY: 'short' });
  assert.notEqual(r.status, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  for (const name of ['PORT', 'SMTP_URL', 'CROSSWALK_SECRET_KEY']) assert.match(lines[0]!, new RegExp(name));
});

test('defaults and postgres selection', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dialect, 'sqlite');
  assert.match(c.databaseUrl, /data[\\/]crosswalk\.db$/);
  assert.equal(c.syncIntervalMinutes, 15);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).dialect, 'postgres');
  assert.throws(() => loadConfig({ ALLOW_INSECURE_HTTP: 'maybe' }), ConfigError);
});
