/**
 * The Syncro connector: `createSyncroConnector(options)` → PsaConnector & { kind: 'syncro' }.
 *
 * Rate limit: Syncro allows 180 requests per minute per IP address (shared by every tool on the host); the connector
 * keeps to `rateLimit` (150 per rolling minute by default) through one limiter, injected to share it between sync,
 * Test and export. Three API clients share it: the sync's (patient), the Test's (one retry, short waits) and the
 * export's (two retries, no wait above 20 s: a person is waiting).
 */
import type { CheckResult, ConnectorRuntime, CreateOpportunityInput, CreatedTicket, PsaConnector, PsaStreams, PsaTicketType } from '../contract.js';
import type { HttpClient, HttpEvent, SleepFn } from '../http/client.js';
import { createRateLimiter, type RateLimiter } from '../http/rate-limiter.js';
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
  const common = {
    limiter,
    retryAfterDefaultMs: settings.retryAfterDefaultMs,
    ...(onEvent === undefined ? {} : { onEvent }),
    ...(sleep === undefined ? {} : { sleep }),
    ...(settings.backoffBaseMs === undefined ? {} : { backoffBaseMs: settings.backoffBaseMs }),
  };
  const make = (http: Record<string, number>): SyncroApi => createSyncroApi({ baseUrl: settings.baseUrl, token: settings.apiToken, http: { ...common, ...http } });
  const api = make({ timeoutMs: settings.timeoutMs, ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }) });
  const checkApi = make({ timeoutMs: Math.min(settings.timeoutMs, 20_000), maxRetries: 1, maxRetryWaitMs: 5_000 });
  const actionApi = make({ timeoutMs: settings.timeoutMs, maxRetries: Math.min(2, settings.maxRetries ?? 2), maxRetryWaitMs: 20_000 });
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
    allowedTicketTypes(companyId: string): Promise<PsaTicketType[]> {
      return allowedTicketTypes(actionDeps, companyId);
    },
    createOpportunityTicket(input: CreateOpportunityInput): Promise<CreatedTicket> {
      return createOpportunityTicket(actionDeps, input);
    },
    findTicketByMarker(companyId: string, marker: string): Promise<string | null> {
      return findTicketByMarker(actionDeps, companyId, marker);
    },
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
