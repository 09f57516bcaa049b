/** HaloPSA as Crosswalk sees it: the supplemental (PSA) integration's settings form, connector and sync plan. */
import { defineIntegration, type IntegrationConnector, type PlanStep } from '../../integrations/definition.js';
import { psaIntegrationConnector, psaNextStep, psaStreamSpecs, sandboxLauncher } from '../definitions.js';
import type { HaloSandboxOptions } from '../../sandbox/halo/index.js';
import { createHaloConnector } from './index.js';
import { haloClientUrl, haloTicketUrl } from './actions.js';
import { matchesOpportunityType, OPPORTUNITY_USES, opportunityTypeRule, type OpportunityTypeRule } from './mappers.js';

export interface HaloStoredSettings extends Record<string, unknown> {
  resourceServerUrl: string;
  authorizationServerUrl: string;
  tenant: string | null;
  clientId: string;
  pullTickets: boolean;
  opportunityExport: boolean;
  /** Ticket types (ids or names) an admin marked as opportunity types; absent in settings saved before they existed. */
  opportunityTypes?: string[];
  /** Values of a type's `use` that make it an opportunity type (halo.md §8). */
  opportunityUses?: string[];
  rateLimitPer5Min: number;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Which types are opportunity types under these settings: the `use` values and the types listed by id or name. */
function typeRule(settings: Record<string, unknown>): OpportunityTypeRule {
  const listed = strings(settings.opportunityTypes).map((x) => x.trim()).filter((x) => x !== '');
  const uses = Array.isArray(settings.opportunityUses) ? strings(settings.opportunityUses) : [...OPPORTUNITY_USES];
  return opportunityTypeRule({ ids: listed.filter((x) => /^\d+$/.test(x)), names: listed.filter((x) => !/^\d+$/.test(x)), uses });
}

export const halo = defineIntegration<HaloStoredSettings>({
  kind: 'halo',
  role: 'supplemental',
  displayName: 'HaloPSA',
  shortName: 'Halo',
  description: 'PSA: clients, ticket types and tickets; opportunities go back as tickets.',
  fields: [
    { name: 'resourceServerUrl', label: 'Resource Server URL', type: 'url', required: true, help: 'e.g. https://yourcompany.halopsa.com/api' },
    { name: 'authorizationServerUrl', label: 'Authorization Server URL', type: 'url', required: true, help: 'e.g. https://yourcompany.halopsa.com/auth' },
    { name: 'tenant', label: 'Tenant Name', type: 'text', required: false, help: 'Needed for Halo-hosted instances' },
    { name: 'clientId', label: 'Client ID', type: 'text', required: true },
    { name: 'clientSecret', label: 'Client Secret', type: 'secret', required: true },
    { name: 'pullTickets', label: 'Pull Tickets from Halo', type: 'boolean', required: true, default: true, help: "Show each company's Halo tickets in Crosswalk" },
    {
      name: 'opportunityExport', label: 'Enable Halo Opportunity Integration', type: 'boolean', required: true, default: false,
      help: 'Export opportunities to Halo as tickets of an opportunity type',
    },
    {
      name: 'opportunityTypes', label: 'Opportunity ticket types', type: 'list', required: false, default: [],
      help: 'Ticket types to offer for opportunities besides those Halo uses for Opportunities, by name or ID (comma-separated), e.g. Hardware Refresh, 45',
    },
    {
      name: 'opportunityUses', label: 'Opportunity usage values', type: 'list', required: false, default: [...OPPORTUNITY_USES],
      help: 'A ticket type whose usage (“use” in Halo’s API) is one of these counts as an opportunity type',
    },
  ],
  guide: {
    title: 'Permissions to grant the Halo API application',
    where: 'Halo → Configuration → Integrations → Halo API → View Applications → your application → Permissions.',
    items: [
      { terms: ['read:customers'], text: 'clients and sites' },
      { terms: ['read:tickets'], text: 'ticket history (Pull Tickets from Halo)' },
      { terms: ['edit:tickets', 'read:crm'], text: 'opportunity export' },
      { terms: ['all'], text: 'covers everything above' },
    ],
    footer: 'Use an application with the “Client ID and Secret (Services)” authentication method.',
  },
  // Hosted Halo: 300 requests per rolling 5 minutes (halo.md §10).
  rateLimit: { limit: 300, windowMs: 300_000 },
  // The limit belongs to the Halo instance (tenant), whichever API application or Crosswalk workspace calls it.
  rateLimitAccount: (settings) => `${settings.resourceServerUrl.trim().replace(/\/+$/, '').toLowerCase()}|${(settings.tenant ?? '').trim().toLowerCase()}`,
  streams: psaStreamSpecs({ name: 'clients', label: 'Clients', noun: ['company', 'companies'] }, [
    { name: 'sites', label: 'Sites', noun: ['site', 'sites'], target: 'psaSites', summary: false },
    { name: 'ticketTypes', label: 'Ticket types', noun: ['ticket type', 'ticket types'], target: 'psaTicketTypes', summary: false },
  ]),
  pageSize: 100,
  nextStep: psaNextStep('PSA companies', 'IT Glue'),
  advice: {
    invalid_credentials: 'Generate a new Client Secret in Halo (Configuration → Integrations → Halo API → your application) and update it under Integrations → HaloPSA.',
    invalid_tenant: 'Correct the Tenant Name under Integrations → HaloPSA (leave it empty for same-host auth).',
    missing_permissions:
      'Grant the missing permission to the API application in Halo (Configuration → Integrations → Halo API → your application → Permissions), then save the settings under Integrations → HaloPSA.',
    unreachable: 'Check the Resource and Authorisation Server URLs under Integrations → HaloPSA and that Halo is up; scheduled syncs keep trying.',
    not_found: 'Check the Resource and Authorisation Server URLs under Integrations → HaloPSA: they do not lead to the Halo API.',
    rate_limited: "Halo's limit is shared by every integration using the instance: scheduled syncs keep trying; lower Crosswalk's request rate under Integrations → HaloPSA if it persists.",
  },

  opportunities: {
    exportEnabled: (settings) => settings.opportunityExport === true,
    isOpportunityType: (type, settings) => matchesOpportunityType({ id: type.id, name: type.name, use: type.category }, typeRule(settings)),
    noTypesHelp:
      'In Halo, open Customers → this customer → Settings → Ticket Types and allow an opportunity ticket type (or tick “Allow use of all Ticket Types”). '
      + 'An opportunity type is a ticket type used for Opportunities, or one listed under “Opportunity ticket types” in Crosswalk’s HaloPSA settings. Then click Refresh types.',
    disabledHelp: 'An administrator can tick “Enable Halo Opportunity Integration” under Integrations → HaloPSA.',
  },

  // The agent web app lives at the Resource Server URL without `/api`.
  webLinks: {
    company: (settings, id) => (typeof settings.resourceServerUrl === 'string' ? haloClientUrl(settings.resourceServerUrl, id) : null),
    ticket: (settings, id) => (typeof settings.resourceServerUrl === 'string' ? haloTicketUrl(settings.resourceServerUrl, id) : null),
  },

  connect({ settings, secrets, limiter, onEvent, options }): IntegrationConnector {
    const rule = typeRule(settings);
    const { pageSize, ...connectorOptions } = options ?? {};
    const c = createHaloConnector({
      resourceServerUrl: settings.resourceServerUrl,
      authorizationServerUrl: settings.authorizationServerUrl,
      tenant: settings.tenant,
      clientId: settings.clientId,
      clientSecret: secrets.clientSecret ?? '',
      opportunityTypeIds: [...rule.ids],
      opportunityTypeNames: [...rule.names],
      opportunityUses: [...rule.uses],
      limiter,
      ...(onEvent !== undefined ? { onEvent } : {}),
      ...(pageSize !== undefined ? { pageSize: { tickets: Math.min(100, pageSize), default: pageSize } } : {}),
      ...connectorOptions,
    });
    // Tickets come last (when pulled). A "full" ticket pull is a window (open + last N months): its sweep keeps to that
    // window (the stream says which), so tickets deleted in Halo go and older tickets stay.
    return psaIntegrationConnector(c, settings, ({ ticketHistoryMonths }) => {
      const st = c.streams({ ticketMonths: ticketHistoryMonths });
      const steps: PlanStep[] = [{ progressName: 'clients', stream: st.companies, target: 'psaCompanies', sweepOnFull: true }];
      if (st.sites !== undefined) steps.push({ progressName: 'sites', stream: st.sites, target: 'psaSites', sweepOnFull: true });
      steps.push({ progressName: 'ticketTypes', stream: st.ticketTypes, target: 'psaTicketTypes', sweepOnFull: true });
      // Which types each client may use, read only while opportunities are exported (a request per ticket type).
      if (settings.opportunityExport && st.ticketTypeRules !== undefined) {
        steps.push({ progressName: null, stream: st.ticketTypeRules, target: 'psaTicketTypeRules', sweepOnFull: true });
      }
      return { streams: st, steps };
    });
  },
  sandbox: sandboxLauncher(4020, async ({ port, host, options }) => {
    const { startHaloSandbox, HALO_SANDBOX_DEFAULTS } = await import('../../sandbox/halo/index.js');
    const sandbox = await startHaloSandbox({ ...(options as HaloSandboxOptions | undefined), port, host });
    return {
      sandbox,
      values: {
        resourceServerUrl: sandbox.resourceUrl,
        authorizationServerUrl: sandbox.authUrl,
        tenant: '',
        clientId: HALO_SANDBOX_DEFAULTS.clientId,
        clientSecret: HALO_SANDBOX_DEFAULTS.clientSecret,
      },
    };
  }),
});
