import PgBoss from 'pg-boss';
import type { JobQueue } from './job-queue.js';

/**
 * The job queue on PostgreSQL (pg-boss): `crosswalk worker` processes (and `crosswalk serve` unless started with
 * `--no-worker`) on the same database take its jobs, so syncs scale across machines; each job goes to one of them.
 * With `work: false` the process only sends jobs (registered handlers are kept but never polled).
 * Same interface and contract suite as the in-process queue.
 */
export async function createPgBossQueue(opts: {
  connectionString: string;
  schema?: string;
  pollingIntervalSeconds?: number;
  /** Take jobs in this process (default true). */
  work?: boolean;
  /** Jobs of one name this process runs at once (default 4, as the in-process queue). */
  concurrency?: number;
  onError?: (name: string, err: unknown) => void;
}): Promise<JobQueue> {
  const boss = new PgBoss({
    connectionString: opts.connectionString,
    schema: opts.schema ?? 'crosswalk_jobs',
    max: 4,
    schedule: false,
  });
  boss.on('error', (err: unknown) => opts.onError?.('pg-boss', err));
  await boss.start();
  const created = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  const workers: Promise<string>[] = [];
  let stopped = false;

  /** Single-flight: concurrent createQueue calls for one name deadlock inside pg-boss. */
  function ensureQueue(name: string): Promise<void> {
    let p = created.get(name);
    if (p === undefined) {
      p = boss.createQueue(name);
      created.set(name, p);
    }
    return p;
  }

  return {
    register(name, handler) {
      if (opts.work === false) return;
      // pg-boss runs one batch per worker at a time: `concurrency` workers of one job each
      for (let i = 0; i < Math.max(1, opts.concurrency ?? 4); i++) {
        workers.push(
          ensureQueue(name).then(() =>
            boss.work<Record<string, unknown>>(name, { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5 }, async (jobs) => {
              for (const job of jobs) {
                const p = handler(job.data).catch((err: unknown) => opts.onError?.(name, err));
                running.add(p);
                try {
                  await p;
                } finally {
                  running.delete(p);
                }
              }
            }),
          ),
        );
      }
    },
    async enqueue(name, payload) {
      if (stopped) throw new Error('queue stopped');
      await ensureQueue(name);
      // Sync jobs are not retried by the queue: a failed run is recorded and the user (or the schedule) starts a new one.
      await boss.send(name, payload, { retryLimit: 0 });
    },
    async drain() {
      await Promise.allSettled([...running]);
    },
    async check() {
      if (stopped) throw new Error('the job queue is stopped');
      // Reaches the database through pg-boss's own connection pool and finds its tables.
      if (!(await boss.isInstalled())) throw new Error('the job queue tables are missing');
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(workers);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
