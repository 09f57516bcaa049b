/**
 * Syncro connector settings (zod): plain data, one value per item syncro.md marks "uncertain — keep configurable".
 * Injected collaborators (limiter, onEvent, clock, sleep) are separate options of `createSyncroConnector`.
 */
import { z } from 'zod';

/** A Syncro subdomain: a lowercase DNS label (no dots, no scheme), syncro.md §1. */
export const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The API base of a Syncro account. */
export function syncroBaseUrl(subdomain: string): string {
  return `https://${subdomain}.syncromsp.com/api/v1`;
}

export const syncroSettingsSchema = z.object({
  /** `https://{subdomain}.syncromsp.com/api/v1`, or a sandbox's. */
  baseUrl: z.string().trim().url().transform((v) => v.replace(/\/+$/, '')),
  apiToken: z.string().min(1),
  /**
   * `per_page` (syncro.md §2: the reference says 25 per page; a parameter with a cap near 100 is only reported by third
   * parties). null = send nothing and read `meta.per_page`.
   */
  perPage: z.number().int().min(1).max(100).nullable().default(null),
  /** The ticket update filter's name (syncro.md §4: `since_updated_at`; one client sends `since`). */
  sinceParam: z.string().regex(/^[a-z_]+$/).default('since_updated_at'),
  /** Send the ticket update filter as a date only (`2019-02-25`, the official example) instead of a UTC timestamp. */
  sinceDateOnly: z.boolean().default(false),
  /**
   * Re-read this much before the watermark (syncro.md §4: a timestamp may be cut to the day, in the account's zone):
   * a whole day, so nothing falls between; upserts make re-reading harmless.
   */
  sinceOverlapMs: z.number().int().min(0).default(86_400_000),
  /** Statuses that mean closed (compared case-insensitively); a set `resolved_at` also closes a ticket. */
  closedStatuses: z.array(z.string()).default(['Resolved']),
  /** Issue types (`problem_type`) an admin marked as opportunity types (compared case-insensitively). */
  opportunityIssueTypes: z.array(z.string()).default(['Opportunity']),
  /** Where the issue types are listed; null = `/tickets/settings`, then `/ticket_problem_types` (syncro.md §5). */
  issueTypesPath: z.string().regex(/^\/[a-z_/]+$/).nullable().default(null),
  /** Send the first comment as `comment_body` instead of `comments_attributes` (syncro.md §5). */
  commentBody: z.boolean().default(false),
  /** Syncro's limit is 180 per minute per IP (syncro.md §6); we keep near 150. `limit: 0` = unlimited. */
  rateLimit: z.object({ limit: z.number().int().min(0), windowMs: z.number().int().positive() }).default({ limit: 150, windowMs: 60_000 }),
  timeoutMs: z.number().int().positive().default(30_000),
  /** A 429 without `Retry-After` waits this long (syncro.md §6: 60 s). */
  retryAfterDefaultMs: z.number().int().min(0).default(60_000),
  maxRetries: z.number().int().min(0).optional(),
  backoffBaseMs: z.number().int().min(0).optional(),
});

export type SyncroSettingsInput = z.input<typeof syncroSettingsSchema>;
export type SyncroSettings = z.output<typeof syncroSettingsSchema>;
