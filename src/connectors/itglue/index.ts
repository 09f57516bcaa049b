/** IT Glue connector: one HTTP client (x-api-key, shared limiter), the streams and check(). */
import type { PrimaryConnector } from '../contract.js';
import { createHttpClient, type HttpClientOptions } from '../http/client.js';
import { createRateLimiter } from '../http/rate-limiter.js';
import { checkItGlue } from './check.js';
import { MAX_PAGE_SIZE } from './jsonapi.js';
import { ITGLUE_DEFAULT_RATE_LIMIT, type ItGlueConnectorOptions } from './spec.js';
import { createItGlueStreams } from './streams.js';

export { ITGLUE_REGIONS, ITGLUE_DEFAULT_RATE_LIMIT, regionOf, type ItGlueConnectorOptions, type ItGlueRegion } from './spec.js';
export { paginateJsonApi, parseCollection, fetchCollection, errorForResponse, MAX_PAGE_SIZE, INVALID_CREDENTIALS_HINT, type PaginateOptions } from './jsonapi.js';
export { mapOrganization, mapNamed, mapConfiguration, mapDomain, toIsoTimestamp, toDateOnly, type MapResult } from './mappers.js';
export { createItGlueStreams, formatFilterTime } from './streams.js';
export { checkItGlue } from './check.js';

const ACCEPT = 'application/vnd.api+json, application/json;q=0.9, */*;q=0.5';

export function createItGlueConnector(opts: ItGlueConnectorOptions): PrimaryConnector {
  const baseUrl = opts.baseUrl.trim().replace(/\/+$/, '');
  const limiter = opts.limiter ?? createRateLimiter(opts.rateLimit ?? ITGLUE_DEFAULT_RATE_LIMIT);
  const apiKey = opts.apiKey.trim();
  const common: HttpClientOptions = {
    baseUrl,
    limiter,
    authHeaders: async () => ({ 'x-api-key': apiKey }),
    defaultHeaders: { accept: ACCEPT },
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.retryAfterDefaultMs !== undefined ? { retryAfterDefaultMs: opts.retryAfterDefaultMs } : {}),
    ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
    ...(opts.onEvent !== undefined ? { onEvent: opts.onEvent } : {}),
    ...(opts.sleep !== undefined ? { sleep: opts.sleep } : {}),
    ...(opts.fetch !== undefined ? { fetch: opts.fetch } : {}),
  };
  const http = createHttpClient({ ...common, ...(opts.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}) });
  // The test answers quickly: one retry at most, and no long waits behind a 429.
  const checkHttp = createHttpClient({ ...common, maxRetries: 1, maxRetryWaitMs: 5_000 });
  const pageSize = Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(opts.pageSize ?? MAX_PAGE_SIZE)));
  const settings = { pageSize, childStreamsIncremental: opts.childStreamsIncremental ?? true };

  return {
    kind: 'itglue',
    check: () => checkItGlue(checkHttp, baseUrl),
    streams: () => createItGlueStreams(http, settings),
    http,
  };
}
