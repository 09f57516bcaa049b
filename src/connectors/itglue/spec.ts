/** IT Glue connector settings and defaults. */
import type { HttpEvent, SleepFn } from '../http/client.js';
import type { RateLimiter } from '../http/rate-limiter.js';

export const ITGLUE_REGIONS = {
  us: 'https://api.itglue.com',
  eu: 'https://api.eu.itglue.com',
  au: 'https://api.au.itglue.com',
} as const;

export type ItGlueRegion = keyof typeof ITGLUE_REGIONS;

/** The region a base URL belongs to, or null (sandbox, proxy). */
export function regionOf(baseUrl: string): ItGlueRegion | null {
  const b = baseUrl.replace(/\/+$/, '').toLowerCase();
  for (const [k, v] of Object.entries(ITGLUE_REGIONS)) if (v === b) return k as ItGlueRegion;
  return null;
}

/** IT Glue allows 3000 requests per 5 minutes per account; we stay a little under it. */
export const ITGLUE_DEFAULT_RATE_LIMIT = { limit: 2900, windowMs: 300_000 } as const;

export interface ItGlueConnectorOptions {
  /** One of ITGLUE_REGIONS, or the sandbox URL. */
  baseUrl: string;
  apiKey: string;
  /** Rows per page, at most 1000 (default 1000). Lower it if large pages time out. */
  pageSize?: number;
  /** Used when no `limiter` is given. Default 2900 per 300000 ms. */
  rateLimit?: { limit: number; windowMs: number };
  /** Share one limiter per IT Glue account between sync, test and export. */
  limiter?: RateLimiter;
  timeoutMs?: number;
  /** Wait after a 429 without Retry-After (default 60000). */
  retryAfterDefaultMs?: number;
  backoffBaseMs?: number;
  maxRetries?: number;
  onEvent?: (e: HttpEvent) => void;
  /**
   * Configurations and domains have no updated-at filter: with a watermark they are read with
   * `sort=-updated_at` until rows get older than it (default true). false = always a full pull.
   */
  childStreamsIncremental?: boolean;
  /** Injectable for tests. */
  sleep?: SleepFn;
  fetch?: typeof fetch;
}
