import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import pg from 'pg';
import { createInProcessQueue, type JobQueue } from '../../src/sync/job-queue.js';
import { createPgBossQueue } from '../../src/sync/pg-boss-queue.js';
import { dialects } from '../helpers/app.js';

/** One contract suite, run against every JobQueue implementation. */
const impls: { name: string; make: () => Promise<{ queue: JobQueue; cleanup: () => Promise<void> }> }[] = [
  { name: 'in-process', make: async () => ({ queue: createInProcessQueue({ concurrency: 2 }), cleanup: async () => {} }) },
];
if (dialects().includes('postgres')) {
  impls.push({
    name: 'pg-boss (PostgreSQL)',
    make: async () => {
      const url = process.env.TEST_DATABASE_URL!;
      const schema = `jobs_${crypto.randomBytes(5).toString('hex')}`;
      const queue = await createPgBossQueue({ connectionString: url, schema, pollingIntervalSeconds: 0.5 });
      return {
        queue,
        cleanup: async () => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        },
      };
    },
  });
}

for (const impl of impls) {
  describe(`job queue contract: ${impl.name}`, () => {
    test('runs every enqueued job once with its payload; a failing job does not stop the others', async () => {
      const { queue, cleanup } = await impl.make();
      try {
        const seen: number[] = [];
        let resolveAll!: () => void;
        const all = new Promise<void>((r) => (resolveAll = r));
        queue.register('work', async (payload) => {
          const n = Number(payload.n);
          if (n === 3) throw new Error('boom');
          seen.push(n);
          if (seen.length === 4) resolveAll();
        });
        for (let n = 1; n <= 5; n++) await queue.enqueue('work', { n });
        await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error('jobs did not run in time')), 20_000))]);
        await queue.drain();
        assert.deepEqual([...seen].sort(), [1, 2, 4, 5]);
      } finally {
        await queue.stop();
        await cleanup();
      }
    });

    test('enqueue after stop is refused', async () => {
      const { queue, cleanup } = await impl.make();
      await queue.stop();
      await assert.rejects(queue.enqueue('work', {}));
      await cleanup();
    });
  });
}
