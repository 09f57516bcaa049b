/**
 * Issue 13, acceptance 3: GET /api/health stays 200 {"status":"ok"}; GET /api/health/ready checks the database
 * and the job queue and answers 503 naming the failing part — with PostgreSQL unreachable at start (a wrong
 * port in DATABASE_URL: the server still starts and answers) and when it becomes unreachable later.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/runtime.js';
import { createTestApp, dialects } from '../helpers/app.js';

interface Ready { status: string; failing: string[]; checks: Record<'database' | 'queue', { ok: boolean; message?: string }> }

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP proxy to PostgreSQL that can be stopped (the database "goes away") and started again on the same port. */
function pgProxy(port: number, target: { host: string; port: number }) {
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  return {
    async start() {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => { client.destroy(); upstream.destroy(); });
        }
        client.pipe(upstream).pipe(client);
      });
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    },
    async stop() {
      const s = server;
      server = null;
      for (const sock of sockets) sock.destroy();
      if (s !== null) await new Promise((r) => s.close(r));
    },
  };
}

/** Polls until `ok` holds (the server retries the database with backoff); bounded, then returns the last answer. */
async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, tries = 120): Promise<T> {
  let v = await fn();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 500));
    v = await fn();
  }
  return v;
}

test('GET /api/health stays {"status":"ok"}; /api/health/ready is 200 when the database and the queue answer, 503 naming the queue when it stopped', async () => {
  const t = await createTestApp();
  try {
    const live = await t.inject({ method: 'GET', url: '/api/health' });
    assert.equal(live.statusCode, 200);
    assert.deepEqual(live.json(), { status: 'ok' });
    const ready = await t.inject({ method: 'GET', url: '/api/health/ready' });
    assert.equal(ready.statusCode, 200);
    assert.deepEqual(ready.json(), { status: 'ready', failing: [], checks: { database: { ok: true }, queue: { ok: true } } });
    await t.services.queue.stop();
    const stopped = await t.inject({ method: 'GET', url: '/api/health/ready' });
    assert.equal(stopped.statusCode, 503);
    const body = stopped.json() as Ready;
    assert.deepEqual(body.failing, ['queue']);
    assert.equal(body.checks.database.ok, true);
    assert.equal(body.checks.queue.message, 'The job queue is stopped.');
  } finally {
    await t.close();
  }
});

test('PostgreSQL on a wrong port: the server starts, /api/health is 200, /api/health/ready 503 naming the database', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-ready-'));
  const port = await freePort();
  const config = loadConfig({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/crosswalk`, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0' });
  const running = await startServer(config, { scheduler: false });
  try {
    const live = await fetch(`${running.url}/api/health`);
    assert.equal(live.status, 200);
    assert.deepEqual(await live.json(), { status: 'ok' });
    const ready = await fetch(`${running.url}/api/health/ready`);
    assert.equal(ready.status, 503);
    const body = (await ready.json()) as Ready;
    assert.equal(body.status, 'unavailable');
    assert.ok(body.failing.includes('database'), JSON.stringify(body));
    assert.equal(body.checks.database.message, 'The database is not reachable (ECONNREFUSED).');
    assert.equal(body.checks.queue.ok, false, 'the job queue waits for the database');
    assert.doesNotMatch(JSON.stringify(body), new RegExp(String(port)), 'no connection details on a public route');
  } finally {
    await running.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

if (dialects().includes('postgres')) {
  test('PostgreSQL that appears later, goes away and comes back: ready follows it (the server never stops answering)', async () => {
    const admin = new URL(process.env.TEST_DATABASE_URL!);
    const database = `cw_ready_${crypto.randomBytes(5).toString('hex')}`;
    const adminClient = new pg.Client({ connectionString: admin.href });
    await adminClient.connect();
    await adminClient.query(`CREATE DATABASE ${database}`);
    const port = await freePort();
    const proxy = pgProxy(port, { host: admin.hostname, port: Number(admin.port || 5432) });
    const url = new URL(admin.href);
    url.host = `127.0.0.1:${port}`;
    url.pathname = `/${database}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-ready-'));
    const config = loadConfig({ DATABASE_URL: url.href, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0' });
    const running = await startServer(config, { scheduler: false });
    const ready = async () => {
      const res = await fetch(`${running.url}/api/health/ready`);
      return { status: res.status, body: (await res.json()) as Ready };
    };
    try {
      const down = await ready();
      assert.equal(down.status, 503);
      assert.ok(down.body.failing.includes('database'));

      await proxy.start(); // the database answers now: the server migrates, starts pg-boss and becomes ready
      const up = await until(ready, (r) => r.status === 200);
      assert.equal(up.status, 200, JSON.stringify(up.body));
      const setup = await fetch(`${running.url}/api/setup`);
      assert.deepEqual(await setup.json(), { needed: true }, 'migrated: the API works');

      await proxy.stop(); // the database goes away (connections cut, port refused)
      const gone = await until(ready, (r) => r.status === 503);
      assert.equal(gone.status, 503);
      assert.ok(gone.body.failing.includes('database'), JSON.stringify(gone.body));
      assert.match(gone.body.checks.database.message ?? '', /^The database (is not reachable|did not answer)/);
      const live = await fetch(`${running.url}/api/health`);
      assert.equal(live.status, 200, 'still alive');

      await proxy.start();
      const back = await until(ready, (r) => r.status === 200);
      assert.equal(back.status, 200, JSON.stringify(back.body));
    } finally {
      await running.close();
      await proxy.stop();
      await adminClient.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await adminClient.end();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
