/**
 * Syncro replies → ConnectorErrors (syncro.md §7), with messages that say where in Syncro to fix things.
 * Error bodies vary (`{"error"}`, `{"errors":[…]}`, `{"errors":{field:[…]}}`, `{"message"}`): one extractor tries each
 * and falls back to the status; the raw body goes only into `detail` (the log), never to the user.
 */
import {
  PermissionsConnectorError, classErrorInit, replyErrorInit, responseExcerpt, type ConnectorErrorInit, type ErrorResponse,
} from '../http/errors.js';

export const TOKEN_PLACE = 'Syncro → Admin → API → API Tokens';
export const TOKEN_HINT = `Create a new API token in ${TOKEN_PLACE} (its value is shown once) and save it under Integrations → Syncro.`;
export const URL_HINT = 'Check the Subdomain (the "yourcompany" in yourcompany.syncromsp.com) or the API Base URL (it ends in /api/v1).';

/** Its `missingPermissions` are Syncro permission checkboxes the token lacks. */
export class SyncroConnectorError extends PermissionsConnectorError {
  constructor(init: ConnectorErrorInit & { missingPermissions?: string[] }) {
    super(init);
    this.name = 'SyncroConnectorError';
  }
}

function clean(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const t = text.replace(/\s+/g, ' ').trim();
  return t === '' || t.startsWith('<') ? null : t.slice(0, 300);
}

/** The human message of a Syncro error body, whichever shape it has; null when none is found. */
export function extractSyncroMessage(body: unknown): string | null {
  if (typeof body === 'string') return clean(body.startsWith('"') ? body.slice(1, -1) : body);
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const direct = clean(b.error) ?? clean(b.message);
  if (direct !== null) return direct;
  const errors = b.errors;
  if (Array.isArray(errors)) {
    const parts = errors.map(clean).filter((x): x is string => x !== null);
    return parts.length === 0 ? null : parts.join('; ');
  }
  if (typeof errors === 'object' && errors !== null) {
    const parts: string[] = [];
    for (const [field, value] of Object.entries(errors as Record<string, unknown>)) {
      const msgs = (Array.isArray(value) ? value : [value]).map(clean).filter((x): x is string => x !== null);
      for (const m of msgs) parts.push(field === 'base' ? m : `${field.replace(/_/g, ' ')} ${m}`);
    }
    return parts.length === 0 ? null : parts.join('; ');
  }
  return clean(errors);
}

export { responseExcerpt as excerpt, type ErrorResponse };

/** A 2xx body that is JSON (an object or array), not an HTML page. */
export function isJsonBody(res: { body: unknown }): boolean {
  return typeof res.body === 'object' && res.body !== null;
}

/** The permission a request needs, in the words of Syncro's token checkboxes. */
export function permissionFor(method: string, path: string): string {
  const p = path.toLowerCase();
  if (p.startsWith('/customers')) return /^\/customers\/\d+/.test(p) ? 'Customers - View Detail' : 'Customers - List/Search';
  if (method.toUpperCase() === 'POST' && p.startsWith('/tickets')) return 'Tickets - Create';
  if (/^\/tickets\/\d+/.test(p)) return 'Tickets - View Details';
  return 'Tickets - List/Search';
}

export function missingPermissionsError(permissions: string[], detail?: string): SyncroConnectorError {
  return new SyncroConnectorError({
    kind: 'config',
    code: 'missing_permissions',
    userMessage: `The Syncro API token lacks the permission${permissions.length === 1 ? '' : 's'} ${permissions.join(', ')}.`,
    hint: `${TOKEN_PLACE} → your token: tick ${permissions.join(', ')} (tokens cannot be edited in every account: create a new one if needed), then save it under Integrations → Syncro. Also check that the token's technician may see these records.`,
    missingPermissions: permissions,
    ...(detail === undefined ? {} : { detail }),
  });
}

export function invalidTokenError(detail: string): SyncroConnectorError {
  return new SyncroConnectorError({
    kind: 'config',
    code: 'invalid_credentials',
    status: 401,
    userMessage: 'Syncro refused the API token (HTTP 401): it is wrong, was revoked, or has expired.',
    hint: TOKEN_HINT,
    detail,
  });
}

/** A non-2xx reply → the error to throw. `base` is the API base URL (for not_found). */
export function apiError(res: ErrorResponse, method: string, path: string, base: string): SyncroConnectorError {
  const message = extractSyncroMessage(res.body);
  const detail = `${method} ${path}: ${responseExcerpt(res)}`;
  const status = res.status;
  if (status === 401) return invalidTokenError(detail);
  if (status === 403) return missingPermissionsError([permissionFor(method, path)], detail);
  return new SyncroConnectorError(replyErrorInit(status, detail, {
    not_found: { userMessage: `Syncro's API was not found at ${base} (${method} ${path} answered 404): the subdomain may be wrong.`, hint: URL_HINT },
    rate_limited: {
      userMessage: 'Syncro is rate limiting our requests (180 per minute per IP address, shared by every tool on this host).',
      hint: 'Wait a minute and try again.',
    },
    server_error: { userMessage: `Syncro had a server error (HTTP ${status}).`, hint: 'Try again later.' },
    refused: { userMessage: message ?? `Syncro refused the request (HTTP ${status}).` },
  }));
}

/** A 2xx reply that is not JSON: the URL serves something other than Syncro's API. */
export function notSyncroApiError(method: string, path: string, base: string, res: ErrorResponse): SyncroConnectorError {
  const userMessage = `${base} is not Syncro's API: ${method} ${path} returned a reply that is not JSON.`;
  return new SyncroConnectorError(classErrorInit('not_found', res.status, { userMessage, hint: URL_HINT }, `${method} ${path}: ${responseExcerpt(res)}`));
}

/** JSON of an unexpected shape. */
export function unexpected(userMessage: string, detail?: string): SyncroConnectorError {
  return new SyncroConnectorError({ kind: 'system', code: 'unexpected_response', userMessage, ...(detail === undefined ? {} : { detail }) });
}
