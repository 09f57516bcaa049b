/**
 * Fault injection for the vendor sandboxes, one system for both: the next `count` matching requests
 * get the fault. Each sandbox plays the types it lists (and decides the bodies):
 *
 *   500 | 502 | 503 | 504      error status
 *   429                        rate limited, with `Retry-After: retryAfter` when given
 *   reset                      the socket is destroyed without a response
 *   truncated                  the full Content-Length is announced, half the body is sent, the connection dropped
 *   slow                       the normal response, after `delayMs`
 *   html404                    an HTML 404 page (as a wrong base URL or an unknown route would give)
 *   repeat-page                a page after the first serves the first page again (an endpoint ignoring paging)
 *   post-timeout-after-create  a POST does its work, then never answers (or drops the socket after `delayMs`)
 *   reset-after-create         a POST does its work, then the connection is dropped without a response
 *   500-after-create           a POST does its work, then answers 500 as if it had failed
 */
import type { Socket } from 'node:net';
import { z } from 'zod';
import { delay } from './http.js';
import type { RequestLogEntry } from './request-log.js';

export const FAULT_TYPES = [
  '500', '502', '503', '504', '429', 'reset', 'slow', 'truncated', 'html404', 'repeat-page', 'post-timeout-after-create',
  'reset-after-create', '500-after-create',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

/** A fault as asked for (control interface input). */
export interface FaultSpec<T extends FaultType = FaultType> {
  type: T;
  /** how many matching requests get the fault; -1 = until cleared. Default 1. */
  count?: number;
  /** seconds, for 429 (and 502/503 where the sandbox sends it) */
  retryAfter?: number;
  /** milliseconds, for `slow` and `post-timeout-after-create` */
  delayMs?: number;
  /** only requests whose path starts with this (how a prefix matches is the sandbox's choice) */
  pathPrefix?: string;
  /** only requests with this HTTP method */
  method?: string;
  /** only requests asking for at least this page size (e.g. 504 on large pages) */
  minPageSize?: number;
}

/** A fault as stored. */
export interface Fault<T extends FaultType = FaultType> extends FaultSpec<T> {
  id: number;
  count: number;
  /** uses left; -1 = until cleared */
  remaining: number;
  /** requests it was served to */
  hits: number;
}

export interface FaultRequest {
  method: string;
  path: string;
  pageSize?: number | null;
}

export interface FaultQueue<T extends FaultType = FaultType> {
  /** Validates and queues a fault; throws a ZodError on a bad spec. */
  add(spec: FaultSpec<T>): Fault<T>;
  clear(): void;
  /** The live faults, in the order they match. */
  list(): Fault<T>[];
  /** Takes (and uses up one use of) the first live fault of one of `types` (default: any) matching the request. */
  take(req: FaultRequest, types?: readonly T[]): Fault<T> | null;
  /** how many faults were served since the queue was created */
  readonly served: number;
}

export function faultSpecSchema<T extends FaultType>(types: readonly [T, ...T[]]) {
  return z.object({
    type: z.enum(types),
    count: z.number().int().min(-1).default(1),
    retryAfter: z.number().min(0).optional(),
    delayMs: z.number().int().min(0).optional(),
    pathPrefix: z.string().optional(),
    method: z.string().optional(),
    minPageSize: z.number().int().min(1).optional(),
  });
}

/** `pathPrefix` as a plain prefix of the path; a fault without one matches every path. */
export const startsWithPrefix = (path: string, prefix: string | undefined): boolean => prefix === undefined || path.startsWith(prefix);

export interface FaultQueueOptions<T extends FaultType> {
  /** The types this sandbox plays. */
  types: readonly [T, ...T[]];
  /** How a fault's `pathPrefix` (maybe none) selects a request path (default: `startsWithPrefix`). */
  matchPath?: (path: string, prefix: string | undefined) => boolean;
}

export function createFaultQueue<T extends FaultType>(opts: FaultQueueOptions<T>): FaultQueue<T> {
  const schema = faultSpecSchema(opts.types);
  const matchPath = opts.matchPath ?? startsWithPrefix;
  let queue: Fault<T>[] = [];
  let nextId = 1;
  let served = 0;
  const live = (f: Fault<T>): boolean => f.remaining !== 0;
  const matches = (f: Fault<T>, req: FaultRequest, types: readonly T[] | undefined): boolean =>
    live(f) &&
    (types === undefined || types.includes(f.type)) &&
    matchPath(req.path, f.pathPrefix) &&
    (f.method === undefined || f.method.toUpperCase() === req.method.toUpperCase()) &&
    (f.minPageSize === undefined || (req.pageSize ?? 0) >= f.minPageSize);
  return {
    add(spec) {
      const parsed = schema.parse(spec);
      const fault = { ...parsed, type: parsed.type as T, id: nextId++, remaining: parsed.count, hits: 0 };
      if (live(fault)) queue.push(fault);
      return { ...fault };
    },
    clear() {
      queue = [];
    },
    list() {
      return queue.filter(live).map((f) => ({ ...f }));
    },
    take(req, types) {
      const f = queue.find((x) => matches(x, req, types));
      if (f === undefined) return null;
      if (f.remaining > 0) f.remaining -= 1;
      f.hits += 1;
      served += 1;
      queue = queue.filter(live);
      return { ...f };
    },
    get served() {
      return served;
    },
  };
}

/**
 * The fault a request gets before it is served, noted in its log entry: a `slow` fault delays it first (by `delayMs`,
 * default 5 s), then the first live fault of `types` (the sandbox answers it) or null.
 */
export async function takeRequestFault<T extends FaultType>(faults: FaultQueue<T>, req: FaultRequest, entry: RequestLogEntry, types: readonly T[]): Promise<Fault<T> | null> {
  const slow = faults.take(req, ['slow' as T]);
  if (slow !== null) {
    entry.fault = 'slow';
    await delay(slow.delayMs ?? 5000);
  }
  const f = faults.take(req, types);
  if (f !== null) entry.fault = f.type;
  return f;
}

/** The `Retry-After` header a fault asks for, if any. */
export function retryAfterHeader(f: Fault): Record<string, string> | undefined {
  return f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : undefined;
}

/**
 * Plays a fault taken after a POST did its work, noted in the request's log entry: `500-after-create` answers 500
 * (`answer500`), `reset-after-create` drops the connection, any other never answers (the client times out), the
 * socket dropped after `delayMs` when given (else at the server's close()).
 */
export function playAfterCreate(fault: Fault, entry: RequestLogEntry, http: { socket: Socket; later(ms: number, fn: () => void): void; answer500(): void }): void {
  entry.fault = fault.type;
  if (fault.type === '500-after-create') http.answer500();
  else if (fault.type === 'reset-after-create') http.socket.destroy();
  else if (fault.delayMs !== undefined) http.later(fault.delayMs, () => http.socket.destroy());
}
