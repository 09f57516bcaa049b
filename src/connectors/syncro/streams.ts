/**
 * Syncro streams (contract `PsaStreams`), all through the one paginator.
 *
 * - customers: a full pull every run with `include_disabled=true` — Syncro has no update filter for customers
 *   (syncro.md §3), and without `include_disabled` a customer that becomes disabled would look deleted. The runner
 *   sweeps customers not seen (mark and sweep).
 * - ticketTypes: the account's issue types (`problem_type`), read from `/tickets/settings` or `/ticket_problem_types`
 *   (which one exists is uncertain, §5); a full pull, swept.
 * - tickets: incremental by `since_updated_at` (the name is a setting) = watermark − a whole day, as a UTC timestamp or
 *   a date (a setting): an account may cut the timestamp to the day in its own zone (§4). Upserts by id make re-reading
 *   harmless. A full pull reads every ticket: no tombstones are known, so full pulls reconcile deletions (§4).
 */
import type { Page, PsaCompany, PsaStreams, PsaTicket, PsaTicketType, Stream, StreamReadOptions, StreamResult } from '../contract.js';
import { isConnectorError } from '../http/errors.js';
import { mapPages } from '../http/paginate.js';
import type { SyncroApi, SyncroQuery } from './client.js';
import { issueType, lowerSet, mapCustomer, mapTicket, parseIssueTypes, ticketRules } from './mappers.js';
import { paginateSyncro } from './paginate.js';
import type { SyncroSettings } from './spec.js';

export interface SyncroStreamDeps {
  api: SyncroApi;
  settings: SyncroSettings;
}

function listStream<T>(deps: SyncroStreamDeps, spec: { name: string; path: string; key: string; incremental: boolean; query: (opts: StreamReadOptions) => SyncroQuery; map: (raw: unknown) => T | null }): Stream<T> {
  return {
    name: spec.name,
    incremental: spec.incremental,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<T>, StreamResult> {
      const pages = paginateSyncro({
        get: (query, signal) => deps.api.getJson(spec.path, query, signal),
        key: spec.key,
        label: `GET ${spec.path}`,
        query: spec.query(opts),
        perPage: deps.settings.perPage,
        ...(opts.signal === undefined ? {} : { signal: opts.signal }),
      });
      return yield* mapPages(pages, spec.map, (records, raw) => ({ records, total: raw.meta.totalEntries }));
    },
  };
}

/** The ticket update filter's value for a watermark: minus the overlap, as a UTC timestamp or a date. */
export function sinceValue(since: Date, settings: Pick<SyncroSettings, 'sinceOverlapMs' | 'sinceDateOnly'>): string {
  const from = new Date(since.getTime() - settings.sinceOverlapMs);
  return settings.sinceDateOnly ? from.toISOString().slice(0, 10) : from.toISOString();
}

/**
 * The account's issue types: the configured endpoint, else `/tickets/settings` then `/ticket_problem_types` (a 404
 * moves on). Null when no endpoint lists them.
 */
export async function loadIssueTypes(deps: SyncroStreamDeps, signal?: AbortSignal): Promise<{ names: string[]; path: string } | null> {
  const paths = deps.settings.issueTypesPath !== null ? [deps.settings.issueTypesPath] : ['/tickets/settings', '/ticket_problem_types'];
  for (const path of paths) {
    let body: unknown;
    try {
      body = await deps.api.getJson(path, {}, signal);
    } catch (err) {
      if (isConnectorError(err) && err.code === 'not_found' && err.status === 404) continue;
      throw err;
    }
    const names = parseIssueTypes(body);
    if (names !== null) return { names, path };
  }
  return null;
}

function issueTypeStream(deps: SyncroStreamDeps): Stream<PsaTicketType> {
  const opp = lowerSet(deps.settings.opportunityIssueTypes);
  return {
    name: 'ticketTypes',
    incremental: false,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<PsaTicketType>, StreamResult> {
      const found = await loadIssueTypes(deps, opts.signal);
      // No endpoint lists them: the opportunity issue types the admin named still exist (tickets carry the rest).
      const names = found?.names ?? deps.settings.opportunityIssueTypes.map((n) => n.trim()).filter((n) => n !== '');
      const records = names.map((n) => issueType(n, opp));
      yield { records, total: records.length };
      return { fetched: records.length, expected: records.length, partial: false };
    },
  };
}

export function createSyncroStreams(deps: SyncroStreamDeps): PsaStreams & { companies: Stream<PsaCompany>; tickets: Stream<PsaTicket> } {
  const rules = ticketRules(deps.settings.closedStatuses);
  return {
    companies: listStream(deps, { name: 'customers', path: '/customers', key: 'customers', incremental: false, query: () => ({ include_disabled: true }), map: mapCustomer }),
    ticketTypes: issueTypeStream(deps),
    tickets: listStream(deps, {
      name: 'tickets', path: '/tickets', key: 'tickets', incremental: true,
      query: (opts) => (opts.since === null ? {} : { [deps.settings.sinceParam]: sinceValue(opts.since, deps.settings) }),
      map: (raw) => mapTicket(raw, rules),
    }),
  };
}
