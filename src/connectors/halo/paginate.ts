/**
 * The one Halo paginator (halo.md §3): `pageinate=true&page_size=N&page_no=K`, always.
 *
 * - Page 1 is fetched alone; it reveals `record_count` and the effective `page_size` Halo echoes
 *   (Halo clamps, e.g. 100 on /Tickets). When no size is echoed and page 1 is shorter than asked although
 *   more records exist, page 1's length is taken as the page size.
 * - With `record_count` known, pages 2…⌈record_count / page_size⌉ are fetched with bounded concurrency
 *   (`concurrency` requests in flight, a few more buffered) and yielded in order.
 *   Without it, pages are read one after another until a short or empty page.
 * - Stops at fetched ≥ record_count, or at a short / empty page.
 * - Repeat guard: a page whose ids equal the previous page's ends the read as partial (some endpoints
 *   ignore paging and repeat page 1 forever).
 * - Final count check: fewer records than `record_count` → partial, with the reason.
 */
import { abortedError } from '../http/errors.js';
import type { StreamResult } from '../contract.js';
import { haloId, unwrapList } from './mappers.js';
import { HaloConnectorError } from './halo-error.js';

/** The page size every Halo list accepts (the OpenAPI cap of /Tickets, /Opportunities, /Projects). */
export const SAFE_PAGE_SIZE = 100;

export type HaloQuery = Record<string, string | number | boolean | undefined>;

export interface HaloRawPage {
  records: unknown[];
  /** Halo's `record_count`, when it sent one. */
  total: number | null;
  pageNo: number;
}

export interface PaginateHaloOptions {
  /** GET the list with this query; resolves the parsed JSON body, throws a ConnectorError otherwise. */
  get: (query: HaloQuery, signal: AbortSignal) => Promise<unknown>;
  /** Envelope key (`clients`, `sites`, `tickets`…); a bare array is accepted too. */
  key: string;
  /** Shown in reasons, e.g. "GET /Tickets". */
  label: string;
  query?: HaloQuery;
  pageSize: number;
  /** Pages in flight at once after page 1 (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
}

function idsOf(records: unknown[]): string {
  return records
    .map((r) => (typeof r === 'object' && r !== null ? haloId((r as Record<string, unknown>).id) : null) ?? '?')
    .join(',');
}

interface Parsed {
  records: unknown[];
  recordCount: number | null;
  pageSize: number | null;
}

function parse(body: unknown, key: string, label: string, pageNo: number): Parsed {
  const list = unwrapList(body, key);
  if (list === null) {
    throw new HaloConnectorError({
      kind: 'system',
      code: 'unexpected_response',
      userMessage: `Halo's reply to ${label} (page ${pageNo}) had no "${key}" list.`,
      detail: `${label} page ${pageNo}: body keys ${typeof body === 'object' && body !== null ? Object.keys(body).slice(0, 10).join(',') : typeof body}`,
    });
  }
  return list;
}

/** Links an internal controller to an outer signal; `dispose` removes the listener. */
function linkedController(outer: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  if (outer === undefined) return { controller, dispose: () => undefined };
  if (outer.aborted) {
    controller.abort(outer.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = (): void => controller.abort(outer.reason);
  outer.addEventListener('abort', onAbort, { once: true });
  return { controller, dispose: () => outer.removeEventListener('abort', onAbort) };
}

export async function* paginateHalo(opts: PaginateHaloOptions): AsyncGenerator<HaloRawPage, StreamResult> {
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const requested = Math.max(1, Math.floor(opts.pageSize));
  const { controller, dispose } = linkedController(opts.signal);
  const signal = controller.signal;
  const fetchPage = async (pageNo: number, size: number): Promise<Parsed> => {
    if (signal.aborted) throw abortedError(signal.reason);
    const body = await opts.get({ ...opts.query, pageinate: true, page_size: size, page_no: pageNo }, signal);
    return parse(body, opts.key, opts.label, pageNo);
  };

  let fetched = 0;
  try {
    let requestedSize = requested;
    let first: Parsed;
    try {
      first = await fetchPage(1, requestedSize);
    } catch (err) {
      // Some Halo versions reject a page_size above their cap (100 on tickets) instead of clamping
      // (halo.md §3, uncertain): retry page 1 once at the documented cap.
      if (err instanceof HaloConnectorError && err.status === 400 && requestedSize > SAFE_PAGE_SIZE) {
        requestedSize = SAFE_PAGE_SIZE;
        first = await fetchPage(1, requestedSize);
      } else throw err;
    }
    const recordCount = first.recordCount;
    let pageSize = first.pageSize ?? requestedSize;
    if (first.pageSize === null && first.records.length > 0 && first.records.length < requestedSize && recordCount !== null && first.records.length < recordCount) {
      // Halo clamped without saying so (or ignored paging: the repeat guard will tell on page 2).
      pageSize = first.records.length;
    }
    fetched = first.records.length;
    yield { records: first.records, total: recordCount, pageNo: 1 };

    const result = (partialReason: string | null): StreamResult => {
      if (partialReason !== null) return { fetched, expected: recordCount, partial: true, reason: partialReason };
      if (recordCount !== null && fetched < recordCount) {
        return {
          fetched,
          expected: recordCount,
          partial: true,
          reason: `${opts.label}: Halo announced ${recordCount} records (record_count) but ${fetched} arrived.`,
        };
      }
      return { fetched, expected: recordCount, partial: false };
    };

    if (first.records.length === 0 || first.records.length < pageSize) return result(null);
    if (recordCount !== null && fetched >= recordCount) return result(null);

    let previousIds = idsOf(first.records);

    /** Checks one page in order; returns a stop reason (null = partial-free stop), 'continue', or a partial reason. */
    const take = (page: Parsed, pageNo: number): { stop: boolean; partial: string | null; yieldIt: boolean } => {
      if (page.records.length === 0) return { stop: true, partial: null, yieldIt: false };
      const ids = idsOf(page.records);
      if (ids === previousIds) {
        return {
          stop: true,
          partial: `${opts.label}: page ${pageNo} repeated the records of page ${pageNo - 1}; Halo seems to ignore paging here, so the read stopped at ${fetched}${recordCount === null ? '' : ` of ${recordCount}`} records.`,
          yieldIt: false,
        };
      }
      previousIds = ids;
      return { stop: false, partial: null, yieldIt: true };
    };

    if (recordCount === null) {
      // No count: one page after another until a short or empty page.
      for (let pageNo = 2; ; pageNo++) {
        const page = await fetchPage(pageNo, pageSize);
        const verdict = take(page, pageNo);
        if (verdict.yieldIt) {
          fetched += page.records.length;
          yield { records: page.records, total: null, pageNo };
        }
        if (verdict.stop) return result(verdict.partial);
        if (page.records.length < pageSize) return result(null);
      }
    }

    // record_count known: prefetch the remaining pages with bounded concurrency, yield in order.
    const lastPage = Math.ceil(recordCount / pageSize);
    const maxBuffered = concurrency * 2;
    const pending = new Map<number, Promise<Parsed>>();
    let nextToLaunch = 2;
    let inFlight = 0;
    let nextToYield = 2;
    let wake: (() => void) | null = null;

    const launch = (): void => {
      while (nextToLaunch <= lastPage && inFlight < concurrency && nextToLaunch - nextToYield < maxBuffered) {
        const pageNo = nextToLaunch++;
        inFlight++;
        const p = fetchPage(pageNo, pageSize);
        pending.set(pageNo, p);
        const settle = (): void => {
          inFlight--;
          const w = wake;
          wake = null;
          w?.();
          if (!signal.aborted) launch();
        };
        p.then(settle, settle);
      }
    };

    while (nextToYield <= lastPage) {
      launch();
      const current = pending.get(nextToYield);
      if (current === undefined) {
        // Cannot happen (launch always covers nextToYield), but never spin.
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      const page = await current;
      pending.delete(nextToYield);
      const pageNo = nextToYield++;
      const verdict = take(page, pageNo);
      if (verdict.yieldIt) {
        fetched += page.records.length;
        yield { records: page.records, total: recordCount, pageNo };
      }
      if (verdict.stop) return result(verdict.partial);
      if (page.records.length < pageSize) return result(null);
      if (fetched >= recordCount) return result(null);
    }
    return result(null);
  } finally {
    // Cancel prefetches nobody will read (early stop, error, or the consumer returned).
    if (!controller.signal.aborted) controller.abort(abortedError());
    dispose();
  }
}
