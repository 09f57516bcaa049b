/**
 * Halo API access on top of the shared HTTP layer: bearer token from the auth cache on every attempt,
 * and on a 401 one new token and one retry (the HTTP layer's `refreshAuth` hook).
 *
 * The hooks receive the request object, so each request gets a scope (looked up by that object) that
 * remembers the token it was sent with; the refresh then drops exactly that token. Several requests failing
 * with the same stale token therefore cause one renewal, and a request never voids a newer token another
 * request just fetched. (No AsyncLocalStorage: it would put async hooks on every promise of the process.)
 */
import { jsonGetter, type ApiClient, type ApiHttpOptions } from '../http/api-client.js';
import { createHttpClient, type HttpRequest, type HttpResponse } from '../http/client.js';
import type { HaloAuth } from './auth.js';
import { apiError, haloNetworkError, isJsonBody, notHaloApiError } from './halo-error.js';
import type { HaloQuery } from './paginate.js';

interface RequestScope {
  token: string | null;
  signal: AbortSignal | undefined;
}

/**
 * Halo's API (base `https://<host>/api`): `request` sends with a bearer token and resolves 2xx and 4xx replies (after
 * the one 401 retry); `getJson` throws a HaloConnectorError for non-2xx or non-JSON replies.
 */
export type HaloApi = ApiClient<HaloQuery>;

export type HaloHttpOptions = ApiHttpOptions;

export function createHaloApi(opts: { baseUrl: string; auth: HaloAuth; http?: HaloHttpOptions }): HaloApi {
  const scopes = new WeakMap<HttpRequest, RequestScope>();
  const host = new URL(opts.baseUrl).host;
  const http = createHttpClient({
    ...opts.http,
    baseUrl: opts.baseUrl,
    authHeaders: async (req) => {
      const scope = scopes.get(req);
      const token = await opts.auth.getToken(scope?.signal);
      if (scope !== undefined) scope.token = token;
      return { Authorization: `Bearer ${token}` };
    },
    refreshAuth: async (req) => {
      const scope = scopes.get(req);
      opts.auth.invalidate(scope?.token ?? undefined);
      // Fetch now so that a token failure surfaces as such (invalid credentials), not as the API's 401.
      await opts.auth.getToken(scope?.signal);
    },
  });

  async function request(req: HttpRequest): Promise<HttpResponse> {
    try {
      const own: HttpRequest = { ...req };
      scopes.set(own, { token: null, signal: req.signal });
      return await http.request(own);
    } catch (err) {
      throw haloNetworkError(err, { name: 'the Halo API', host, setting: `Resource Server URL (${opts.baseUrl})` });
    }
  }

  const getJson = jsonGetter<HaloQuery>(request, {
    isJson: isJsonBody,
    failed: (res, method, path) => apiError(res, method, path, opts.baseUrl),
    notJson: (res, method, path) => notHaloApiError(method, path, opts.baseUrl, res),
  });

  return { http, baseUrl: opts.baseUrl.replace(/\/+$/, ''), request, getJson };
}
