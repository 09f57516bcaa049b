/** The HaloPSA connector through the acceptance kit, against the Halo sandbox. */
import type { HaloConnector } from '../../src/connectors/halo/index.js';
import { startHaloSandbox, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import { haloConnectorFor } from '../helpers/sandboxes.js';
import { describeConnectorAcceptance, expectedByStream } from './acceptance.js';

/** The list path (lower-cased) of each stream (halo.md §2). */
const STREAM_PATHS: Record<string, string> = {
  clients: '/api/client',
  sites: '/api/site',
  ticketTypes: '/api/tickettype',
  tickets: '/api/tickets',
};

/** halo.md §3: /Tickets (and /Opportunities, /Projects) serve at most 100 per page, the other lists 1000. */
const PAGE_SIZE_CAPS: Record<string, number> = { tickets: 100 };

const expected = expectedByStream((sb: HaloSandbox) => sb.control.data(), {
  clients: (data) => data.clients.map((c) => ({ id: String(c.id), name: c.name, inactive: c.inactive })),
  sites: (data) => data.clients.flatMap((c) => c.siteIds.map((id) => ({ id: String(id), companyId: String(c.id) }))),
  ticketTypes: (data) => data.ticketTypes.map((t) => ({ id: String(t.id), name: t.name, isOpportunity: t.isOpportunity, inactive: t.inactive })),
  tickets: (data, sb) =>
    (data.ticketIds ?? []).map((id) => {
      const t = sb.control.getTicket(id);
      if (t === undefined) throw new Error(`ticket ${id} listed but not found`);
      return { id: String(id), companyId: String(t.clientId), summary: t.summary, closed: t.closed };
    }),
});

describeConnectorAcceptance<HaloSandbox, HaloConnector>({
  name: 'HaloPSA',
  startSandbox: () => startHaloSandbox({ port: 0, ticketCount: 2500, rateLimit: null }),
  connect: (sb, opts = {}) =>
    haloConnectorFor(sb, {
      rateLimit: { limit: 0, windowMs: 300_000 },
      ...(opts.badCredential === true ? { clientSecret: 'not-the-secret' } : {}),
    }),
  check: (c) => c.check({ pullTickets: true, opportunityExport: true }),
  // A ticket window of 100 years: the full read is every ticket the sandbox holds. The ticket-type rules are derived
  // from the type and client lists (no list of their own to compare): halo-sandbox.test.ts checks them.
  streams: (c) => Object.entries(c.streams({ ticketMonths: 1200 })).filter(([name]) => name !== 'ticketTypeRules').map(([, s]) => s),
  expected,
  pageSizeCap: (stream) => PAGE_SIZE_CAPS[stream] ?? 1000,
  requestLog: (sb) =>
    sb.control.requests().map((r) => {
      const url = new URL(r.path, 'http://sandbox.local');
      const size = url.searchParams.get('page_size');
      const path = url.pathname.toLowerCase();
      // Id lists (`idonly`, `ticketidonly`: the reconciliation after a paged read) are one unpaged request by design (halo.md §3).
      const idList = url.searchParams.get('idonly') === 'true' || url.searchParams.get('ticketidonly') === 'true';
      const stream = idList ? null : (Object.keys(STREAM_PATHS).find((name) => STREAM_PATHS[name] === path) ?? null);
      return { stream, pageSize: size === null ? null : Number(size), url: r.path };
    }),
});
