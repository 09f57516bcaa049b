/**
 * What the PSA connectors build alike around their own API code: the HTTP options of their API clients and the
 * opportunity actions bound to the actions' dependencies.
 */
import type { ConnectorRuntime, CreateOpportunityInput, CreatedTicket, PsaConnector, PsaTicketType } from './contract.js';
import type { HttpClientOptions } from './http/client.js';

/** The HTTP options every client of a connector takes from its runtime and settings (tests shorten the waits). */
export function runtimeHttpOptions(
  runtime: Pick<ConnectorRuntime, 'onEvent' | 'sleep'>,
  settings: { backoffBaseMs?: number | undefined },
): Pick<HttpClientOptions, 'onEvent' | 'sleep' | 'backoffBaseMs'> {
  return {
    ...(runtime.onEvent === undefined ? {} : { onEvent: runtime.onEvent }),
    ...(runtime.sleep === undefined ? {} : { sleep: runtime.sleep }),
    ...(settings.backoffBaseMs === undefined ? {} : { backoffBaseMs: settings.backoffBaseMs }),
  };
}

export type ApiProfile = Pick<HttpClientOptions, 'timeoutMs' | 'maxRetries' | 'maxRetryWaitMs'>;

/**
 * The patience of a PSA connector's three API clients (one limiter serves them all): the sync's (the settings' timeout
 * and retries); the Test's, which answers quickly (one retry, no wait above 5 s: a 429 is reported as rate_limited
 * instead); the opportunity actions', which answer a person waiting in the browser (two retries, no wait above 20 s:
 * a longer 429 wait fails as rate_limited and the export can be tried again).
 */
export function psaApiProfiles(settings: { timeoutMs: number; maxRetries?: number | undefined }): Record<'sync' | 'check' | 'action', ApiProfile> {
  return {
    sync: { timeoutMs: settings.timeoutMs, ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }) },
    check: { timeoutMs: Math.min(settings.timeoutMs, 20_000), maxRetries: 1, maxRetryWaitMs: 5_000 },
    action: { timeoutMs: settings.timeoutMs, maxRetries: Math.min(2, settings.maxRetries ?? 2), maxRetryWaitMs: 20_000 },
  };
}

/** A vendor's opportunity actions, each taking its dependencies first. */
export interface PsaActionFunctions<D> {
  allowedTicketTypes(deps: D, companyId: string): Promise<PsaTicketType[]>;
  createOpportunityTicket(deps: D, input: CreateOpportunityInput): Promise<CreatedTicket>;
  findTicketByMarker(deps: D, companyId: string, marker: string): Promise<string | null>;
}

export type PsaActionMethods = Pick<PsaConnector, 'allowedTicketTypes' | 'createOpportunityTicket' | 'findTicketByMarker'>;

/** The connector's action methods: the vendor's actions with their dependencies bound. */
export function bindPsaActions<D>(deps: D, actions: PsaActionFunctions<D>): PsaActionMethods {
  return {
    allowedTicketTypes: (companyId) => actions.allowedTicketTypes(deps, companyId),
    createOpportunityTicket: (input) => actions.createOpportunityTicket(deps, input),
    findTicketByMarker: (companyId, marker) => actions.findTicketByMarker(deps, companyId, marker),
  };
}
