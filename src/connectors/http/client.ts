/**
 * The one HTTP client every connector uses: rate limiter per attempt, timeouts, the policy table,
 * retries with exponential backoff and full jitter (Retry-After wins), body parsing, events.
 *
 * `request` resolves for 2xx and for statuses the policy classes as `fail` (4xx, redirects), so a
 * connector can read those bodies itself; it retries the `retry` / `rate_limited` classes and throws
 * ConnectorError when retries run out or the network fails for good (`unreachable`, `tls_error`).
 * Redirects are never followed (they would carry credentials to another host).
 *
 * Requests go out through undici's `request` (the HTTP/1.1 client Node's own fetch is built on, without fetch's WHATWG
 * streams: about half the CPU per answer on large list pages); no compression is asked for. Tests may inject a
 * `fetch` instead.
 */
import { request as undiciRequest, type Dispatcher } from 'undici';
import { ConnectorError, abortedError, scrubSecrets, type ConnectorErrorCode, type ErrorKind } from './errors.js';
import { raceAbort } from './abort.js';
import { classifyNetworkError, classifyStatus, decideRetry, parseRetryAfter, type Classification, type RetryDecision } from './policy.js';
import type { RateLimiter } from './rate-limiter.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';

export interface HttpRequest {
  method?: HttpMethod;
  /** Path relative to baseUrl (`/organizations`); an absolute URL must share baseUrl's origin. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Whether failures may be retried; default true for GET/DELETE/PUT, false for POST/PATCH. */
  retry?: boolean;
  signal?: AbortSignal;
  /** Per-request timeout override (ms). */
  timeoutMs?: number;
  /** Per-request retry budget override. */
  maxRetries?: number;
  /**
   * Tighter budgets per policy reason, e.g. `{ gateway_timeout: 1, timeout: 1 }` for a paginator
   * that would rather shrink its pages than keep waiting on a page too large to serve.
   */
  retryLimits?: Partial<Record<string, number>>;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body parses as JSON, else the text ('' when empty). */
  body: unknown;
  text: string;
  url: string;
}

export interface HttpEvent {
  type: 'request' | 'retry' | 'rate_limited' | 'error';
  method: string;
  /** Without credentials: userinfo removed, sensitive query parameters masked. */
  url: string;
  status?: number;
  attempt: number;
  waitMs?: number;
  reason?: string;
  durationMs?: number;
}

export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** HTTP requests actually sent (every attempt counts). */
  readonly requestCount: number;
  /** The base URL requests are relative to (optional so that test doubles need not set it). */
  readonly baseUrl?: string;
}

/** What the client reads of an answer. */
interface Answer {
  status: number;
  headers: Headers;
  text(): Promise<string>;
}

type Send = (url: string, init: { method: HttpMethod; headers: Headers; body: string | undefined; signal: AbortSignal }) => Promise<Answer>;

/** The default transport (see the header); redirects are not followed, as fetch's `redirect: 'manual'`. */
const sendWithUndici: Send = async (url, init) => {
  const res = await undiciRequest(url, {
    method: init.method as Dispatcher.HttpMethod,
    headers: Object.fromEntries(init.headers),
    body: init.body,
    signal: init.signal,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return { status: res.statusCode, headers, text: () => res.body.text() };
};

export type SleepFn = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface HttpClientOptions {
  baseUrl: string;
  limiter?: RateLimiter;
  /** Per attempt, covering headers and body. Default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 5. */
  maxRetries?: number;
  /** Headers for each attempt; receives the request (the object passed to `request`), e.g. to remember which credential it used. */
  authHeaders?: (req: HttpRequest) => Promise<Record<string, string>>;
  /** Called once on a 401 (with the request); the request is then retried once with fresh authHeaders(). */
  refreshAuth?: (req: HttpRequest) => Promise<void>;
  onEvent?: (e: HttpEvent) => void;
  /** Wait after a 429 without Retry-After. Default 60000. */
  retryAfterDefaultMs?: number;
  /** Backoff base. Default 500. */
  backoffBaseMs?: number;
  /** Backoff ceiling. Default 30000. */
  maxBackoffMs?: number;
  /** A computed wait above this fails at once instead of sleeping. Default 600000. */
  maxRetryWaitMs?: number;
  /** Retry a non-repeatable request (POST) on 429: the server refused it unprocessed. Default true. */
  retryRateLimitedPosts?: boolean;
  sleep?: SleepFn;
  /** Headers sent on every request (before auth and per-request headers). */
  defaultHeaders?: Record<string, string>;
  /** Injectable for tests; undici's `request` otherwise. */
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Query parameter names masked in events (added to the built-in list). */
  redactQueryParams?: string[];
}

const DEFAULT_ACCEPT = 'application/json, application/vnd.api+json;q=0.9, */*;q=0.5';

const SENSITIVE_PARAMS = [
  'api_key',
  'apikey',
  'key',
  'token',
  'access_token',
  'refresh_token',
  'client_secret',
  'secret',
  'password',
  'signature',
  'sig',
  'code',
];

export const defaultSleep: SleepFn = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedError(signal.reason));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortedError(signal?.reason));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Encodes a query component, leaving `[ ] , :` raw (JSON:API filters; accepted raw by servers). */
export function encodeQueryComponent(s: string): string {
  return encodeURIComponent(s)
    .replace(/%5B/g, '[')
    .replace(/%5D/g, ']')
    .replace(/%2C/g, ',')
    .replace(/%3A/g, ':');
}

export function buildUrl(baseUrl: string, path: string, query?: HttpRequest['query']): string {
  const base = baseUrl.replace(/\/+$/, '');
  let url: string;
  if (/^https?:\/\//i.test(path)) {
    if (new URL(path).origin !== new URL(base).origin) {
      throw new ConnectorError({
        kind: 'system',
        code: 'unexpected_response',
        userMessage: 'Refused to send a request to another host.',
        detail: `origin ${new URL(path).origin} differs from the base URL`,
      });
    }
    url = path;
  } else {
    url = `${base}/${path.replace(/^\/+/, '')}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined) continue;
    parts.push(`${encodeQueryComponent(k)}=${encodeQueryComponent(String(v))}`);
  }
  if (parts.length > 0) url += (url.includes('?') ? '&' : '?') + parts.join('&');
  return url;
}

const DEFAULT_REDACTED: ReadonlySet<string> = new Set(SENSITIVE_PARAMS);

/** The lower-case parameter names to mask: the built-in list plus `extraParams`. */
function redactedNames(extraParams: readonly string[]): ReadonlySet<string> {
  return extraParams.length === 0 ? DEFAULT_REDACTED : new Set([...SENSITIVE_PARAMS, ...extraParams].map((n) => n.toLowerCase()));
}

/** A URL safe to log: no userinfo, sensitive query values masked. */
export function redactUrl(url: string, extraParams: readonly string[] = []): string {
  return redactWith(url, redactedNames(extraParams));
}

function redactWith(url: string, names: ReadonlySet<string>): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return '[invalid url]';
  }
  u.username = '';
  u.password = '';
  const q = u.search.replace(/^\?/, '');
  if (q === '') return u.toString();
  const masked = q
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName);
      } catch {
        /* keep raw */
      }
      return names.has(name.toLowerCase()) && eq >= 0 ? `${rawName}=[redacted]` : pair;
    })
    .join('&');
  u.search = '';
  return `${u.toString()}?${masked}`;
}

function isJsonMediaType(contentType: string): boolean {
  return /^[^;]*[/+]json\s*(;|$)/i.test(contentType.trim());
}

/** JSON when it parses; else the text. `truncated` flags a JSON-looking body that did not parse. */
export function parseBody(text: string, contentType: string | null): { body: unknown; truncated: boolean } {
  if (text.trim() === '') return { body: '', truncated: false };
  const ct = contentType ?? '';
  const jsonType = isJsonMediaType(ct);
  const looksJson = /^\s*[{["]/.test(text);
  if (!jsonType && !(looksJson && !/html|xml/i.test(ct))) return { body: text, truncated: false };
  try {
    return { body: JSON.parse(text) as unknown, truncated: false };
  } catch {
    return { body: text, truncated: jsonType || (ct === '' && looksJson) };
  }
}

function excerpt(text: string, secrets: string[], max = 500): string {
  const s = scrubSecrets(text, secrets).replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

interface Cooldown {
  until: number;
  promise: Promise<void>;
  waiters: number;
  ctrl: AbortController;
  done: boolean;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  let host: string;
  try {
    host = new URL(baseUrl).host;
  } catch {
    throw new ConnectorError({ kind: 'config', code: 'not_found', userMessage: 'The base URL is not a valid URL.' });
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxRetries = opts.maxRetries ?? 5;
  const retryAfterDefaultMs = opts.retryAfterDefaultMs ?? 60_000;
  const backoffBaseMs = opts.backoffBaseMs ?? 500;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const maxRetryWaitMs = opts.maxRetryWaitMs ?? 600_000;
  const retryRateLimitedPosts = opts.retryRateLimitedPosts ?? true;
  const sleep = opts.sleep ?? defaultSleep;
  const injected = opts.fetch;
  const send: Send = injected === undefined ? sendWithUndici : (url, init) => injected(url, { ...init, redirect: 'manual' });
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const redacted = redactedNames(opts.redactQueryParams ?? []);
  let requestCount = 0;
  /**
   * After a 429, every request of this client waits out the same pause instead of hammering the
   * server. One shared sleep (so an injected test sleep stays in control of time); it is cancelled
   * when every request waiting on it was aborted.
   */
  let cooldown: Cooldown | null = null;

  function startCooldown(ms: number): Cooldown {
    const until = now() + ms;
    if (cooldown !== null && !cooldown.done && cooldown.until >= until) return cooldown;
    const ctrl = new AbortController();
    const cd: Cooldown = { until, waiters: 0, ctrl, done: false, promise: Promise.resolve() };
    cd.promise = sleep(ms, ctrl.signal).then(
      () => {
        cd.done = true;
      },
      () => {
        cd.done = true;
      },
    );
    cooldown = cd;
    return cd;
  }

  async function awaitCooldown(cd: Cooldown, signal: AbortSignal | undefined): Promise<void> {
    cd.waiters++;
    try {
      await raceAbort(cd.promise, signal);
    } finally {
      cd.waiters--;
      if (cd.waiters === 0 && !cd.done) cd.ctrl.abort();
    }
  }

  function emit(e: HttpEvent): void {
    if (opts.onEvent === undefined) return;
    try {
      opts.onEvent(e);
    } catch {
      /* a listener's failure must not break the request */
    }
  }

  function failure(
    c: Pick<Classification, 'kind' | 'code' | 'reason'>,
    status: number | undefined,
    detail: string,
    cause?: unknown,
  ): ConnectorError {
    const kind: ErrorKind = c.kind ?? 'system';
    const code: ConnectorErrorCode = c.code ?? 'unexpected_response';
    let userMessage: string;
    if (code === 'rate_limited') {
      userMessage = `${host} is rate limiting our requests (HTTP 429); try again in a few minutes.`;
    } else if (code === 'unreachable') {
      userMessage =
        c.reason === 'host_not_found'
          ? `The host ${host} could not be found; check the URL.`
          : c.reason === 'blocked_port'
            ? `${host} uses a port that web clients are not allowed to connect to; check the URL's port.`
            : `Could not connect to ${host}; check the URL and that the service is up.`;
    } else if (code === 'tls_error') {
      userMessage = `The secure (TLS) connection to ${host} failed; check the URL and the server's certificate.`;
    } else if (c.reason === 'timeout' || c.reason === 'connect_timeout') {
      userMessage = `${host} did not answer within ${Math.round(timeoutMs / 1000)} s; try again later.`;
    } else if (c.reason === 'invalid_json') {
      userMessage = `${host} sent an incomplete response; try again later.`;
    } else if (status !== undefined) {
      userMessage = `${host} answered HTTP ${status}; try again later.`;
    } else {
      userMessage = `The connection to ${host} failed; try again later.`;
    }
    return new ConnectorError({
      kind,
      code,
      userMessage,
      ...(status !== undefined ? { status } : {}),
      detail: `${c.reason}: ${detail}`,
      reason: c.reason,
      ...(cause !== undefined ? { cause } : {}),
    });
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? 'GET';
    const repeatable = req.retry ?? (method === 'GET' || method === 'DELETE' || method === 'PUT');
    const url = buildUrl(baseUrl, req.path, req.query);
    const safeUrl = redactWith(url, redacted);
    const signal = req.signal;
    const attemptTimeout = req.timeoutMs ?? timeoutMs;
    const retryBudget = req.maxRetries ?? maxRetries;
    let attempt = 0;
    const reasonCounts = new Map<string, number>();
    /** Applies `retryLimits`: a retry decision becomes a failure once its reason used up its budget. */
    const limitByReason = (reason: string, d: RetryDecision): RetryDecision => {
      if (d.action !== 'retry') return d;
      const n = (reasonCounts.get(reason) ?? 0) + 1;
      reasonCounts.set(reason, n);
      const cap = req.retryLimits?.[reason];
      return cap !== undefined && n > cap ? { action: 'fail', reason: `${reason} (retries exhausted)`, waitMs: 0 } : d;
    };
    /** What to do after a failed attempt: the policy's decision, within the per-reason budgets. */
    const decide = (c: Classification, canRepeat: boolean, retryAfterMs: number | null): RetryDecision =>
      limitByReason(
        c.reason,
        decideRetry({
          classification: c,
          attempt,
          maxRetries: retryBudget,
          repeatable: canRepeat,
          retryAfterMs,
          retryAfterDefaultMs,
          backoffBaseMs,
          maxBackoffMs,
          maxRetryWaitMs,
          random,
        }),
      );
    let body: string | undefined;
    let contentType: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      contentType = 'application/json';
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      contentType = 'application/x-www-form-urlencoded';
    }

    let refreshed = false;
    const wait = (ms: number): Promise<void> => sleep(ms, signal);

    for (;;) {
      attempt++;
      if (signal?.aborted === true) throw abortedError(signal.reason);
      const pause = cooldown;
      if (pause !== null && !pause.done) await awaitCooldown(pause, signal);
      let release: (() => void) | null = null;
      if (opts.limiter?.acquireSlot !== undefined) release = await opts.limiter.acquireSlot(signal);
      else if (opts.limiter !== undefined) await opts.limiter.acquire(signal);

      let auth: Record<string, string>;
      try {
        auth = opts.authHeaders !== undefined ? await opts.authHeaders(req) : {};
      } catch (err) {
        release?.();
        throw err;
      }
      const secrets = Object.values(auth);
      const headers = new Headers();
      headers.set('accept', DEFAULT_ACCEPT);
      for (const [k, v] of Object.entries(opts.defaultHeaders ?? {})) headers.set(k, v);
      if (contentType !== undefined) headers.set('content-type', contentType);
      try {
        for (const [k, v] of Object.entries(auth)) headers.set(k, v);
      } catch (err) {
        // Headers' own message would quote the value: never surface it
        release?.();
        throw new ConnectorError({
          kind: 'config',
          code: 'invalid_credentials',
          userMessage: 'The credential contains characters that cannot be sent in an HTTP header; enter it again.',
          detail: `invalid header value in ${Object.keys(auth).join(', ')}`,
          reason: 'invalid_header',
        });
      }
      for (const [k, v] of Object.entries(req.headers ?? {})) headers.set(k, v);

      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(new TimeoutError(attemptTimeout)), attemptTimeout);
      const onAbort = (): void => ctrl.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const started = now();
      requestCount++;
      let res: Answer | undefined;
      let text: string;
      try {
        res = await send(url, { method, headers, body, signal: ctrl.signal });
        text = await res.text();
      } catch (err) {
        if (isAborted(signal)) throw abortedError(signal?.reason);
        const timedOut = ctrl.signal.aborted && ctrl.signal.reason instanceof TimeoutError;
        const c = classifyNetworkError(timedOut ? ctrl.signal.reason : err);
        if (res !== undefined && c.action === 'retry') c.reason = c.reason === 'timeout' ? 'timeout' : 'body_read_failed';
        const d = decide(c, repeatable || c.notSent, null);
        const detail = `${method} ${safeUrl}: ${c.errorCode}`;
        if (d.action === 'retry') {
          emit({ type: 'retry', method, url: safeUrl, attempt, waitMs: d.waitMs, reason: d.reason, ...(res ? { status: res.status } : {}) });
          await wait(d.waitMs);
          continue;
        }
        emit({ type: 'error', method, url: safeUrl, attempt, reason: d.reason, ...(res ? { status: res.status } : {}) });
        throw failure(c, undefined, detail, err);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        release?.(); // the limiter's window for this request starts when its answer arrived
      }

      const durationMs = now() - started;
      const status = res.status;
      const { body: parsed, truncated } = parseBody(text, res.headers.get('content-type'));
      emit({ type: 'request', method, url: safeUrl, status, attempt, durationMs });
      let c = classifyStatus(status);
      if (c.action === 'ok' && truncated) {
        c = { action: 'retry', kind: 'transient', code: 'unexpected_response', reason: 'invalid_json' };
      }
      if (c.action === 'ok') return { status, headers: res.headers, body: parsed, text, url };

      if (status === 401 && opts.refreshAuth !== undefined && !refreshed) {
        refreshed = true;
        emit({ type: 'retry', method, url: safeUrl, status, attempt, waitMs: 0, reason: 'unauthorized, refreshing credentials' });
        await opts.refreshAuth(req);
        attempt--; // the credential refresh does not use up a retry
        continue;
      }
      if (c.action === 'fail') return { status, headers: res.headers, body: parsed, text, url };

      const rateLimited = c.action === 'rate_limited';
      const d = decide(c, repeatable || (rateLimited && retryRateLimitedPosts), parseRetryAfter(res.headers.get('retry-after'), Date.now()));
      // the cooldown starts before listeners hear of the 429, so nothing slips through meanwhile
      const cd = rateLimited && d.action === 'retry' ? startCooldown(d.waitMs) : null;
      if (rateLimited) emit({ type: 'rate_limited', method, url: safeUrl, status, attempt, waitMs: d.waitMs, reason: d.reason });
      if (d.action === 'retry') {
        if (cd !== null) {
          await awaitCooldown(cd, signal);
        } else {
          emit({ type: 'retry', method, url: safeUrl, status, attempt, waitMs: d.waitMs, reason: d.reason });
          await wait(d.waitMs);
        }
        continue;
      }
      emit({ type: 'error', method, url: safeUrl, status, attempt, reason: d.reason });
      throw failure(c, status, `${method} ${safeUrl} → ${status} (${d.reason}) ${excerpt(text, secrets, 300)}`);
    }
  }

  return {
    request,
    get requestCount() {
      return requestCount;
    },
    baseUrl,
  };
}
