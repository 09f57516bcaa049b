/**
 * The Syncro connector: `createSyncroConnector(options)` → PsaConnector & { kind: 'syncro' }.
 *
 * Rate limit: Syncro allows 180 requests per minute per IP address (shared by every tool on the host); the connector
 * keeps to `rateLimit` (150 per rolling minute by default) through one limiter, injected to share it between sync,
 * Test and export. Three API clients share it: the sync's (patient), the Test's (one retry, short waits) and the
 * export's (two retries, no wait above 20 s: a person is waiting).
 */
import type { CheckResult, ConnectorRuntime, CreatedTicket, PsaConnector, PsaStreams } from '../contract.js';
import type { HttpClient } from '../http/client.js';
import { createRateLimiter, type RateLimiter } from '../http/rate-limiter.js';
import { bindPsaActions, psaApiProfiles, runtimeHttpOptions, type ApiProfile } from '../psa.js';
import { allowedTicketTypes, createOpportunityTicket, findTicketByMarker, syncroTicketRef } from './actions.js';
import { checkSyncro } from './check.js';
import { createSyncroApi, type SyncroApi } from './client.js';
import { syncroSettingsSchema, type SyncroSettings, type SyncroSettingsInput } from './spec.js';
import { createSyncroStreams } from './streams.js';

export type SyncroConnectorOptions = SyncroSettingsInput & ConnectorRuntime;

export interface SyncroConnector extends PsaConnector {
  kind: 'syncro';
  readonly http: HttpClient;
  readonly limiter: RateLimiter;
  readonly api: SyncroApi;
  /** Effective settings without the token. */
  readonly settings: Omit<SyncroSettings, 'apiToken'>;
}

export function createSyncroConnector(options: SyncroConnectorOptions): SyncroConnector {
  const { limiter: injected, onEvent, now: nowOpt, sleep, ...input } = options;
  const settings = syncroSettingsSchema.parse(input);
  const now = nowOpt ?? Date.now;
  const limiter = injected ?? createRateLimiter({ limit: settings.rateLimit.limit, windowMs: settings.rateLimit.windowMs });
  const common = { limiter, retryAfterDefaultMs: settings.retryAfterDefaultMs, ...runtimeHttpOptions({ onEvent, sleep }, settings) };
  const make = (profile: ApiProfile): SyncroApi => createSyncroApi({ baseUrl: settings.baseUrl, token: settings.apiToken, http: { ...common, ...profile } });
  const profiles = psaApiProfiles(settings);
  const api = make(profiles.sync);
  const checkApi = make(profiles.check);
  const actionApi = make(profiles.action);
  const { apiToken: _token, ...publicSettings } = settings;
  const numbers = new Map<string, string>();
  const actionDeps = { api: actionApi, settings, now, numbers };

  return {
    kind: 'syncro',
    http: api.http,
    limiter,
    api,
    settings: publicSettings,
    check(opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult> {
      return checkSyncro({ api: checkApi, settings }, opts);
    },
    streams(_opts: { ticketMonths: number }): PsaStreams {
      return createSyncroStreams({ api, settings });
    },
    ...bindPsaActions(actionDeps, { allowedTicketTypes, createOpportunityTicket, findTicketByMarker }),
    ticketRef(ticketId: string): CreatedTicket {
      return syncroTicketRef(api.baseUrl, ticketId, numbers.get(ticketId));
    },
  };
}

export { syncroSettingsSchema, syncroBaseUrl, SUBDOMAIN, type SyncroSettings, type SyncroSettingsInput } from './spec.js';
export { paginateSyncro, parseMeta, DEFAULT_PAGE_SIZE } from './paginate.js';
export { mapCustomer, mapTicket, ticketRules, syncroId, syncroDate, emailDomain, parseIssueTypes, ticketNumber } from './mappers.js';
export { extractSyncroMessage, SyncroConnectorError } from './errors.js';
export { markerText, htmlToText, syncroTicketUrl } from './actions.js';
export { sinceValue } from './streams.js';
