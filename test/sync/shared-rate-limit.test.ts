/**
 * Acceptance 3 (issue 10): two processes syncing one Halo account at the sandbox's limit (time-compressed: 60
 * requests per rolling 10 s) get zero 429 responses, and the sandbox's own request log never holds more than 60
 * requests in any 10 s window. The two processes are two workspaces whose integrations point at the same Halo
 * instance: on PostgreSQL they share the account's rolling window in the database. (Wall time ÷ the physical
 * bound is a benchmark figure: bench/shared-limit.ts.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startHaloSandbox } from '../../src/sandbox/halo/index.js';
import { createVault } from '../../src/store/secrets.js';
import { dialects, openTestStore } from '../helpers/app.js';
import { childDatabaseUrl, runSyncChild, seedIntegration } from '../helpers/processes.js';
import { haloSettingsFor } from '../helpers/sandboxes.js';

const LIMIT = 60;
const WINDOW_MS = 10_000;

/** The most requests the log holds in any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[lo] as number) <= (sorted[hi] as number) - windowMs) lo++;
    max = Math.max(max, hi - lo + 1);
  }
  return max;
}

if (dialects().includes('postgres')) {
  describe('one rate limit per vendor account across processes (PostgreSQL)', () => {
    it('two processes syncing one Halo account at its limit: zero 429s, never more than the limit in any window', async () => {
      const sandbox = await startHaloSandbox({ port: 0, clientCount: 40, ticketCount: 5000, rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } });
      const ts = await openTestStore('postgres');
      const key = crypto.randomBytes(32);
      try {
        const vault = createVault(key);
        // the vendor's limit per window; the processes compress Halo's 5-minute window to 10 s
        for (const ws of ['w-a', 'w-b']) await seedIntegration(ts.store, vault, ws, 'halo', haloSettingsFor(sandbox, { rateLimitPer5Min: LIMIT }));
        sandbox.control.clearRequests();
        const common = { databaseUrl: childDatabaseUrl(ts), keyHex: key.toString('hex'), kind: 'halo', mode: 'initial' as const, rateWindowMs: WINDOW_MS };
        const [a, b] = await Promise.all([runSyncChild({ ...common, workspaceId: 'w-a' }), runSyncChild({ ...common, workspaceId: 'w-b' })]);

        assert.equal(a.status, 'succeeded', JSON.stringify(a));
        assert.equal(b.status, 'succeeded', JSON.stringify(b));
        // the two runs overlapped: both processes were asking the one account at the same time
        assert.ok(Date.parse(a.startedAt!) < Date.parse(b.finishedAt!) && Date.parse(b.startedAt!) < Date.parse(a.finishedAt!), 'the runs overlapped');
        const stats = sandbox.control.stats();
        assert.equal(stats.rateLimited, 0, 'zero 429 responses');
        const api = sandbox.control.requests().filter((r) => r.status !== 0 && !/token/i.test(r.path));
        assert.ok(api.length > LIMIT, `more requests than one window allows (${api.length})`);
        assert.equal(api.length, a.requestCount + b.requestCount, 'every request the runs counted reached the sandbox');
        const max = maxInAnyWindow(api.map((r) => Date.parse(r.time)), WINDOW_MS);
        assert.ok(max <= LIMIT, `at most ${LIMIT} requests in any ${WINDOW_MS} ms window (saw ${max})`);
        assert.ok(stats.maxInWindow <= LIMIT);
        const span = (r: typeof a): string => `${((Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000).toFixed(1)} s`;
        process.stdout.write(`# two processes: ${api.length} requests (${a.requestCount} + ${b.requestCount}; runs took ${span(a)} and ${span(b)}), at most ${max} in any ${WINDOW_MS / 1000} s window, 0 × 429\n`);

        const count = async (ws: string): Promise<number> => Number((await ts.store.db.selectFrom('psa_tickets').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', ws).executeTakeFirstOrThrow()).n);
        assert.ok((await count('w-a')) > 0);
        assert.equal(await count('w-a'), await count('w-b'), 'both workspaces hold the same tickets');
      } finally {
        await ts.cleanup();
        await sandbox.close();
      }
    });
  });
}
