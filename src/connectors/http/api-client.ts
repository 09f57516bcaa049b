/**
 * What a connector's API access looks like on top of the HTTP client: the client, the API base, `request` (the
 * connector's credentials and error wording) and `getJson`, a GET that expects JSON.
 */
import type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse } from './client.js';

export interface ApiClient<Q extends HttpRequest['query'] = HttpRequest['query']> {
  readonly http: HttpClient;
  /** The API base, without a trailing slash. */
  readonly baseUrl: string;
  /** Sends with the connector's credentials; resolves 2xx and 4xx replies, throws otherwise. */
  request(req: HttpRequest): Promise<HttpResponse>;
  /** GET expecting JSON: throws the connector's error for non-2xx or non-JSON replies. */
  getJson(path: string, query?: Q, signal?: AbortSignal): Promise<unknown>;
}

/** HTTP client options a connector's API access takes (it sets the base URL and the credentials itself). */
export type ApiHttpOptions = Omit<HttpClientOptions, 'baseUrl' | 'authHeaders' | 'refreshAuth'>;

/** How a connector tells a reply to a GET that is not the JSON it expects. */
export interface JsonReplyChecks {
  /** Whether a 2xx body is JSON (as the vendor sends it). */
  isJson(res: HttpResponse): boolean;
  /** The error for a non-2xx reply. */
  failed(res: HttpResponse, method: 'GET', path: string): Error;
  /** The error for a 2xx reply that is not JSON (the URL serves something else). */
  notJson(res: HttpResponse, method: 'GET', path: string): Error;
}

/** `getJson` over a connector's `request`. */
export function jsonGetter<Q extends HttpRequest['query']>(
  request: (req: HttpRequest) => Promise<HttpResponse>,
  checks: JsonReplyChecks,
): ApiClient<Q>['getJson'] {
  return async (path, query, signal) => {
    const res = await request({ method: 'GET', path, ...(query === undefined ? {} : { query }), ...(signal === undefined ? {} : { signal }) });
    if (res.status < 200 || res.status >= 300) throw checks.failed(res, 'GET', path);
    if (!checks.isJson(res)) throw checks.notJson(res, 'GET', path);
    return res.body;
  };
}
