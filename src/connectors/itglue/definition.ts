/** IT Glue as Crosswalk sees it: the primary integration's settings form, connector and sync plan. */
import { defineIntegration, type IntegrationConnector } from '../../integrations/definition.js';
import { sandboxLauncher } from '../definitions.js';
import type { StartItGlueSandboxOptions } from '../../sandbox/itglue/index.js';
import { createItGlueConnector } from './index.js';
import { ITGLUE_REGIONS } from './spec.js';

export interface ItGlueStoredSettings extends Record<string, unknown> {
  baseUrl: string;
  /** the account's web address, for links (optional) */
  webUrl?: string | null;
  activeStatusNames: string[];
  rateLimitPer5Min: number;
}

const SANDBOX_API_KEY = 'ITG.sandbox.demo-key';

/** The "IT Glue web address" setting without a trailing slash, or null when not set. */
function webBase(settings: Record<string, unknown>): string | null {
  const v = settings.webUrl;
  return typeof v === 'string' && v.trim() !== '' ? v.trim().replace(/\/+$/, '') : null;
}

export const itglue = defineIntegration<ItGlueStoredSettings>({
  kind: 'itglue',
  role: 'primary',
  displayName: 'IT Glue',
  description: 'Documentation: organizations (companies), configurations and domains.',
  fields: [
    {
      name: 'baseUrl', label: 'API URL', type: 'url', required: true, default: ITGLUE_REGIONS.us,
      help: 'Base URL of the IT Glue API for your region',
      presetsLabel: 'Region',
      presets: [
        { label: 'US', value: ITGLUE_REGIONS.us },
        { label: 'EU', value: ITGLUE_REGIONS.eu },
        { label: 'AU', value: ITGLUE_REGIONS.au },
      ],
    },
    { name: 'apiKey', label: 'API Key', type: 'secret', required: true, placeholder: 'ITG.…', help: 'IT Glue → Account → Settings → API Keys' },
    {
      name: 'webUrl', label: 'IT Glue web address', type: 'url', required: false, placeholder: 'https://yourcompany.itglue.com',
      help: 'Where you open IT Glue in a browser (optional): Crosswalk then links to its organizations and configurations',
    },
    {
      name: 'activeStatusNames', label: 'Active status names', type: 'list', required: false, default: ['Active'],
      help: 'Organization statuses that count as active companies, separated by commas',
    },
  ],
  // 3000 requests per 5 minutes per account (itglue.md §9).
  rateLimit: { limit: 3000, windowMs: 300_000 },
  streams: [
    { name: 'organizations', label: 'Organizations', noun: ['organization', 'organizations'], target: 'organizations', summary: true },
    { name: 'configurations', label: 'Configurations', noun: ['configuration', 'configurations'], target: 'configurations', summary: true },
    { name: 'domains', label: 'Domains', noun: ['domain', 'domains'], target: 'domains', summary: true },
  ],
  pageSize: 1000,
  nextStep: 'Your IT Glue companies are now on the Companies page.',
  advice: {
    invalid_credentials: "Create a new API key in IT Glue (Account → Settings → API Keys) and update it under Integrations → IT Glue; a key also fails against another region's API URL.",
    unreachable: 'Check the API URL (region) under Integrations → IT Glue and that IT Glue is up; scheduled syncs keep trying.',
    not_found: 'Check the region of the API URL under Integrations → IT Glue: it does not lead to the IT Glue API.',
    rate_limited: 'IT Glue allows 3,000 requests per 5 minutes, shared by every tool using the account: scheduled syncs keep trying.',
  },

  // The API does not tell the account's web address (its records' `resource-url`s do: https://<account>.itglue.com/<org>/configurations/<id>).
  webLinks: {
    organization: (settings, id) => (webBase(settings) === null ? null : `${webBase(settings)}/${encodeURIComponent(id)}`),
    configuration: (settings, c) =>
      webBase(settings) === null ? null : `${webBase(settings)}/${encodeURIComponent(c.organizationId)}/configurations/${encodeURIComponent(c.id)}`,
  },

  connect({ settings, secrets, limiter, onEvent, options }): IntegrationConnector {
    const c = createItGlueConnector({ baseUrl: settings.baseUrl, apiKey: secrets.apiKey ?? '', limiter, ...(onEvent !== undefined ? { onEvent } : {}), ...options });
    return {
      http: c.http,
      check: () => c.check(),
      plan() {
        const st = c.streams();
        return [
          // Statuses and types are re-pulled fully every run (itglue.md §5).
          { progressName: null, stream: st.organizationStatuses, target: 'organizationStatuses', sweepOnFull: true },
          { progressName: null, stream: st.organizationTypes, target: 'organizationTypes', sweepOnFull: true },
          { progressName: 'organizations', stream: st.organizations, target: 'organizations', sweepOnFull: true },
          { progressName: 'configurations', stream: st.configurations, target: 'configurations', sweepOnFull: true },
          { progressName: 'domains', stream: st.domains, target: 'domains', sweepOnFull: true },
        ];
      },
    };
  },
  sandbox: sandboxLauncher(4010, async ({ port, host, options }) => {
    const { startItGlueSandbox } = await import('../../sandbox/itglue/index.js');
    const opts = (options ?? {}) as StartItGlueSandboxOptions;
    const apiKey = opts.apiKey ?? SANDBOX_API_KEY;
    const sandbox = await startItGlueSandbox({ ...opts, apiKey, port, host });
    return { sandbox, values: { baseUrl: sandbox.url, apiKey } };
  }),
});
