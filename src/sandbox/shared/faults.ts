/**
 * Fault injection for the vendor sandboxes: the next `count` matching requests get the fault.
 *
 *   500 | 502 | 503 | 504  error status (the sandbox decides the body)
 *   429                    rate limited, with `Retry-After: retryAfter` when given
 *   reset                  the socket is destroyed without a response
 *   truncated              the full Content-Length is announced, half the body is sent, the connection dropped
 *   slow                   the normal response, after `delayMs` (default 3000)
 *   html404                an HTML 404 page (as a wrong base URL or an unknown route would give)
 */
import { z } from 'zod';

export const FAULT_TYPES = ['500', '502', '503', '504', '429', 'reset', 'slow', 'truncated', 'html404'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export const faultSpecSchema = z.object({
  type: z.enum(FAULT_TYPES),
  /** how many matching requests get the fault; -1 = until cleared. Default 1. */
  count: z.number().int().min(-1).default(1),
  /** seconds, for 429 */
  retryAfter: z.number().min(0).optional(),
  /** milliseconds, for `slow` (default 3000) */
  delayMs: z.number().int().min(0).optional(),
  /** only requests whose path (without query) starts with this */
  pathPrefix: z.string().optional(),
  /** only requests with this HTTP method */
  method: z.string().optional(),
  /** only requests asking for at least this page size (e.g. 504 on large pages) */
  minPageSize: z.number().int().min(1).optional(),
});

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type Fault = z.output<typeof faultSpecSchema>;

export interface FaultMatchInput {
  method: string;
  path: string;
  pageSize?: number | null;
}

export interface FaultQueue {
  add(spec: FaultSpec): Fault;
  clear(): void;
  list(): Fault[];
  /** Takes (and consumes one use of) the first fault matching the request, or null. */
  take(req: FaultMatchInput): Fault | null;
  /** how many faults were served since creation / last reset */
  readonly served: number;
}

export function createFaultQueue(): FaultQueue {
  let queue: Array<Fault & { remaining: number }> = [];
  let served = 0;
  return {
    add(spec) {
      const fault = faultSpecSchema.parse(spec);
      queue.push({ ...fault, remaining: fault.count });
      return fault;
    },
    clear() {
      queue = [];
    },
    list() {
      return queue.map(({ remaining, ...f }) => ({ ...f, count: remaining }));
    },
    take(req) {
      const idx = queue.findIndex((f) =>
        (f.pathPrefix === undefined || req.path.startsWith(f.pathPrefix)) &&
        (f.method === undefined || f.method.toUpperCase() === req.method.toUpperCase()) &&
        (f.minPageSize === undefined || (req.pageSize ?? 0) >= f.minPageSize));
      if (idx < 0) return null;
      const f = queue[idx];
      if (f.remaining > 0) {
        f.remaining -= 1;
        if (f.remaining === 0) queue.splice(idx, 1);
      }
      served += 1;
      const { remaining: _r, ...fault } = f;
      return fault;
    },
    get served() {
      return served;
    },
  };
}
