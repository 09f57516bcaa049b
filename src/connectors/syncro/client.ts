/**
 * Syncro API access on top of the shared HTTP layer: `Authorization: Bearer <token>` on every request (never an
 * `api_key` query parameter: it would land in logs, syncro.md §1), the one limiter, 429 waits (Retry-After, else 60 s).
 */
import { isConnectorError } from '../http/errors.js';
import { createHttpClient, type HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from '../http/client.js';
import { SyncroConnectorError, URL_HINT, apiError, isJsonBody, notSyncroApiError } from './errors.js';

export type SyncroQuery = Record<string, string | number | boolean | undefined>;

export interface SyncroApi {
  readonly http: HttpClient;
  readonly baseUrl: string;
  /** Resolves 2xx and 4xx replies; throws on network failures and exhausted retries. */
  request(req: HttpRequest): Promise<HttpResponse>;
  /** GET expecting JSON: throws a SyncroConnectorError for non-2xx or non-JSON replies. */
  getJson(path: string, query?: SyncroQuery, signal?: AbortSignal): Promise<unknown>;
}

export type SyncroHttpOptions = Omit<HttpClientOptions, 'baseUrl' | 'authHeaders' | 'refreshAuth'>;

export function createSyncroApi(opts: { baseUrl: string; token: string; http?: SyncroHttpOptions }): SyncroApi {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const host = new URL(baseUrl).host;
  const http = createHttpClient({
    ...opts.http,
    baseUrl,
    authHeaders: async () => ({ Authorization: `Bearer ${opts.token}` }),
    redactQueryParams: ['api_key'],
  });

  async function request(req: HttpRequest): Promise<HttpResponse> {
    try {
      return await http.request(req);
    } catch (err) {
      if (isConnectorError(err) && !(err instanceof SyncroConnectorError) && (err.code === 'unreachable' || err.code === 'tls_error')) {
        const unreachable = err.code === 'unreachable';
        throw new SyncroConnectorError({
          kind: err.kind, code: err.code,
          userMessage: unreachable ? `Could not reach Syncro at ${host}.` : `Could not open a secure connection to ${host} (TLS/certificate error).`,
          hint: unreachable ? `${URL_HINT} Also check that this server can reach it.` : (err.hint ?? 'Check the certificate of the server.'),
          ...(err.detail === undefined ? {} : { detail: err.detail }),
          cause: err,
        });
      }
      throw err;
    }
  }

  async function getJson(path: string, query?: SyncroQuery, signal?: AbortSignal): Promise<unknown> {
    const res = await request({ method: 'GET', path, ...(query === undefined ? {} : { query }), ...(signal === undefined ? {} : { signal }) });
    if (res.status < 200 || res.status >= 300) throw apiError(res, 'GET', path, baseUrl);
    if (!isJsonBody(res)) throw notSyncroApiError('GET', path, baseUrl, res);
    return res.body;
  }

  return { http, baseUrl, request, getJson };
}
