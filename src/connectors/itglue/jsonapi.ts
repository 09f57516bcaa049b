/**
 * The one IT Glue paginator (JSON:API, `page[number]` / `page[size]` / `meta.next-page`).
 * Large pages can time out (504) or be refused: the page size then halves (1000 → 500 → 250 → 125)
 * and paging resumes at the same offset.
 * Page URLs are built from our own counter and `meta`, never from `links`. Guards: a page repeating
 * the previous page's ids stops the stream as partial; records are de-duplicated by id; at the end
 * the count fetched is compared with `meta.total-count` (a shortfall marks the result partial, a
 * surplus is tolerated because the count drifts while we read).
 */
import type { Page, StreamResult } from '../contract.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { ConnectorError, replyErrorInit } from '../http/errors.js';
import { rawResourceId, type MapResult } from './mappers.js';

export const MAX_PAGE_SIZE = 1000;
export const INVALID_CREDENTIALS_HINT =
  'Check the API key and the region (US / EU / AU): a key from one region is refused by the others. Keys unused for 90 days are revoked automatically.';

export interface JsonApiMeta {
  currentPage: number | null;
  /** undefined when the key is absent, null when the server says there is no next page. */
  nextPage: number | null | undefined;
  totalPages: number | null;
  totalCount: number | null;
}

export interface JsonApiCollection {
  data: unknown[];
  meta: JsonApiMeta | null;
}

function intOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && /^\s*\d+\s*$/.test(v)) return Number(v);
  return null;
}

export function isHtml(res: Pick<HttpResponse, 'headers' | 'text'>): boolean {
  const ct = res.headers.get('content-type') ?? '';
  return /html/i.test(ct) || /^\s*<(!doctype|html|head|body)/i.test(res.text);
}

/** Human-readable summary of a JSON:API `errors` array or a `{message}` body. */
export function errorSummary(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const o = body as { errors?: unknown; message?: unknown; error?: unknown };
  if (Array.isArray(o.errors)) {
    return o.errors
      .slice(0, 3)
      .map((e: unknown) => {
        if (typeof e !== 'object' || e === null) return String(e);
        const x = e as { title?: unknown; detail?: unknown; source?: { pointer?: unknown } };
        return [x.title, x.detail, x.source?.pointer].filter((p) => typeof p === 'string' && p !== '').join(' — ');
      })
      .join('; ');
  }
  if (typeof o.message === 'string') return o.message;
  if (typeof o.error === 'string') return o.error;
  return '';
}

/** The ConnectorError for a non-2xx (or non-JSON:API) IT Glue answer. */
export function errorForResponse(res: HttpResponse, what: string, baseUrl: string): ConnectorError {
  const status = res.status;
  const summary = errorSummary(res.body).slice(0, 300);
  const detail = `${what} → HTTP ${status}${summary !== '' ? `: ${summary}` : ''}`;
  if (status === 401 || status === 403) {
    return new ConnectorError({
      kind: 'config',
      code: 'invalid_credentials',
      status,
      userMessage: `IT Glue refused the API key (HTTP ${status}).`,
      hint: INVALID_CREDENTIALS_HINT,
      detail,
    });
  }
  const html = isHtml(res);
  if (!html && status >= 200 && status < 300) {
    return new ConnectorError({
      kind: 'system',
      code: 'unexpected_response',
      status,
      userMessage: `IT Glue sent an unexpected answer to ${what}.`,
      detail: `${detail}: not a JSON:API collection`,
    });
  }
  // Any other status is unexpected_response (a 5xx transient), as IT Glue's own errors say little more.
  const answered = { userMessage: `IT Glue answered HTTP ${status} to ${what}${summary !== '' ? `: ${summary}` : ''}.`, code: 'unexpected_response' as const };
  return new ConnectorError(replyErrorInit(status, detail, {
    not_found: {
      userMessage: `${baseUrl} is not an IT Glue API URL (${what} answered ${html ? 'with a web page' : `HTTP ${status}`}).`,
      hint: 'Use https://api.itglue.com, https://api.eu.itglue.com or https://api.au.itglue.com (not your IT Glue web address).',
    },
    rate_limited: { userMessage: 'IT Glue is rate limiting requests (HTTP 429); try again in a few minutes.' },
    server_error: answered,
    refused: answered,
  }, html ? 'not_found' : undefined));
}

/** Parses a JSON:API collection; null when the body is not one. */
export function parseCollection(body: unknown): JsonApiCollection | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const o = body as { data?: unknown; meta?: unknown };
  if (!Array.isArray(o.data)) return null;
  let meta: JsonApiMeta | null = null;
  if (typeof o.meta === 'object' && o.meta !== null) {
    const m = o.meta as Record<string, unknown>;
    meta = {
      currentPage: intOrNull(m['current-page']),
      nextPage: 'next-page' in m ? intOrNull(m['next-page']) : undefined,
      totalPages: intOrNull(m['total-pages']),
      totalCount: intOrNull(m['total-count']),
    };
  }
  return { data: o.data as unknown[], meta };
}

export interface PaginateOptions<T> {
  http: HttpClient;
  path: string;
  /** Sort and filter parameters (snake_case names). */
  query?: Record<string, string | number | undefined>;
  pageSize: number;
  map: (raw: unknown) => MapResult<T>;
  signal?: AbortSignal;
  /**
   * For `sort=-updated_at` incremental reads: records for which this is true are dropped and paging
   * stops after the current page (the result then has no expected count).
   */
  olderThanWatermark?: (record: T) => boolean;
  /** Safety cap on pages (default 100000). */
  maxPages?: number;
  /** For error messages (default: the client's base URL). */
  baseUrl?: string;
  /** Halve the page size when a page times out or its size is refused (default true). */
  adaptivePageSize?: boolean;
}

const MIN_ADAPTIVE_PAGE_SIZE = 50;

function canHalve(size: number): boolean {
  return size % 2 === 0 && size / 2 >= MIN_ADAPTIVE_PAGE_SIZE;
}

/** Whether a failed page read should be tried again with half the page size. */
export function shouldShrinkPage(err: unknown, size: number): boolean {
  if (!(err instanceof ConnectorError) || !canHalve(size)) return false;
  if (err.status === 504 || err.reason === 'timeout' || err.reason === 'gateway_timeout') return true;
  return (err.status === 400 || err.status === 422) && /page\[?size|page\/size/i.test(err.detail ?? '');
}

/** Fetches one page; throws ConnectorError on any non-2xx or non-JSON:API answer. */
export async function fetchCollection(
  http: HttpClient,
  path: string,
  query: Record<string, string | number | undefined>,
  signal?: AbortSignal,
  baseUrl: string = http.baseUrl ?? '',
  retryLimits?: Partial<Record<string, number>>,
): Promise<JsonApiCollection> {
  const res = await http.request({
    method: 'GET',
    path,
    query,
    ...(signal !== undefined ? { signal } : {}),
    ...(retryLimits !== undefined ? { retryLimits } : {}),
  });
  const col = res.status >= 200 && res.status < 300 ? parseCollection(res.body) : null;
  if (col === null) throw errorForResponse(res, `GET ${path}`, baseUrl === '' ? new URL(res.url).origin : baseUrl);
  return col;
}

function sameIds(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export async function* paginateJsonApi<T>(opts: PaginateOptions<T>): AsyncGenerator<Page<T>, StreamResult> {
  let size = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(opts.pageSize)));
  const adaptive = opts.adaptivePageSize ?? true;
  const maxPages = opts.maxPages ?? 100_000;
  const seen = new Set<string>();
  let fetched = 0;
  let skipped = 0;
  let expected: number | null = null;
  let prevIds: (string | null)[] | null = null;
  let partialReason: string | null = null;
  let stoppedAtWatermark = false;
  let firstSkipError: string | null = null;

  for (let n = 1; ; n++) {
    if (n > maxPages) {
      partialReason = `stopped after ${maxPages} pages`;
      break;
    }
    let col: JsonApiCollection;
    try {
      const canShrink = adaptive && canHalve(size);
      col = await fetchCollection(
        opts.http,
        opts.path,
        { ...opts.query, 'page[number]': n, 'page[size]': size },
        opts.signal,
        opts.baseUrl,
        // one retry only on a page timeout: a smaller page is the better remedy
        canShrink ? { gateway_timeout: 1, timeout: 1 } : undefined,
      );
    } catch (err) {
      if (!adaptive || !shouldShrinkPage(err, size)) throw err;
      // same offset, half the size: page n of size s starts where page 2n−1 of size s/2 does
      n = (n - 1) * 2; // the loop's n++ makes it 2(n−1)+1
      size /= 2;
      prevIds = null;
      continue;
    }
    const meta = col.meta;
    if (meta?.totalCount !== null && meta?.totalCount !== undefined) expected = meta.totalCount;
    const ids = col.data.map(rawResourceId);
    if (prevIds !== null && ids.length > 0 && sameIds(ids, prevIds)) {
      partialReason = `page ${n} repeated page ${n - 1}; paging stopped`;
      break;
    }
    if (n > 1 && ids.length > 0 && ids.every((id) => id !== null && seen.has(id))) {
      partialReason = `page ${n} only repeated records already read; paging stopped`;
      break;
    }
    prevIds = ids;

    const records: T[] = [];
    for (let i = 0; i < col.data.length; i++) {
      const id = ids[i] ?? null;
      if (id !== null) {
        if (seen.has(id)) continue; // offset paging over a changing set can repeat a row
        seen.add(id);
      }
      fetched++;
      const m = opts.map(col.data[i]);
      if (!m.ok) {
        skipped++;
        firstSkipError ??= `record ${m.id ?? '?'}: ${m.error}`;
        continue;
      }
      if (opts.olderThanWatermark?.(m.record) === true) {
        stoppedAtWatermark = true;
        continue;
      }
      records.push(m.record);
    }
    yield { records, total: expected };

    if (stoppedAtWatermark) break;
    if (col.data.length === 0) break;
    if (meta === null) {
      if (col.data.length < size) break;
      continue;
    }
    if (meta.nextPage === null) break;
    const current = meta.currentPage ?? n;
    if (meta.totalPages !== null && current >= meta.totalPages) break;
    if (meta.nextPage === undefined && meta.totalPages === null && col.data.length < size) break;
  }

  const result: StreamResult = { fetched, expected: stoppedAtWatermark ? null : expected, partial: false };
  const reasons: string[] = [];
  if (partialReason !== null) reasons.push(partialReason);
  else if (!stoppedAtWatermark && expected !== null && fetched < expected) {
    reasons.push(`fetched ${fetched} of ${expected} records announced`);
  }
  if (skipped > 0) reasons.push(`${skipped} record(s) could not be read (${firstSkipError ?? ''})`);
  if (reasons.length > 0) {
    result.partial = true;
    result.reason = reasons.join('; ');
  }
  return result;
}
