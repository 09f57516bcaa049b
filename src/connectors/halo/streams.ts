/**
 * Halo streams (contract `PsaStreams`), all through the one paginator.
 *
 * - clients, sites, ticketTypes: full pulls every run (not incremental): Halo's `lastupdatefromdate` on
 *   these lists is documented as "include the field", so whether it filters is uncertain (halo.md §7);
 *   the runner finds deletions by mark-and-sweep on these full pulls.
 * - tickets: incremental by `lastupdatefromdate=<since …Z>` (plain /Tickets includes closed tickets, so no
 *   `open_only` there), in a stable order (`order=id`). A full/initial pull is two reads deduplicated by id:
 *   tickets updated in the last `ticketMonths` months, then every open ticket (older open tickets are still worth
 *   showing); its sweep keeps to that window (open tickets and those updated since the cutoff).
 *
 * Page-number paging shifts when records are deleted during a read (later records move to pages already read),
 * so every paged list (clients, sites, tickets) ends with a **reconciliation**: the ids Halo lists now (`idonly` /
 * `ticketidonly`, one request each) against the ids this run stored (`storedIds`, durable across resumes); missing
 * ones are fetched by id (`ticketids=` pages; single clients and sites), ids stored but no longer listed are
 * reported `gone` (deleted during the run). A count below `record_count` is then settled; a record Halo still lists
 * but that could not be read makes the read partial, with the reason.
 *
 * Checkpoints: every page carries `{read, page, pageSize, cutoff}`; `resumeFrom` goes on at the next page of that
 * read with the same page size and ticket window (a shift meanwhile is caught by the reconciliation).
 */
import type { Page, PsaCompany, PsaSite, PsaStreams, PsaTicket, PsaTicketType, Stream, StreamReadOptions, StreamResult } from '../contract.js';
import type { HaloApi } from './client.js';
import { HaloConnectorError } from './halo-error.js';
import { haloId, haloQueryDate, mapCompany, mapSite, mapTicket, mapTicketType, unwrapList, type OpportunityTypeRule } from './mappers.js';
import { paginateHalo, type HaloPagesResult, type HaloQuery, type HaloRawPage } from './paginate.js';

export interface HaloStreamDeps {
  api: HaloApi;
  pageSize: { tickets: number; default: number };
  concurrency: number;
  opportunityTypeIds: OpportunityTypeRule | ReadonlySet<string>;
  now: () => number;
}

interface ListSpec<T> {
  path: string;
  key: string;
  query: HaloQuery;
  pageSize: number;
  map: (raw: unknown) => T | null;
}

/** Where a paged read stands: the page last stored of read `read`, with the read's page size (and ticket window). */
interface ListCursor {
  read: number;
  page: number;
  pageSize: number;
  /** Full ticket reads: the window's cutoff (ISO) the run started with; null = open tickets only. */
  cutoff?: string | null;
  /** Paging is over: the reconciliation is under way. */
  reconcile?: true;
}

function asCursor(value: unknown): ListCursor | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Partial<ListCursor>;
  if (!Number.isInteger(c.read) || !Number.isInteger(c.page) || !Number.isInteger(c.pageSize) || (c.pageSize ?? 0) < 1) return null;
  return c as ListCursor;
}

/** Runs the paginator for one list and maps each page; returns the paginator's result. */
async function* readList<T>(deps: HaloStreamDeps, spec: ListSpec<T>, signal: AbortSignal | undefined, resume?: { page: number; pageSize: number }):
AsyncGenerator<{ records: T[]; raw: HaloRawPage }, HaloPagesResult> {
  // Records are mapped as each page arrives (`map`), so pages waiting in the paginator's buffer hold mapped records.
  const pages = paginateHalo({
    get: (query, s) => deps.api.getJson(spec.path, query, s),
    key: spec.key,
    label: `GET ${spec.path}`,
    query: spec.query,
    pageSize: resume?.pageSize ?? spec.pageSize,
    concurrency: deps.concurrency,
    map: spec.map,
    ...(resume === undefined ? {} : { startPage: resume.page + 1 }),
    ...(signal === undefined ? {} : { signal }),
  });
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done === true) return next.value;
      yield { records: next.value.records as T[], raw: next.value };
    }
  } finally {
    await pages.return(undefined as never);
  }
}

const idOf = (r: unknown): string | null => (typeof r === 'object' && r !== null ? haloId((r as Record<string, unknown>).id) : null);

/**
 * Every id Halo lists now for these queries (union), or null when a list is not complete (an endpoint that ignores
 * `idonly` answers a truncated batch of records: fewer than its `record_count`).
 */
async function listIds(deps: HaloStreamDeps, path: string, key: string, queries: HaloQuery[], flag: string, signal: AbortSignal | undefined): Promise<Set<string> | null> {
  const ids = new Set<string>();
  for (const query of queries) {
    const body = await deps.api.getJson(path, { ...query, [flag]: true }, signal);
    const list = unwrapList(body, key);
    if (list === null || (list.recordCount !== null && list.records.length < list.recordCount)) return null;
    for (const r of list.records) {
      const id = idOf(r);
      if (id !== null) ids.add(id);
    }
  }
  return ids;
}

interface Reconciler<T> {
  /** Plural noun for reasons, e.g. "tickets". */
  noun: string;
  /** The ids Halo lists now over the stream's whole scope; null = no complete list (reconciliation skipped). */
  list(signal: AbortSignal | undefined): Promise<Set<string> | null>;
  /** Fetch these records by id (those Halo no longer has are simply absent); batches of mapped records. */
  fetch(ids: string[], signal: AbortSignal | undefined): AsyncGenerator<T[], { unusable?: string }>;
}

interface Reconciled {
  /** Halo gave a complete id list to check against. */
  checked: boolean;
  /** The stored set now holds everything Halo lists (missing ones fetched). */
  complete: boolean;
  gone: string[];
  fetched: number;
  reason?: string;
}

/** The reconciliation pass (see the header): yields the missing records, returns what it settled. */
async function* reconcile<T extends { id: string }>(r: Reconciler<T>, seen: Set<string>, opts: StreamReadOptions, checkpoint: unknown):
AsyncGenerator<Page<T>, Reconciled> {
  const listed = await r.list(opts.signal);
  if (listed === null) return { checked: false, complete: false, gone: [], fetched: 0 };
  // A read that was not resumed yielded everything this run stored for the stream (`seen`, used as is: no copy of
  // 100,000 ids); a resumed one asks the store.
  const resumed = opts.resumeFrom !== undefined && opts.storedIds !== undefined;
  const have = resumed ? new Set(seen) : seen;
  if (resumed) for (const id of await opts.storedIds!()) have.add(id);
  const missing: string[] = [];
  for (const id of listed) if (!have.has(id)) missing.push(id);
  let fetched = 0;
  if (missing.length > 0) {
    const pages = r.fetch(missing, opts.signal);
    for (;;) {
      const next = await pages.next();
      if (next.done === true) {
        if (next.value.unusable !== undefined) return { checked: true, complete: false, gone: [], fetched, reason: next.value.unusable };
        break;
      }
      for (const rec of next.value) {
        have.add(rec.id);
        seen.add(rec.id);
      }
      fetched += next.value.length;
      yield { records: next.value, total: null, checkpoint };
    }
  }
  let final = listed;
  if (missing.some((id) => !have.has(id))) final = (await r.list(opts.signal)) ?? listed; // deleted since they were listed?
  const unread: string[] = [];
  for (const id of final) if (!have.has(id)) unread.push(id);
  const gone: string[] = [];
  for (const id of have) if (!final.has(id)) gone.push(id);
  if (unread.length > 0) {
    return { checked: true, complete: false, gone, fetched, reason: `${unread.length} ${r.noun} Halo lists could not be read (e.g. ${unread.slice(0, 5).join(', ')}).` };
  }
  return { checked: true, complete: true, gone, fetched };
}

/** Fetch single records by id (`GET /X/{id}`); unknown ids (404, or a 200 without an id) are skipped. At most `cap`. */
function singleFetcher<T>(deps: HaloStreamDeps, path: string, noun: string, map: (raw: unknown) => T | null, cap = 200) {
  return async function* fetch(ids: string[], signal: AbortSignal | undefined): AsyncGenerator<T[], { unusable?: string }> {
    if (ids.length > cap) return { unusable: `${ids.length} ${noun} were missing after the paged read (more than ${cap} to fetch one by one).` };
    for (const id of ids) {
      try {
        const rec = map(await deps.api.getJson(`${path}/${id}`, {}, signal));
        if (rec !== null) yield [rec];
      } catch (e) {
        if (e instanceof HaloConnectorError && e.status === 404) continue;
        throw e;
      }
    }
    return {};
  };
}

/**
 * The result of a paged stream: partial when the reconciliation found records Halo lists but could not be read, or
 * when the paginator's verdict stands (a count shortfall is settled by a complete reconciliation; a repeated page is not).
 */
function verdict(results: HaloPagesResult[], rec: Reconciled, fetched: number, expected: number | null): StreamResult {
  const open = results.filter((r) => r.partial && !(r.shortfall === true && rec.complete));
  const reasons = open.map((r) => r.reason).filter((x): x is string => x !== undefined);
  let partial = open.length > 0;
  if (rec.checked && !rec.complete) {
    partial = true;
    if (rec.reason !== undefined) reasons.push(rec.reason);
  }
  return {
    fetched,
    expected: expected === null ? null : Math.max(expected, fetched),
    partial,
    ...(reasons.length === 0 ? {} : { reason: reasons.join(' ') }),
    ...(rec.gone.length === 0 ? {} : { gone: rec.gone }),
  };
}

function fullStream<T extends { id: string }>(deps: HaloStreamDeps, name: string, spec: ListSpec<T>, idFlag: string | null, single: string): Stream<T> {
  return {
    name,
    incremental: false,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<T>, StreamResult> {
      const cursor = asCursor(opts.resumeFrom);
      const seen = new Set<string>();
      const results: HaloPagesResult[] = [];
      let expected: number | null = null;
      if (cursor?.reconcile !== true) {
        const pages = readList(deps, spec, opts.signal, cursor === null ? undefined : cursor);
        try {
          for (;;) {
            const next = await pages.next();
            if (next.done === true) {
              results.push(next.value);
              expected = next.value.expected;
              break;
            }
            for (const r of next.value.records) seen.add(r.id);
            const checkpoint: ListCursor = { read: 0, page: next.value.raw.pageNo, pageSize: next.value.raw.pageSize };
            yield { records: next.value.records, total: next.value.raw.total, checkpoint, readAhead: next.value.raw.readAhead };
          }
        } finally {
          await pages.return(undefined as never);
        }
      }
      if (idFlag === null) return verdict(results, { checked: false, complete: false, gone: [], fetched: 0 }, seen.size, expected);
      const rec = yield* reconcile<T>({
        noun: name,
        list: (signal) => listIds(deps, spec.path, spec.key, [spec.query], idFlag, signal),
        fetch: singleFetcher(deps, single, name, spec.map),
      }, seen, opts, { read: 0, page: 0, pageSize: spec.pageSize, reconcile: true } satisfies ListCursor);
      return verdict(results, rec, seen.size, expected);
    },
  };
}

function subtractMonths(ms: number, months: number): Date {
  const d = new Date(ms);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

/** Ticket ids per `ticketids=` request when reconciling. */
const IDS_PER_REQUEST = 100;

function ticketStream(deps: HaloStreamDeps, ticketMonths: number): Stream<PsaTicket> {
  const spec = (query: HaloQuery): ListSpec<PsaTicket> => ({
    path: '/Tickets',
    key: 'tickets',
    // A stable order: tickets created during the read land after the pages already read (halo.md §7).
    query: { ...query, order: 'id' },
    pageSize: deps.pageSize.tickets,
    map: mapTicket,
  });
  return {
    name: 'tickets',
    incremental: true,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<PsaTicket>, StreamResult> {
      const resumed = asCursor(opts.resumeFrom);
      const reads: HaloQuery[] = [];
      let cutoff: Date | null = null;
      if (opts.since !== null) {
        reads.push({ lastupdatefromdate: haloQueryDate(opts.since) });
      } else {
        if (ticketMonths > 0) {
          // A resumed run keeps the window it started with.
          cutoff = resumed?.cutoff != null ? new Date(resumed.cutoff) : subtractMonths(deps.now(), ticketMonths);
          reads.push({ lastupdatefromdate: haloQueryDate(cutoff) });
          // Only the open tickets the window missed; a minute of overlap (deduplicated by id) so no boundary falls between.
          reads.push({ open_only: true, lastupdatetodate: haloQueryDate(new Date(cutoff.getTime() + 60_000)) });
        } else reads.push({ open_only: true });
      }
      const cutoffIso = cutoff === null ? null : cutoff.toISOString();

      // Tickets carry a status id; Halo's /Status list (bare array) gives the names people know.
      const statusNames = await loadStatusNames(deps, opts.signal);
      // In place: the mapper built the record for this read alone.
      const named = (t: PsaTicket): PsaTicket => {
        const name = statusNames.get(t.status);
        if (name !== undefined) t.status = name;
        return t;
      };
      const seen = new Set<string>();
      let expected: number | null = 0;
      const results: HaloPagesResult[] = [];
      const firstRead = resumed === null ? 0 : resumed.reconcile === true ? reads.length : resumed.read;
      for (let i = firstRead; i < reads.length; i++) {
        const query = reads[i]!;
        const before = seen.size;
        let duplicates = 0;
        let rawCount = 0;
        const from = resumed !== null && i === resumed.read && resumed.reconcile !== true ? { page: resumed.page, pageSize: resumed.pageSize } : undefined;
        const pages = readList(deps, spec(query), opts.signal, from);
        let result: HaloPagesResult;
        try {
          for (;;) {
            const next = await pages.next();
            if (next.done === true) {
              result = next.value;
              break;
            }
            rawCount += next.value.raw.count;
            const fresh: PsaTicket[] = [];
            for (const t of next.value.records) {
              if (seen.has(t.id)) duplicates++;
              else {
                seen.add(t.id);
                fresh.push(named(t));
              }
            }
            const total = next.value.raw.total;
            const checkpoint: ListCursor = { read: i, page: next.value.raw.pageNo, pageSize: next.value.raw.pageSize, cutoff: cutoffIso };
            // Progress: unique so far plus what this read still has to deliver.
            yield { records: fresh, total: total === null ? null : before + Math.max(0, total - duplicates), checkpoint, readAhead: next.value.raw.readAhead };
          }
        } finally {
          await pages.return(undefined as never);
        }
        results.push(result);
        // Expected unique tickets: what each read announced (record_count), minus the ones seen before.
        if (expected !== null) expected = result.expected === null ? null : expected + Math.max(0, Math.max(result.expected, rawCount) - duplicates);
      }

      const rec = yield* reconcile<PsaTicket>({
        noun: 'tickets',
        list: (signal) => listIds(deps, '/Tickets', 'tickets', reads, 'ticketidonly', signal),
        fetch: async function* fetchTickets(ids, signal) {
          for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
            const asked = new Set(ids.slice(i, i + IDS_PER_REQUEST));
            const pages = readList(deps, spec({ ticketids: [...asked].join(',') }), signal);
            try {
              for (;;) {
                const next = await pages.next();
                if (next.done === true) break;
                if (next.value.records.some((t) => !asked.has(t.id))) {
                  return { unusable: 'Halo ignored the ticketids filter, so tickets missed by the paged read could not be fetched.' };
                }
                yield next.value.records.map(named);
              }
            } finally {
              await pages.return(undefined as never);
            }
          }
          return {};
        },
      }, seen, opts, { read: reads.length, page: 0, pageSize: deps.pageSize.tickets, cutoff: cutoffIso, reconcile: true } satisfies ListCursor);
      const out = verdict(results, rec, seen.size, expected);
      if (opts.since === null) out.sweepWindow = { openOrUpdatedSince: cutoff === null ? null : new Date(cutoff.getTime() + 60_000).toISOString() };
      return out;
    },
  };
}

/** Status id → name; an empty map when /Status is not readable (tickets then keep the id). */
async function loadStatusNames(deps: HaloStreamDeps, signal: AbortSignal | undefined): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  try {
    const body = await deps.api.getJson('/Status', {}, signal);
    const list = Array.isArray(body) ? body : [];
    for (const s of list as { id?: unknown; name?: unknown }[]) {
      const id = Number(s.id);
      if (Number.isFinite(id) && typeof s.name === 'string' && s.name.trim() !== '') names.set(String(id), s.name.trim());
    }
  } catch (e) {
    if (signal?.aborted === true) throw e;
  }
  return names;
}

export function createHaloStreams(deps: HaloStreamDeps, opts: { ticketMonths: number }): PsaStreams & {
  companies: Stream<PsaCompany>;
  sites: Stream<PsaSite>;
} {
  return {
    companies: fullStream(deps, 'clients', {
      path: '/Client',
      key: 'clients',
      query: { includeinactive: true, includeactive: true },
      pageSize: deps.pageSize.default,
      map: mapCompany,
    }, 'idonly', '/Client'),
    sites: fullStream(deps, 'sites', {
      path: '/Site',
      key: 'sites',
      query: { includeinactive: true },
      pageSize: deps.pageSize.default,
      map: mapSite,
    }, 'idonly', '/Site'),
    // A bare array (no paging, nothing can shift): no reconciliation.
    ticketTypes: fullStream<PsaTicketType>(deps, 'ticketTypes', {
      path: '/TicketType',
      key: 'tickettypes',
      query: { showinactive: true },
      pageSize: deps.pageSize.default,
      map: (raw) => mapTicketType(raw, deps.opportunityTypeIds),
    }, null, '/TicketType'),
    tickets: ticketStream(deps, opts.ticketMonths),
  };
}
