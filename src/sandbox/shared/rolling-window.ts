/** Rolling-window rate limit for the vendor sandboxes: at most `limit` accepted hits in any `windowMs`. */

export interface RollingWindow {
  /** Records a hit and returns true when under the limit; returns false (not recorded) past it. limit 0 = unlimited. */
  tryHit(now?: number): boolean;
  /** ms until the oldest hit leaves the window (0 when a hit would be accepted now) */
  msUntilFree(now?: number): number;
  /** Forgets the hits and the statistics. */
  reset(): void;
  /** New limit and window; the hits so far still count unless `fresh` (a new window starts empty). */
  configure(limit: number, windowMs: number, opts?: { fresh?: boolean }): void;
  readonly limit: number;
  readonly windowMs: number;
  /** The most hits ever inside one window (limited windows only). */
  readonly maxInWindow: number;
  /** Hits refused since the last reset. */
  readonly rejected: number;
}

export function createRollingWindow(limit: number, windowMs: number): RollingWindow {
  let hits: number[] = [];
  let head = 0;
  let maxInWindow = 0;
  let rejected = 0;
  const prune = (now: number): void => {
    while (head < hits.length && hits[head] <= now - windowMs) head++;
    if (head > 1024 && head * 2 > hits.length) {
      hits = hits.slice(head);
      head = 0;
    }
  };
  const clearHits = (): void => {
    hits = [];
    head = 0;
  };
  return {
    tryHit(now = Date.now()) {
      if (limit <= 0) return true;
      prune(now);
      const inWindow = hits.length - head;
      if (inWindow >= limit) {
        rejected++;
        return false;
      }
      hits.push(now);
      maxInWindow = Math.max(maxInWindow, inWindow + 1);
      return true;
    },
    msUntilFree(now = Date.now()) {
      if (limit <= 0) return 0;
      prune(now);
      if (hits.length - head < limit) return 0;
      return Math.max(0, hits[head] + windowMs - now);
    },
    reset() {
      clearHits();
      maxInWindow = 0;
      rejected = 0;
    },
    configure(l, w, opts = {}) {
      limit = l;
      windowMs = w;
      if (opts.fresh === true) clearHits();
    },
    get limit() {
      return limit;
    },
    get windowMs() {
      return windowMs;
    },
    get maxInWindow() {
      return maxInWindow;
    },
    get rejected() {
      return rejected;
    },
  };
}
