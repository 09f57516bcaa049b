/**
 * Issue 13, acceptance 2: GET /metrics is scraped and parsed with a Prometheus text parser; the counters move
 * with a sync (against the IT Glue sandbox, with a 500 and a 429 injected); 404 without METRICS_TOKEN, 401 with
 * a wrong one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { createRateLimiter } from '../../src/connectors/http/rate-limiter.js';
import { createMetrics, meterLimiter } from '../../src/ops/metrics.js';
import { bearer, createTestApp, useTestApp } from '../helpers/app.js';
import { useSandbox } from '../helpers/sandboxes.js';

const TOKEN = 'metrics-token-0123456789abcdef';

const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"`;
/**
 * One sample line of the text format (0.0.4): name, optional labels, value; prom-client writes no timestamps.
 * NaN and Inf in any case, as Prometheus reads them (Go's ParseFloat; prom-client writes an idle gauge as "Nan").
 */
const SAMPLE = new RegExp(String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:${LABEL})(?:,${LABEL})*)?,?\})? ((?:[nN][aA][nN])|[+-]?[iI][nN][fF]|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$`);
const COMMENT = /^# (?:HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (?:counter|gauge|histogram|summary|untyped))$/;

interface Scrape { families: PromFamily[]; text: string }

/**
 * Parses a scrape with parse-prometheus-text-format, and checks what that lenient parser lets pass: every line
 * is a well-formed comment or sample, every declared family parsed, every counter/gauge sample parsed.
 */
function parse(text: string): Scrape {
  const lines = text.split('\n').filter((l) => l !== '');
  for (const l of lines) assert.ok(l.startsWith('#') ? COMMENT.test(l) : SAMPLE.test(l), `malformed line: ${l}`);
  const families = parsePrometheusTextFormat(text);
  const typed = lines.filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
  assert.deepEqual(families.map((f) => f.name).sort(), [...typed].sort(), 'every declared family parsed');
  for (const f of families.filter((x) => x.type === 'COUNTER' || x.type === 'GAUGE')) {
    const declared = lines.filter((l) => !l.startsWith('#') && SAMPLE.exec(l)?.[1] === f.name).length;
    assert.equal(f.metrics.length, declared, `every sample of ${f.name} parsed`);
    for (const m of f.metrics) assert.ok(/^nan$/i.test(m.value ?? '') || !Number.isNaN(Number(m.value)), `${f.name} ${m.value}`);
  }
  return { families, text };
}

function labelsOf(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (raw ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/**
 * The summed value of the matching series (0 when none exists yet). Counters and gauges come from the parser;
 * histogram `_count` / `_sum` from the checked sample lines, because the parser drops the labels of labelled
 * histograms (yunyu/parse-prometheus-text-format#13).
 */
function value(s: Scrape, name: string, labels: Record<string, string> = {}, field: 'value' | 'count' | 'sum' = 'value'): number {
  const family = s.families.find((f) => f.name === name);
  assert.ok(family !== undefined, `family ${name}`);
  const matches = (have: Record<string, string> | undefined) => Object.entries(labels).every(([k, v]) => have?.[k] === v);
  if (field === 'value') return family.metrics.filter((m) => matches(m.labels)).reduce((sum, m) => sum + Number(m.value), 0);
  assert.equal(family.type, 'HISTOGRAM');
  return s.text.split('\n').map((l) => SAMPLE.exec(l)).filter((m): m is RegExpExecArray => m !== null && m[1] === `${name}_${field}` && matches(labelsOf(m[2])))
    .reduce((sum, m) => sum + Number(m[3]), 0);
}

describe('GET /metrics', () => {
  const app = useTestApp({ env: { METRICS_TOKEN: TOKEN } });
  const apiKey = 'ITG.metrics.key';
  const sandbox = useSandbox(() => startItGlueSandbox({ port: 0, apiKey }));

  const scrape = async () => {
    const res = await app.t.inject({ method: 'GET', url: '/metrics', headers: bearer(TOKEN) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return parse(res.body);
  };

  test('401 without the token or with a wrong one (an API token is no metrics token)', async () => {
    for (const headers of [{}, bearer('wrong-token-0123456789abcdef'), bearer(app.token), { authorization: TOKEN }]) {
      const res = await app.t.inject({ method: 'GET', url: '/metrics', headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="metrics"');
      assert.equal((res.json() as { error: { code: string } }).error.code, 'unauthenticated');
      assert.doesNotMatch(res.body, /crosswalk_/);
    }
  });

  test('the scrape parses and carries process metrics and every Crosswalk family', async () => {
    const { families } = await scrape();
    const names = new Set(families.map((f) => f.name));
    for (const n of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) assert.ok(names.has(n), n);
    const types: Record<string, PromFamily['type']> = {
      crosswalk_sync_runs_total: 'COUNTER', crosswalk_sync_run_duration_seconds: 'HISTOGRAM', crosswalk_sync_records_written_total: 'COUNTER',
      crosswalk_vendor_requests_total: 'COUNTER', crosswalk_vendor_retries_total: 'COUNTER', crosswalk_vendor_rate_limited_total: 'COUNTER',
      crosswalk_rate_limit_wait_seconds_total: 'COUNTER', crosswalk_sync_queue_depth: 'GAUGE',
    };
    for (const [n, type] of Object.entries(types)) assert.equal(families.find((f) => f.name === n)?.type, type, n);
    assert.equal(value({ families, text: '' }, 'crosswalk_sync_queue_depth', { state: 'queued' }), 0);
  });

  test('the counters move with a sync', async () => {
    const before = await scrape();
    sandbox().control.addFault({ type: '500', count: 1, pathPrefix: '/organizations' });
    sandbox().control.addFault({ type: '429', count: 1, retryAfter: 1, pathPrefix: '/configurations' });
    sandbox().control.clearRequests();
    const res = await app.t.inject({ method: 'PUT', url: '/api/integrations/itglue', headers: bearer(app.token), payload: { baseUrl: sandbox().url, apiKey, rateLimitPer5Min: 100000 } });
    assert.equal(res.statusCode, 200, res.body);
    const run = await app.t.services.sync.waitFor((res.json() as { syncRun: { id: string } }).syncRun.id);
    await app.t.services.queue.drain();
    assert.equal(run?.status, 'succeeded', JSON.stringify(run));
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}, field: 'value' | 'count' | 'sum' = 'value') => value(after, name, labels, field) - value(before, name, labels, field);

    const itg = { integration: 'itglue' };
    assert.equal(delta('crosswalk_sync_runs_total', { ...itg, mode: 'initial', status: 'succeeded' }), 1);
    assert.equal(delta('crosswalk_sync_run_duration_seconds', { ...itg, mode: 'initial', status: 'succeeded' }, 'count'), 1);
    assert.ok(delta('crosswalk_sync_run_duration_seconds', { ...itg, mode: 'initial', status: 'succeeded' }, 'sum') >= 1, 'the run waited out a 1 s Retry-After');
    const truth = sandbox().control.truth();
    assert.equal(delta('crosswalk_sync_records_written_total', { ...itg, stream: 'organizations' }), truth.organizationCount);
    assert.equal(delta('crosswalk_sync_records_written_total', { ...itg, stream: 'configurations' }), truth.configurationCount);
    assert.equal(delta('crosswalk_sync_records_written_total', { ...itg, stream: 'domains' }), truth.domainCount);
    // Every request the sandbox saw, by the status it answered.
    const seen = sandbox().control.requests();
    assert.equal(delta('crosswalk_vendor_requests_total', itg), seen.length);
    assert.equal(delta('crosswalk_vendor_requests_total', { ...itg, status: '500' }), 1);
    assert.equal(delta('crosswalk_vendor_requests_total', { ...itg, status: '429' }), 1);
    assert.equal(delta('crosswalk_vendor_requests_total', { ...itg, status: '200' }), seen.filter((r) => r.status === 200).length);
    assert.equal(delta('crosswalk_vendor_retries_total', itg), 1, 'the 500 was retried');
    assert.equal(delta('crosswalk_vendor_rate_limited_total', itg), 1);
    assert.ok(delta('crosswalk_rate_limit_wait_seconds_total', { ...itg, source: 'retry_after' }) >= 1, 'the 429 asked for 1 s');
    assert.equal(value(after, 'crosswalk_sync_queue_depth', { state: 'running' }), 0);

    // A failed run counts as failed.
    sandbox().control.addFault({ type: '500', count: -1, pathPrefix: '/organizations' });
    const failed = await app.t.inject({ method: 'POST', url: '/api/integrations/itglue/sync', headers: bearer(app.token), payload: { mode: 'incremental' } });
    const done = await app.t.services.sync.waitFor((failed.json() as { syncRun: { id: string } }).syncRun.id);
    sandbox().control.clearFaults();
    assert.equal(done?.status, 'failed');
    const last = await scrape();
    assert.equal(value(last, 'crosswalk_sync_runs_total', { ...itg, mode: 'incremental', status: 'failed' }), 1);
  });
});

test('GET /metrics answers 404 when METRICS_TOKEN is not set, whatever is sent', async () => {
  const t = await createTestApp();
  try {
    for (const headers of [{}, bearer(TOKEN)]) {
      const res = await t.inject({ method: 'GET', url: '/metrics', headers });
      assert.equal(res.statusCode, 404);
      assert.equal((res.json() as { error: { code: string } }).error.code, 'not_found');
    }
  } finally {
    await t.close();
  }
});

test('METRICS_TOKEN shorter than 16 characters is refused at start', async () => {
  const { loadConfig } = await import('../../src/config.js');
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN: use at least 16 characters/);
  assert.equal(loadConfig({ METRICS_TOKEN: TOKEN }).metricsToken, TOKEN);
});

test('time spent waiting for a rate-limiter slot is counted per integration', async () => {
  const metrics = createMetrics();
  const limiter = meterLimiter(createRateLimiter({ limit: 1, windowMs: 100 }), (ms) => metrics.limiterWait('acme', ms));
  await limiter.acquire();
  await limiter.acquire(); // waits for the first grant to leave the window
  assert.ok(value(parse(await metrics.text()), 'crosswalk_rate_limit_wait_seconds_total', { integration: 'acme', source: 'limiter' }) > 0);
  assert.equal(limiter.limit, 1);
});
