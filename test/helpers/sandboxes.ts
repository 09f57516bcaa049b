/**
 * Vendor sandboxes in tests: one per suite, connectors pointed at them, and integration settings (as
 * the API takes them) that point the app at them.
 */
import { after, before } from 'node:test';
import { createHaloConnector, type HaloConnector, type HaloConnectorOptions } from '../../src/connectors/halo/index.js';
import { HALO_SANDBOX_DEFAULTS, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import type { ItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { createSyncroConnector, type SyncroConnector, type SyncroConnectorOptions } from '../../src/connectors/syncro/index.js';
import { SYNCRO_SANDBOX_DEFAULTS, type SyncroSandbox } from '../../src/sandbox/syncro/index.js';

/**
 * A sandbox for the tests of the enclosing suite: started in its `before` hook, closed in its `after`
 * hook. Returns a getter for it (valid once the suite runs).
 */
export function useSandbox<S extends { close(): Promise<void> }>(start: () => Promise<S>): () => S {
  let sandbox: S | undefined;
  before(async () => {
    sandbox = await start();
  });
  after(async () => {
    await sandbox?.close();
  });
  return () => {
    if (sandbox === undefined) throw new Error('the sandbox is started by the suite’s before hook');
    return sandbox;
  };
}

/** A Halo connector to the sandbox's default app (same-host token URL), with no real waits between retries. */
export function haloConnectorFor(sandbox: HaloSandbox, extra: Partial<HaloConnectorOptions> = {}): HaloConnector {
  return createHaloConnector({
    resourceServerUrl: sandbox.resourceUrl,
    authorizationServerUrl: sandbox.authUrl,
    clientId: HALO_SANDBOX_DEFAULTS.clientId,
    clientSecret: HALO_SANDBOX_DEFAULTS.clientSecret,
    sleep: async () => undefined,
    ...extra,
  });
}

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

/** A Syncro connector to the sandbox's default token, no client-side limit and no real waits between retries. */
export function syncroConnectorFor(sandbox: SyncroSandbox, extra: Partial<SyncroConnectorOptions> = {}): SyncroConnector {
  return createSyncroConnector({
    baseUrl: sandbox.baseUrl,
    apiToken: SYNCRO_SANDBOX_DEFAULTS.apiToken,
    rateLimit: { limit: 0, windowMs: 60_000 },
    sleep: async () => undefined,
    ...extra,
  });
}

/** The Syncro sandbox by its API Base URL with its default token, pulling tickets and exporting opportunities. */
export function syncroSettingsFor(sandbox: SyncroSandbox, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    baseUrl: sandbox.baseUrl,
    apiToken: SYNCRO_SANDBOX_DEFAULTS.apiToken,
    pullTickets: true,
    opportunityExport: true,
    ...NO_CLIENT_LIMIT,
    ...over,
  };
}
