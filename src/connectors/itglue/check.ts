/** IT Glue connection test: never throws; maps every failure to a contract code with a sentence. */
import type { CheckResult } from '../contract.js';
import type { HttpClient } from '../http/client.js';
import { isConnectorError } from '../http/errors.js';
import { errorForResponse, parseCollection } from './jsonapi.js';
import { regionOf } from './spec.js';

function fail(code: Extract<CheckResult, { ok: false }>['error']['code'], message: string, hint?: string): CheckResult {
  return { ok: false, error: { code, message, ...(hint !== undefined ? { hint } : {}) } };
}

export async function checkItGlue(http: HttpClient, baseUrl: string = http.baseUrl ?? ''): Promise<CheckResult> {
  try {
    const res = await http.request({ path: '/organizations', query: { 'page[size]': 1 } });
    const col = res.status >= 200 && res.status < 300 ? parseCollection(res.body) : null;
    if (col === null) {
      const e = errorForResponse(res, 'GET /organizations', baseUrl);
      const code = e.code === 'invalid_credentials' || e.code === 'not_found' || e.code === 'rate_limited' ? e.code : 'unexpected_response';
      return fail(code, e.userMessage, e.hint);
    }
    const details: Record<string, unknown> = {
      organizations: col.meta?.totalCount ?? col.data.length,
      region: regionOf(baseUrl),
    };
    try {
      const st = await http.request({ path: '/organization_statuses', query: { 'page[size]': 1 } });
      const stCol = st.status >= 200 && st.status < 300 ? parseCollection(st.body) : null;
      if (stCol !== null) details.organizationStatuses = stCol.meta?.totalCount ?? stCol.data.length;
    } catch {
      /* the organizations call decided the outcome; statuses are a detail */
    }
    return { ok: true, message: 'Connection Successful', details };
  } catch (err) {
    if (isConnectorError(err)) {
      switch (err.code) {
        case 'unreachable':
        case 'tls_error':
        case 'rate_limited':
        case 'invalid_credentials':
          return fail(err.code, err.userMessage, err.hint);
        default:
          if (err.reason === 'timeout' || err.reason === 'connect_timeout') return fail('unreachable', err.userMessage);
          if (err.status === 429) return fail('rate_limited', err.userMessage);
          return fail('unexpected_response', err.userMessage);
      }
    }
    return fail('unexpected_response', 'The IT Glue test failed unexpectedly.');
  }
}
