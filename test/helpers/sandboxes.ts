/** Integration settings (as the API takes them) that point the app at a vendor sandbox. */
import { HALO_SANDBOX_DEFAULTS, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import type { ItGlueSandbox } from '../../src/sandbox/itglue/index.js';

/** Tests do not wait on the app's own rate limiter: the sandboxes they start have no limit either. */
const NO_CLIENT_LIMIT = { rateLimitPer5Min: 100_000 };

export function itglueSettingsFor(sandbox: ItGlueSandbox, apiKey: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { baseUrl: sandbox.url, apiKey, ...NO_CLIENT_LIMIT, ...over };
}

/** The sandbox's default app (same-host token URL, no tenant), pulling tickets and exporting opportunities. */
export function haloSettingsFor(sandbox: HaloSandbox, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceServerUrl: sandbox.resourceUrl,
    authorizationServerUrl: sandbox.authUrl,
    tenant: '',
    clientId: HALO_SANDBOX_DEFAULTS.clientId,
    clientSecret: HALO_SANDBOX_DEFAULTS.clientSecret,
    pullTickets: true,
    opportunityExport: true,
    ...NO_CLIENT_LIMIT,
    ...over,
  };
}
