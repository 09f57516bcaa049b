/**
 * The shared rolling window (rate-slots repository): concurrent takes from separate connections (processes) never
 * put more than the capacity in the window; in-flight slots count until released and a released one leaves the
 * window a window after its answer; a dead process's unreleased slot stops counting after `inFlightMaxMs`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/db.js';
import { createRateSlotsRepo } from '../../src/store/repos/rate-slots.js';
import { dialects, openTestStore } from '../helpers/app.js';

for (const dialect of dialects()) {
  describe(`rate slots (${dialect})`, () => {
    it('concurrent takes from separate connections never exceed the capacity; batches stay within it', async () => {
      const ts = await openTestStore(dialect);
      const other = dialect === 'postgres' ? await openDatabase(ts.databaseUrl, { schema: ts.store.schema!, migrate: false }) : null;
      try {
        const repos = [createRateSlotsRepo(ts.store.db), createRateSlotsRepo((other ?? ts.store).db)];
        const base = { account: 'acct', capacity: 7, windowMs: 60_000, inFlight: false, inFlightMaxMs: 1000, priority: 'background' };
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => repos[i % 2]!.take({ ...base, count: 1 + (i % 3) })));
        const granted = results.flatMap((r) => (r.granted ? r.ids : []));
        assert.equal(granted.length, 7, 'exactly the capacity was granted');
        assert.equal((await repos[0]!.list('acct')).length, 7);
        const refused = results.find((r) => !r.granted);
        assert.ok(refused !== undefined && !refused.granted && refused.exact && refused.waitMs > 59_000 && refused.waitMs <= 60_000);
        assert.equal((await repos[1]!.take({ ...base, account: 'other' })).granted, true, 'accounts are separate');
      } finally {
        await other?.close();
        await ts.cleanup();
      }
    });

    it('an in-flight slot counts until released; an unreleased one stops counting after inFlightMaxMs', async () => {
      const ts = await openTestStore(dialect);
      try {
        const repo = createRateSlotsRepo(ts.store.db);
        const base = { account: 'a', capacity: 1, windowMs: 3000, inFlight: true, inFlightMaxMs: 100, priority: 'background' };
        const first = await repo.take(base);
        assert.ok(first.granted);
        const busy = await repo.take(base);
        assert.ok(!busy.granted && !busy.exact, 'the slot in flight frees at an unknown time');
        await repo.release(first.ids[0]!);
        const listed = await repo.list('a');
        assert.equal(listed.length, 1);
        assert.ok(listed[0]!.releasedMs !== null && listed[0]!.releasedMs >= listed[0]!.grantedMs);
        const after = await repo.take(base);
        assert.ok(!after.granted && after.exact, 'released: it leaves the window one window after its answer');
        await new Promise((r) => setTimeout(r, 3100));
        const next = await repo.take(base);
        assert.ok(next.granted);
        // never released (its process died): counts as answered inFlightMaxMs after its grant
        await new Promise((r) => setTimeout(r, 3200));
        assert.ok((await repo.take(base)).granted);
      } finally {
        await ts.cleanup();
      }
    });
  });
}
