/**
 * The one Halo paginator (halo.md §3): `pageinate=true&page_size=N&page_no=K`, always.
 *
 * - Page 1 is fetched alone; it reveals `record_count` and the effective `page_size` Halo echoes
 *   (Halo clamps, e.g. 100 on /Tickets). When no size is echoed and page 1 is shorter than asked although
 *   more records exist, page 1's length is taken as the page size.
 * - With `record_count` known, pages 2…⌈record_count / page_size⌉ are fetched with bounded concurrency
 *   (`orderedConcurrent`: `concurrency` requests in flight, as many more pages buffered; a page that arrives starts
 *   the next request at once, also while the consumer is busy) and yielded in order; each page is mapped (`map`)
 *   as it arrives, so the buffer holds mapped records, not the parsed JSON.
 *   Without it, or with concurrency 1, pages are read one after another (the next asked for when the consumer
 *   wants it) until a short or empty page.
 * - Stops at fetched ≥ record_count, or at a short / empty page.
 * - Repeat guard: a page whose ids equal the previous page's ends the read as partial (some endpoints
 *   ignore paging and repeat page 1 forever).
 * - Final count check: fewer records than `record_count` → partial, with the reason (`shortfall`: records
 *   deleted during the read shift later pages, which a reconciliation by id can settle).
 * - `startPage` (a resumed read): begins at that page with the page size the read had (`pageSize` is then taken
 *   as Halo's effective size); the pages before it count as read.
 */
import { abortedError } from '../http/errors.js';
import { orderedConcurrent } from '../http/paginate.js';
import type { StreamResult } from '../contract.js';
import { haloId, unwrapList } from './mappers.js';
import { HaloConnectorError } from './halo-error.js';

/** The page size every Halo list accepts (the OpenAPI cap of /Tickets, /Opportunities, /Projects). */
export const SAFE_PAGE_SIZE = 100;

export type HaloQuery = Record<string, string | number | boolean | undefined>;

export interface HaloRawPage {
  /** The page's records as Halo sent them, or as `map` made them (those it mapped to null left out). */
  records: unknown[];
  /** Records Halo sent on the page (before `map`). */
  count: number;
  /** Halo's `record_count`, when it sent one. */
  total: number | null;
  pageNo: number;
  /** The effective page size (what a resumed read must ask for). */
  pageSize: number;
  /** The pages after this one are fetched concurrently while it is handled (record_count known, concurrency > 1). */
  readAhead: boolean;
}

/** The paginator's result: `shortfall` when the only gap is a count below `record_count`. */
export type HaloPagesResult = StreamResult & { shortfall?: boolean };

export interface PaginateHaloOptions {
  /** GET the list with this query; resolves the parsed JSON body, throws a ConnectorError otherwise. */
  get: (query: HaloQuery, signal: AbortSignal | undefined) => Promise<unknown>;
  /** Envelope key (`clients`, `sites`, `tickets`…); a bare array is accepted too. */
  key: string;
  /** Shown in reasons, e.g. "GET /Tickets". */
  label: string;
  query?: HaloQuery;
  pageSize: number;
  /** Pages in flight at once after page 1 (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Resume at this page (default 1); `pageSize` must then be the effective size of the earlier pages. */
  startPage?: number;
  /**
   * Maps each record as soon as its page arrives (null = left out), inside the request's task: pages waiting to be
   * handed over then hold the mapped records only, and the parsed JSON is garbage at once.
   */
  map?: (raw: unknown) => unknown;
}

function idsOf(records: unknown[]): string {
  return records
    .map((r) => (typeof r === 'object' && r !== null ? haloId((r as Record<string, unknown>).id) : null) ?? '?')
    .join(',');
}

interface Parsed {
  records: unknown[];
  count: number;
  /** The ids on the page, joined (the repeat guard's signature). */
  ids: string;
  recordCount: number | null;
  pageSize: number | null;
}

function parse(body: unknown, key: string, label: string, pageNo: number, map: ((raw: unknown) => unknown) | undefined): Parsed {
  const list = unwrapList(body, key);
  if (list === null) {
    throw new HaloConnectorError({
      kind: 'system',
      code: 'unexpected_response',
      userMessage: `Halo's reply to ${label} (page ${pageNo}) had no "${key}" list.`,
      detail: `${label} page ${pageNo}: body keys ${typeof body === 'object' && body !== null ? Object.keys(body).slice(0, 10).join(',') : typeof body}`,
    });
  }
  const ids = idsOf(list.records);
  if (map === undefined) return { ...list, count: list.records.length, ids };
  const records: unknown[] = [];
  for (const raw of list.records) {
    const mapped = map(raw);
    if (mapped !== null) records.push(mapped);
  }
  return { records, count: list.records.length, ids, recordCount: list.recordCount, pageSize: list.pageSize };
}

export async function* paginateHalo(opts: PaginateHaloOptions): AsyncGenerator<HaloRawPage, HaloPagesResult> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const requested = Math.max(1, Math.floor(opts.pageSize));
  const fetchPage = async (pageNo: number, size: number, signal: AbortSignal | undefined): Promise<Parsed> => {
    if (signal?.aborted === true) throw abortedError(signal.reason);
    const body = await opts.get({ ...opts.query, pageinate: true, page_size: size, page_no: pageNo }, signal);
    return parse(body, opts.key, opts.label, pageNo, opts.map);
  };

  const startPage = Math.max(1, Math.floor(opts.startPage ?? 1));
  let requestedSize = requested;
  let first: Parsed;
  try {
    first = await fetchPage(startPage, requestedSize, opts.signal);
  } catch (err) {
    // Some Halo versions reject a page_size above their cap (100 on tickets) instead of clamping
    // (halo.md §3, uncertain): retry page 1 once at the documented cap.
    if (startPage === 1 && err instanceof HaloConnectorError && err.status === 400 && requestedSize > SAFE_PAGE_SIZE) {
      requestedSize = SAFE_PAGE_SIZE;
      first = await fetchPage(1, requestedSize, opts.signal);
    } else throw err;
  }
  const recordCount = first.recordCount;
  let pageSize = startPage > 1 ? requestedSize : (first.pageSize ?? requestedSize);
  if (startPage === 1 && first.pageSize === null && first.count > 0 && first.count < requestedSize && recordCount !== null && first.count < recordCount) {
    // Halo clamped without saying so (or ignored paging: the repeat guard will tell on page 2).
    pageSize = first.count;
  }
  // A resumed read counts the pages before `startPage` as read (they were stored by the run).
  let fetched = (startPage - 1) * pageSize + first.count;
  const readAhead = recordCount !== null && concurrency > 1;
  yield { records: first.records, count: first.count, total: recordCount, pageNo: startPage, pageSize, readAhead };

  const result = (partialReason: string | null): HaloPagesResult => {
    if (partialReason !== null) return { fetched, expected: recordCount, partial: true, reason: partialReason };
    if (recordCount !== null && fetched < recordCount) {
      return {
        fetched,
        expected: recordCount,
        partial: true,
        shortfall: true,
        reason: `${opts.label}: Halo announced ${recordCount} records (record_count) but ${fetched} arrived.`,
      };
    }
    return { fetched, expected: recordCount, partial: false };
  };

  if (first.count === 0 || first.count < pageSize) return result(null);
  if (recordCount !== null && fetched >= recordCount) return result(null);

  // The remaining pages: with record_count known, pages 2…last with bounded concurrency (yielded in
  // order); without it, one page after another until a short or empty page. Leaving the loop early
  // cancels whatever was prefetched.
  const numbered = (pageNo: number, signal: AbortSignal | undefined): Promise<{ pageNo: number; page: Parsed }> =>
    fetchPage(pageNo, pageSize, signal).then((page) => ({ pageNo, page }));
  // One page at a time (concurrency 1) is strictly sequential: the next page is asked for once this one is stored,
  // so a crash loses at most the page in flight.
  const rest =
    recordCount === null || concurrency === 1
      ? (async function* oneAfterAnother() {
          for (let pageNo = startPage + 1; ; pageNo++) yield await numbered(pageNo, opts.signal);
        })()
      : orderedConcurrent(
          Array.from({ length: Math.max(0, Math.ceil(recordCount / pageSize) - startPage) }, (_, i) => (signal: AbortSignal) => numbered(i + startPage + 1, signal)),
          concurrency,
          { maxBuffered: concurrency * 2, ...(opts.signal === undefined ? {} : { signal: opts.signal }) },
        );

  let previousIds = first.ids;
  for await (const { pageNo, page } of rest) {
    if (page.count === 0) return result(null);
    // Repeat guard: some endpoints ignore paging and serve page 1 again and again.
    const ids = page.ids;
    if (ids === previousIds) {
      return result(
        `${opts.label}: page ${pageNo} repeated the records of page ${pageNo - 1}; Halo seems to ignore paging here, so the read stopped at ${fetched}${recordCount === null ? '' : ` of ${recordCount}`} records.`,
      );
    }
    previousIds = ids;
    fetched += page.count;
    yield { records: page.records, count: page.count, total: recordCount, pageNo, pageSize, readAhead };
    if (page.count < pageSize) return result(null);
    if (recordCount !== null && fetched >= recordCount) return result(null);
  }
  return result(null);
}
