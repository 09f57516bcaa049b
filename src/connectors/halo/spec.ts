/**
 * Halo connector settings (zod). Only plain data lives here; injected collaborators (limiter, onEvent,
 * clock) are separate options of `createHaloConnector`.
 */
import { z } from 'zod';

const emptyToNull = (value: unknown): unknown =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? null : value;

const httpUrl = z
  .string()
  .trim()
  .min(1)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const haloSettingsSchema = z.object({
  /** `https://<host>/api` */
  resourceServerUrl: httpUrl,
  /** `https://<host>/auth` (with or without a trailing `/token`), or Halo's shared auth host. */
  authorizationServerUrl: httpUrl,
  /** Only for a shared auth host: appended as `?tenant=`; empty → none. */
  tenant: z.preprocess(emptyToNull, z.string().trim().min(1).nullable()).default(null),
  clientId: z.string().trim().min(1),
  clientSecret: z.string().min(1),
  /** Space-separated Halo scopes; `all` by default (halo.md §1). */
  scope: z.preprocess(emptyToNull, z.string().trim().min(1).nullable()).default(null).transform((s) => s ?? 'all'),
  /**
   * Halo's own limit: hosted Halo allows 300 requests per rolling 5 minutes; some tenants 450 (halo.md §10).
   * `limit: 0` disables limiting.
   */
  rateLimit: z
    .object({ limit: z.number().int().min(0), windowMs: z.number().int().positive() })
    .default({ limit: 300, windowMs: 300_000 }),
  /**
   * How far under `rateLimit.limit` we run: the limiter allows `max(1, limit − rateLimitHeadroom)` requests
   * per window (295 / 300 s by default). Ignored when a `limiter` is injected.
   */
  rateLimitHeadroom: z.number().int().min(0).default(5),
  timeoutMs: z.number().int().positive().default(30_000),
  /** Wait after a 429 without `Retry-After` (halo.md §10: 5 s proved too short). */
  retryAfterDefaultMs: z.number().int().min(0).default(45_000),
  maxRetries: z.number().int().min(0).optional(),
  /** Base of the HTTP layer's exponential backoff (its default when unset). */
  backoffBaseMs: z.number().int().min(0).optional(),
  pageSize: z
    .object({ tickets: z.number().int().positive().default(100), default: z.number().int().positive().default(1000) })
    .default({ tickets: 100, default: 1000 }),
  /**
   * Pages fetched at once after page 1 has revealed `record_count`. 8: with 20 ms per answer, 4 left a sync waiting on
   * the network half the time (bench:sync (b): ~10 s at 4, ~7–8 s at 8); under Halo's rate limit it changes nothing.
   */
  concurrency: z.number().int().min(1).max(32).default(8),
  /** Ticket type ids an admin declared to be opportunity types (besides `use` = opps…). */
  opportunityTypeIds: z.array(z.union([z.string(), z.number()]).transform((v) => String(v).trim())).default([]),
  /** Ticket type names an admin declared to be opportunity types (compared case-insensitively). */
  opportunityTypeNames: z.array(z.string().transform((v) => v.trim())).default([]),
  /**
   * Values of a ticket type's `use` that make it an opportunity type (halo.md §8: probably `opps`, uncertain — keep
   * configurable). Compared case-insensitively.
   */
  opportunityUses: z.array(z.string().transform((v) => v.trim())).default(['opps', 'opp', 'opportunity', 'opportunities']),
  /** Renew the token this long before `expires_in` runs out (60–120 s; capped at half the lifetime). */
  tokenRenewBeforeMs: z.number().int().min(0).default(90_000),
});

export type HaloSettingsInput = z.input<typeof haloSettingsSchema>;
export type HaloSettings = z.output<typeof haloSettingsSchema>;
