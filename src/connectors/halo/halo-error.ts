/**
 * Halo's ConnectorError flavour (adds the Halo scope names that are missing) and the status → error
 * mapping for API replies, with messages that say where in Halo to fix things.
 */
import {
  PermissionsConnectorError, classErrorInit, isConnectorError, replyErrorInit, responseExcerpt, type ConnectorErrorInit, type ErrorResponse,
} from '../http/errors.js';
import { extractHaloMessage, looksLikeHtml } from './error-message.js';

export const HALO_PERMISSIONS_PATH = 'In Halo: Configuration → Integrations → Halo PSA API → View Applications → your application';

/** Its `missingPermissions` are Halo scope names (`read:tickets`, …). */
export class HaloConnectorError extends PermissionsConnectorError {
  constructor(init: ConnectorErrorInit & { missingPermissions?: string[] }) {
    super(init);
    this.name = 'HaloConnectorError';
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), missingPermissions: this.missingPermissions };
  }
}

export const RESOURCE_URL_HINT = 'Use the Resource Server URL shown in Halo under Configuration → Integrations → Halo PSA API (it ends in /api).';

export function permissionsHint(scopes: readonly string[]): string {
  const list = scopes.join(', ');
  return `${HALO_PERMISSIONS_PATH} → Permissions: tick ${list} (or "all"), save, then test again. Also check that the application's agent may see these records.`;
}

export function missingPermissionsError(scopes: string[], detail?: string): HaloConnectorError {
  return new HaloConnectorError({
    kind: 'config',
    code: 'missing_permissions',
    userMessage: `The Halo API application lacks the permission${scopes.length === 1 ? '' : 's'} ${scopes.join(', ')}.`,
    hint: permissionsHint(scopes),
    missingPermissions: scopes,
    ...(detail === undefined ? {} : { detail }),
  });
}

/** The Halo scope that reading (or writing) an API path needs (halo.md §11). */
export function scopeForPath(path: string, method: string = 'GET'): string {
  const first = path.replace(/^\/+/, '').split(/[/?]/)[0]?.toLowerCase() ?? '';
  const mode = method.toUpperCase() === 'GET' ? 'read' : 'edit';
  switch (first) {
    case 'client':
    case 'site':
      return `${mode}:customers`;
    case 'asset':
      return `${mode}:assets`;
    case 'opportunities':
      return `${mode}:crm`;
    default:
      // Tickets, Actions, TicketType, Status
      return `${mode}:tickets`;
  }
}

/** Whether a granted scope string (space-separated) covers a needed Halo scope. */
export function scopeCovers(granted: string, needed: string): boolean {
  const scopes = new Set(granted.split(/[\s,]+/).map((s) => s.trim().toLowerCase()).filter((s) => s !== ''));
  if (scopes.has('all') || scopes.has('admin') || scopes.has('all:teams')) return true;
  if (scopes.has(needed)) return true;
  const [mode, area] = needed.split(':');
  // edit: implies read:
  return mode === 'read' && area !== undefined && scopes.has(`edit:${area}`);
}

/** A Halo scope name (`read:crm`, …) named in a 401/403 reply body, if any. */
export function scopeFromResponse(res: { body: unknown; text: string }): string | null {
  const message = extractHaloMessage(res.body, res.text) ?? res.text;
  const m = /\b((?:read|edit):[a-z_]+)\b/i.exec(message);
  return m?.[1] === undefined ? null : m[1].toLowerCase();
}

/** A 401 that says the token lacks a scope (`WWW-Authenticate: Bearer error="insufficient_scope"`). */
export function isInsufficientScope(res: { status: number; headers?: Headers }): boolean {
  return res.status === 401 && /insufficient_scope/i.test(res.headers?.get('www-authenticate') ?? '');
}

export { responseExcerpt, type ErrorResponse };

export function isHtmlResponse(res: { body: unknown; text: string; headers?: Headers }): boolean {
  const type = res.headers?.get('content-type') ?? '';
  return type.includes('text/html') || looksLikeHtml(res.text);
}

/** A 2xx reply whose body is not JSON (an HTML page, plain text) — the URL is not Halo's API. */
export function isJsonBody(res: { body: unknown; text: string }): boolean {
  if (res.body === null || res.body === undefined) return false;
  if (typeof res.body !== 'string') return true;
  // A bare JSON string parses to a string too: tell it apart by its quotes.
  return res.text.trim().startsWith('"');
}

const RATE_LIMITED_HINT = 'Wait a few minutes and try again.';
const SERVER_ERROR_HINT = 'Try again later.';

/** A 429 from Halo's API or its authorisation server. */
export function rateLimitedError(status: number, userMessage: string, detail: string): HaloConnectorError {
  return new HaloConnectorError(classErrorInit('rate_limited', status, { userMessage, hint: RATE_LIMITED_HINT }, detail));
}

/** A 5xx from Halo's API or its authorisation server (transient: a later run may succeed). */
export function serverError(status: number, userMessage: string, detail: string): HaloConnectorError {
  return new HaloConnectorError(classErrorInit('server_error', status, { userMessage, hint: SERVER_ERROR_HINT }, detail));
}

/** The Halo server a request went to, for network failures told in its terms. */
export interface HaloServer {
  /** e.g. "Halo's authorisation server" */
  name: string;
  host: string;
  /** The setting holding its URL and that URL, e.g. "Authorisation Server URL (https://…/auth/token)". */
  setting: string;
}

/**
 * Retells the HTTP layer's `unreachable` / `tls_error` for the Halo server concerned, saying which
 * setting to check; any other error (a HaloConnectorError included) is returned unchanged.
 */
export function haloNetworkError(err: unknown, server: HaloServer): unknown {
  if (!isConnectorError(err) || err instanceof HaloConnectorError || (err.code !== 'unreachable' && err.code !== 'tls_error')) return err;
  const unreachable = err.code === 'unreachable';
  return new HaloConnectorError({
    kind: err.kind,
    code: err.code,
    ...(err.status === undefined ? {} : { status: err.status }),
    userMessage: unreachable ? `Could not reach ${server.name} at ${server.host}.` : `Could not open a secure connection to ${server.host} (TLS/certificate error).`,
    hint: unreachable ? `Check the ${server.setting} and that this server can reach it.` : (err.hint ?? 'Check the certificate of the Halo server.'),
    ...(err.detail === undefined ? {} : { detail: err.detail }),
    cause: err,
  });
}

/**
 * Maps a non-2xx API reply (after the one 401 retry) to a HaloConnectorError.
 * `where` names what was requested, e.g. "GET /Client".
 */
export function apiError(res: ErrorResponse & { headers?: Headers }, method: string, path: string, apiBase: string): HaloConnectorError {
  const message = extractHaloMessage(res.body, res.text);
  const detail = `${method} ${path}: ${responseExcerpt(res)}`;
  const status = res.status;
  if (status === 403 || isInsufficientScope(res)) {
    const scope = scopeFromResponse(res) ?? scopeForPath(path, method);
    return missingPermissionsError([scope], detail);
  }
  if (status === 401) {
    return new HaloConnectorError({
      kind: 'config',
      code: 'invalid_credentials',
      status,
      userMessage: 'Halo refused the access token for the API, even a fresh one.',
      hint: `${HALO_PERMISSIONS_PATH} → Details: check the Client ID and Client Secret, that the application has an agent to log in as, and that the Resource Server URL and the Authorisation Server URL belong to the same Halo instance.`,
      detail,
    });
  }
  return new HaloConnectorError(replyErrorInit(status, detail, {
    not_found: { userMessage: `Halo's API was not found at ${apiBase} (${method} ${path} answered 404).`, hint: RESOURCE_URL_HINT },
    rate_limited: { userMessage: 'Halo is rate limiting our requests (about 300 per 5 minutes are allowed).', hint: RATE_LIMITED_HINT },
    server_error: { userMessage: `Halo had a server error (HTTP ${status})${message === null ? '' : `: ${message}`}.`, hint: SERVER_ERROR_HINT },
    refused: { userMessage: message ?? `Halo refused the request (HTTP ${status}).` },
  }));
}

/** A 2xx reply that is not JSON at all: the URL serves something other than Halo's API. */
export function notHaloApiError(method: string, path: string, apiBase: string, res: ErrorResponse & { headers?: Headers }): HaloConnectorError {
  const what = isHtmlResponse(res) ? 'an HTML page' : 'a reply that is not JSON';
  const userMessage = `${apiBase} is not Halo's API: ${method} ${path} returned ${what}.`;
  return new HaloConnectorError(classErrorInit('not_found', res.status, { userMessage, hint: RESOURCE_URL_HINT }, `${method} ${path}: ${responseExcerpt(res)}`));
}
