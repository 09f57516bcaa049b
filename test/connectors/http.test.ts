import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConnectorError,
  buildUrl,
  classifyNetworkError,
  classifyStatus,
  createHttpClient,
  createRateLimiter,
  decideRetry,
  mapConcurrent,
  orderedConcurrent,
  parseBody,
  parseRetryAfter,
  redactUrl,
  type HttpEvent,
} from '../../src/connectors/http/index.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { freePort, recordingSleep, sendJson, startServer } from '../helpers/http.js';

const SECRET = 'ITG.secretkey0123456789.abcdef';

describe('policy table', () => {
  it('classifies statuses', () => {
    const cases: [number, string, string | null][] = [
      [200, 'ok', null],
      [204, 'ok', null],
      [408, 'retry', 'http_error'],
      [425, 'retry', 'http_error'],
      [429, 'rate_limited', 'rate_limited'],
      [500, 'retry', 'http_error'],
      [502, 'retry', 'http_error'],
      [503, 'retry', 'http_error'],
      [504, 'retry', 'http_error'],
      [400, 'fail', 'http_error'],
      [401, 'fail', 'invalid_credentials'],
      [403, 'fail', 'invalid_credentials'],
      [404, 'fail', 'not_found'],
      [409, 'fail', 'http_error'],
      [422, 'fail', 'http_error'],
      [418, 'fail', 'http_error'],
      [301, 'fail', 'unexpected_response'],
      [501, 'fail', 'http_error'],
      [520, 'retry', 'http_error'],
    ];
    for (const [status, action, code] of cases) {
      const c = classifyStatus(status);
      assert.equal(c.action, action, `status ${status}`);
      assert.equal(c.code, code, `status ${status}`);
    }
    assert.equal(classifyStatus(401).kind, 'config');
    assert.equal(classifyStatus(429).kind, 'rate_limited');
    assert.equal(classifyStatus(503).kind, 'transient');
  });

  it('classifies network errors', () => {
    const wrap = (cause: object): Error => Object.assign(new TypeError('fetch failed'), { cause });
    const cases: [unknown, string, string, string][] = [
      [wrap({ code: 'ECONNRESET', message: 'read ECONNRESET' }), 'retry', 'http_error', 'connection_reset'],
      [wrap({ code: 'EPIPE' }), 'retry', 'http_error', 'connection_reset'],
      [wrap({ code: 'UND_ERR_SOCKET', message: 'other side closed' }), 'retry', 'http_error', 'connection_reset'],
      [new Error('socket hang up'), 'retry', 'http_error', 'connection_reset'],
      [wrap({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'retry', 'http_error', 'timeout'],
      [Object.assign(new Error('t'), { name: 'TimeoutError' }), 'retry', 'http_error', 'timeout'],
      [wrap({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x.invalid' }), 'fail', 'unreachable', 'host_not_found'],
      [wrap({ code: 'ECONNREFUSED' }), 'fail', 'unreachable', 'connection_refused'],
      [wrap({ code: 'EHOSTUNREACH' }), 'fail', 'unreachable', 'connection_refused'],
      [wrap(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })])), 'fail', 'unreachable', 'connection_refused'],
      [wrap({ code: 'CERT_HAS_EXPIRED' }), 'fail', 'tls_error', 'tls_error'],
      [wrap({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'fail', 'tls_error', 'tls_error'],
      [wrap({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }), 'fail', 'tls_error', 'tls_error'],
      [wrap({ message: 'error:0A00010B:SSL routines::wrong version number' }), 'fail', 'tls_error', 'tls_error'],
      [new TypeError('fetch failed'), 'retry', 'http_error', 'network_error'],
    ];
    for (const [err, action, code, reason] of cases) {
      const c = classifyNetworkError(err);
      assert.deepEqual([c.action, c.code, c.reason], [action, code, reason], String((err as Error).message));
    }
  });

  it('parses Retry-After in seconds and as an HTTP date', () => {
    assert.equal(parseRetryAfter('7'), 7000);
    assert.equal(parseRetryAfter('0'), 0);
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), null);
    assert.equal(parseRetryAfter(null), null);
  });

  it('decides retries as values', () => {
    const base = {
      maxRetries: 3,
      repeatable: true,
      retryAfterMs: null,
      retryAfterDefaultMs: 60_000,
      backoffBaseMs: 500,
      maxBackoffMs: 30_000,
      maxRetryWaitMs: 600_000,
      random: () => 1,
    };
    assert.deepEqual(decideRetry({ ...base, classification: { action: 'retry', reason: 'server_error' }, attempt: 3 }), {
      action: 'retry',
      reason: 'server_error, backoff',
      waitMs: 2000,
    });
    assert.equal(decideRetry({ ...base, classification: { action: 'retry', reason: 'x' }, attempt: 4 }).action, 'fail');
    assert.equal(decideRetry({ ...base, classification: { action: 'rate_limited', reason: 'r' }, attempt: 1 }).waitMs, 60_000);
    assert.equal(decideRetry({ ...base, classification: { action: 'rate_limited', reason: 'r' }, attempt: 1, retryAfterMs: 5 }).waitMs, 5);
    assert.equal(decideRetry({ ...base, classification: { action: 'retry', reason: 'r' }, attempt: 1, repeatable: false }).action, 'fail');
    assert.equal(decideRetry({ ...base, classification: { action: 'retry', reason: 'r' }, attempt: 1, retryAfterMs: 700_000 }).action, 'fail');
  });

  it('parses bodies: any JSON media type, text otherwise, truncation flagged', () => {
    assert.deepEqual(parseBody('{"a":1}', 'application/vnd.api+json; charset=utf-8'), { body: { a: 1 }, truncated: false });
    assert.deepEqual(parseBody('{"a":1}', null), { body: { a: 1 }, truncated: false });
    assert.deepEqual(parseBody('<html>x</html>', 'text/html'), { body: '<html>x</html>', truncated: false });
    assert.deepEqual(parseBody('{"a":', 'application/json'), { body: '{"a":', truncated: true });
    assert.deepEqual(parseBody('', 'application/json'), { body: '', truncated: false });
  });

  it('builds URLs with raw brackets and redacts secrets', () => {
    assert.equal(
      buildUrl('https://api.itglue.com/', '/organizations', { 'page[size]': 5, 'filter[updated_at]': '2025-01-01T00:00:00Z,*', x: undefined }),
      'https://api.itglue.com/organizations?page[size]=5&filter[updated_at]=2025-01-01T00:00:00Z,*',
    );
    assert.equal(buildUrl('https://h.example/api', 'Client', { search: 'a&b c' }), 'https://h.example/api/Client?search=a%26b%20c');
    assert.throws(() => buildUrl('https://a.example', 'https://evil.example/x'), ConnectorError);
    const r = redactUrl('https://u:p@h.example/x?api_key=abc&page=2&Token=zz');
    assert.equal(r, 'https://h.example/x?api_key=[redacted]&page=2&Token=[redacted]');
  });
});

describe('rate limiter', () => {
  it('never exceeds the limit in any rolling window and serves FIFO', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 3, windowMs: 1000, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer });
    const grants: { i: number; at: number }[] = [];
    const all: Promise<void>[] = [];
    // a burst, then more acquirers arriving at odd times
    for (let i = 0; i < 10; i++) all.push(limiter.acquire().then(() => void grants.push({ i, at: clock.now() })));
    await clock.advance(250);
    for (let i = 10; i < 14; i++) all.push(limiter.acquire().then(() => void grants.push({ i, at: clock.now() })));
    await clock.advance(10_000);
    await Promise.all(all);
    assert.equal(grants.length, 14);
    assert.deepEqual(
      grants.map((g) => g.i),
      Array.from({ length: 14 }, (_, i) => i),
      'FIFO order',
    );
    const times = grants.map((g) => g.at);
    for (let a = 0; a < times.length; a++) {
      const inWindow = times.filter((x) => x >= (times[a] as number) && x < (times[a] as number) + 1000).length;
      assert.ok(inWindow <= 3, `window starting ${times[a]} holds ${inWindow}`);
    }
    // rolling, not fixed buckets: grants come as soon as the oldest leaves the window
    assert.deepEqual(times.slice(0, 7), [0, 0, 0, 1000, 1000, 1000, 2000]);
    assert.ok(clock.timerCount() <= 1);
  });

  it('rolling window admits a grant exactly when the oldest expires', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 2, windowMs: 100, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer });
    await limiter.acquire();
    await clock.advance(60);
    await limiter.acquire();
    let third = -1;
    const p = limiter.acquire().then(() => {
      third = clock.now();
    });
    await clock.advance(100);
    await p;
    assert.equal(third, 100);
  });

  it('aborts a waiting acquirer without disturbing the others', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ limit: 1, windowMs: 1000, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer });
    await limiter.acquire();
    const ac = new AbortController();
    const order: string[] = [];
    const a = limiter.acquire(ac.signal).then(
      () => order.push('a'),
      (e: unknown) => order.push(`a:${(e as ConnectorError).code}`),
    );
    const b = limiter.acquire().then(() => order.push('b'));
    assert.equal(limiter.pending, 2);
    ac.abort();
    await clock.advance(1000);
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a:aborted', 'b']);
    await assert.rejects(limiter.acquire(AbortSignal.abort()), (e: unknown) => e instanceof ConnectorError && e.code === 'aborted');
  });

  it('limit 0 is unlimited; works with the real clock', async () => {
    const unlimited = createRateLimiter({ limit: 0, windowMs: 1000 });
    await Promise.all(Array.from({ length: 1000 }, () => unlimited.acquire()));
    const limiter = createRateLimiter({ limit: 5, windowMs: 80 });
    const times: number[] = [];
    const start = performance.now();
    await Promise.all(Array.from({ length: 12 }, () => limiter.acquire().then(() => void times.push(performance.now() - start))));
    times.sort((a, b) => a - b);
    // Grant k of a 5-per-80-ms window cannot come before floor(k / 5) windows have passed. Measured from the
    // start, a busy machine only delays the callbacks, so these lower bounds hold however loaded it is.
    for (let i = 0; i < times.length; i++) assert.ok((times[i] as number) >= Math.floor(i / 5) * 80 - 2, `grant ${i} at ${(times[i] as number).toFixed(1)} ms: real-time window respected`);
  });
});

describe('http client', () => {
  it('retries 5xx with backoff, then succeeds; parses JSON:API', async () => {
    const srv = await startServer((_req, res, _b, i) => {
      if (i < 2) sendJson(res, 503, { errors: [] });
      else {
        res.writeHead(200, { 'content-type': 'application/vnd.api+json' });
        res.end('{"data":[]}');
      }
    });
    try {
      const { sleep, waits } = recordingSleep();
      const events: HttpEvent[] = [];
      const c = createHttpClient({ baseUrl: srv.url, sleep, backoffBaseMs: 100, random: () => 0.5, onEvent: (e) => events.push(e) });
      const r = await c.request({ path: '/organizations' });
      assert.deepEqual(r.body, { data: [] });
      assert.equal(c.requestCount, 3);
      assert.deepEqual(waits, [50, 100]);
      assert.deepEqual(
        events.map((e) => `${e.type}:${e.status ?? ''}`),
        ['request:503', 'retry:503', 'request:503', 'retry:503', 'request:200'],
      );
    } finally {
      await srv.close();
    }
  });

  it('honours Retry-After in seconds and as a date; 429 without it waits retryAfterDefaultMs', async () => {
    const date = new Date(Date.now() + 20_000).toUTCString();
    const srv = await startServer((_req, res, _b, i) => {
      if (i === 0) sendJson(res, 429, {}, { 'retry-after': '3' });
      else if (i === 1) sendJson(res, 429, {}, { 'retry-after': date });
      else if (i === 2) sendJson(res, 429, { errors: [{ status: 429 }] });
      else if (i === 3) sendJson(res, 503, {}, { 'retry-after': '1' });
      else sendJson(res, 200, { ok: true });
    });
    try {
      const { sleep, waits } = recordingSleep();
      const events: HttpEvent[] = [];
      const c = createHttpClient({ baseUrl: srv.url, sleep, retryAfterDefaultMs: 12_345, onEvent: (e) => events.push(e) });
      const r = await c.request({ path: '/x' });
      assert.deepEqual(r.body, { ok: true });
      assert.equal(waits.length, 4);
      assert.equal(waits[0], 3000);
      assert.ok((waits[1] as number) > 17_000 && (waits[1] as number) <= 20_000, `date wait ${waits[1]}`);
      assert.equal(waits[2], 12_345);
      assert.equal(waits[3], 1000);
      assert.equal(events.filter((e) => e.type === 'rate_limited').length, 3);
    } finally {
      await srv.close();
    }
  });

  it('gives up with rate_limited after maxRetries of 429', async () => {
    const srv = await startServer((_req, res) => sendJson(res, 429, {}));
    try {
      const { sleep, waits } = recordingSleep();
      const c = createHttpClient({ baseUrl: srv.url, sleep, maxRetries: 2, retryAfterDefaultMs: 10 });
      await assert.rejects(c.request({ path: '/x' }), (e: unknown) => {
        assert.ok(e instanceof ConnectorError);
        assert.equal(e.code, 'rate_limited');
        assert.equal(e.kind, 'rate_limited');
        assert.equal(e.status, 429);
        return true;
      });
      assert.equal(srv.received.length, 3);
      assert.deepEqual(waits, [10, 10]);
    } finally {
      await srv.close();
    }
  });

  it('fails at once when a wait would exceed maxRetryWaitMs', async () => {
    const srv = await startServer((_req, res) => sendJson(res, 429, {}, { 'retry-after': '3600' }));
    try {
      const { sleep, waits } = recordingSleep();
      const c = createHttpClient({ baseUrl: srv.url, sleep, maxRetryWaitMs: 5000 });
      await assert.rejects(c.request({ path: '/x' }), (e: unknown) => e instanceof ConnectorError && e.code === 'rate_limited');
      assert.deepEqual(waits, []);
    } finally {
      await srv.close();
    }
  });

  it('retries connection resets, mid-body resets and truncated JSON', async () => {
    const srv = await startServer((req, res, _b, i) => {
      if (i === 0) {
        req.socket.destroy(); // reset before any answer
      } else if (i === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"data":[{"id":"1"');
        setTimeout(() => req.socket.destroy(), 10); // reset mid-body
      } else if (i === 2) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"data":[{"id":"1"'); // complete response, truncated JSON
      } else sendJson(res, 200, { data: [{ id: '1' }] });
    });
    try {
      const { sleep, waits } = recordingSleep();
      const events: HttpEvent[] = [];
      const c = createHttpClient({ baseUrl: srv.url, sleep, onEvent: (e) => events.push(e) });
      const r = await c.request({ path: '/x' });
      assert.deepEqual(r.body, { data: [{ id: '1' }] });
      assert.equal(waits.length, 3);
      const reasons = events.filter((e) => e.type === 'retry').map((e) => e.reason ?? '');
      assert.match(reasons[0] as string, /connection_reset|network_error/);
      assert.match(reasons[1] as string, /body_read_failed/);
      assert.match(reasons[2] as string, /invalid_json/);
    } finally {
      await srv.close();
    }
  });

  it('retryLimits caps retries per policy reason', async () => {
    const srv = await startServer((_req, res) => sendJson(res, 504, {}));
    try {
      const c = createHttpClient({ baseUrl: srv.url, sleep: async () => {} });
      await assert.rejects(c.request({ path: '/x', retryLimits: { gateway_timeout: 1 } }), (e: unknown) => {
        assert.ok(e instanceof ConnectorError);
        assert.equal(e.status, 504);
        assert.equal(e.reason, 'gateway_timeout');
        return true;
      });
      assert.equal(srv.received.length, 2);
    } finally {
      await srv.close();
    }
  });

  it('ECONNREFUSED → unreachable at once, no retry', async () => {
    const port = await freePort();
    const { sleep, waits } = recordingSleep();
    const c = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, sleep });
    await assert.rejects(c.request({ path: '/x' }), (e: unknown) => {
      assert.ok(e instanceof ConnectorError);
      assert.equal(e.code, 'unreachable');
      assert.match(e.userMessage, new RegExp(`127\\.0\\.0\\.1:${port}`));
      return true;
    });
    assert.deepEqual(waits, []);
    assert.equal(c.requestCount, 1);
  });

  it('ENOTFOUND → unreachable naming the host', async () => {
    const c = createHttpClient({ baseUrl: 'http://crosswalk-test.invalid', sleep: async () => {} });
    await assert.rejects(c.request({ path: '/x' }), (e: unknown) => {
      assert.ok(e instanceof ConnectorError);
      assert.equal(e.code, 'unreachable');
      assert.match(e.userMessage, /crosswalk-test\.invalid/);
      return true;
    });
  });

  it('does not retry a POST on 500 (nor a POST on a reset)', async () => {
    const srv = await startServer((req, res, _b, i) => {
      if (req.url === '/reset' && i >= 0) req.socket.destroy();
      else sendJson(res, 500, { error: 'boom' });
    });
    try {
      const { sleep, waits } = recordingSleep();
      const c = createHttpClient({ baseUrl: srv.url, sleep });
      await assert.rejects(c.request({ method: 'POST', path: '/tickets', json: { a: 1 } }), (e: unknown) => {
        assert.ok(e instanceof ConnectorError);
        assert.equal(e.status, 500);
        assert.equal(e.kind, 'transient');
        return true;
      });
      await assert.rejects(c.request({ method: 'POST', path: '/reset', json: { a: 1 } }), ConnectorError);
      assert.equal(srv.received.length, 2);
      assert.deepEqual(waits, []);
      assert.equal(srv.received[0]?.headers['content-type'], 'application/json');
      assert.equal(srv.received[0]?.body, '{"a":1}');
    } finally {
      await srv.close();
    }
  });

  it('resolves fail-class statuses so connectors can read the body; no redirects followed', async () => {
    const srv = await startServer((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
        res.end();
      } else sendJson(res, 404, { errors: [{ status: 404, title: 'Not Found' }] });
    });
    try {
      const c = createHttpClient({ baseUrl: srv.url, sleep: async () => {} });
      const r = await c.request({ path: '/organizations/9' });
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, { errors: [{ status: 404, title: 'Not Found' }] });
      const m = await c.request({ path: '/moved' });
      assert.equal(m.status, 302);
      assert.equal(srv.received.length, 2);
    } finally {
      await srv.close();
    }
  });

  it('on 401 calls refreshAuth once and retries once with fresh headers', async () => {
    const srv = await startServer((req, res) => {
      if (req.headers.authorization === 'Bearer t2') sendJson(res, 200, { ok: 1 });
      else sendJson(res, 401, {});
    });
    try {
      let token = 't1';
      let refreshes = 0;
      const c = createHttpClient({
        baseUrl: srv.url,
        authHeaders: async () => ({ authorization: `Bearer ${token}` }),
        refreshAuth: async () => {
          refreshes++;
          token = refreshes === 1 ? 't2' : 't3';
        },
      });
      const r = await c.request({ path: '/x' });
      assert.equal(r.status, 200);
      assert.equal(refreshes, 1);
      token = 'bad';
      refreshes = 5;
      const r2 = await c.request({ path: '/x' });
      assert.equal(r2.status, 401, 'second 401 is returned, no loop');
      assert.equal(refreshes, 6);
    } finally {
      await srv.close();
    }
  });

  it('times out a stalled response and retries', async () => {
    const srv = await startServer((_req, res, _b, i) => {
      if (i === 0) return; // never answer
      sendJson(res, 200, { ok: true });
    });
    try {
      const { sleep, waits } = recordingSleep();
      const events: HttpEvent[] = [];
      // Long enough that the answered retry never times out on a busy machine; the first request never gets an answer.
      const c = createHttpClient({ baseUrl: srv.url, sleep, timeoutMs: 1000, onEvent: (e) => events.push(e) });
      const r = await c.request({ path: '/x' });
      assert.equal(r.status, 200);
      assert.equal(waits.length, 1);
      assert.match(events.find((e) => e.type === 'retry')?.reason ?? '', /timeout/);
    } finally {
      await srv.close();
    }
  });

  it('aborts with code aborted', async () => {
    const srv = await startServer(() => undefined);
    try {
      const c = createHttpClient({ baseUrl: srv.url });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 30);
      await assert.rejects(c.request({ path: '/x', signal: ac.signal }), (e: unknown) => e instanceof ConnectorError && e.code === 'aborted');
    } finally {
      await srv.close();
    }
  });

  it('acquires the limiter for every attempt', async () => {
    const srv = await startServer((_req, res, _b, i) => (i === 0 ? sendJson(res, 502, {}) : sendJson(res, 200, {})));
    try {
      let acquired = 0;
      const limiter = { limit: 1, windowMs: 1, pending: 0, acquire: async () => void acquired++ };
      const c = createHttpClient({ baseUrl: srv.url, limiter, sleep: async () => {} });
      await c.request({ path: '/x' });
      assert.equal(acquired, 2);
    } finally {
      await srv.close();
    }
  });

  it('keeps secrets out of URLs, events and error messages', async () => {
    const srv = await startServer((req, res) => {
      // a hostile server echoing our key back
      sendJson(res, 500, { error: `bad key ${String(req.headers['x-api-key'])}` });
    });
    try {
      const events: HttpEvent[] = [];
      const c = createHttpClient({
        baseUrl: srv.url,
        authHeaders: async () => ({ 'x-api-key': SECRET }),
        onEvent: (e) => events.push(e),
        sleep: async () => {},
        maxRetries: 1,
      });
      const err = await c.request({ path: '/organizations', query: { 'page[size]': 1 } }).catch((e: unknown) => e);
      assert.ok(err instanceof ConnectorError);
      assert.equal(srv.received[0]?.headers['x-api-key'], SECRET);
      assert.ok(!(srv.received[0]?.url ?? '').includes(SECRET));
      const everything = JSON.stringify({ events, err: err.toJSON(), message: err.message, stack: err.stack });
      assert.ok(!everything.includes(SECRET), everything);
      assert.match(err.detail ?? '', /\[redacted\]/);
    } finally {
      await srv.close();
    }
  });

  it('a credential that cannot be a header value fails without quoting it', async () => {
    const c = createHttpClient({ baseUrl: 'http://127.0.0.1:1', authHeaders: async () => ({ 'x-api-key': `${SECRET}\u2603` }) });
    const err = await c.request({ path: '/x' }).catch((e: unknown) => e);
    assert.ok(err instanceof ConnectorError);
    assert.equal(err.code, 'invalid_credentials');
    assert.ok(!JSON.stringify({ ...err.toJSON(), m: err.message }).includes(SECRET));
  });

  it('a 429 cools the whole client down (real clock)', async () => {
    const arrivals: number[] = [];
    const srv = await startServer((_req, res, _b, i) => {
      arrivals.push(performance.now());
      if (i === 0) sendJson(res, 429, {});
      else sendJson(res, 200, {});
    });
    try {
      let second: Promise<unknown> | null = null;
      const c = createHttpClient({
        baseUrl: srv.url,
        retryAfterDefaultMs: 250,
        onEvent: (e) => {
          if (e.type === 'rate_limited') second = c.request({ path: '/b' });
        },
      });
      const t0 = performance.now();
      await c.request({ path: '/a' });
      await second;
      assert.equal(arrivals.length, 3);
      assert.ok((arrivals[1] as number) - t0 >= 240, 'the retry waited');
      assert.ok((arrivals[2] as number) - t0 >= 240, 'another request waited out the same cooldown');
      // with an injected sleep the cooldown follows that sleep (no extra waits)
      const { sleep, waits } = recordingSleep();
      const d = createHttpClient({ baseUrl: srv.url, sleep, retryAfterDefaultMs: 99 });
      await d.request({ path: '/c' });
      assert.deepEqual(waits, []);
    } finally {
      await srv.close();
    }
  });
});

describe('orderedConcurrent', () => {
  it('keeps order, bounds concurrency, stops launching after an early break', async () => {
    let running = 0;
    let peak = 0;
    let started = 0;
    let aborted = 0;
    function* tasks() {
      for (let i = 0; i < 50; i++) {
        yield async (signal: AbortSignal) => {
          started++;
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 1 + ((i * 7) % 5)));
          running--;
          if (signal.aborted) aborted++;
          return i;
        };
      }
    }
    const out: number[] = [];
    for await (const v of orderedConcurrent(tasks(), 4)) {
      out.push(v);
      if (v === 19) break;
    }
    assert.deepEqual(out, Array.from({ length: 20 }, (_, i) => i));
    assert.ok(peak <= 4);
    assert.ok(started <= 24, `started ${started}`);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(aborted >= 1, 'in-flight tasks saw the abort');
  });

  it('a finished task makes room at once: tasks keep starting while the consumer is busy, up to maxBuffered', async () => {
    let running = 0;
    let peak = 0;
    let started = 0;
    function* tasks() {
      for (let i = 0; i < 40; i++) {
        yield async () => {
          started++;
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
          return i;
        };
      }
    }
    const out: number[] = [];
    let startedWhileBusy = 0;
    for await (const v of orderedConcurrent(tasks(), 2, { maxBuffered: 6 })) {
      out.push(v);
      if (v === 0) {
        // The consumer is busy (e.g. writing what it got) and asks for nothing meanwhile.
        await new Promise((r) => setTimeout(r, 150));
        startedWhileBusy = started;
      }
    }
    assert.deepEqual(out, Array.from({ length: 40 }, (_, i) => i));
    assert.ok(peak <= 2, `peak ${peak}`);
    // Task 0 was handed over; 6 more (maxBuffered) were started and finished while the consumer waited.
    assert.equal(startedWhileBusy, 7);
  });

  it('propagates a failing task and mapConcurrent keeps order', async () => {
    const r = await mapConcurrent([5, 1, 3, 2], 2, async (x) => {
      await new Promise((res) => setTimeout(res, x));
      return x * 10;
    });
    assert.deepEqual(r, [50, 10, 30, 20]);
    await assert.rejects(
      mapConcurrent([1, 2, 3], 3, async (x) => {
        if (x === 2) throw new Error('page 2 failed');
        return x;
      }),
      /page 2 failed/,
    );
  });

  it('fetches 1000 pages of 20 ms latency well within 15 s at concurrency 16', async () => {
    const t0 = performance.now();
    const pages = Array.from({ length: 1000 }, (_, i) => i + 1);
    const r = await mapConcurrent(pages, 16, async (p) => {
      await new Promise((res) => setTimeout(res, 20));
      return p;
    });
    assert.equal(r.length, 1000);
    assert.ok(performance.now() - t0 < 15_000);
  });
});

describe('rate limiter: in-flight slots', () => {
  it('a slot counts from its release (the answer), so late arrivals never exceed the limit at the server', async () => {
    let t = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const limiter = createRateLimiter({ limit: 2, windowMs: 1000, now: () => t, setTimer: (fn, ms) => { const h = { at: t + ms, fn }; timers.push(h); return h; }, clearTimer: (h) => { const i = timers.indexOf(h as never); if (i >= 0) timers.splice(i, 1); } });
    const r1 = await limiter.acquireSlot!();
    const r2 = await limiter.acquireSlot!();
    let third = false;
    const p = limiter.acquireSlot!().then((r) => { third = true; return r; });
    t = 5000; // long after the window, but both requests are still in flight
    for (const h of timers.splice(0)) h.fn();
    await Promise.resolve();
    assert.equal(third, false, 'no slot while every request is in flight');
    t = 5100;
    r1(); // answer arrived at 5100: that slot frees at 6100
    await Promise.resolve();
    assert.equal(third, false);
    t = 6100;
    for (const h of timers.splice(0)) h.fn();
    await p;
    assert.equal(third, true);
    r2();
  });
});
