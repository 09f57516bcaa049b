/** The Syncro connector through the acceptance kit, against the Syncro sandbox. */
import type { SyncroConnector } from '../../src/connectors/syncro/index.js';
import { startSyncroSandbox, type SyncroSandbox } from '../../src/sandbox/syncro/index.js';
import { syncroConnectorFor } from '../helpers/sandboxes.js';
import { describeConnectorAcceptance, expectedByStream } from './acceptance.js';

const STREAM_PATHS: Record<string, string> = { customers: '/api/v1/customers', ticketTypes: '/api/v1/tickets/settings', tickets: '/api/v1/tickets' };
/** syncro.md §2: 25 per page officially; where `per_page` is honoured, a cap near 100. */
const PAGE_CAP = 100;
/** What a list request without `per_page` gets: Syncro's own page size. */
const OWN_PAGE_SIZE = 25;

const expected = expectedByStream((sb: SyncroSandbox) => sb.control.data(), {
  customers: (data) => data.customers.map((c) => ({ id: String(c.id), name: c.name, inactive: c.disabled })),
  ticketTypes: (data) => data.issueTypes.map((name) => ({ id: name, name, isOpportunity: name === 'Opportunity' })),
  tickets: (data, sb) =>
    data.ticketIds.map((id) => {
      const t = sb.control.getTicket(id)!;
      return { id: String(id), companyId: String(t.customerId), summary: t.subject, closed: t.status === 'Resolved', typeId: t.problemType, status: t.status };
    }),
});

describeConnectorAcceptance<SyncroSandbox, SyncroConnector>({
  name: 'Syncro',
  startSandbox: () => startSyncroSandbox({ port: 0, ticketCount: 700, rateLimit: null }),
  connect: (sb, opts = {}) => syncroConnectorFor(sb, opts.badCredential === true ? { apiToken: 'not-the-token' } : {}),
  check: (c) => c.check({ pullTickets: true, opportunityExport: true }),
  streams: (c) => {
    const s = c.streams({ ticketMonths: 0 });
    return [s.companies, s.ticketTypes, s.tickets];
  },
  expected,
  pageSizeCap: (stream) => (stream === 'ticketTypes' ? Number.MAX_SAFE_INTEGER : PAGE_CAP),
  requestLog: (sb) =>
    sb.control.requests().map((r) => {
      const url = new URL(r.path, 'http://sandbox.local');
      const path = url.pathname.toLowerCase();
      const stream = Object.keys(STREAM_PATHS).find((name) => STREAM_PATHS[name] === path) ?? null;
      const asked = url.searchParams.get('per_page');
      // The issue types come in one unpaged reply; the lists get Syncro's own 25 unless per_page is sent.
      const pageSize = asked !== null ? Number(asked) : stream === 'ticketTypes' ? 0 : url.searchParams.has('page') ? OWN_PAGE_SIZE : null;
      return { stream, pageSize, url: r.path };
    }),
});
