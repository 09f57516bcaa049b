/**
 * The one HTTP policy: how a response status or a network error is classified, and what to do next.
 * Retry decisions are plain values ({action, reason, waitMs}) so they can be logged and tested.
 */
import type { ConnectorErrorCode, ErrorKind } from './errors.js';

export type PolicyAction = 'ok' | 'retry' | 'rate_limited' | 'fail';

export interface Classification {
  action: PolicyAction;
  /** Error kind when this is not `ok`. */
  kind: ErrorKind | null;
  code: ConnectorErrorCode | null;
  /** Short machine-readable reason, e.g. `server_error`, `connection_reset`. */
  reason: string;
}

export interface NetworkClassification extends Classification {
  action: 'retry' | 'fail';
  kind: ErrorKind;
  code: ConnectorErrorCode;
  /** True when the request certainly never reached the server (safe to retry even a POST). */
  notSent: boolean;
  /** The low-level error code found (ECONNRESET, CERT_HAS_EXPIRED, …) or the error name. */
  errorCode: string;
}

type Rule = Omit<Classification, 'reason'> & { reason: string };

/** A transient failure: retried with backoff. */
const transient = (reason: string): Rule => ({ action: 'retry', kind: 'transient', code: 'http_error', reason });
/** A refusal to hand to the connector (it may read the body): fixing it takes a change of settings. */
const refused = (code: ConnectorErrorCode, reason: string): Rule => ({ action: 'fail', kind: 'config', code, reason });

/** Status → action. Statuses not listed fall back by class (see classifyStatus). */
export const STATUS_POLICY: Readonly<Record<number, Rule>> = Object.freeze({
  408: transient('request_timeout'),
  425: transient('too_early'),
  429: { action: 'rate_limited', kind: 'rate_limited', code: 'rate_limited', reason: 'rate_limited' },
  500: transient('server_error'),
  502: transient('bad_gateway'),
  503: transient('service_unavailable'),
  504: transient('gateway_timeout'),
  400: refused('http_error', 'bad_request'),
  401: refused('invalid_credentials', 'unauthorized'),
  403: refused('invalid_credentials', 'forbidden'),
  404: refused('not_found', 'not_found'),
  409: refused('http_error', 'conflict'),
  422: refused('http_error', 'unprocessable'),
});

export function classifyStatus(status: number): Classification {
  const rule = STATUS_POLICY[status];
  if (rule !== undefined) return { ...rule };
  if (status >= 200 && status < 300) return { action: 'ok', kind: null, code: null, reason: 'ok' };
  // Redirects are not followed: a redirect would carry our key header to another host.
  if (status >= 300 && status < 400) return refused('unexpected_response', 'redirect');
  if (status >= 400 && status < 500) return refused('http_error', 'client_error');
  if (status === 501 || status === 505) return { action: 'fail', kind: 'system', code: 'http_error', reason: 'not_implemented' };
  if (status >= 500 && status < 600) return transient('server_error');
  return { action: 'fail', kind: 'system', code: 'unexpected_response', reason: 'unexpected_status' };
}

const RETRY_NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  UND_ERR_CLOSED: 'connection_reset',
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EAI_AGAIN: 'dns_temporary_failure',
  ENETRESET: 'connection_reset',
};

/** Codes raised before a single byte of the request was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

const UNREACHABLE_CODES = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_');
}

const TLS_MESSAGE = /SSL routines|self[- ]signed|certificate|ssl3_|tls_|wrong version number/i;
const RESET_MESSAGE = /socket hang up|other side closed|ECONNRESET|EPIPE|terminated/i;

/** Collects `code`, `name` and `message` along an error's cause chain (fetch wraps the real error). */
export function errorChain(err: unknown): { codes: string[]; names: string[]; messages: string[] } {
  const codes: string[] = [];
  const names: string[] = [];
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 20) {
    const e = queue.shift();
    if (e === null || e === undefined || seen.has(e)) continue;
    seen.add(e);
    if (typeof e === 'object') {
      const o = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
      if (typeof o.code === 'string') codes.push(o.code);
      if (typeof o.name === 'string') names.push(o.name);
      if (typeof o.message === 'string') messages.push(o.message);
      if (o.cause !== undefined) queue.push(o.cause);
      if (Array.isArray(o.errors)) queue.push(...(o.errors as unknown[]));
    } else if (typeof e === 'string') {
      messages.push(e);
    }
  }
  return { codes, names, messages };
}

/**
 * Classifies a thrown fetch / body-read error. Timeouts raised by the client itself are passed as
 * an error whose name is `TimeoutError`.
 */
export function classifyNetworkError(err: unknown): NetworkClassification {
  const { codes, names, messages } = errorChain(err);
  const text = messages.join(' | ');

  const tls = codes.find(isTlsCode);
  if (tls !== undefined || (codes.every((c) => !UNREACHABLE_CODES.has(c)) && TLS_MESSAGE.test(text))) {
    return { action: 'fail', kind: 'config', code: 'tls_error', reason: 'tls_error', notSent: true, errorCode: tls ?? 'TLS' };
  }
  const unreachable = codes.find((c) => UNREACHABLE_CODES.has(c));
  if (unreachable !== undefined) {
    return {
      action: 'fail',
      kind: unreachable === 'ENOTFOUND' ? 'config' : 'transient',
      code: 'unreachable',
      reason: unreachable === 'ENOTFOUND' ? 'host_not_found' : 'connection_refused',
      notSent: true,
      errorCode: unreachable,
    };
  }
  // fetch refuses ports on the Fetch standard's block list (1, 6000, …) before connecting: "bad port".
  if (messages.some((m) => /^bad port$/i.test(m))) {
    return { action: 'fail', kind: 'config', code: 'unreachable', reason: 'blocked_port', notSent: true, errorCode: 'BAD_PORT' };
  }
  if (names.includes('TimeoutError')) {
    return { action: 'retry', kind: 'transient', code: 'http_error', reason: 'timeout', notSent: false, errorCode: 'TIMEOUT' };
  }
  const retryCode = codes.find((c) => RETRY_NETWORK_CODES[c] !== undefined);
  if (retryCode !== undefined) {
    return {
      action: 'retry',
      kind: 'transient',
      code: 'http_error',
      reason: RETRY_NETWORK_CODES[retryCode] as string,
      notSent: NOT_SENT_CODES.has(retryCode),
      errorCode: retryCode,
    };
  }
  if (RESET_MESSAGE.test(text)) {
    return { action: 'retry', kind: 'transient', code: 'http_error', reason: 'connection_reset', notSent: false, errorCode: 'ECONNRESET' };
  }
  // Unknown network failure (fetch's bare "fetch failed"): retry, it is usually transient.
  return {
    action: 'retry',
    kind: 'transient',
    code: 'http_error',
    reason: 'network_error',
    notSent: false,
    errorCode: codes[0] ?? names.find((n) => n !== 'Error' && n !== 'TypeError') ?? 'NETWORK',
  };
}

/** Parses `Retry-After` (delta seconds or HTTP date) into milliseconds; null when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

export interface RetryDecision {
  action: 'retry' | 'fail';
  reason: string;
  waitMs: number;
}

export interface RetryInput {
  classification: Pick<Classification, 'action' | 'reason'>;
  /** Attempts made so far, including the one that just failed (1-based). */
  attempt: number;
  maxRetries: number;
  /** Whether this request may be repeated at all (GET yes, POST only when not sent or rate limited). */
  repeatable: boolean;
  retryAfterMs: number | null;
  retryAfterDefaultMs: number;
  backoffBaseMs: number;
  maxBackoffMs: number;
  /** Above this wait we give up now instead of sleeping. */
  maxRetryWaitMs: number;
  random?: () => number;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base·2^(attempt−1))]. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

export function decideRetry(input: RetryInput): RetryDecision {
  const { classification: c } = input;
  if (c.action === 'ok') return { action: 'fail', reason: 'ok', waitMs: 0 };
  if (c.action === 'fail') return { action: 'fail', reason: c.reason, waitMs: 0 };
  if (!input.repeatable) return { action: 'fail', reason: `${c.reason} (not retried: request not repeatable)`, waitMs: 0 };
  if (input.attempt > input.maxRetries) return { action: 'fail', reason: `${c.reason} (retries exhausted)`, waitMs: 0 };
  let waitMs: number;
  let why = c.reason;
  if (input.retryAfterMs !== null) {
    waitMs = input.retryAfterMs;
    why += ', Retry-After';
  } else if (c.action === 'rate_limited') {
    waitMs = input.retryAfterDefaultMs;
    why += ', default wait';
  } else {
    waitMs = backoffMs(input.attempt, input.backoffBaseMs, input.maxBackoffMs, input.random);
    why += ', backoff';
  }
  if (waitMs > input.maxRetryWaitMs) {
    return { action: 'fail', reason: `${c.reason} (wait of ${waitMs} ms exceeds ${input.maxRetryWaitMs} ms)`, waitMs };
  }
  return { action: 'retry', reason: why, waitMs };
}
