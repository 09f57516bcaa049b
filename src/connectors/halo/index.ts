/**
 * The HaloPSA connector: `createHaloConnector(options)` → PsaConnector & { kind: 'halo' }.
 *
 * Rate limit: one limiter per connector (inject `limiter` to share one between sync and export). Unless
 * injected, it allows `limit − min(rateLimitHeadroom, ⌊limit / 20⌋)` requests per rolling `windowMs`:
 * 295 per 300 s with the defaults (300 / 300 000 ms, headroom 5); `limit: 0` = unlimited. Every API
 * attempt (including retries) takes one slot; token requests go to the auth server and take none.
 */
import type { CheckResult, ConnectorRuntime, CreatedTicket, PsaConnector, PsaStreams } from '../contract.js';
import { createHttpClient, type HttpClient } from '../http/client.js';
import { createRateLimiter, type RateLimiter } from '../http/rate-limiter.js';
import { bindPsaActions, psaApiProfiles, runtimeHttpOptions, type ApiProfile } from '../psa.js';
import { allowedTicketTypes, createOpportunityTicket, findTicketByMarker, haloTicketRef } from './actions.js';
import { createHaloAuth, resolveTokenEndpoint, type HaloAuth, type TokenEndpoint } from './auth.js';
import { checkHalo } from './check.js';
import { createHaloApi, type HaloApi } from './client.js';
import { haloSettingsSchema, type HaloSettings, type HaloSettingsInput } from './spec.js';
import { opportunityTypeRule } from './mappers.js';
import { createHaloStreams } from './streams.js';
import { createTicketTypeRulesStream } from './type-rules.js';

export type HaloConnectorOptions = HaloSettingsInput & ConnectorRuntime;

export interface HaloConnector extends PsaConnector {
  kind: 'halo';
  readonly http: HttpClient;
  /** The limiter every API request goes through. */
  readonly limiter: RateLimiter;
  /** The token cache (no secrets are readable from it). */
  readonly auth: HaloAuth;
  readonly tokenEndpoint: TokenEndpoint;
  /** Effective settings without the client secret. */
  readonly settings: Omit<HaloSettings, 'clientSecret'>;
}

/** Requests per window the default limiter allows for Halo's `limit`. */
export function effectiveRateLimit(limit: number, headroom: number): number {
  if (limit <= 0) return 0;
  return Math.max(1, limit - Math.min(headroom, Math.floor(limit / 20)));
}

export function createHaloConnector(options: HaloConnectorOptions): HaloConnector {
  const { limiter: injectedLimiter, onEvent, now: nowOpt, sleep, ...input } = options;
  const settings = haloSettingsSchema.parse(input);
  const now = nowOpt ?? Date.now;
  const limiter =
    injectedLimiter ??
    createRateLimiter({ limit: effectiveRateLimit(settings.rateLimit.limit, settings.rateLimitHeadroom), windowMs: settings.rateLimit.windowMs });
  const common = runtimeHttpOptions({ onEvent, sleep }, settings);

  const tokenEndpoint = resolveTokenEndpoint(settings.authorizationServerUrl, settings.tenant);
  const tokenHttp = createHttpClient({
    ...common,
    baseUrl: tokenEndpoint.baseUrl,
    timeoutMs: settings.timeoutMs,
    maxRetries: 2,
    retryAfterDefaultMs: settings.retryAfterDefaultMs,
    maxRetryWaitMs: 15_000,
  });
  const auth = createHaloAuth({
    http: tokenHttp,
    endpoint: tokenEndpoint,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scope: settings.scope,
    renewBeforeMs: settings.tokenRenewBeforeMs,
    now,
  });
  // The sync's, the Test's and the opportunity actions' clients: the same limiter, each its own patience.
  const make = (profile: ApiProfile): HaloApi =>
    createHaloApi({ baseUrl: settings.resourceServerUrl, auth, http: { ...common, limiter, retryAfterDefaultMs: settings.retryAfterDefaultMs, ...profile } });
  const profiles = psaApiProfiles(settings);
  const api = make(profiles.sync);
  const checkApi = make(profiles.check);
  const actionApi = make(profiles.action);

  const opportunityTypeIds = opportunityTypeRule({ ids: settings.opportunityTypeIds, names: settings.opportunityTypeNames, uses: settings.opportunityUses });
  const streamDeps = { api, pageSize: settings.pageSize, concurrency: settings.concurrency, opportunityTypeIds, now };
  const actionDeps = { api: actionApi, opportunityTypeIds, now };
  const { clientSecret: _secret, ...publicSettings } = settings;

  return {
    kind: 'halo',
    http: api.http,
    limiter,
    auth,
    tokenEndpoint,
    settings: publicSettings,
    check(opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult> {
      return checkHalo({ auth, api: checkApi, opportunityTypeIds }, opts);
    },
    streams(opts: { ticketMonths: number }): PsaStreams {
      return { ...createHaloStreams(streamDeps, opts), ticketTypeRules: createTicketTypeRulesStream({ api, pageSize: settings.pageSize.default }) };
    },
    ...bindPsaActions(actionDeps, { allowedTicketTypes, createOpportunityTicket, findTicketByMarker }),
    ticketRef(ticketId: string): CreatedTicket {
      return haloTicketRef(api.baseUrl, ticketId);
    },
  };
}

export { haloSettingsSchema, type HaloSettings, type HaloSettingsInput } from './spec.js';
export { resolveTokenEndpoint, createHaloAuth, type HaloAuth, type HaloToken, type TokenEndpoint } from './auth.js';
export { HaloConnectorError } from './halo-error.js';
export { extractHaloMessage } from './error-message.js';
export { paginateHalo, type PaginateHaloOptions, type HaloRawPage } from './paginate.js';
export { mapCompany, mapSite, mapTicket, mapTicketType, haloId, haloDate, haloLastUpdate, unwrapList, opportunityTypeRule, matchesOpportunityType, type OpportunityTypeRule } from './mappers.js';
export { markerText, markerFooter, haloTicketUrl } from './actions.js';
export { createTicketTypeRulesStream } from './type-rules.js';
