/**
 * Syncro API access on top of the shared HTTP layer: `Authorization: Bearer <token>` on every request (never an
 * `api_key` query parameter: it would land in logs, syncro.md §1), the one limiter, 429 waits (Retry-After, else 60 s).
 */
import { isConnectorError } from '../http/errors.js';
import { jsonGetter, type ApiClient, type ApiHttpOptions } from '../http/api-client.js';
import { createHttpClient, type HttpRequest, type HttpResponse } from '../http/client.js';
import { SyncroConnectorError, URL_HINT, apiError, isJsonBody, notSyncroApiError } from './errors.js';

export type SyncroQuery = Record<string, string | number | boolean | undefined>;

/** Syncro's API: `getJson` throws a SyncroConnectorError for non-2xx or non-JSON replies. */
export type SyncroApi = ApiClient<SyncroQuery>;

export type SyncroHttpOptions = ApiHttpOptions;

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

  const getJson = jsonGetter<SyncroQuery>(request, {
    isJson: isJsonBody,
    failed: (res, method, path) => apiError(res, method, path, baseUrl),
    notJson: (res, method, path) => notSyncroApiError(method, path, baseUrl, res),
  });

  return { http, baseUrl, request, getJson };
}
