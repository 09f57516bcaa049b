/** Syncro as Crosswalk sees it: the second PSA's settings form, connector and sync plan. */
import { defineIntegration, type IntegrationConnector, type PlanStep, type SettingsIssue } from '../../integrations/definition.js';
import { psaIntegrationConnector, psaNextStep, psaStreamSpecs, sandboxLauncher } from '../definitions.js';
import type { SyncroSandboxOptions } from '../../sandbox/syncro/index.js';
import { createSyncroConnector } from './index.js';
import { lowerSet } from './mappers.js';
import { SUBDOMAIN, syncroBaseUrl } from './spec.js';

export interface SyncroStoredSettings extends Record<string, unknown> {
  subdomain: string | null;
  baseUrl: string | null;
  pullTickets: boolean;
  opportunityExport: boolean;
  opportunityIssueTypes?: string[];
  closedStatuses?: string[];
  ticketsSinceParam?: string | null;
  ticketsSinceDateOnly?: boolean;
  perPage?: string | null;
  issueTypesPath?: string | null;
  commentBody?: boolean;
  rateLimitPer5Min: number;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const filled = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const DEFAULT_OPPORTUNITY_TYPES = ['Opportunity'];
const DEFAULT_CLOSED = ['Resolved'];

function opportunityIssueTypes(settings: Record<string, unknown>): string[] {
  return Array.isArray(settings.opportunityIssueTypes) ? strings(settings.opportunityIssueTypes) : DEFAULT_OPPORTUNITY_TYPES;
}

/** Exactly one of subdomain and baseUrl; the subdomain a lowercase DNS label; the advanced values in range. */
function validate(body: Record<string, unknown>): SettingsIssue[] {
  const issues: SettingsIssue[] = [];
  const sub = body.subdomain;
  const hasSub = filled(sub);
  const hasUrl = filled(body.baseUrl);
  if (hasSub && hasUrl) {
    issues.push({ path: 'baseUrl', message: 'Enter either the Subdomain or the API Base URL, not both' });
  } else if (!hasSub && !hasUrl) {
    issues.push({ path: 'subdomain', message: 'Enter the Subdomain (or the API Base URL)' });
  }
  if (hasSub) {
    const s = sub.trim();
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.includes('/')) {
      issues.push({ path: 'subdomain', message: 'Enter only the Subdomain, without https:// (e.g. yourcompany for yourcompany.syncromsp.com)' });
    } else if (s.includes('.')) {
      issues.push({ path: 'subdomain', message: 'Enter only the Subdomain, without dots (e.g. yourcompany, not yourcompany.syncromsp.com)' });
    } else if (!SUBDOMAIN.test(s)) {
      issues.push({ path: 'subdomain', message: 'The Subdomain must be a lowercase DNS label: a–z, 0–9 and inner hyphens, at most 63 characters' });
    }
  }
  if (filled(body.perPage) && !(/^\d+$/.test(body.perPage.trim()) && Number(body.perPage) >= 1 && Number(body.perPage) <= 100)) {
    issues.push({ path: 'perPage', message: 'The Page size must be a whole number from 1 to 100 (or empty)' });
  }
  if (filled(body.ticketsSinceParam) && !/^[a-z_]+$/.test(body.ticketsSinceParam.trim())) {
    issues.push({ path: 'ticketsSinceParam', message: 'The Ticket update filter parameter is a name of lowercase letters and underscores (e.g. since_updated_at)' });
  }
  if (filled(body.issueTypesPath) && !/^\/[a-z_/]+$/.test(body.issueTypesPath.trim())) {
    issues.push({ path: 'issueTypesPath', message: 'The Issue types endpoint is a path such as /tickets/settings' });
  }
  return issues;
}

export const syncro = defineIntegration<SyncroStoredSettings>({
  kind: 'syncro',
  role: 'supplemental',
  displayName: 'Syncro',
  description: 'PSA: customers, issue types and tickets; opportunities go back as tickets.',
  fields: [
    { name: 'subdomain', label: 'Subdomain', type: 'text', required: false, placeholder: 'yourcompany', help: 'The “yourcompany” in yourcompany.syncromsp.com. Enter this or the API Base URL.' },
    { name: 'baseUrl', label: 'API Base URL', type: 'url', required: false, help: 'Instead of the Subdomain: the full API address, e.g. https://yourcompany.syncromsp.com/api/v1' },
    { name: 'apiToken', label: 'API Token', type: 'secret', required: true, help: 'Syncro → Admin → API → API Tokens (the value is shown once)' },
    { name: 'pullTickets', label: 'Pull Tickets from Syncro', type: 'boolean', required: true, default: true, help: "Show each company's Syncro tickets in Crosswalk" },
    { name: 'opportunityExport', label: 'Enable Syncro Opportunity Export', type: 'boolean', required: true, default: false, help: 'Export opportunities to Syncro as tickets of an opportunity issue type' },
    {
      name: 'opportunityIssueTypes', label: 'Opportunity issue types', type: 'list', required: false, default: [...DEFAULT_OPPORTUNITY_TYPES],
      help: 'Syncro issue types (Admin → Tickets → Ticket Issue Types) to offer for opportunities, comma-separated',
    },
    { name: 'closedStatuses', label: 'Closed ticket statuses', type: 'list', required: false, default: [...DEFAULT_CLOSED], help: 'Ticket statuses that count as closed; a ticket with a resolved date is closed too' },
    { name: 'ticketsSinceParam', label: 'Ticket update filter parameter', type: 'text', required: false, placeholder: 'since_updated_at', help: 'Advanced: the query parameter that asks for tickets updated since a time (default since_updated_at)' },
    { name: 'ticketsSinceDateOnly', label: 'Send the ticket update filter as a date', type: 'boolean', required: false, default: false, help: 'Advanced: send 2024-06-20 instead of a UTC timestamp; either way a whole day is re-read' },
    { name: 'perPage', label: 'Page size (per_page)', type: 'text', required: false, placeholder: '25', help: 'Advanced: leave empty to use Syncro’s own page size (25); 1–100 where your account honours per_page' },
    { name: 'issueTypesPath', label: 'Issue types endpoint', type: 'text', required: false, placeholder: '/tickets/settings', help: 'Advanced: leave empty to try /tickets/settings, then /ticket_problem_types' },
    { name: 'commentBody', label: 'Send the first comment as comment_body', type: 'boolean', required: false, default: false, help: 'Advanced: for accounts that ignore comments_attributes on new tickets' },
  ],
  validateSettings: validate,
  guide: {
    title: 'Permissions to tick on the Syncro API token',
    where: 'Syncro → Admin → API → API Tokens → New Token → Custom Permissions (an optional expiry date ends the sync on that day).',
    items: [
      { terms: ['Customers - List/Search'], text: 'customers' },
      { terms: ['Tickets - List/Search', 'Tickets - View Details'], text: 'ticket history (Pull Tickets from Syncro) and finding exported tickets' },
      { terms: ['Tickets - Create'], text: 'opportunity export' },
    ],
    footer: 'Create the token for a full-time technician: others may see only part of the data.',
  },
  // 180 requests per minute per IP address, shared by every tool on this host (syncro.md §6): we keep near 150.
  rateLimit: { limit: 150, windowMs: 60_000 },
  streams: psaStreamSpecs({ name: 'customers', label: 'Customers', noun: ['customer', 'customers'] }),
  pageSize: 25,
  nextStep: psaNextStep('Syncro customers', 'IT Glue'),
  advice: {
    invalid_credentials: 'Syncro refused the API token (wrong, revoked or expired): create a new one in Syncro → Admin → API → API Tokens and save it under Integrations → Syncro.',
    missing_permissions: 'Tick the missing permission on the API token in Syncro (Admin → API → API Tokens), or create a new token, then save it under Integrations → Syncro.',
    unreachable: 'Check the Subdomain (or API Base URL) under Integrations → Syncro and that Syncro is up; scheduled syncs keep trying.',
    not_found: 'Check the Subdomain (or API Base URL) under Integrations → Syncro: it does not lead to the Syncro API.',
    rate_limited: "Syncro's limit (180 per minute) is shared by every tool on this server's IP address: scheduled syncs keep trying; lower Crosswalk's request rate under Integrations → Syncro if it persists.",
  },
  opportunities: {
    exportEnabled: (settings) => settings.opportunityExport === true,
    isOpportunityType: (type, settings) => lowerSet(opportunityIssueTypes(settings)).has(type.name.trim().toLowerCase()) || lowerSet(opportunityIssueTypes(settings)).has(type.id.trim().toLowerCase()),
    noTypesHelp: 'In Syncro, add an issue type for opportunities (Admin → Tickets → Ticket Issue Types), and name it under “Opportunity issue types” in Crosswalk’s Syncro settings. Then click Refresh types.',
    disabledHelp: 'An administrator can tick “Enable Syncro Opportunity Export” under Integrations → Syncro.',
  },

  connect({ settings, secrets, limiter, onEvent, options }): IntegrationConnector {
    const baseUrl = filled(settings.baseUrl) ? settings.baseUrl : syncroBaseUrl(settings.subdomain ?? '');
    const perPage = filled(settings.perPage) ? Number(settings.perPage) : null;
    const c = createSyncroConnector({
      baseUrl,
      apiToken: secrets.apiToken ?? '',
      perPage,
      ...(filled(settings.ticketsSinceParam) ? { sinceParam: settings.ticketsSinceParam.trim() } : {}),
      sinceDateOnly: settings.ticketsSinceDateOnly === true,
      closedStatuses: Array.isArray(settings.closedStatuses) ? strings(settings.closedStatuses) : DEFAULT_CLOSED,
      opportunityIssueTypes: opportunityIssueTypes(settings),
      issueTypesPath: filled(settings.issueTypesPath) ? settings.issueTypesPath.trim() : null,
      commentBody: settings.commentBody === true,
      limiter,
      ...(onEvent !== undefined ? { onEvent } : {}),
      ...options,
    });
    // Tickets come last (when pulled). A full ticket pull reads every ticket (Syncro has no tombstones): it reconciles deletions.
    return psaIntegrationConnector(c, settings, () => {
      const st = c.streams({ ticketMonths: 0 });
      const steps: PlanStep[] = [
        { progressName: 'customers', stream: st.companies, target: 'psaCompanies', sweepOnFull: true },
        // Issue types: read, not shown (the contract's Syncro streams are customers and tickets).
        { progressName: null, stream: st.ticketTypes, target: 'psaTicketTypes', sweepOnFull: true },
      ];
      return { streams: st, steps };
    });
  },
  sandbox: sandboxLauncher(4030, async ({ port, host, options }) => {
    const { startSyncroSandbox, SYNCRO_SANDBOX_DEFAULTS } = await import('../../sandbox/syncro/index.js');
    const sandbox = await startSyncroSandbox({ ...(options as SyncroSandboxOptions | undefined), port, host });
    return { sandbox, values: { subdomain: '', baseUrl: sandbox.baseUrl, apiToken: SYNCRO_SANDBOX_DEFAULTS.apiToken } };
  }),
});
