/**
 * Rolling-window rate limiter: never more than `limit` acquisitions in any window of `windowMs`
 * (a window being any half-open interval [t, t + windowMs) of the limiter's clock).
 *
 * The last `limit` grant times sit in a ring buffer; a new grant is allowed when fewer than `limit`
 * grants happened, or when the oldest of the last `limit` is at least `windowMs` old. Waiters are
 * served first-in first-out with one timer. `acquire(signal)` is abortable.
 */
import { abortedError } from './errors.js';

export interface RateLimiter {
  acquire(signal?: AbortSignal): Promise<void>;
  /**
   * Like acquire, but the slot counts as in flight until the returned release() is called (when the
   * response arrived), and its window starts then. The server saw the request somewhere between send
   * and response, so counting from the response keeps the server's own rolling count within the limit
   * even when requests overlap or arrive late.
   */
  acquireSlot?(signal?: AbortSignal): Promise<() => void>;
  readonly limit: number;
  readonly windowMs: number;
  /** Callers waiting right now. */
  readonly pending: number;
}

export interface RateLimiterOptions {
  /** 0 = unlimited. */
  limit: number;
  windowMs: number;
  /** Clock in ms (monotonic by default). */
  now?: () => number;
  /** Timer functions (injectable for tests). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

interface Waiter {
  resolve: (slot: number) => void;
  inFlight: boolean;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const limit = Math.max(0, Math.floor(opts.limit));
  const windowMs = Math.max(0, opts.windowMs);
  const now = opts.now ?? (() => performance.now());
  const setTimer =
    opts.setTimer ??
    // Not unref'd: a CLI sync waiting for its window must keep the process alive.
    ((fn: () => void, ms: number): unknown => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));

  // Grant times of the last `limit` requests; +Infinity while a slot's request is still in flight.
  const ring = new Float64Array(Math.max(1, limit));
  let filled = 0;
  // FIFO queue as an array with a moving head (compacted occasionally).
  let queue: Waiter[] = [];
  let qHead = 0;
  let timer: unknown = null;

  function oldestIndex(): number {
    let idx = 0;
    let min = ring[0] as number;
    for (let i = 1; i < limit; i++) {
      const v = ring[i] as number;
      if (v < min) {
        min = v;
        idx = i;
      }
    }
    return idx;
  }

  /** ms until a grant is allowed at time t (0 = now); Infinity while every slot is in flight (a release wakes the queue). */
  function waitFor(t: number): number {
    if (filled < limit) return 0;
    const oldest = ring[oldestIndex()] as number;
    if (oldest === Infinity) return Infinity;
    const wait = oldest + windowMs - t;
    return wait > 0 ? wait : 0;
  }

  function grant(t: number): number {
    const idx = filled < limit ? filled++ : oldestIndex();
    ring[idx] = t;
    return idx;
  }

  function releaser(idx: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      ring[idx] = now();
      if (timer !== null) clearTimer(timer);
      timer = null;
      drain();
    };
  }

  function queueLength(): number {
    return queue.length - qHead;
  }

  function shift(): Waiter | undefined {
    while (qHead < queue.length) {
      const w = queue[qHead++];
      if (qHead > 1024 && qHead * 2 > queue.length) {
        queue = queue.slice(qHead);
        qHead = 0;
      }
      if (w !== undefined && !w.done) return w;
    }
    return undefined;
  }

  function peek(): Waiter | undefined {
    while (qHead < queue.length) {
      const w = queue[qHead];
      if (w !== undefined && !w.done) return w;
      qHead++;
    }
    return undefined;
  }

  function drain(): void {
    timer = null;
    for (;;) {
      const head = peek();
      if (head === undefined) return;
      const t = now();
      const wait = waitFor(t);
      if (wait === Infinity) return; // every slot in flight: the next release drains
      if (wait > 0) {
        // Re-checked against the clock when the timer fires (timers may fire a little early).
        timer = setTimer(drain, Math.ceil(wait));
        return;
      }
      shift();
      const idx = grant(t);
      if (head.inFlight) ring[idx] = Infinity;
      finish(head);
      head.resolve(idx);
    }
  }

  function finish(w: Waiter): void {
    w.done = true;
    if (w.signal !== undefined && w.onAbort !== undefined) w.signal.removeEventListener('abort', w.onAbort);
  }

  function acquire(signal?: AbortSignal): Promise<void> {
    return take(signal, false).then(() => undefined);
  }

  async function acquireSlot(signal?: AbortSignal): Promise<() => void> {
    const slot = await take(signal, true);
    return slot < 0 ? () => {} : releaser(slot);
  }

  function take(signal: AbortSignal | undefined, inFlight: boolean): Promise<number> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal.reason));
    if (limit === 0) return Promise.resolve(-1);
    if (queueLength() === 0 || peek() === undefined) {
      const t = now();
      if (waitFor(t) === 0) {
        const idx = grant(t);
        if (inFlight) ring[idx] = Infinity;
        return Promise.resolve(idx);
      }
    }
    return new Promise<number>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined, done: false, inFlight };
      if (signal !== undefined) {
        w.onAbort = () => {
          if (w.done) return;
          const wasHead = peek() === w;
          finish(w);
          reject(abortedError(signal.reason));
          if (wasHead) {
            // the next waiter may be allowed at a different time: reschedule
            if (timer !== null) clearTimer(timer);
            timer = null;
            drain();
          }
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      queue.push(w);
      if (timer === null) drain();
    });
  }

  return {
    acquire,
    acquireSlot,
    limit,
    windowMs,
    get pending() {
      let n = 0;
      for (let i = qHead; i < queue.length; i++) if (queue[i]?.done === false) n++;
      return n;
    },
  };
}
