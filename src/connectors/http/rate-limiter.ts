/**
 * Rolling-window rate limiter: never more than `limit` acquisitions in any window of `windowMs`
 * (a window being any half-open interval [t, t + windowMs) of the limiter's clock).
 *
 * The grant times still inside the window sit in a queue (oldest first); a new grant is allowed when fewer
 * than the caller's capacity are in the window. Two priorities share the window: `interactive` callers
 * (a person waiting: Test Settings, export) may use every slot and are served before `background` ones
 * (sync pages), which leave `reserve` slots free for them. Waiters of one priority are served first-in
 * first-out with one timer. `acquire(signal, { maxWaitMs })` fails at once with `rate_limited` when no
 * slot frees up within that budget, instead of waiting behind a spent window. Abortable.
 */
import { ConnectorError, abortedError } from './errors.js';

export type Priority = 'interactive' | 'background';

export interface AcquireOptions {
  /** Default `background`. */
  priority?: Priority;
  /** Longest wait for a slot; a longer one fails at once with a ConnectorError `rate_limited`. */
  maxWaitMs?: number;
}

export interface RateLimiter {
  acquire(signal?: AbortSignal, opts?: AcquireOptions): Promise<void>;
  /**
   * Like acquire, but the slot counts as in flight until the returned release() is called (when the
   * response arrived), and its window starts then. The server saw the request somewhere between send
   * and response, so counting from the response keeps the server's own rolling count within the limit
   * even when requests overlap or arrive late.
   */
  acquireSlot?(signal?: AbortSignal, opts?: AcquireOptions): Promise<() => void>;
  readonly limit: number;
  readonly windowMs: number;
  /** Callers waiting right now. */
  readonly pending: number;
}

export interface RateLimiterOptions {
  /** 0 = unlimited. */
  limit: number;
  windowMs: number;
  /** Slots `background` acquisitions leave free for `interactive` ones (default 0). */
  reserve?: number;
  /** Clock in ms (monotonic by default). */
  now?: () => number;
  /** Timer functions (injectable for tests). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** The error a caller with a wait budget gets when the account's window is spent. */
export function rateLimitBudgetError(waitMs: number): ConnectorError {
  const seconds = Number.isFinite(waitMs) ? Math.max(1, Math.ceil(waitMs / 1000)) : null;
  return new ConnectorError({
    kind: 'rate_limited',
    code: 'rate_limited',
    userMessage: `The vendor's request budget for this account is spent right now${seconds === null ? '' : ` (a slot frees in about ${seconds} s)`}; try again shortly.`,
    detail: `no rate-limit slot within the caller's wait budget (next in ${Number.isFinite(waitMs) ? `${Math.ceil(waitMs)} ms` : 'an unknown time: every slot is in flight'})`,
    reason: 'rate_limit_budget',
  });
}

/** One acquisition (acquire or acquireSlot) of the limiter a wrapper wraps. */
export type Acquisition<R> = (signal?: AbortSignal, opts?: AcquireOptions) => Promise<R>;

/**
 * The limiter, with each acquisition (acquire, and acquireSlot when it has one) made through `around`, which
 * gets the limiter's own acquisition and the caller's arguments. Limit, window and pending are the limiter's.
 */
export function wrapAcquisitions(
  limiter: RateLimiter,
  around: <R>(acquire: Acquisition<R>, signal?: AbortSignal, opts?: AcquireOptions) => Promise<R>,
): RateLimiter {
  const slot = limiter.acquireSlot;
  return {
    acquire: (signal, opts) => around((s, o) => limiter.acquire(s, o), signal, opts),
    ...(slot === undefined ? {} : { acquireSlot: (signal?: AbortSignal, opts?: AcquireOptions) => around((s, o) => slot.call(limiter, s, o), signal, opts) }),
    get limit() {
      return limiter.limit;
    },
    get windowMs() {
      return limiter.windowMs;
    },
    get pending() {
      return limiter.pending;
    },
  };
}

/** The same limiter, with these options on every acquisition (what a connector sees for one kind of caller). */
export function withAcquireOptions(limiter: RateLimiter, defaults: AcquireOptions): RateLimiter {
  return wrapAcquisitions(limiter, (acquire, signal, opts) => acquire(signal, { ...defaults, ...opts }));
}

interface Waiter {
  resolve: (inFlight: boolean) => void;
  reject: (err: unknown) => void;
  inFlight: boolean;
  /** Absolute time (limiter clock) after which the waiter fails; Infinity = no budget. */
  deadline: number;
  deadlineTimer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  done: boolean;
}

/** A FIFO of waiters with a moving head (compacted occasionally); finished waiters are skipped. */
class WaitQueue {
  private items: Waiter[] = [];
  private head = 0;
  push(w: Waiter): void {
    this.items.push(w);
  }
  peek(): Waiter | undefined {
    while (this.head < this.items.length) {
      const w = this.items[this.head];
      if (w !== undefined && !w.done) return w;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
    return undefined;
  }
  get size(): number {
    let n = 0;
    for (let i = this.head; i < this.items.length; i++) if (this.items[i]?.done === false) n++;
    return n;
  }
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const limit = Math.max(0, Math.floor(opts.limit));
  const windowMs = Math.max(0, opts.windowMs);
  const reserve = Math.min(Math.max(0, Math.floor(opts.reserve ?? 0)), Math.max(0, limit - 1));
  const now = opts.now ?? (() => performance.now());
  const setTimer =
    opts.setTimer ??
    // Not unref'd: a CLI sync waiting for its window must keep the process alive.
    ((fn: () => void, ms: number): unknown => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));

  // Grant (or answer) times inside the window, oldest first: every new time is the clock's now, so pushing keeps order.
  let times: number[] = [];
  let tHead = 0;
  // Slots whose request is still in flight (they count until released).
  let inFlight = 0;
  const queues: Record<Priority, WaitQueue> = { interactive: new WaitQueue(), background: new WaitQueue() };
  let timer: unknown = null;

  const capacity = (p: Priority): number => (p === 'interactive' ? limit : limit - reserve);

  function prune(t: number): void {
    while (tHead < times.length && (times[tHead] as number) <= t - windowMs) tHead++;
    if (tHead > 1024 && tHead * 2 > times.length) {
      times = times.slice(tHead);
      tHead = 0;
    }
  }

  /** ms until a grant of this capacity is allowed at time t (0 = now); Infinity while the slots it needs are in flight. */
  function waitFor(t: number, cap: number): number {
    prune(t);
    const count = times.length - tHead + inFlight;
    if (count < cap) return 0;
    if (inFlight >= cap) return Infinity;
    // the (count − cap + 1)-th oldest finished slot must leave the window
    const frees = times[tHead + (count - cap)] as number;
    return Math.max(0, frees + windowMs - t);
  }

  /** The shortest a wait can turn out: a slot still in flight frees a whole window after its answer at the earliest. */
  const soonest = (wait: number): number => (wait === Infinity ? windowMs : wait);

  function grant(t: number, slotInFlight: boolean): void {
    if (slotInFlight) inFlight++;
    else times.push(t);
  }

  function releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight--;
      times.push(now());
      reschedule();
    };
  }

  function reschedule(): void {
    if (timer !== null) clearTimer(timer);
    timer = null;
    drain();
  }

  function finish(w: Waiter): void {
    w.done = true;
    if (w.signal !== undefined && w.onAbort !== undefined) w.signal.removeEventListener('abort', w.onAbort);
    if (w.deadlineTimer !== null) clearTimer(w.deadlineTimer);
  }

  function drain(): void {
    timer = null;
    let nextWake = Infinity;
    for (const p of ['interactive', 'background'] as const) {
      for (;;) {
        const head = queues[p].peek();
        if (head === undefined) break;
        const t = now();
        const wait = waitFor(t, capacity(p));
        if (wait === 0) {
          finish(head);
          grant(t, head.inFlight);
          head.resolve(head.inFlight);
          continue;
        }
        if (t + soonest(wait) > head.deadline) {
          // no slot within its budget: fail now rather than hold a person behind the window
          finish(head);
          head.reject(rateLimitBudgetError(wait));
          continue;
        }
        nextWake = Math.min(nextWake, wait);
        break;
      }
      // background waits while an interactive caller does (it could only take the slot the interactive one needs)
      if (queues.interactive.peek() !== undefined) break;
    }
    // Re-checked against the clock when the timer fires (timers may fire a little early); Infinity: a release drains.
    if (nextWake !== Infinity) timer = setTimer(drain, Math.ceil(nextWake));
  }

  function take(signal: AbortSignal | undefined, slotInFlight: boolean, o: AcquireOptions = {}): Promise<boolean> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal.reason));
    if (limit === 0) return Promise.resolve(false);
    const priority = o.priority ?? 'background';
    const t = now();
    const budget = o.maxWaitMs ?? Infinity;
    const ahead = queues.interactive.peek() !== undefined || (priority === 'background' && queues.background.peek() !== undefined);
    if (!ahead) {
      const wait = waitFor(t, capacity(priority));
      if (wait === 0) {
        grant(t, slotInFlight);
        return Promise.resolve(slotInFlight);
      }
      if (soonest(wait) > budget) return Promise.reject(rateLimitBudgetError(wait));
    }
    return new Promise<boolean>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined, done: false, inFlight: slotInFlight, deadline: t + budget, deadlineTimer: null };
      if (signal !== undefined) {
        w.onAbort = () => {
          if (w.done) return;
          finish(w);
          reject(abortedError(signal.reason));
          reschedule(); // the next waiter may be allowed at a different time
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      if (budget !== Infinity) {
        w.deadlineTimer = setTimer(() => {
          w.deadlineTimer = null;
          if (w.done) return;
          finish(w);
          reject(rateLimitBudgetError(waitFor(now(), capacity(priority))));
          reschedule();
        }, budget);
      }
      queues[priority].push(w);
      // an interactive waiter may be allowed sooner than the timer set for others (its capacity is larger): look now;
      // a background one waits behind the timer already set, if any
      if (priority === 'interactive') reschedule();
      else if (timer === null) drain();
    });
  }

  return {
    acquire: (signal, o) => take(signal, false, o).then(() => undefined),
    async acquireSlot(signal, o) {
      const tracked = await take(signal, true, o);
      return tracked ? releaser() : () => {};
    },
    limit,
    windowMs,
    get pending() {
      return queues.interactive.size + queues.background.size;
    },
  };
}
