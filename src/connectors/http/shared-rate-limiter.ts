/**
 * A rate limiter whose rolling window lives outside this process (PostgreSQL: `rate_limit_slots`, see
 * src/store/repos/rate-slots.ts), so every process using one vendor account stays under that account's limit
 * together. Same interface and priorities as `createRateLimiter`: `interactive` callers may use every slot and
 * are asked for first; `background` ones leave `reserve` slots free; `maxWaitMs` fails at once with
 * `rate_limited` when the window will not free a slot in time.
 *
 * Waiters of this process take turns (interactive first, then FIFO): one asks the store at a time; when the
 * window is full it sleeps until the slot it needs leaves the window (exact), or polls while that slot's request
 * is still in flight somewhere. A new waiter wakes the sleeper, so an interactive caller never sleeps behind a
 * background one.
 */
import { abortedError } from './errors.js';
import { rateLimitBudgetError, type AcquireOptions, type Priority, type RateLimiter } from './rate-limiter.js';

/** `ids`: one granted slot per id (at least one, at most the count asked for). */
export type SharedSlotTake = { granted: true; ids: string[] } | { granted: false; waitMs: number; exact: boolean };

/** What the limiter needs from the shared store (implemented by the rate-slots repository). */
export interface SharedSlotStore {
  take(input: { account: string; capacity: number; windowMs: number; inFlight: boolean; inFlightMaxMs: number; priority: string; count?: number }): Promise<SharedSlotTake>;
  release(id: string): Promise<void>;
}

export interface SharedRateLimiterOptions {
  store: SharedSlotStore;
  /** The vendor account's key (no credential in it). */
  account: string;
  /** 0 = unlimited. */
  limit: number;
  windowMs: number;
  /** Slots `background` acquisitions leave free for `interactive` ones (default 0). */
  reserve?: number;
  /** Re-ask this often while the slot needed is in flight in some process (default 100 ms). */
  pollMs?: number;
  /** An unreleased slot counts as answered this long after its grant, so a process that died frees its slots (default 120 s). */
  inFlightMaxMs?: number;
  /** Failed releases (the slot then frees after inFlightMaxMs) and store errors. */
  onError?: (err: unknown) => void;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Slots one transaction grants at most. */
const MAX_BATCH = 16;

interface Waiter {
  priority: Priority;
  inFlight: boolean;
  deadline: number;
  resolve: (id: string) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

export function createSharedRateLimiter(opts: SharedRateLimiterOptions): RateLimiter {
  const limit = Math.max(0, Math.floor(opts.limit));
  const windowMs = Math.max(0, opts.windowMs);
  const reserve = Math.min(Math.max(0, Math.floor(opts.reserve ?? 0)), Math.max(0, limit - 1));
  const pollMs = opts.pollMs ?? 100;
  const inFlightMaxMs = opts.inFlightMaxMs ?? 120_000;
  const now = opts.now ?? Date.now;
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number): unknown => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const waiters: Waiter[] = [];
  let pumping = false;
  let wake: (() => void) | null = null;
  /** A waiter arrived or left while the pump was busy: look again before sleeping. */
  let nudged = false;

  const capacity = (p: Priority): number => (p === 'interactive' ? limit : limit - reserve);

  function next(): Waiter | undefined {
    for (let i = waiters.length - 1; i >= 0; i--) if (waiters[i]!.done) waiters.splice(i, 1);
    return waiters.find((w) => w.priority === 'interactive') ?? waiters[0];
  }

  function finish(w: Waiter): void {
    w.done = true;
    if (w.signal !== undefined && w.onAbort !== undefined) w.signal.removeEventListener('abort', w.onAbort);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const h = setTimer(() => {
        wake = null;
        resolve();
      }, Math.max(1, Math.ceil(ms)));
      wake = () => {
        clearTimer(h);
        wake = null;
        resolve();
      };
    });
  }

  function releaseQuietly(id: string): void {
    opts.store.release(id).catch((e: unknown) => opts.onError?.(e));
  }

  async function pump(): Promise<void> {
    if (pumping) {
      nudged = true;
      wake?.();
      return;
    }
    pumping = true;
    try {
      for (;;) {
        nudged = false;
        const w = next();
        if (w === undefined) return;
        if (now() >= w.deadline) {
          finish(w);
          w.reject(rateLimitBudgetError(0));
          continue;
        }
        // ask for the head and the waiters of its kind behind it at once: one transaction grants them all
        const batch = waiters.filter((x) => !x.done && x.priority === w.priority && x.inFlight === w.inFlight && x.deadline > now()).slice(0, MAX_BATCH);
        let r: SharedSlotTake;
        try {
          r = await opts.store.take({ account: opts.account, capacity: capacity(w.priority), windowMs, inFlight: w.inFlight, inFlightMaxMs, priority: w.priority, count: Math.max(1, batch.length) });
        } catch (e) {
          opts.onError?.(e);
          finish(w);
          w.reject(e);
          continue;
        }
        if (r.granted) {
          const ids = [...r.ids];
          for (const x of batch.length > 0 ? batch : [w]) {
            if (ids.length === 0) break;
            if (x.done) continue; // aborted meanwhile: its slot goes to the next one, or back below
            finish(x);
            x.resolve(ids.shift()!);
          }
          for (const id of ids) releaseQuietly(id); // nobody left to use it: give it back at once
          continue;
        }
        if (w.done) continue;
        const t = now();
        // a slot still in flight frees a whole window after its answer at the earliest
        if (t + (r.exact ? r.waitMs : Math.min(r.waitMs, windowMs)) > w.deadline) {
          finish(w);
          w.reject(rateLimitBudgetError(r.waitMs));
          continue;
        }
        if (nudged) continue; // someone new (maybe a person) came while we asked: serve them first
        await sleep(Math.min(r.exact ? r.waitMs : Math.min(r.waitMs, pollMs), w.deadline - t));
      }
    } finally {
      pumping = false;
    }
  }

  function take(signal: AbortSignal | undefined, inFlight: boolean, o: AcquireOptions = {}): Promise<string | null> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal.reason));
    if (limit === 0) return Promise.resolve(null);
    return new Promise<string>((resolve, reject) => {
      const w: Waiter = {
        priority: o.priority ?? 'background', inFlight, deadline: now() + (o.maxWaitMs ?? Infinity), resolve, reject, signal, onAbort: undefined, done: false,
      };
      if (signal !== undefined) {
        w.onAbort = () => {
          if (w.done) return;
          finish(w);
          reject(abortedError(signal.reason));
          nudged = true;
          wake?.();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      waiters.push(w);
      void pump();
    });
  }

  return {
    async acquire(signal, o) {
      await take(signal, false, o);
    },
    async acquireSlot(signal, o) {
      const id = await take(signal, true, o);
      if (id === null) return () => {};
      let released = false;
      return () => {
        if (released) return;
        released = true;
        releaseQuietly(id);
      };
    },
    limit,
    windowMs,
    get pending() {
      return waiters.filter((w) => !w.done).length;
    },
  };
}
