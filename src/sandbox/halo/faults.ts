/**
 * Fault switches and the rolling-window rate limiter (halo.md §10, §12).
 */
import type { Fault, FaultSpec, FaultType } from './types.js';

export const FAULT_TYPES: readonly FaultType[] = ['500', '502', '503', '429', 'reset', 'slow', 'repeat-page', 'post-timeout-after-create'];

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;
  injected = 0;

  add(spec: FaultSpec): Fault {
    if (!FAULT_TYPES.includes(spec.type)) throw new Error(`unknown fault type ${String(spec.type)}`);
    const count = spec.count ?? 1;
    const f: Fault = {
      id: this.nextId++,
      type: spec.type,
      remaining: count < 0 ? Infinity : Math.floor(count),
      pathPrefix: spec.pathPrefix,
      retryAfter: spec.retryAfter,
      delayMs: spec.delayMs,
      hits: 0,
    };
    this.faults.push(f);
    return f;
  }

  list(): Fault[] {
    return this.faults.filter((f) => f.remaining > 0).map((f) => ({ ...f, remaining: f.remaining === Infinity ? -1 : f.remaining }));
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The first live fault of one of `types` matching the path. `path` is the lower-cased pathname.
   * Without a pathPrefix a fault applies to /api requests only. Consumes one use when `consume`.
   */
  take(path: string, types: readonly FaultType[], consume = true): Fault | null {
    for (const f of this.faults) {
      if (f.remaining <= 0 || !types.includes(f.type)) continue;
      if (!matchesPrefix(path, f.pathPrefix)) continue;
      if (consume) {
        f.remaining -= 1;
        f.hits += 1;
        this.injected += 1;
      }
      return f;
    }
    return null;
  }
}

function matchesPrefix(path: string, prefix: string | undefined): boolean {
  if (!prefix) return path === '/api' || path.startsWith('/api/');
  let p = prefix.toLowerCase().split('?')[0];
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (path.startsWith(p)) return true;
  // api-relative prefix: "/Tickets" matches "/api/tickets/…"
  return path.startsWith(`/api${p}`);
}

/** Rolling window: at most `limit` accepted requests in any `windowMs`. Rejected requests don't count. */
export class RollingWindow {
  private stamps: number[] = [];
  private head = 0;
  maxInWindow = 0;
  rejected = 0;

  constructor(public limit: number, public windowMs: number) {}

  hit(now: number): boolean {
    const cutoff = now - this.windowMs;
    while (this.head < this.stamps.length && this.stamps[this.head] <= cutoff) this.head++;
    if (this.head > 4096 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
    const inWindow = this.stamps.length - this.head;
    if (this.limit > 0 && inWindow >= this.limit) {
      this.rejected++;
      return false;
    }
    this.stamps.push(now);
    if (inWindow + 1 > this.maxInWindow) this.maxInWindow = inWindow + 1;
    return true;
  }

  clear(): void {
    this.stamps = [];
    this.head = 0;
    this.maxInWindow = 0;
    this.rejected = 0;
  }
}

export function rateLimitMessage(limit: number, windowMs: number): string {
  const minutes = windowMs / 60_000;
  const win = Number.isInteger(minutes) ? `${minutes} minute` : `${Math.round(windowMs / 1000)} second`;
  return `Rate Limit Reached - ${limit} Requests per rolling ${win} window`;
}
