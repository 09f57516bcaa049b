/**
 * Which ticket types each Halo client may use (halo.md §6, §8), for every client at once: a client either allows
 * all ticket types (`allowall_tickettypes`) or lists the allowed ones. Asking each client (`GET /Client/{id}` or
 * `GET /TicketType?client_id=`) costs a request per client, so the sync reads it the other way round:
 *
 * 1. `GET /TicketType` (the active types; a bare array),
 * 2. `GET /TicketType/{id}` for each: its detail lists `allowed_clients` — the restricted clients allowed that type,
 * 3. `GET /Client` (every client id, 1,000 per page, through the one paginator).
 *
 * A client found in some type's `allowed_clients` is restricted to those types; any other client allows all. Cost:
 * one request per active ticket type plus one per 1,000 clients. When no type detail carries
 * `allowed_clients` (a Halo that does not show it), nothing is emitted and Crosswalk asks per client when needed.
 * A full pull every run (not incremental): the runner sweeps the rules of clients that are gone.
 */
import type { Page, PsaTicketTypeRule, Stream, StreamReadOptions, StreamResult } from '../contract.js';
import { isConnectorError } from '../http/errors.js';
import type { HaloApi } from './client.js';
import { haloId } from './mappers.js';
import { paginateHalo, type HaloQuery } from './paginate.js';

const PAGE = 1000;
/** Type details in flight at once (the limiter paces them anyway). */
const DETAIL_CONCURRENCY = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every record of a list, and whether the read fell short (partial). */
async function readAll(deps: { api: HaloApi; pageSize: number }, path: string, key: string, query: HaloQuery, signal: AbortSignal | undefined) {
  const records: unknown[] = [];
  const pages = paginateHalo({ get: (q, s) => deps.api.getJson(path, q, s), key, label: `GET ${path}`, query, pageSize: deps.pageSize, ...(signal === undefined ? {} : { signal }) });
  for (;;) {
    const next = await pages.next();
    if (next.done === true) return { records, result: next.value };
    records.push(...next.value.records);
  }
}

export function createTicketTypeRulesStream(deps: { api: HaloApi; pageSize?: number }): Stream<PsaTicketTypeRule> {
  const list = { api: deps.api, pageSize: deps.pageSize ?? PAGE };
  return {
    name: 'ticketTypeRules',
    incremental: false,
    async *read(opts: StreamReadOptions): AsyncGenerator<Page<PsaTicketTypeRule>, StreamResult> {
      const types = await readAll(list, '/TicketType', 'tickettypes', {}, opts.signal);
      const typeIds = types.records.map((t) => (isRecord(t) ? haloId(t.id) : null)).filter((id): id is string => id !== null);

      /** client id → the types it is explicitly allowed */
      const allowed = new Map<string, Set<string>>();
      let shown = false;
      for (let i = 0; i < typeIds.length; i += DETAIL_CONCURRENCY) {
        const details = await Promise.all(
          typeIds.slice(i, i + DETAIL_CONCURRENCY).map(async (id) => {
            try {
              return { id, detail: await deps.api.getJson(`/TicketType/${id}`, {}, opts.signal) };
            } catch (err) {
              // A type deleted between the list and its detail.
              if (isConnectorError(err) && err.code === 'not_found') return { id, detail: null };
              throw err;
            }
          }),
        );
        for (const { id, detail } of details) {
          if (!isRecord(detail) || !Array.isArray(detail.allowed_clients)) continue;
          shown = true;
          for (const entry of detail.allowed_clients) {
            const clientId = isRecord(entry) ? haloId(entry.client_id) : null;
            if (clientId === null) continue;
            let set = allowed.get(clientId);
            if (set === undefined) allowed.set(clientId, (set = new Set()));
            set.add(id);
          }
        }
      }
      if (!shown) return { fetched: 0, expected: 0, partial: false };

      const clients = await readAll(list, '/Client', 'clients', { includeinactive: true, includeactive: true }, opts.signal);
      const clientIds = clients.records.map((c) => (isRecord(c) ? haloId(c.id) : null)).filter((id): id is string => id !== null);

      const rules: PsaTicketTypeRule[] = [...new Set(clientIds)].map((id) => {
        const set = allowed.get(id);
        return set === undefined ? { id, allowAll: true, typeIds: [] } : { id, allowAll: false, typeIds: [...set].sort((a, b) => Number(a) - Number(b)) };
      });
      for (let i = 0; i < rules.length; i += PAGE) yield { records: rules.slice(i, i + PAGE), total: rules.length };
      // A short list of types or clients: the rules may be wrong for some clients, so the run must not sweep.
      const short = [types.result, clients.result].find((r) => r.partial);
      return { fetched: rules.length, expected: rules.length, partial: short !== undefined, ...(short?.reason !== undefined ? { reason: short.reason } : {}) };
    },
  };
}
