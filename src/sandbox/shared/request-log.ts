/** In-memory request log of the vendor sandboxes (their API requests, not the control interface). */

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
  /** Forgets the entries and their counts. */
  clear(): void;
  stats(): RequestStats;
}

/** Keeps the last `maxEntries` entries; the counts cover every entry added since the last clear. */
export function createRequestLog(maxEntries = 20_000): RequestLog {
  let entries: RequestLogEntry[] = [];
  let stats: RequestStats = { total: 0, byStatus: {}, rateLimited: 0, faults: 0 };
  return {
    add(entry) {
      entries.push(entry);
      // trimmed in batches, so a long run does not copy the log on every request
      if (entries.length >= 2 * maxEntries) entries = entries.slice(-maxEntries);
      stats.total += 1;
      const k = entry.status === 0 ? 'none' : String(entry.status);
      stats.byStatus[k] = (stats.byStatus[k] ?? 0) + 1;
      if (entry.status === 429) stats.rateLimited += 1;
      if (entry.fault) stats.faults += 1;
    },
    list() {
      return entries.slice(-maxEntries);
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
