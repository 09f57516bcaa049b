/**
 * The floor of a sync's cost: the requests Crosswalk sent (as the sandbox logged them), sent again with plain
 * `fetch`, each answer `JSON.parse`d and its records upserted as minimal rows (id, name/summary, a few columns)
 * into SQLite with better-sqlite3 — one prepared statement per table, one transaction per page. No connector,
 * runner, validation, rate limiter or retries.
 *
 *   node dist/server/bench/floor.js <requests.json>   (or node --import tsx bench/floor.ts)
 *
 * `requests.json`: `{ baseUrl, clientId, clientSecret, concurrency, requests: [{ method, path }] }` where `path` is
 * the path with its query string exactly as the sandbox received it. Prints one JSON line (FloorResult) on stdout.
 * Runs in a fresh process of its own (bench/sync.ts starts it), so its CPU time is the floor's alone: measured
 * with process.cpuUsage from the first request to the last row stored (process start-up and module loading excluded).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';

export interface FloorInput {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Requests in flight at once (Crosswalk's Halo paginator runs 8 by default). */
  concurrency: number;
  requests: { method: string; path: string }[];
}

export interface FloorResult {
  requests: number;
  /** token requests among them (POSTed with the client credentials form) */
  tokenRequests: number;
  rows: number;
  bytes: number;
  cpuMs: number;
  wallMs: number;
  /** statuses other than 2xx: the replay is not the same work when this is not 0 */
  failures: number;
}

type Row = Record<string, unknown>;

/** Minimal tables: the envelope key of the list and how a record becomes the statement's values. */
const TABLES: Record<string, { key: string | null; ddl: string; values: (r: Row) => unknown[] }> = {
  Client: {
    key: 'clients',
    ddl: 'clients (id INTEGER PRIMARY KEY, name TEXT, inactive INTEGER, website TEXT, updated_at TEXT)',
    values: (r) => [r.id, r.name ?? null, r.inactive === true ? 1 : 0, r.website ?? null, r.last_update ?? null],
  },
  Site: {
    key: 'sites',
    ddl: 'sites (id INTEGER PRIMARY KEY, client_id INTEGER, name TEXT, inactive INTEGER)',
    values: (r) => [r.id, r.client_id ?? null, r.name ?? null, r.inactive === true ? 1 : 0],
  },
  TicketType: {
    key: null,
    ddl: 'ticket_types (id INTEGER PRIMARY KEY, name TEXT, use TEXT)',
    values: (r) => [r.id, r.name ?? null, r.use ?? null],
  },
  Status: {
    key: null,
    ddl: 'statuses (id INTEGER PRIMARY KEY, name TEXT)',
    values: (r) => [r.id, r.name ?? null],
  },
  Tickets: {
    key: 'tickets',
    ddl: 'tickets (id INTEGER PRIMARY KEY, client_id INTEGER, summary TEXT, status_id INTEGER, type_id INTEGER, opened_at TEXT, closed_at TEXT, updated_at TEXT)',
    values: (r) => [r.id, r.client_id ?? null, r.summary ?? null, r.status_id ?? null, r.tickettype_id ?? null, r.dateoccurred ?? null, r.dateclosed ?? null, r.last_update ?? null],
  },
};

export async function runFloor(input: FloorInput, dbFile: string): Promise<FloorResult> {
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const upserts = new Map<string, { key: string | null; values: (r: Row) => unknown[]; write: (records: Row[]) => void }>();
  for (const [name, t] of Object.entries(TABLES)) {
    db.exec(`CREATE TABLE ${t.ddl}`);
    const table = t.ddl.slice(0, t.ddl.indexOf(' '));
    const cols = t.ddl.slice(t.ddl.indexOf('(') + 1, -1).split(',').map((c) => c.trim().split(' ')[0]!);
    const stmt = db.prepare(
      `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT (id) DO UPDATE SET ${cols.slice(1).map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    const write = db.transaction((records: Row[]) => {
      for (const r of records) stmt.run(t.values(r));
    });
    upserts.set(name, { key: t.key, values: t.values, write });
  }

  let token = '';
  let rows = 0;
  let bytes = 0;
  let failures = 0;
  let tokenRequests = 0;
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: input.clientId, client_secret: input.clientSecret, scope: 'all' }).toString();

  const send = async (req: { method: string; path: string }): Promise<void> => {
    const url = `${input.baseUrl}${req.path}`;
    if (req.method === 'POST') {
      tokenRequests++;
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      const body = JSON.parse(await res.text()) as { access_token?: string };
      if (!res.ok || typeof body.access_token !== 'string') failures++;
      else token = body.access_token;
      return;
    }
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    const text = await res.text();
    bytes += text.length;
    if (!res.ok) {
      failures++;
      return;
    }
    const body = JSON.parse(text) as unknown;
    const name = /^\/api\/([A-Za-z]+)/.exec(req.path)?.[1] ?? '';
    const table = upserts.get(name);
    if (table === undefined) return;
    const records = (table.key === null ? body : (body as Record<string, unknown>)[table.key]) as Row[];
    table.write(records);
    rows += records.length;
  };

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Token requests first and alone (the API requests need the token), then the API requests in order,
  // `concurrency` at a time.
  const api = input.requests.filter((r) => r.method !== 'POST');
  for (const r of input.requests) if (r.method === 'POST') await send(r);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, input.concurrency) }, async () => {
      while (next < api.length) await send(api[next++]!);
    }),
  );
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  db.close();
  return { requests: input.requests.length, tokenRequests, rows, bytes, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, failures };
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const input = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as FloorInput;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-floor-'));
  try {
    const result = await runFloor(input, path.join(dir, 'floor.db'));
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
