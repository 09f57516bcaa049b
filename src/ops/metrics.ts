/**
 * Prometheus metrics (prom-client), one registry per service instance (tests run several in one process).
 * Fed by the HTTP layer's events (every connector the integration service builds), the rate limiters, the
 * sync writers and the end of each run; queue depth is read from the database on every scrape.
 * Served by GET /metrics (src/server/routes/ops.ts) when METRICS_TOKEN is set.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpEvent } from '../connectors/http/client.js';
import { wrapAcquisitions, type RateLimiter } from '../connectors/http/rate-limiter.js';
import type { SyncedWriter } from '../store/repos/synced.js';

/** What the metrics need of a finished run (a SyncRunView fits). */
export interface FinishedRun {
  integration: string;
  mode: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface Metrics {
  readonly registry: Registry;
  /** One HTTP-layer event of a connector of `kind`. */
  httpEvent(kind: string, e: HttpEvent): void;
  /** Time a request of `kind` waited for a slot of its rate limiter. */
  limiterWait(kind: string, ms: number): void;
  recordsWritten(kind: string, stream: string, n: number): void;
  runFinished(run: FinishedRun): void;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  /**
   * Process metrics (prom-client's defaults under their usual names: process_cpu_seconds_total, nodejs_heap_size_used_bytes, …):
   * only when served, so the many instances of a test process add no observers.
   */
  processMetrics?: boolean;
  /** Sync runs waiting for a worker and running now, across every worker (read on each scrape). */
  queueDepth?: () => Promise<{ queued: number; running: number }>;
  onError?: (msg: string, err: unknown) => void;
}

const PREFIX = 'crosswalk_';

export function createMetrics(opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];

  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name: `${PREFIX}${name}`, help, labelNames, registers });

  const runs = counter('sync_runs_total', 'Finished sync runs by integration, mode and status (succeeded, failed, partial).', ['integration', 'mode', 'status']);
  const duration = new Histogram({
    name: `${PREFIX}sync_run_duration_seconds`,
    help: 'Wall time of finished sync runs, from start to end.',
    labelNames: ['integration', 'mode', 'status'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
    registers,
  });
  const records = counter('sync_records_written_total', 'Records written to the store by sync runs, by integration and stream.', ['integration', 'stream']);
  const requests = counter(
    'vendor_requests_total',
    'HTTP requests to vendor APIs (every attempt) by integration and response status; "network_error" when no response came.',
    ['integration', 'status'],
  );
  const retries = counter(
    'vendor_retries_total',
    'Vendor requests retried after a failure (5xx, timeout, reset, expired token), by integration. 429s are counted apart.',
    ['integration'],
  );
  const rateLimited = counter('vendor_rate_limited_total', 'HTTP 429 answers from vendor APIs, by integration.', ['integration']);
  const waited = counter(
    'rate_limit_wait_seconds_total',
    'Seconds vendor requests waited because of rate limits: for a slot of our own limiter (source="limiter") or as a 429 asked (source="retry_after").',
    ['integration', 'source'],
  );
  const depth = opts.queueDepth;
  new Gauge({
    name: `${PREFIX}sync_queue_depth`,
    help: 'Sync runs waiting for a worker (state="queued") and running (state="running"), across every worker on the database.',
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (depth === undefined) return;
      try {
        const d = await depth();
        this.set({ state: 'queued' }, d.queued);
        this.set({ state: 'running' }, d.running);
      } catch (e) {
        // An unreachable database must not break the scrape: the gauge keeps its last values.
        opts.onError?.('queue depth not collected', e);
      }
    },
  });
  if (opts.processMetrics === true) collectDefaultMetrics({ register: registry });

  return {
    registry,
    contentType: registry.contentType,
    httpEvent(kind, e) {
      if (e.type === 'request') requests.inc({ integration: kind, status: String(e.status ?? 'unknown') });
      else if (e.status === undefined && (e.type === 'retry' || e.type === 'error')) requests.inc({ integration: kind, status: 'network_error' });
      if (e.type === 'retry') retries.inc({ integration: kind });
      if (e.type === 'rate_limited') {
        rateLimited.inc({ integration: kind });
        if (e.waitMs !== undefined && e.waitMs > 0) waited.inc({ integration: kind, source: 'retry_after' }, e.waitMs / 1000);
      }
    },
    limiterWait(kind, ms) {
      if (ms > 0) waited.inc({ integration: kind, source: 'limiter' }, ms / 1000);
    },
    recordsWritten(kind, stream, n) {
      if (n > 0) records.inc({ integration: kind, stream }, n);
    },
    runFinished(run) {
      const labels = { integration: run.integration, mode: run.mode, status: run.status };
      runs.inc(labels);
      if (run.startedAt !== null && run.finishedAt !== null) duration.observe(labels, Math.max(0, Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000);
    },
    text: () => registry.metrics(),
  };
}

/** The limiter, measuring how long each acquisition waited. */
export function meterLimiter(limiter: RateLimiter, onWait: (ms: number) => void): RateLimiter {
  return wrapAcquisitions(limiter, async (acquire, signal, opts) => {
    const t = performance.now();
    const acquired = await acquire(signal, opts);
    onWait(performance.now() - t);
    return acquired;
  });
}

/** The writer, counting the records it wrote. */
export function meterWriter<T>(writer: SyncedWriter<T>, onWritten: (n: number) => void): SyncedWriter<T> {
  return {
    table: writer.table,
    async upsert(records, scope, commit) {
      await writer.upsert(records, scope, commit);
      onWritten(records.length);
    },
    sweep: (scope, window) => writer.sweep(scope, window),
    seenIds: (scope) => writer.seenIds(scope),
    remove: (scope, ids) => writer.remove(scope, ids),
    count: (scope) => writer.count(scope),
  };
}
