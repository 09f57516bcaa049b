/**
 * Issue 14: production runs the compiled server with plain node. `node dist/server/src/main.js` and `npm start`
 * (scripts/start.js) start on an empty data folder, listen, answer GET /api/health and serve the web UI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../src/paths.js';
import { userCommand } from '../helpers/processes.js';

async function startsAndServes(args: string[]): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-compiled-'));
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SYNC_INTERVAL_MINUTES: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  try {
    // Up to 2 minutes: a test file run alone without `npm run build` builds the web UI first (ensureWebBuilt).
    for (let i = 0; i < 1200 && !/Crosswalk listening on /.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    const url = /Crosswalk listening on (\S+)/.exec(out)?.[1];
    assert.ok(url !== undefined, `did not start:\n${out}`);
    const health = await fetch(`${url}/api/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    assert.doesNotMatch(out, /tsx|compiling/i, 'the compiled server, nothing compiled on the way');
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

test('node dist/server/src/main.js starts and serves the API and the web UI', async () => {
  userCommand('scripts/start.js'); // compiles dist/server when a test file runs alone, older than src/
  await startsAndServes([path.join(ROOT, 'dist', 'server', 'src', 'main.js')]);
});

test('npm start (scripts/start.js) runs it', async () => {
  await startsAndServes(userCommand('scripts/start.js'));
});
