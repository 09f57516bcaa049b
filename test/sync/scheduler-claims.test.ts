/**
 * The scheduler fires once per interval across processes: each round is a slot of the wall clock claimed by a row
 * in `schedule_claims`; of several processes (separate connections to one database) exactly one runs each round,
 * and none runs the round it started in.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/db.js';
import { createRepos } from '../../src/store/repos/index.js';
import { startScheduler } from '../../src/sync/scheduler.js';
import type { IntegrationService } from '../../src/integrations/service.js';
import type { SyncService } from '../../src/sync/runner.js';
import { dialects, openTestStore } from '../helpers/app.js';

const MINUTE = 60_000;

for (const dialect of dialects()) {
  describe(`scheduler rounds across processes (${dialect})`, () => {
    it('three schedulers on one database: each round runs once; the round a process started in is not run', async () => {
      const ts = await openTestStore(dialect);
      // a second and third "process": their own connections (PostgreSQL); SQLite is one process, one connection
      const others = dialect === 'postgres' ? await Promise.all([1, 2].map(() => openDatabase(ts.databaseUrl, { schema: ts.store.schema!, migrate: false }))) : [];
      try {
        let t = 10 * 15 * MINUTE + 5 * MINUTE; // five minutes into slot 10 of a 15-minute interval
        const ticks: string[] = [];
        const schedulers = [ts.store.db, ...others.map((o) => o.db), ts.store.db].map((db, i) => ({ name: `p${i}`, s: startSchedulerWith(15, `p${i}`, db) }));
        function startSchedulerWith(minutes: number, name: string, db: typeof ts.store.db) {
          const s = startScheduler({
            intervalMinutes: minutes,
            integrations: { scheduledKinds: async () => { ticks.push(name); return []; } } as unknown as IntegrationService,
            sync: {} as SyncService,
            log: () => {},
            claims: createRepos(db).instance,
            now: () => t,
          });
          s.stop(); // no timer: the test fires them by hand
          return s;
        }
        const fireAll = async (): Promise<boolean[]> => Promise.all(schedulers.map((x) => x.s.fire()));

        const none = schedulers.map(() => false);
        assert.deepEqual(await fireAll(), none, 'nobody runs the round they started in');
        for (let round = 11; round <= 14; round++) {
          t = round * 15 * MINUTE + 1000;
          const ran = await fireAll();
          assert.equal(ran.filter(Boolean).length, 1, `round ${round} ran once`);
          // firing again in the same round changes nothing
          assert.deepEqual(await fireAll(), none);
        }
        assert.equal(ticks.length, 4);
      } finally {
        for (const o of others) await o.close();
        await ts.cleanup();
      }
    });
  });
}
