/**
 * The one Syncro paginator (syncro.md §2): `page` from 1, `meta: {total_pages, total_entries, per_page, page}`.
 *
 * - Loops while `meta.page < meta.total_pages`.
 * - Fails the read (throws) when `meta.page` differs from the page asked for: the server is not paging as we think,
 *   and nothing read that way can be trusted for a sweep.
 * - Repeat guard: a page whose ids equal the previous page's ends the read as partial.
 * - Final count check: fewer records than `total_entries` → partial, with the reason (no sweep, watermark kept).
 * - Without `meta` (an account that leaves it out): pages are read until an empty or short page (25, or `per_page`).
 * - `per_page` is sent only when configured (the official reference knows no such parameter).
 */
import type { StreamResult } from '../contract.js';
import { abortedError } from '../http/errors.js';
import type { SyncroQuery } from './client.js';
import { unexpected } from './errors.js';
import { syncroId } from './mappers.js';

export interface SyncroMeta {
  totalPages: number | null;
  totalEntries: number | null;
  perPage: number | null;
  page: number | null;
}

export interface SyncroRawPage {
  records: unknown[];
  meta: SyncroMeta;
  page: number;
}

export interface PaginateSyncroOptions {
  get: (query: SyncroQuery, signal: AbortSignal | undefined) => Promise<unknown>;
  /** Envelope key: `customers`, `tickets`. */
  key: string;
  /** For reasons, e.g. "GET /tickets". */
  label: string;
  query?: SyncroQuery;
  /** `per_page` to send; null = none. */
  perPage: number | null;
  signal?: AbortSignal;
  /** Safety stop (pages). */
  maxPages?: number;
}

/** Official page size when `per_page` is not honoured. */
export const DEFAULT_PAGE_SIZE = 25;

function int(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

export function parseMeta(body: unknown): SyncroMeta {
  const meta = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).meta : undefined;
  const m = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
  return { totalPages: int(m.total_pages), totalEntries: int(m.total_entries), perPage: int(m.per_page), page: int(m.page) };
}

function idsOf(records: unknown[]): string {
  return records.map((r) => (typeof r === 'object' && r !== null ? syncroId((r as Record<string, unknown>).id) : null) ?? '?').join(',');
}

export async function* paginateSyncro(opts: PaginateSyncroOptions): AsyncGenerator<SyncroRawPage, StreamResult> {
  const maxPages = opts.maxPages ?? 100_000;
  let fetched = 0;
  let total: number | null = null;
  let previousIds: string | null = null;
  const result = (reason: string | null): StreamResult => {
    if (reason !== null) return { fetched, expected: total, partial: true, reason };
    if (total !== null && fetched < total) {
      return { fetched, expected: total, partial: true, reason: `${opts.label}: Syncro announced ${total} records (total_entries) but ${fetched} arrived.` };
    }
    return { fetched, expected: total, partial: false };
  };

  for (let page = 1; page <= maxPages; page++) {
    if (opts.signal?.aborted === true) throw abortedError(opts.signal.reason);
    const body = await opts.get({ ...opts.query, page, ...(opts.perPage === null ? {} : { per_page: opts.perPage }) }, opts.signal);
    const list = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[opts.key] : undefined;
    if (!Array.isArray(list)) {
      throw unexpected(`Syncro's reply to ${opts.label} (page ${page}) had no "${opts.key}" list.`,
        `${opts.label} page ${page}: body keys ${typeof body === 'object' && body !== null ? Object.keys(body).slice(0, 10).join(',') : typeof body}`);
    }
    const meta = parseMeta(body);
    if (meta.page !== null && meta.page !== page) {
      throw unexpected(`Syncro answered ${opts.label} with page ${meta.page} when page ${page} was asked for; the read stopped so that nothing is deleted by mistake.`);
    }
    if (meta.totalEntries !== null) total = meta.totalEntries;
    const ids = idsOf(list);
    if (list.length > 0 && ids === previousIds) {
      return result(`${opts.label}: page ${page} repeated the records of page ${page - 1}; Syncro seems to ignore paging here, so the read stopped at ${fetched}${total === null ? '' : ` of ${total}`} records.`);
    }
    previousIds = ids;
    fetched += list.length;
    yield { records: list, meta, page };
    if (meta.totalPages !== null) {
      if (page >= meta.totalPages) return result(null);
    } else {
      const size = meta.perPage ?? opts.perPage ?? DEFAULT_PAGE_SIZE;
      if (list.length === 0 || list.length < size) return result(null);
    }
  }
  return result(`${opts.label}: stopped after ${maxPages} pages.`);
}
