/**
 * The job queue the sync service hands its runs to. Consumers see only this interface.
 * In-process implementation: jobs run in this Node process with bounded concurrency.
 * (A PostgreSQL-backed implementation — pg-boss — slots in behind the same interface for multi-worker setups.)
 */
export interface JobQueue {
  register(name: string, handler: (payload: Record<string, unknown>) => Promise<void>): void;
  enqueue(name: string, payload: Record<string, unknown>): Promise<void>;
  /** Resolves once every job running now has finished. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  /** Readiness: resolves when the queue can take and run jobs, throws saying why not (GET /api/health/ready). */
  check(): Promise<void>;
}

export function createInProcessQueue(opts: { concurrency?: number; onError?: (name: string, err: unknown) => void } = {}): JobQueue {
  const handlers = new Map<string, (payload: Record<string, unknown>) => Promise<void>>();
  const waiting: { name: string; payload: Record<string, unknown> }[] = [];
  const running = new Set<Promise<void>>();
  const concurrency = opts.concurrency ?? 4;
  let stopped = false;

  function pump(): void {
    while (!stopped && running.size < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      const handler = handlers.get(job.name);
      if (handler === undefined) {
        opts.onError?.(job.name, new Error(`no handler for job ${job.name}`));
        continue;
      }
      const p: Promise<void> = handler(job.payload)
        .catch((err: unknown) => opts.onError?.(job.name, err))
        .finally(() => {
          running.delete(p);
          pump();
        });
      running.add(p);
    }
  }

  return {
    register(name, handler) {
      handlers.set(name, handler);
    },
    async enqueue(name, payload) {
      if (stopped) throw new Error('queue stopped');
      waiting.push({ name, payload });
      pump();
    },
    async drain() {
      while (running.size > 0 || waiting.length > 0) await Promise.race([...running, new Promise((r) => setTimeout(r, 10))]);
    },
    async stop() {
      stopped = true;
      waiting.length = 0;
      await Promise.allSettled([...running]);
    },
    async check() {
      if (stopped) throw new Error('the job queue is stopped');
    },
  };
}

/**
 * A queue whose implementation arrives later: the server starts (and answers /api/health/ready with 503) while
 * PostgreSQL is unreachable, and attaches the pg-boss queue once the database answers. Handlers registered
 * before are handed over then; enqueueing before fails (nothing could store the run meanwhile anyway).
 */
export function createDeferredQueue(): JobQueue & { attach(queue: JobQueue): Promise<void> } {
  let target: JobQueue | null = null;
  let stopped = false;
  const handlers: [string, (payload: Record<string, unknown>) => Promise<void>][] = [];
  return {
    register(name, handler) {
      if (target !== null) target.register(name, handler);
      else handlers.push([name, handler]);
    },
    async enqueue(name, payload) {
      if (target === null) throw new Error('the job queue is not started yet (waiting for the database)');
      await target.enqueue(name, payload);
    },
    async drain() {
      await target?.drain();
    },
    async stop() {
      stopped = true;
      await target?.stop();
    },
    async check() {
      if (target === null) throw new Error(stopped ? 'the job queue is stopped' : 'the job queue is waiting for the database');
      await target.check();
    },
    async attach(queue) {
      if (stopped) {
        await queue.stop();
        return;
      }
      for (const [name, handler] of handlers) queue.register(name, handler);
      handlers.length = 0;
      target = queue;
    },
  };
}
