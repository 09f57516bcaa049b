/** The IT Glue connector through the acceptance kit, against the IT Glue sandbox. */
import { createItGlueConnector, MAX_PAGE_SIZE } from '../../src/connectors/itglue/index.js';
import type { PrimaryConnector } from '../../src/connectors/contract.js';
import { startItGlueSandbox, type ItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { describeConnectorAcceptance, expectedByStream } from './acceptance.js';

const KEY = 'ITG.acceptance.key-0123456789';

/** The list path of each stream (itglue.md §4–§7). */
const STREAM_PATHS: Record<string, string> = {
  organizationStatuses: '/organization_statuses',
  organizationTypes: '/organization_types',
  organizations: '/organizations',
  configurations: '/configurations',
  domains: '/domains',
};

const expected = expectedByStream((sb: ItGlueSandbox) => sb.data, {
  organizationStatuses: (d) => d.statuses.map((s) => ({ id: String(s.id), name: s.name })),
  organizationTypes: (d) => d.types.map((t) => ({ id: String(t.id), name: t.name })),
  organizations: (d) => d.organizations.map((o) => ({ id: String(o.id), name: o.name, primary: o.primary, statusName: o.statusName })),
  configurations: (d) => d.configurations.map((c) => ({ id: String(c.id), organizationId: String(c.organizationId), name: c.name, archived: c.archived })),
  domains: (d) => d.domains.map((x) => ({ id: String(x.id), organizationId: String(x.organizationId), name: x.name })),
});

describeConnectorAcceptance<ItGlueSandbox, PrimaryConnector>({
  name: 'IT Glue',
  startSandbox: () => startItGlueSandbox({ port: 0, apiKey: KEY, rateLimit: { limit: 0, windowMs: 300_000 } }),
  connect: (sb, opts = {}) =>
    createItGlueConnector({
      baseUrl: sb.url,
      apiKey: opts.badCredential === true ? 'ITG.not-the-key' : KEY,
      rateLimit: { limit: 0, windowMs: 300_000 },
      sleep: async () => undefined,
    }),
  check: (c) => c.check(),
  streams: (c) => Object.values(c.streams()),
  expected,
  pageSizeCap: () => MAX_PAGE_SIZE,
  requestLog: (sb) =>
    sb.control.requests().map((r) => {
      const url = new URL(r.path, 'http://sandbox.local');
      const size = url.searchParams.get('page[size]');
      const stream = Object.keys(STREAM_PATHS).find((name) => STREAM_PATHS[name] === url.pathname) ?? null;
      return { stream, pageSize: size === null ? null : Number(size), url: r.path };
    }),
});
