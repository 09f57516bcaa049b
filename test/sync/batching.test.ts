/**
 * How the runner batches pages into transactions (issue 14): a checkpointed page of a stream that reads one page at a
 * time is stored, with its checkpoint, before the next page is asked for (a crash loses at most the page in flight);
 * pages of a stream that reads ahead (`readAhead`) are batched — fewer, larger transactions — and each batch carries the
 * checkpoint of its last page, so what is stored and the checkpoint always agree.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, PsaCompany, Stream, StreamResult } from '../../src/connectors/contract.js';
import type { SyncedWriter } from '../../src/store/repos/synced.js';
import { createInProcessQueue } from '../../src/sync/job-queue.js';
import { createSyncService, type SyncService } from '../../src/sync/runner.js';
import { dialects } from '../helpers/app.js';
import { useSyncStore } from '../helpers/sync-store.js';

const WS = 'ws-batching';
const PAGES = 6;
const PER_PAGE = 3;

const rec = (n: number): PsaCompany => ({ id: String(n), name: `Co ${n}`, inactive: false, website: null, domain: null, phone: null, updatedAt: null });

/** What the store held each time the stream was asked for page k (k ≥ 2): stored ids and the stored checkpoint. */
interface Seen { page: number; stored: number; cursor: unknown }

for (const dialect of dialects()) {
  describe(`sync runner batching (${dialect})`, () => {
    const suite = useSyncStore(dialect);
    const { services } = suite;

    async function sync(readAhead: boolean | undefined): Promise<{ seen: Seen[]; writes: number; checkpoint: unknown }> {
      const seen: Seen[] = [];
      let runId = '';
      const storedNow = async (): Promise<Seen & { page: 0 }> => {
        const rows = await suite.ts.store.db.selectFrom('psa_companies').select('id').where('workspace_id', '=', WS).where('last_seen_run', '=', runId).execute();
        const run = await suite.ts.store.db.selectFrom('sync_runs').select('checkpoint_json').where('id', '=', runId).executeTakeFirstOrThrow();
        const cp = run.checkpoint_json === null ? {} : (JSON.parse(run.checkpoint_json) as Record<string, { cursor?: unknown }>);
        return { page: 0, stored: rows.length, cursor: cp.clients?.cursor ?? null };
      };
      const stream: Stream<PsaCompany> = {
        name: 'clients',
        incremental: false,
        async *read(): AsyncGenerator<Page<PsaCompany>, StreamResult> {
          for (let page = 1; page <= PAGES; page++) {
            if (page > 1) seen.push({ ...(await storedNow()), page });
            const records = Array.from({ length: PER_PAGE }, (_, i) => rec((page - 1) * PER_PAGE + i + 1));
            yield { records, total: PAGES * PER_PAGE, checkpoint: page, ...(readAhead === undefined ? {} : { readAhead }) };
          }
          return { fetched: PAGES * PER_PAGE, expected: PAGES * PER_PAGE, partial: false };
        },
      };
      const base = suite.repos.synced.psaCompanies;
      let writes = 0;
      const writer: SyncedWriter<PsaCompany> = { ...base, upsert: async (records, scope, commit) => { writes++; await base.upsert(records, scope, commit); } };
      const s = createSyncService({
        repos: suite.repos, queue: createInProcessQueue(), owner: `batching-${readAhead}`,
        // Batches bounded by size only (a minute apart at most), so the test does not depend on the machine's speed.
        batch: { records: 2 * PER_PAGE + 1, ms: 60_000 },
        plan: async (ctx) => {
          runId = ctx.runId;
          return { steps: [{ progressName: 'clients', stream, writer: writer as never, sweepOnFull: true }], requestsPerSecond: 0, pageSize: PER_PAGE, requestCount: () => 0 };
        },
      });
      services.push(s);
      const run = await s.start(WS, 'halo', 'full');
      const done = await s.waitFor(run.id);
      assert.equal(done?.status, 'succeeded');
      const ids = (await suite.ts.store.db.selectFrom('psa_companies').select('id').where('workspace_id', '=', WS).where('last_seen_run', '=', run.id).execute()).length;
      assert.equal(ids, PAGES * PER_PAGE, 'every record is stored in the end');
      return { seen, writes, checkpoint: (await storedNow()).cursor };
    }

    test('one page at a time: each checkpointed page is stored with its checkpoint before the next page is asked for', async () => {
      const { seen, writes } = await sync(undefined);
      assert.deepEqual(seen, Array.from({ length: PAGES - 1 }, (_, i) => ({ page: i + 2, stored: (i + 1) * PER_PAGE, cursor: i + 1 })));
      assert.ok(writes >= PAGES, `one transaction per page (${writes})`);
    });

    test('reading ahead: pages are batched, each batch with the checkpoint of its last page', async () => {
      const { seen, writes } = await sync(true);
      // Batches of up to 7 records: pages 1–3 (9 records ≥ 7) in one transaction, then pages 4–6.
      assert.deepEqual(seen, [
        { page: 2, stored: 0, cursor: null },
        { page: 3, stored: 0, cursor: null },
        { page: 4, stored: 3 * PER_PAGE, cursor: 3 },
        { page: 5, stored: 3 * PER_PAGE, cursor: 3 },
        { page: 6, stored: 3 * PER_PAGE, cursor: 3 },
      ]);
      assert.ok(writes < PAGES, `fewer transactions than pages (${writes})`);
    });
  });
}
