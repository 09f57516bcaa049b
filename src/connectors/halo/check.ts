/**
 * The Halo connection Test. Never throws; answers the contract's codes with a sentence and where in Halo
 * to fix it.
 *
 * 1. Token (reveals invalid_credentials, invalid_tenant, not_found for the auth URL, unreachable, tls_error).
 * 2. `GET /Client?pageinate=true&page_size=1&page_no=1` — read:customers; also proves the API URL is Halo's.
 * 3. `GET /TicketType` — ticket types (read:tickets on some Halo versions).
 * 4. pullTickets: `GET /Tickets?pageinate=true&page_size=1&page_no=1` — read:tickets.
 * 5. opportunityExport: edit:tickets from the token's granted `scope` (nothing is created to probe it), and
 *    `GET /Opportunities?pageinate=true&page_size=1&page_no=1` — read:crm.
 * Missing permissions are collected and reported together. Empty lists are warnings in `details`: an
 * agent without visibility gets empty lists, not errors (halo.md §9).
 */
import type { CheckErrorCode, CheckResult } from '../contract.js';
import type { HttpResponse } from '../http/client.js';
import { isConnectorError } from '../http/errors.js';
import type { HaloAuth, HaloToken } from './auth.js';
import type { HaloApi } from './client.js';
import { checkErrorCode } from '../../shared/wire.js';
import {
  HALO_PERMISSIONS_PATH,
  HaloConnectorError,
  RESOURCE_URL_HINT,
  apiError,
  isInsufficientScope,
  isJsonBody,
  missingPermissionsError,
  notHaloApiError,
  scopeCovers,
  scopeForPath,
  scopeFromResponse,
} from './halo-error.js';
import { mapTicketType, unwrapList, type OpportunityTypeRule } from './mappers.js';

export interface HaloCheckDeps {
  auth: HaloAuth;
  /** An API client tuned for the Test (few retries, short waits). */
  api: HaloApi;
  opportunityTypeIds: OpportunityTypeRule | ReadonlySet<string>;
}

const CHECK_CODES: ReadonlySet<string> = new Set<string>(checkErrorCode.options);

export function checkFailure(err: unknown): CheckResult {
  if (isConnectorError(err)) {
    const code = (CHECK_CODES.has(err.code) ? err.code : err.code === 'http_error' && err.status === 429 ? 'rate_limited' : 'unexpected_response') as CheckErrorCode;
    const missing = err instanceof HaloConnectorError ? err.missingPermissions : undefined;
    let message = err.userMessage;
    if (code === 'unexpected_response' && err.code === 'http_error' && err.status !== undefined && !message.includes(String(err.status))) {
      message = `${message} (HTTP ${err.status})`;
    }
    return {
      ok: false,
      error: {
        code,
        message,
        ...(err.hint === undefined ? {} : { hint: err.hint }),
        ...(missing === undefined || missing.length === 0 ? {} : { missingPermissions: missing }),
      },
    };
  }
  return {
    ok: false,
    error: { code: 'unexpected_response', message: 'The Halo connection test failed unexpectedly.', hint: 'Try again; if it keeps failing, check the server log.' },
  };
}

type ProbeOutcome =
  | { kind: 'ok'; res: HttpResponse }
  /** 401/403; `scope` is the Halo scope the reply names, or the one our table gives for the path */
  | { kind: 'denied'; status: number; scope: string; insufficientScope: boolean }
  | { kind: 'absent' };

export async function checkHalo(deps: HaloCheckDeps, opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult> {
  try {
    return await runCheck(deps, opts);
  } catch (err) {
    return checkFailure(err);
  }
}

async function runCheck(deps: HaloCheckDeps, opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult> {
  const { api } = deps;
  const token: HaloToken = await deps.auth.getTokenInfo();
  const granted = token.scope;
  const warnings: string[] = [];
  const missing: string[] = [];
  const details: Record<string, unknown> = {};

  /** GET a probe; classify 401/403 as denied, 404 as absent (only where allowed), else throw. */
  const probe = async (path: string, query: Record<string, string | number | boolean>, allowAbsent: boolean): Promise<ProbeOutcome> => {
    const res = await api.request({ method: 'GET', path, query });
    if (res.status >= 200 && res.status < 300) {
      if (!isJsonBody(res)) throw notHaloApiError('GET', path, api.baseUrl, res);
      return { kind: 'ok', res };
    }
    if (res.status === 401 || res.status === 403) {
      return { kind: 'denied', status: res.status, scope: scopeFromResponse(res) ?? scopeForPath(path), insufficientScope: isInsufficientScope(res) };
    }
    if (res.status === 404 && allowAbsent) return { kind: 'absent' };
    throw apiError(res, 'GET', path, api.baseUrl);
  };
  const paged = { pageinate: true, page_size: 1, page_no: 1 };
  const countOf = (res: HttpResponse, key: string, path: string): number | null => {
    const list = unwrapList(res.body, key);
    if (list === null) {
      throw new HaloConnectorError({
        kind: 'system',
        code: 'unexpected_response',
        status: res.status,
        userMessage: `${api.baseUrl} answered GET ${path} with JSON that does not look like Halo's (no "${key}" list).`,
        hint: RESOURCE_URL_HINT,
      });
    }
    return list.recordCount ?? list.records.length;
  };

  // 2. Clients: proves the API URL and the token; needs read:customers.
  const clients = await probe('/Client', { ...paged, includeinactive: true, includeactive: true }, false);
  if (clients.kind !== 'ok') {
    const lacksCustomers = granted !== null && !scopeCovers(granted, 'read:customers');
    if (clients.kind === 'denied' && (clients.status === 403 || clients.insufficientScope || lacksCustomers || granted === '')) {
      missing.push(clients.scope);
    } else {
      throw new HaloConnectorError({
        kind: 'config',
        code: 'invalid_credentials',
        status: 401,
        userMessage: "Halo issued a token, but its API refused it (HTTP 401 on GET /Client).",
        hint: `${HALO_PERMISSIONS_PATH}: check that the application has an agent to log in as and its permissions (tick read:customers or "all"); also check that the Resource Server URL and the Authorisation Server URL belong to the same Halo instance.`,
      });
    }
  } else {
    const count = countOf(clients.res, 'clients', '/Client');
    details.clients = count;
    if (count === 0) warnings.push("Halo returned no clients: the application's agent may not see any customers (check the agent's permissions and teams in Halo).");
  }

  // 3. Ticket types.
  const types = await probe('/TicketType', {}, false);
  const addMissing = (scope: string): void => {
    if (!missing.includes(scope)) missing.push(scope);
  };
  if (types.kind === 'denied') addMissing(types.scope);
  else if (types.kind === 'ok') {
    const list = unwrapList(types.res.body, 'tickettypes');
    if (list === null) {
      throw new HaloConnectorError({
        kind: 'system',
        code: 'unexpected_response',
        userMessage: `${api.baseUrl} answered GET /TicketType with JSON that is not a list of ticket types.`,
      });
    }
    const mapped = list.records.map((r) => mapTicketType(r, deps.opportunityTypeIds)).filter((t) => t !== null);
    details.ticketTypes = mapped.length;
    details.opportunityTypes = mapped.filter((t) => t.isOpportunity).length;
    if (mapped.length === 0) warnings.push('Halo returned no ticket types: check the agent\'s permissions in Halo.');
    else if (opts.opportunityExport && details.opportunityTypes === 0) {
      warnings.push('No ticket type is an opportunity type: set one up in Halo (a ticket type used for Opportunities), or list yours under "Opportunity ticket types" in these settings.');
    }
  }

  // 4. Tickets.
  if (opts.pullTickets) {
    const tickets = await probe('/Tickets', paged, false);
    if (tickets.kind === 'denied') addMissing(tickets.scope);
    else if (tickets.kind === 'ok') {
      const count = countOf(tickets.res, 'tickets', '/Tickets');
      details.tickets = count;
      if (count === 0) warnings.push("Halo returned no tickets: the application's agent may not see any tickets (check its teams and permissions in Halo).");
    }
  }

  // 5. Opportunity export.
  if (opts.opportunityExport) {
    if (granted === null) {
      warnings.push('Halo did not report the granted scopes, so edit:tickets could not be verified without creating a ticket.');
    } else if (!scopeCovers(granted, 'edit:tickets')) {
      addMissing('edit:tickets');
    }
    const opps = await probe('/Opportunities', paged, true);
    if (opps.kind === 'denied') addMissing(opps.scope);
    else if (opps.kind === 'absent') warnings.push('This Halo has no /Opportunities endpoint; read:crm could not be verified.');
    else details.opportunities = countOf(opps.res, 'tickets', '/Opportunities');
  }

  if (missing.length > 0) {
    const err = missingPermissionsError(missing);
    return checkFailure(err);
  }
  if (warnings.length > 0) details.warnings = warnings;
  details.grantedScope = granted;
  details.tokenUrl = deps.auth.endpoint.url;
  return { ok: true, message: 'Connection Successful', details };
}
