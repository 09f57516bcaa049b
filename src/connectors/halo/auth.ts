/**
 * Halo OAuth2 client credentials (halo.md §1).
 *
 * - `POST {authorizationServerUrl}/token`, `?tenant=` only when a tenant is configured; form body
 *   `grant_type=client_credentials&client_id&client_secret&scope`. The secret is only ever in the body.
 * - One cached token per connection, renewed `renewBeforeMs` (default 90 s, at most half the lifetime)
 *   before `expires_in` runs out; concurrent callers share one fetch (single-flight).
 * - `invalidate(staleToken)` drops the cached token only if it is still the one that failed, so several
 *   requests failing with the same token cause one renewal.
 */
import { raceAbort } from '../http/abort.js';
import type { HttpClient, HttpResponse } from '../http/client.js';
import { abortedError, scrubSecrets } from '../http/errors.js';
import { extractHaloMessage, oauthErrorCode } from './error-message.js';
import {
  HALO_PERMISSIONS_PATH, HaloConnectorError, haloNetworkError, isHtmlResponse, isJsonBody, permissionsHint, rateLimitedError, responseExcerpt, serverError,
} from './halo-error.js';

export interface TokenEndpoint {
  /** Base URL handed to the HTTP client, e.g. `https://acme.halopsa.com/auth`. */
  baseUrl: string;
  /** Always `/token`. */
  path: string;
  /** `{tenant}` when a tenant is configured (or was pasted into the URL), else `{}`. */
  query: Record<string, string>;
  /** The full token URL as shown to people (no secrets in it). */
  url: string;
  tenant: string | null;
}

/**
 * Accepts the Authorisation Server URL with or without a trailing `/token` (so `https://h/auth`,
 * `https://h/auth/`, `https://h/auth/token` and the shared host `https://auth.example/token` all work).
 * A `?tenant=` pasted into the URL is used when no tenant is configured; a configured tenant wins.
 */
export function resolveTokenEndpoint(authorizationServerUrl: string, tenant: string | null | undefined): TokenEndpoint {
  const parsed = new URL(authorizationServerUrl.trim());
  const pastedTenant = parsed.searchParams.get('tenant');
  let pathname = parsed.pathname.replace(/\/+$/, '');
  if (/\/token$/i.test(pathname)) pathname = pathname.slice(0, -'/token'.length);
  const baseUrl = `${parsed.origin}${pathname}`;
  const configured = tenant !== null && tenant !== undefined && tenant.trim() !== '' ? tenant.trim() : null;
  const effectiveTenant = configured ?? (pastedTenant !== null && pastedTenant.trim() !== '' ? pastedTenant.trim() : null);
  const query: Record<string, string> = effectiveTenant === null ? {} : { tenant: effectiveTenant };
  const url = `${baseUrl}/token${effectiveTenant === null ? '' : `?tenant=${encodeURIComponent(effectiveTenant)}`}`;
  return { baseUrl, path: '/token', query, url, tenant: effectiveTenant };
}

export interface HaloToken {
  accessToken: string;
  tokenType: string;
  /** epoch ms when Halo says the token expires */
  expiresAt: number;
  /** epoch ms after which we fetch a new one */
  renewAt: number;
  /** granted scopes as Halo reported them, or null when the reply had none */
  scope: string | null;
}

export interface HaloAuth {
  /** A valid access token (cached, single-flight). */
  getToken(signal?: AbortSignal): Promise<string>;
  /** The current token's details, fetching one if needed. */
  getTokenInfo(signal?: AbortSignal): Promise<HaloToken>;
  /** Forget the cached token (only if it is still `staleToken`, when given). */
  invalidate(staleToken?: string): void;
  readonly endpoint: TokenEndpoint;
  /** Number of token requests made so far. */
  readonly fetchCount: number;
}

export interface HaloAuthOptions {
  /** An HTTP client whose baseUrl is `endpoint.baseUrl`. */
  http: Pick<HttpClient, 'request'>;
  endpoint: TokenEndpoint;
  clientId: string;
  clientSecret: string;
  scope: string;
  renewBeforeMs?: number;
  now?: () => number;
}

const DEFAULT_EXPIRES_IN_S = 3600;

function toPositiveNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

const SECRET_HINT = `${HALO_PERMISSIONS_PATH} → Details: check the Client ID, regenerate the Client Secret and paste it here.`;
const TENANT_HINT =
  "Use the Tenant Name shown in Halo's API details (Configuration → Integrations → Halo PSA API), or leave it empty for same-host auth (Authorisation Server URL https://<your-halo>/auth).";
const AUTH_URL_HINT =
  'Use the Authorisation Server URL shown in Halo under Configuration → Integrations → Halo PSA API (usually https://<your-halo>/auth).';

/** Maps a token-endpoint reply that carries no token to a HaloConnectorError. */
export function tokenError(res: Pick<HttpResponse, 'status' | 'body' | 'text'> & { headers?: Headers }, endpoint: TokenEndpoint, scope: string): HaloConnectorError {
  const code = oauthErrorCode(res.body);
  const message = extractHaloMessage(res.body, res.text);
  const description = (message ?? '').toLowerCase();
  const detail = `POST ${endpoint.url}: ${responseExcerpt(res)}`;
  const status = res.status;

  if (description.includes('tenant') || code === 'invalid_tenant') {
    return new HaloConnectorError({
      kind: 'config',
      code: 'invalid_tenant',
      status,
      userMessage:
        endpoint.tenant === null
          ? `Halo's authorisation server at ${endpoint.url} needs a tenant${message === null ? '' : ` (${message})`}.`
          : `Halo does not know the tenant "${endpoint.tenant}"${message === null ? '' : ` (${message})`}.`,
      hint: TENANT_HINT,
      detail,
    });
  }
  if (code === 'invalid_client' || code === 'unauthorized_client' || (status === 401 && code === null)) {
    return new HaloConnectorError({
      kind: 'config',
      code: 'invalid_credentials',
      status,
      userMessage: 'Halo rejected the Client ID or Client Secret.',
      hint: SECRET_HINT,
      detail,
    });
  }
  if (code === 'invalid_grant' || code === 'unsupported_grant_type') {
    return new HaloConnectorError({
      kind: 'config',
      code: 'invalid_credentials',
      status,
      userMessage: `Halo refused the client-credentials login${message === null ? '' : ` (${message})`}.`,
      hint: `${HALO_PERMISSIONS_PATH} → Details: set the Authentication Method to "Client ID and Secret (Services)", choose the agent to log in as, then paste the Client ID and Secret here.`,
      detail,
    });
  }
  if (code === 'invalid_scope') {
    const scopes = scope.split(/\s+/).filter((s) => s !== '');
    return new HaloConnectorError({
      kind: 'config',
      code: 'missing_permissions',
      status,
      userMessage: `Halo refused the requested scope "${scope}"${message === null || message === 'invalid_scope' ? '' : ` (${message})`}.`,
      hint: permissionsHint(scopes),
      missingPermissions: scopes,
      detail,
    });
  }
  if (status === 429) return rateLimitedError(status, "Halo's authorisation server is rate limiting us.", detail);
  if (status === 404 || status === 405 || isHtmlResponse(res) || (status < 300 && !isJsonBody(res))) {
    return new HaloConnectorError({
      kind: 'config',
      code: 'not_found',
      status,
      userMessage: `${endpoint.url} is not a Halo authorisation server (${status === 404 || status === 405 ? `it answered ${status}` : isHtmlResponse(res) ? 'it returned an HTML page' : 'its reply is not JSON'}).`,
      hint: endpoint.tenant === null ? AUTH_URL_HINT : `${AUTH_URL_HINT} Also check the tenant "${endpoint.tenant}": ${TENANT_HINT}`,
      detail,
    });
  }
  if (status >= 500) return serverError(status, `Halo's authorisation server had an error (HTTP ${status}).`, detail);
  return new HaloConnectorError({
    kind: status >= 200 && status < 300 ? 'system' : 'config',
    code: 'unexpected_response',
    status,
    userMessage:
      status >= 200 && status < 300
        ? `Halo's authorisation server at ${endpoint.url} answered without an access token.`
        : `Halo's authorisation server refused the login (HTTP ${status})${message === null ? '' : `: ${message}`}.`,
    hint: AUTH_URL_HINT,
    detail,
  });
}

export function createHaloAuth(opts: HaloAuthOptions): HaloAuth {
  const now = opts.now ?? Date.now;
  const renewBeforeMs = opts.renewBeforeMs ?? 90_000;
  let current: HaloToken | null = null;
  let inflight: Promise<HaloToken> | null = null;
  let fetchCount = 0;

  async function fetchToken(): Promise<HaloToken> {
    fetchCount++;
    let res: HttpResponse;
    try {
      res = await opts.http.request({
        method: 'POST',
        path: opts.endpoint.path,
        query: opts.endpoint.query,
        form: {
          grant_type: 'client_credentials',
          client_id: opts.clientId,
          client_secret: opts.clientSecret,
          scope: opts.scope,
        },
        // Asking for a token twice is harmless (idempotent), so transient failures may be retried.
        retry: true,
      });
    } catch (err) {
      throw haloNetworkError(err, {
        name: "Halo's authorisation server",
        host: new URL(opts.endpoint.baseUrl).host,
        setting: `Authorisation Server URL (${opts.endpoint.url})`,
      });
    }
    const body = res.body;
    if (res.status >= 200 && res.status < 300 && typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const rec = body as Record<string, unknown>;
      const accessToken = typeof rec.access_token === 'string' ? rec.access_token.trim() : '';
      if (accessToken !== '') {
        const expiresInS = toPositiveNumber(rec.expires_in) ?? DEFAULT_EXPIRES_IN_S;
        const lifetimeMs = expiresInS * 1000;
        const at = now();
        const margin = Math.min(renewBeforeMs, lifetimeMs / 2);
        return {
          accessToken,
          tokenType: typeof rec.token_type === 'string' && rec.token_type.trim() !== '' ? rec.token_type.trim() : 'Bearer',
          expiresAt: at + lifetimeMs,
          renewAt: at + lifetimeMs - margin,
          scope: typeof rec.scope === 'string' ? rec.scope.trim() : null,
        };
      }
    }
    const err = tokenError(res, opts.endpoint, opts.scope);
    if (err.detail !== undefined) err.detail = scrubSecrets(err.detail, [opts.clientSecret]);
    throw err;
  }

  function getTokenInfo(signal?: AbortSignal): Promise<HaloToken> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal.reason));
    if (current !== null && now() < current.renewAt) return Promise.resolve(current);
    if (inflight === null) {
      const p = fetchToken().then(
        (token) => {
          current = token;
          return token;
        },
      );
      inflight = p;
      const clear = (): void => {
        if (inflight === p) inflight = null;
      };
      p.then(clear, clear);
    }
    return raceAbort(inflight, signal);
  }

  return {
    getTokenInfo,
    async getToken(signal?: AbortSignal): Promise<string> {
      return (await getTokenInfo(signal)).accessToken;
    },
    invalidate(staleToken?: string): void {
      if (current === null) return;
      if (staleToken === undefined || current.accessToken === staleToken) current = null;
    },
    endpoint: opts.endpoint,
    get fetchCount() {
      return fetchCount;
    },
  };
}
