/**
 * The Syncro connection Test (syncro.md §1). Never throws.
 *
 * 1. `GET /me` — the token's user. 401 → invalid_credentials (wrong, revoked or expired token). A 404 means this
 *    account has no /me (uncertain): the Test goes on without it.
 * 2. `GET /customers?page=1&include_disabled=true` and 3. `GET /tickets?page=1` — the read permissions. Once /me has
 *    accepted the token, a 401 as well as a 403 here means a missing permission (which of the two Syncro sends is
 *    uncertain); without /me a 401 stays invalid_credentials.
 * 4. With opportunity export on: the issue types, and whether one of them is an opportunity issue type.
 * Empty lists are warnings: a token of a technician who is not a full-time agent may see nothing (uncertain).
 */
import type { CheckErrorCode, CheckResult } from '../contract.js';
import type { HttpResponse } from '../http/client.js';
import { isConnectorError } from '../http/errors.js';
import { checkErrorCode } from '../../shared/wire.js';
import type { SyncroApi } from './client.js';
import { SyncroConnectorError, apiError, invalidTokenError, excerpt, isJsonBody, missingPermissionsError, notSyncroApiError, permissionFor, unexpected } from './errors.js';
import { lowerSet } from './mappers.js';
import { parseMeta } from './paginate.js';
import type { SyncroSettings } from './spec.js';
import { loadIssueTypes } from './streams.js';

const CHECK_CODES: ReadonlySet<string> = new Set<string>(checkErrorCode.options);

export function checkFailure(err: unknown): CheckResult {
  if (isConnectorError(err)) {
    const code = (CHECK_CODES.has(err.code) ? err.code : err.status === 429 ? 'rate_limited' : 'unexpected_response') as CheckErrorCode;
    const missing = err instanceof SyncroConnectorError ? err.missingPermissions : undefined;
    let message = err.userMessage;
    if (code === 'unexpected_response' && err.status !== undefined && !message.includes(String(err.status))) message = `${message} (HTTP ${err.status})`;
    return {
      ok: false,
      error: {
        code, message,
        ...(err.hint === undefined ? {} : { hint: err.hint }),
        ...(missing === undefined || missing.length === 0 ? {} : { missingPermissions: missing }),
      },
    };
  }
  return { ok: false, error: { code: 'unexpected_response', message: 'The Syncro connection test failed unexpectedly.', hint: 'Try again; if it keeps failing, check the server log.' } };
}

export async function checkSyncro(deps: { api: SyncroApi; settings: SyncroSettings }, opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult> {
  try {
    return await runCheck(deps, opts);
  } catch (err) {
    return checkFailure(err);
  }
}

async function runCheck(deps: { api: SyncroApi; settings: SyncroSettings }, opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult> {
  const { api } = deps;
  const details: Record<string, unknown> = {};
  const warnings: string[] = [];
  const missing: string[] = [];

  const get = async (path: string, query: Record<string, string | number | boolean>): Promise<HttpResponse> => api.request({ method: 'GET', path, query });

  // 1. /me
  const me = await get('/me', {});
  let tokenAccepted = false;
  if (me.status >= 200 && me.status < 300) {
    if (!isJsonBody(me)) throw notSyncroApiError('GET', '/me', api.baseUrl, me);
    tokenAccepted = true;
    const user = (me.body as Record<string, unknown>).user ?? me.body;
    if (typeof user === 'object' && user !== null) {
      const u = user as Record<string, unknown>;
      const name = typeof u.full_name === 'string' ? u.full_name : typeof u.email === 'string' ? u.email : null;
      if (name !== null) details.user = name;
    }
  } else if (me.status === 401) {
    throw invalidTokenError(`GET /me: ${excerpt(me)}`);
  } else if (me.status === 404 && isJsonBody(me)) {
    // This account has no /me (uncertain): the list requests below prove the token instead.
    details.meEndpoint = false;
  } else if (me.status !== 403) {
    throw apiError(me, 'GET', '/me', api.baseUrl);
  }

  /** A list probe: its total, or null when the permission is missing (recorded). */
  const probe = async (path: string, key: string, query: Record<string, string | number | boolean>): Promise<number | null> => {
    const res = await get(path, { ...query, page: 1 });
    if (res.status === 401 || res.status === 403) {
      if (res.status === 401 && !tokenAccepted) throw invalidTokenError(`GET ${path}: ${excerpt(res)}`);
      const p = permissionFor('GET', path);
      if (!missing.includes(p)) missing.push(p);
      return null;
    }
    if (res.status < 200 || res.status >= 300) throw apiError(res, 'GET', path, api.baseUrl);
    if (!isJsonBody(res)) throw notSyncroApiError('GET', path, api.baseUrl, res);
    const list = (res.body as Record<string, unknown>)[key];
    if (!Array.isArray(list)) throw unexpected(`${api.baseUrl} answered GET ${path} with JSON that does not look like Syncro's (no "${key}" list).`);
    tokenAccepted = true;
    return parseMeta(res.body).totalEntries ?? list.length;
  };

  const customers = await probe('/customers', 'customers', { include_disabled: true });
  if (customers !== null) {
    details.customers = customers;
    if (customers === 0) warnings.push("Syncro returned no customers: the token's technician may not see any (tokens of technicians who are not full-time agents may see only part of the data).");
  }
  const tickets = await probe('/tickets', 'tickets', {});
  if (tickets !== null) {
    details.tickets = tickets;
    if (tickets === 0 && opts.pullTickets) warnings.push("Syncro returned no tickets: the token's technician may not see any.");
  }

  if (opts.opportunityExport && missing.length === 0) {
    const types = await loadIssueTypes(deps);
    const opp = lowerSet(deps.settings.opportunityIssueTypes);
    if (types === null) {
      warnings.push(`Syncro lists no issue types at ${deps.settings.issueTypesPath ?? '/tickets/settings or /ticket_problem_types'}; the opportunity issue types named in these settings are used as they are.`);
    } else {
      details.issueTypes = types.names.length;
      const found = types.names.filter((n) => opp.has(n.toLowerCase()));
      details.opportunityIssueTypes = found;
      if (found.length === 0) warnings.push(`None of Syncro's issue types is an opportunity issue type (${deps.settings.opportunityIssueTypes.join(', ') || 'none named'}): add one in Syncro or name yours under "Opportunity issue types".`);
    }
    warnings.push('Whether the token may create tickets (Tickets - Create) is only known at the first export: nothing is created to test it.');
  }

  if (missing.length > 0) return checkFailure(missingPermissionsError(missing));
  if (warnings.length > 0) details.warnings = warnings;
  details.baseUrl = api.baseUrl;
  return { ok: true, message: 'Connection Successful', details };
}
