/**
 * Bounded concurrency helpers for paginators that fetch several pages at once.
 *
 * `orderedConcurrent` runs at most `concurrency` tasks at a time and yields results in task order;
 * at most `maxBuffered` (default `concurrency`) are started ahead of the consumer, so with a larger
 * buffer finished results can wait for an earlier, slower one while new tasks go out.
 * Tasks are pulled lazily from the iterable, so a paginator can stop generating page numbers; when the
 * consumer stops early (break / return / throw) or a task fails, in-flight tasks get an aborted signal.
 */
import { abortedError } from './errors.js';

export type ConcurrentTask<T> = (signal: AbortSignal) => Promise<T>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface OrderedConcurrentOptions {
  /** Aborting it aborts every running task and ends the iteration with an `aborted` error. */
  signal?: AbortSignal;
  /** Tasks started but not yet handed to the consumer, running or finished (default and minimum: `concurrency`). */
  maxBuffered?: number;
}

export async function* orderedConcurrent<T>(
  tasks: Iterable<ConcurrentTask<T>> | AsyncIterable<ConcurrentTask<T>>,
  concurrency: number,
  opts: OrderedConcurrentOptions = {},
): AsyncGenerator<T, void, undefined> {
  const limit = Math.max(1, Math.floor(concurrency));
  const maxBuffered = Math.max(limit, Math.floor(opts.maxBuffered ?? limit));
  const ctrl = new AbortController();
  const outer = opts.signal;
  const onAbort = (): void => ctrl.abort(outer?.reason);
  if (outer?.aborted === true) throw abortedError(outer.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  const iterator: Iterator<ConcurrentTask<T>> | AsyncIterator<ConcurrentTask<T>> =
    Symbol.asyncIterator in tasks
      ? (tasks as AsyncIterable<ConcurrentTask<T>>)[Symbol.asyncIterator]()
      : (tasks as Iterable<ConcurrentTask<T>>)[Symbol.iterator]();
  /** Started and not yet handed over, in task order. */
  const inFlight: Promise<Settled<T>>[] = [];
  let running = 0;
  let exhausted = false;

  const start = (task: ConcurrentTask<T>): Promise<Settled<T>> => {
    let p: Promise<T>;
    try {
      p = task(ctrl.signal);
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
    running++;
    return p.then(
      (value): Settled<T> => {
        running--;
        return { ok: true, value };
      },
      (error: unknown): Settled<T> => {
        running--;
        return { ok: false, error };
      },
    );
  };

  const fill = async (): Promise<void> => {
    while (!exhausted && running < limit && inFlight.length < maxBuffered && !ctrl.signal.aborted) {
      const n = await iterator.next();
      if (n.done === true) {
        exhausted = true;
        return;
      }
      inFlight.push(start(n.value));
    }
  };

  let finished = false;
  try {
    await fill();
    while (inFlight.length > 0) {
      const settled = await (inFlight.shift() as Promise<Settled<T>>);
      if (!settled.ok) throw settled.error;
      if (ctrl.signal.aborted) throw abortedError(ctrl.signal.reason);
      // start the next task before handing the result over, so the pipe stays full
      await fill();
      yield settled.value;
    }
    finished = true;
  } finally {
    outer?.removeEventListener('abort', onAbort);
    if (!finished) {
      ctrl.abort(abortedError());
      await iterator.return?.();
    }
  }
}

/** Maps items with at most `concurrency` calls in flight; results keep the input order. */
export async function mapConcurrent<I, R>(
  items: readonly I[],
  concurrency: number,
  fn: (item: I, index: number, signal: AbortSignal) => Promise<R>,
  opts: OrderedConcurrentOptions = {},
): Promise<R[]> {
  const out: R[] = [];
  const tasks = items.map((item, i) => (signal: AbortSignal) => fn(item, i, signal));
  for await (const r of orderedConcurrent(tasks, concurrency, opts)) out.push(r);
  return out;
}

/**
 * A paginator's pages with their raw records mapped (records `map` rejects with null are dropped), each handed on as
 * `page(records, rawPage)`; returns the paginator's result. Stopping early closes the paginator.
 */
export async function* mapPages<P extends { records: readonly unknown[] }, R, T, O>(
  pages: AsyncGenerator<P, R>,
  map: (raw: unknown) => T | null,
  page: (records: T[], raw: P) => O,
): AsyncGenerator<O, R> {
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done === true) return next.value;
      const records: T[] = [];
      for (const raw of next.value.records) {
        const mapped = map(raw);
        if (mapped !== null) records.push(mapped);
      }
      yield page(records, next.value);
    }
  } finally {
    await pages.return(undefined as never);
  }
}
