/**
 * How the Halo sandbox uses the shared fault queue and rolling window (halo.md §10, §12): the fault
 * types it plays, how a `pathPrefix` selects requests, and Halo's 429 message.
 */
import type { FaultType } from '../shared/faults.js';

export const HALO_FAULT_TYPES = [
  '500', '502', '503', '429', 'reset', 'slow', 'repeat-page', 'post-timeout-after-create', 'reset-after-create', '500-after-create',
] as const satisfies readonly FaultType[];

/** Faults a POST /Tickets plays after the ticket was created (halo.md §12): the caller cannot tell whether it was. */
export const AFTER_CREATE_FAULTS = ['post-timeout-after-create', 'reset-after-create', '500-after-create'] as const satisfies readonly HaloFaultType[];
export type HaloFaultType = (typeof HALO_FAULT_TYPES)[number];

/**
 * `path` is the lower-cased pathname. A prefix matches case-insensitively, with or without `/api`
 * ("/Tickets" matches "/api/tickets/…"); without a prefix a fault applies to /api requests only.
 */
export function matchHaloPath(path: string, prefix: string | undefined): boolean {
  if (prefix === undefined || prefix === '') return path === '/api' || path.startsWith('/api/');
  let p = prefix.toLowerCase().split('?')[0];
  if (!p.startsWith('/')) p = `/${p}`;
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return path.startsWith(p) || path.startsWith(`/api${p}`);
}

export function rateLimitMessage(limit: number, windowMs: number): string {
  const minutes = windowMs / 60_000;
  const win = Number.isInteger(minutes) ? `${minutes} minute` : `${Math.round(windowMs / 1000)} second`;
  return `Rate Limit Reached - ${limit} Requests per rolling ${win} window`;
}
