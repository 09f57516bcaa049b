/**
 * Halo streams (contract `PsaStreams`), all through the one paginator.
 *
 * - clients, sites, ticketTypes: full pulls every run (not incremental): Halo's `lastupdatefromdate` on
 *   these lists is documented as "include the field", so whether it filters is uncertain (halo.md §7);
 *   the runner finds deletions by mark-and-sweep on these full pulls.
 * - tickets: incremental by `lastupdatefromdate=<since …Z>` (plain /Tickets includes closed tickets, so no
 *   `open_only` there). A full/initial pull is two reads deduplicated by id: tickets updated in the last
 *   `ticketMonths` months, then every open ticket (older open tickets are still worth showing).
 */
import type { Page, PsaCompany, PsaSite, PsaStreams, PsaTicket, PsaTicketType, Stream, StreamReadOptions, StreamResult } from '../contract.js';
import type { HaloApi } from './client.js';
import { haloQueryDate, mapCompany, mapSite, mapTicket, mapTicketType, type OpportunityTypeRule } from './mappers.js';
import { paginateHalo, type HaloQuery, type HaloRawPage } from './paginate.js';

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

/** Runs the paginator for one list and maps each page; returns the paginator's StreamResult. */
async function* readList<T>(deps: HaloStreamDeps, spec: ListSpec<T>, signal: AbortSignal | undefined): AsyncGenerator<{ records: T[]; raw: HaloRawPage }, StreamResult> {
  const pages = paginateHalo({
    get: (query, s) => deps.api.getJson(spec.path, query, s),
    key: spec.key,
    label: `GET ${spec.path}`,
    query: spec.query,
    pageSize: spec.pageSize,
    concurrency: deps.concurrency,
    ...(signal === undefined ? {} : { signal }),
  });
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done === true) return next.value;
      const records: T[] = [];
      for (const raw of next.value.records) {
        const mapped = spec.map(raw);
        if (mapped !== null) records.push(mapped);
      }
      yield { records, raw: next.value };
    }
  } finally {
    await pages.return(undefined as never);
  }
}

function fullStream<T>(deps: HaloStreamDeps, name: string, spec: ListSpec<T>): Stream<T> {
  return {
    name,
    incremental: false,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<T>, StreamResult> {
      const pages = readList(deps, spec, opts.signal);
      try {
        for (;;) {
          const next = await pages.next();
          if (next.done === true) return next.value;
          yield { records: next.value.records, total: next.value.raw.total };
        }
      } finally {
        await pages.return(undefined as never);
      }
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

function ticketStream(deps: HaloStreamDeps, ticketMonths: number): Stream<PsaTicket> {
  const spec = (query: HaloQuery): ListSpec<PsaTicket> => ({
    path: '/Tickets',
    key: 'tickets',
    query,
    pageSize: deps.pageSize.tickets,
    map: mapTicket,
  });
  return {
    name: 'tickets',
    incremental: true,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<PsaTicket>, StreamResult> {
      const reads: HaloQuery[] = [];
      if (opts.since !== null) {
        reads.push({ lastupdatefromdate: haloQueryDate(opts.since) });
      } else {
        if (ticketMonths > 0) {
          const cutoff = subtractMonths(deps.now(), ticketMonths);
          reads.push({ lastupdatefromdate: haloQueryDate(cutoff) });
          // Only the open tickets the window missed; a minute of overlap (deduplicated by id) so no boundary falls between.
          reads.push({ open_only: true, lastupdatetodate: haloQueryDate(new Date(cutoff.getTime() + 60_000)) });
        } else reads.push({ open_only: true });
      }

      // Tickets carry a status id; Halo's /Status list (bare array) gives the names people know.
      const statusNames = await loadStatusNames(deps, opts.signal);
      const named = (t: PsaTicket): PsaTicket => {
        const name = statusNames.get(t.status);
        return name === undefined ? t : { ...t, status: name };
      };
      const seen = new Set<string>();
      let expected: number | null = 0;
      let partial = false;
      const reasons: string[] = [];
      for (const query of reads) {
        const before = seen.size;
        let duplicates = 0;
        let rawCount = 0;
        const pages = readList(deps, spec(query), opts.signal);
        let result: StreamResult;
        try {
          for (;;) {
            const next = await pages.next();
            if (next.done === true) {
              result = next.value;
              break;
            }
            rawCount += next.value.raw.records.length;
            const fresh: PsaTicket[] = [];
            for (const t of next.value.records) {
              if (seen.has(t.id)) duplicates++;
              else {
                seen.add(t.id);
                fresh.push(named(t));
              }
            }
            const total = next.value.raw.total;
            // Progress: unique so far plus what this read still has to deliver.
            yield { records: fresh, total: total === null ? null : before + Math.max(0, total - duplicates) };
          }
        } finally {
          await pages.return(undefined as never);
        }
        if (result.partial) {
          partial = true;
          if (result.reason !== undefined) reasons.push(result.reason);
        }
        // Expected unique tickets: what each read announced (record_count), minus the ones seen before.
        if (expected !== null) expected = result.expected === null ? null : expected + Math.max(0, Math.max(result.expected, rawCount) - duplicates);
      }
      const fetched = seen.size;
      return {
        fetched,
        expected: expected === null ? null : Math.max(expected, fetched),
        partial,
        ...(reasons.length === 0 ? {} : { reason: reasons.join(' ') }),
      };
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
    }),
    sites: fullStream(deps, 'sites', {
      path: '/Site',
      key: 'sites',
      query: { includeinactive: true },
      pageSize: deps.pageSize.default,
      map: mapSite,
    }),
    ticketTypes: fullStream<PsaTicketType>(deps, 'ticketTypes', {
      path: '/TicketType',
      key: 'tickettypes',
      query: { showinactive: true },
      pageSize: deps.pageSize.default,
      map: (raw) => mapTicketType(raw, deps.opportunityTypeIds),
    }),
    tickets: ticketStream(deps, opts.ticketMonths),
  };
}
