/**
 * The IT Glue streams. Statuses and types are small lists re-pulled every run (mark and sweep).
 * Organizations are incremental through `filter[updated_at]`. Configurations and domains have no
 * updated-at filter, so with a watermark they are read newest first (`sort=-updated_at`) until rows
 * get older than it; offset paging over a changing set can repeat rows, which the runner de-duplicates.
 */
import type {
  PrimaryStreams,
  ItgConfiguration,
  ItgDomain,
  ItgNamed,
  ItgOrganization,
  Page,
  Stream,
  StreamReadOptions,
  StreamResult,
} from '../contract.js';
import type { HttpClient } from '../http/client.js';
import { ConnectorError } from '../http/errors.js';
import { paginateJsonApi } from './jsonapi.js';
import { mapConfiguration, mapDomain, mapNamed, mapOrganization, type MapResult } from './mappers.js';

/** `2025-01-01T00:00:00Z`: RFC 3339 UTC without milliseconds, as IT Glue date ranges expect. */
export function formatFilterTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface StreamSettings {
  pageSize: number;
  childStreamsIncremental: boolean;
}

function isOlderThan(since: Date): (r: { updatedAt: string | null }) => boolean {
  const limit = since.getTime();
  return (r) => r.updatedAt !== null && Date.parse(r.updatedAt) < limit;
}

function fullPullStream<T>(http: HttpClient, s: StreamSettings, name: string, path: string, map: (raw: unknown) => MapResult<T>, sort?: string): Stream<T> {
  return {
    name,
    // A full pull every run: these lists are small and have no deletion signal (mark and sweep).
    incremental: false,
    read(opts: StreamReadOptions) {
      return paginateJsonApi({ http, path, query: { sort }, pageSize: s.pageSize, map, ...(opts.signal ? { signal: opts.signal } : {}) });
    },
  };
}

function organizationsStream(http: HttpClient, s: StreamSettings): Stream<ItgOrganization> {
  const base = { http, path: '/organizations', pageSize: s.pageSize, map: mapOrganization };
  return {
    name: 'organizations',
    incremental: true,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<ItgOrganization>, StreamResult> {
      const signal = opts.signal !== undefined ? { signal: opts.signal } : {};
      if (opts.since === null) {
        return yield* paginateJsonApi({ ...base, query: { sort: 'id' }, ...signal });
      }
      const query = { 'filter[updated_at]': `${formatFilterTime(opts.since)},*`, sort: 'updated_at' };
      let pages = 0;
      try {
        const gen = paginateJsonApi({ ...base, query, ...signal });
        for (;;) {
          const n = await gen.next();
          if (n.done === true) return n.value;
          pages++;
          yield n.value;
        }
      } catch (err) {
        // Long date ranges may be refused: fall back to a full pull (upserts are idempotent).
        if (pages === 0 && err instanceof ConnectorError && (err.status === 400 || err.status === 422)) {
          const r = yield* paginateJsonApi({ ...base, query: { sort: 'id' }, ...signal });
          const note = 'the updated_at filter was refused; read everything instead';
          return { ...r, reason: r.reason !== undefined ? `${note}; ${r.reason}` : note };
        }
        throw err;
      }
    },
  };
}

function newestFirstStream<T extends { updatedAt: string | null }>(
  http: HttpClient,
  s: StreamSettings,
  name: string,
  path: string,
  map: (raw: unknown) => MapResult<T>,
  fullSort: string | undefined,
): Stream<T> {
  return {
    name,
    incremental: s.childStreamsIncremental,
    read(opts: StreamReadOptions) {
      const common = { http, path, pageSize: s.pageSize, map, ...(opts.signal !== undefined ? { signal: opts.signal } : {}) };
      if (opts.since === null || !s.childStreamsIncremental) return paginateJsonApi({ ...common, query: { sort: fullSort } });
      return paginateJsonApi({ ...common, query: { sort: '-updated_at' }, olderThanWatermark: isOlderThan(opts.since) });
    },
  };
}

export function createItGlueStreams(http: HttpClient, s: StreamSettings): PrimaryStreams {
  return {
    organizationStatuses: fullPullStream<ItgNamed>(http, s, 'organizationStatuses', '/organization_statuses', mapNamed, 'id'),
    organizationTypes: fullPullStream<ItgNamed>(http, s, 'organizationTypes', '/organization_types', mapNamed, 'id'),
    organizations: organizationsStream(http, s),
    configurations: newestFirstStream<ItgConfiguration>(http, s, 'configurations', '/configurations', mapConfiguration, 'id'),
    // Domains document no `id` sort; without a sort JSON:API servers order by id.
    domains: newestFirstStream<ItgDomain>(http, s, 'domains', '/domains', mapDomain, undefined),
  };
}
