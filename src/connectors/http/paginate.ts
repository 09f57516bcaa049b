/**
 * Bounded concurrency helpers for paginators that fetch several pages at once.
 *
 * `orderedConcurrent` runs at most `concurrency` tasks at a time and yields results in task order.
 * Tasks are pulled lazily from the iterable, so a paginator can stop generating page numbers; when the
 * consumer stops early (break / return / throw) or a task fails, in-flight tasks get an aborted signal.
 */
import { abortedError } from './errors.js';

export type ConcurrentTask<T> = (signal: AbortSignal) => Promise<T>;

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function* orderedConcurrent<T>(
  tasks: Iterable<ConcurrentTask<T>> | AsyncIterable<ConcurrentTask<T>>,
  concurrency: number,
  opts: { signal?: AbortSignal } = {},
): AsyncGenerator<T, void, undefined> {
  const limit = Math.max(1, Math.floor(concurrency));
  const ctrl = new AbortController();
  const outer = opts.signal;
  const onAbort = (): void => ctrl.abort(outer?.reason);
  if (outer?.aborted === true) throw abortedError(outer.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  const iterator: Iterator<ConcurrentTask<T>> | AsyncIterator<ConcurrentTask<T>> =
    Symbol.asyncIterator in tasks
      ? (tasks as AsyncIterable<ConcurrentTask<T>>)[Symbol.asyncIterator]()
      : (tasks as Iterable<ConcurrentTask<T>>)[Symbol.iterator]();
  const inFlight: Promise<Settled<T>>[] = [];
  let exhausted = false;

  const start = (task: ConcurrentTask<T>): Promise<Settled<T>> => {
    let p: Promise<T>;
    try {
      p = task(ctrl.signal);
    } catch (error) {
      return Promise.resolve({ ok: false, error });
    }
    return p.then(
      (value): Settled<T> => ({ ok: true, value }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
  };

  const fill = async (): Promise<void> => {
    while (!exhausted && inFlight.length < limit && !ctrl.signal.aborted) {
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
  opts: { signal?: AbortSignal } = {},
): Promise<R[]> {
  const out: R[] = [];
  const tasks = items.map((item, i) => (signal: AbortSignal) => fn(item, i, signal));
  for await (const r of orderedConcurrent(tasks, concurrency, opts)) out.push(r);
  return out;
}
