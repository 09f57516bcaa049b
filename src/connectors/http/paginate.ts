/**
 * Bounded concurrency helpers for paginators that fetch several pages at once.
 *
 * `orderedConcurrent` runs at most `concurrency` tasks at a time and yields results in task order;
 * at most `maxBuffered` (default `concurrency`) are started ahead of the consumer, so with a larger
 * buffer finished results can wait for an earlier, slower one while new tasks go out.
 * Tasks are pulled lazily from the iterable, so a paginator can stop generating page numbers; when the
 * consumer stops early (break / return / throw) or a task fails, in-flight tasks get an aborted signal.
 * A task that finishes makes room at once: the next one starts then, not only when the consumer asks for a result,
 * so requests keep going out while the consumer is busy with earlier results (e.g. writing them).
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
  let finished = false;
  /** The fill under way (one at a time: the task iterator is not re-entrant). */
  let filling: Promise<void> | null = null;
  /** A failure of the task iterator met by a fill the consumer did not wait for: thrown at its next fill. */
  let fillError: { error: unknown } | null = null;

  const canStart = (): boolean => !exhausted && !finished && running < limit && inFlight.length < maxBuffered && !ctrl.signal.aborted;

  const fillOnce = async (): Promise<void> => {
    while (canStart()) {
      const n = await iterator.next();
      if (n.done === true) {
        exhausted = true;
        return;
      }
      inFlight.push(start(n.value));
    }
  };

  /** Starts tasks while there is room; returns once none can start (waiting for a fill already under way first). */
  const fill = async (): Promise<void> => {
    for (;;) {
      if (fillError !== null) throw fillError.error;
      filling ??= fillOnce().then(
        () => {
          filling = null;
        },
        (error: unknown) => {
          filling = null;
          fillError ??= { error };
        },
      );
      await filling;
      const failed = fillError as { error: unknown } | null;
      if (failed !== null) throw failed.error;
      if (!canStart()) return;
    }
  };

  function onSettled(): void {
    running--;
    // Room for the next task now, whatever the consumer is doing (a failure waits for the consumer's next fill).
    if (canStart()) fill().catch(() => {});
  }

  function start(task: ConcurrentTask<T>): Promise<Settled<T>> {
    let p: Promise<T>;
    try {
      p = task(ctrl.signal);
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
    running++;
    return p.then(
      (value): Settled<T> => {
        onSettled();
        return { ok: true, value };
      },
      (error: unknown): Settled<T> => {
        onSettled();
        return { ok: false, error };
      },
    );
  }

  try {
    for (;;) {
      // After a fill, nothing in flight means nothing left (a fill starts a task whenever one may start).
      await fill();
      const next = inFlight.shift();
      if (next === undefined) break;
      const result = await next;
      if (!result.ok) throw result.error;
      if (ctrl.signal.aborted) throw abortedError(ctrl.signal.reason);
      // start the next task before handing the result over, so the pipe stays full
      await fill();
      yield result.value;
    }
    finished = true;
  } finally {
    finished = true;
    outer?.removeEventListener('abort', onAbort);
    if (inFlight.length > 0 || !exhausted) {
      ctrl.abort(abortedError());
      await filling;
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
