/** In-memory request log and rolling-window counter for the vendor sandboxes. */

export interface RequestLogEntry {
  method: string;
  /** path with the query string exactly as received */
  path: string;
  status: number;
  /** ISO-8601 time the request arrived */
  time: string;
  durationMs: number;
  /** the injected fault, if any */
  fault?: string;
}

export interface RequestStats {
  total: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  faults: number;
}

export interface RequestLog {
  add(entry: RequestLogEntry): void;
  list(): RequestLogEntry[];
  clear(): void;
  stats(): RequestStats;
}

export function createRequestLog(maxEntries = 20_000): RequestLog {
  let entries: RequestLogEntry[] = [];
  let stats: RequestStats = { total: 0, byStatus: {}, rateLimited: 0, faults: 0 };
  return {
    add(entry) {
      entries.push(entry);
      if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries);
      stats.total += 1;
      const k = entry.status === 0 ? 'none' : String(entry.status);
      stats.byStatus[k] = (stats.byStatus[k] ?? 0) + 1;
      if (entry.status === 429) stats.rateLimited += 1;
      if (entry.fault) stats.faults += 1;
    },
    list() {
      return entries.slice();
    },
    clear() {
      entries = [];
      stats = { total: 0, byStatus: {}, rateLimited: 0, faults: 0 };
    },
    stats() {
      return { ...stats, byStatus: { ...stats.byStatus } };
    },
  };
}

/** Rolling window: at most `limit` accepted hits in any `windowMs`. limit 0 = unlimited. */
export interface RollingWindow {
  /** Records a hit and returns true when under the limit; returns false (not recorded) past it. */
  tryHit(now?: number): boolean;
  /** ms until the oldest hit leaves the window (0 when a hit would be accepted now) */
  msUntilFree(now?: number): number;
  reset(): void;
  configure(limit: number, windowMs: number): void;
  readonly limit: number;
  readonly windowMs: number;
}

export function createRollingWindow(limit: number, windowMs: number): RollingWindow {
  let hits: number[] = [];
  let head = 0;
  const prune = (now: number) => {
    while (head < hits.length && hits[head] <= now - windowMs) head++;
    if (head > 1024 && head * 2 > hits.length) {
      hits = hits.slice(head);
      head = 0;
    }
  };
  return {
    tryHit(now = Date.now()) {
      if (limit <= 0) return true;
      prune(now);
      if (hits.length - head >= limit) return false;
      hits.push(now);
      return true;
    },
    msUntilFree(now = Date.now()) {
      if (limit <= 0) return 0;
      prune(now);
      if (hits.length - head < limit) return 0;
      return Math.max(0, hits[head] + windowMs - now);
    },
    reset() {
      hits = [];
      head = 0;
    },
    configure(l, w) {
      limit = l;
      windowMs = w;
    },
    get limit() {
      return limit;
    },
    get windowMs() {
      return windowMs;
    },
  };
}
