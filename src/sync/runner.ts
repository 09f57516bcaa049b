import crypto from 'node:crypto';
import os from 'node:os';
import type { Page, Stream, StreamResult } from '../connectors/contract.js';
import type { HttpEvent } from '../connectors/http/client.js';
import type { SyncRunTable } from '../store/schema.js';
import { RunLostError, type SyncedWriter } from '../store/repos/synced.js';
import type { Repos } from '../store/repos/index.js';
import type { StreamState } from '../store/repos/integrations.js';
import type { JobQueue } from './job-queue.js';

export type SyncMode = 'initial' | 'incremental' | 'full';
export type SyncStatus = SyncRunTable['status'];

export interface StreamProgress {
  fetched: number;
  total: number | null;
  done: boolean;
}

export interface SyncRunView {
  id: string;
  integration: string;
  mode: SyncMode;
  status: SyncStatus;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Record<string, StreamProgress>;
  error: { code: string; message: string } | null;
  /** Extras beyond the contract. */
  requestCount: number;
  retries: number;
  rateLimited: number;
  estimatedSecondsLeft: number | null;
  notes: string[];
}

/** One stream of a plan: where its records go and whether a full pull sweeps deletions. */
export interface StreamStep {
  /** Progress key (contract stream name); null = not shown (e.g. IT Glue statuses). */
  progressName: string | null;
  stream: Stream<unknown>;
  writer: SyncedWriter<unknown>;
  /** Full pulls find deletions by mark and sweep; false where a "full" pull is only a window (e.g. recent PSA tickets). */
  sweepOnFull: boolean;
}

export interface RunPlan {
  steps: StreamStep[];
  /** Requests allowed per second by the integration's limiter (0 = unlimited), for the time-left estimate. */
  requestsPerSecond: number;
  /** Records per request of the slowest stream, for the estimate. */
  pageSize: number;
  requestCount(): number;
}

export interface PlanContext {
  workspaceId: string;
  kind: string;
  mode: SyncMode;
  runId: string;
  onEvent: (e: HttpEvent) => void;
}

export interface SyncServiceDeps {
  repos: Pick<Repos, 'syncRuns' | 'integrations'>;
  queue: JobQueue;
  plan: (ctx: PlanContext) => Promise<RunPlan>;
  /** Called when a run ends; the service notifies admins after initial runs. */
  onFinished?: (run: SyncRunView, workspaceId: string) => Promise<void>;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  overlapMs?: number;
  /** A run whose heartbeat is older than this is dead (its worker stopped without a word); default 2 minutes. */
  leaseMs?: number;
  /** How often a running run's heartbeat is written, also while a page is awaited; default min(15 s, lease ÷ 4). */
  heartbeatMs?: number;
  /** How often `startReaper` looks for dead runs; default 30 s. */
  reaperIntervalMs?: number;
  /** A run that died this many times (attempts) is failed instead of resumed; default 5. */
  maxAttempts?: number;
  /** This process's name on the runs it executes (default host:pid:random). */
  owner?: string;
  /** Batches of records written per transaction: at most `records` (default FLUSH_RECORDS) or `ms` (FLUSH_MS) apart. */
  batch?: { records?: number; ms?: number };
}

/** Per stream of a run, persisted in `sync_runs.checkpoint_json` with the records it covers. */
interface StreamCheckpoint {
  /** The stream's own position (its last stored page's `checkpoint`). */
  cursor?: unknown;
  /** The stream was read to the end (and swept) by this run. */
  done?: boolean;
  /**
   * Rows the stream's table held for the integration when this run started reading it (full reads that sweep): with
   * none, every row is this run's and the sweep has nothing to look for.
   */
  before?: number;
}

const OVERLAP_MS = 10 * 60 * 1000;
const LEASE_MS = 2 * 60 * 1000;
const REAPER_INTERVAL_MS = 30 * 1000;
const MAX_ATTEMPTS = 5;
const MAX_EVENTS = 200;
/** Write a stream's records in batches of up to this many, */
const FLUSH_RECORDS = 2000;
/** or at least this often. */
const FLUSH_MS = 500;

export class SyncInProgressError extends Error {
  constructor(readonly run: SyncRunView) {
    super(`A ${run.mode} sync of ${run.integration} is already ${run.status} (run ${run.id}).`);
  }
}

export function toView(row: SyncRunTable): SyncRunView {
  const events = JSON.parse(row.events_json) as { retries?: number; rateLimited?: number; eta?: number | null; notes?: string[] };
  return {
    id: row.id,
    integration: row.integration,
    mode: row.mode,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    progress: JSON.parse(row.progress_json) as Record<string, StreamProgress>,
    error: row.error_json === null ? null : (JSON.parse(row.error_json) as { code: string; message: string }),
    requestCount: row.request_count,
    retries: events.retries ?? 0,
    rateLimited: events.rateLimited ?? 0,
    estimatedSecondsLeft: row.status === 'running' || row.status === 'queued' ? (events.eta ?? null) : null,
    notes: events.notes ?? [],
  };
}

export function createSyncService(deps: SyncServiceDeps) {
  const { syncRuns, integrations } = deps.repos;
  const log = deps.log ?? (() => {});
  const overlapMs = deps.overlapMs ?? OVERLAP_MS;
  const leaseMs = deps.leaseMs ?? LEASE_MS;
  const heartbeatMs = deps.heartbeatMs ?? Math.max(10, Math.min(15_000, Math.floor(leaseMs / 4)));
  const reaperIntervalMs = deps.reaperIntervalMs ?? REAPER_INTERVAL_MS;
  const maxAttempts = deps.maxAttempts ?? MAX_ATTEMPTS;
  const flushRecords = deps.batch?.records ?? FLUSH_RECORDS;
  const flushMs = deps.batch?.ms ?? FLUSH_MS;
  const owner = deps.owner ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  const controllers = new Map<string, AbortController>();
  const finished = new Map<string, Promise<void>>();
  const resolvers = new Map<string, () => void>();
  let stopping = false;
  let reaperTimer: NodeJS.Timeout | null = null;
  let reaping: Promise<unknown> = Promise.resolve();

  deps.queue.register('sync', async (payload) => {
    const runId = String(payload.runId);
    try {
      await execute(runId);
    } finally {
      resolvers.get(runId)?.();
      resolvers.delete(runId);
    }
  });

  async function getRun(id: string, workspaceId?: string): Promise<SyncRunView | null> {
    const row = await syncRuns.get(id, workspaceId);
    return row === null ? null : toView(row);
  }

  async function listRuns(workspaceId: string, integration?: string, limit = 50): Promise<SyncRunView[]> {
    return (await syncRuns.list(workspaceId, integration, limit)).map(toView);
  }

  async function lastRun(workspaceId: string, integration: string): Promise<SyncRunView | null> {
    return (await listRuns(workspaceId, integration, 1))[0] ?? null;
  }

  async function activeRun(workspaceId: string, integration: string): Promise<SyncRunView | null> {
    const row = await syncRuns.active(workspaceId, integration);
    return row === null ? null : toView(row);
  }

  /** Queue a run; throws SyncInProgressError when one of this integration is queued or running. */
  async function start(workspaceId: string, integration: string, mode: SyncMode): Promise<SyncRunView> {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    const row: SyncRunTable = {
      id, workspace_id: workspaceId, integration, mode, status: 'queued', started_at: null, finished_at: null, created_at: now,
      progress_json: '{}', error_json: null, events_json: '{}', request_count: 0, heartbeat_at: now,
      owner: null, attempt: 0, checkpoint_json: null,
    };
    try {
      await syncRuns.insert(row);
    } catch (err) {
      // The unique index on (workspace, integration) over active runs refuses a second one, whichever worker asks.
      const busy = await activeRun(workspaceId, integration);
      if (busy !== null) throw new SyncInProgressError(busy);
      throw err;
    }
    finished.set(id, new Promise<void>((resolve) => resolvers.set(id, resolve)));
    await deps.queue.enqueue('sync', { runId: id });
    return toView(row);
  }

  /** Wait for a run to end (tests, CLI); polls the database when another worker runs it. */
  async function waitFor(id: string, timeoutMs = 10 * 60 * 1000): Promise<SyncRunView | null> {
    const local = finished.get(id);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await getRun(id);
      if (run === null || (run.status !== 'queued' && run.status !== 'running')) return run;
      if (Date.now() > deadline) return run;
      await Promise.race([local ?? new Promise((r) => setTimeout(r, 200)), new Promise((r) => setTimeout(r, 200))]);
    }
  }

  /**
   * Run (or resume) a queued run. Claiming it is conditional (queued → running, owner = this process), so a run handed
   * to several workers runs once. A resumed run keeps its id, mode and start time, its progress and counters, and reads
   * each stream on from the checkpoint stored with its last batch; streams it finished are not read again.
   */
  async function execute(runId: string): Promise<void> {
    if (stopping) return;
    const row = await syncRuns.claim(runId, owner, new Date().toISOString());
    if (row === null) return;
    const { workspace_id: workspaceId, integration: kind, mode } = row;
    const resumed = row.attempt > 1 || row.checkpoint_json !== null;
    const controller = new AbortController();
    controllers.set(runId, controller);
    const startedAt = new Date(row.started_at ?? new Date().toISOString());
    const progress: Record<string, StreamProgress> = resumed ? (JSON.parse(row.progress_json) as Record<string, StreamProgress>) : {};
    const before = JSON.parse(row.events_json) as { retries?: number; rateLimited?: number; notes?: string[]; events?: unknown[]; partial?: boolean };
    const counters = {
      retries: resumed ? (before.retries ?? 0) : 0,
      rateLimited: resumed ? (before.rateLimited ?? 0) : 0,
      eta: null as number | null,
      notes: resumed ? (before.notes ?? []) : ([] as string[]),
      log: resumed ? (before.events ?? []) : ([] as unknown[]),
      partial: resumed ? before.partial === true : false,
    };
    const checkpoints: Record<string, StreamCheckpoint> = row.checkpoint_json === null ? {} : (JSON.parse(row.checkpoint_json) as Record<string, StreamCheckpoint>);
    let plan: RunPlan | null = null;
    const requestsBefore = resumed ? row.request_count : 0;
    if (resumed) log('sync run resumed', { runId, kind, attempt: row.attempt });

    const onEvent = (e: HttpEvent): void => {
      if (e.type === 'retry' || e.type === 'rate_limited') {
        if (e.type === 'retry') counters.retries++;
        else counters.rateLimited++;
        if (counters.log.length < MAX_EVENTS) counters.log.push({ at: new Date().toISOString(), ...e });
      }
    };
    const eventsJson = () => JSON.stringify({
      retries: counters.retries, rateLimited: counters.rateLimited, eta: counters.eta, notes: counters.notes, events: counters.log,
      ...(counters.partial ? { partial: true } : {}),
    });
    /** The run row's values written with every batch and progress save. */
    const runValues = (): Partial<SyncRunTable> => ({
      progress_json: JSON.stringify(progress), events_json: eventsJson(), request_count: requestsBefore + (plan?.requestCount() ?? 0),
      heartbeat_at: new Date().toISOString(), checkpoint_json: JSON.stringify(checkpoints),
    });
    const save = async (extra: Partial<SyncRunTable> = {}) => {
      if (!(await syncRuns.updateOwned(runId, owner, { ...runValues(), ...extra }))) throw new RunLostError(runId);
    };
    // The heartbeat goes on while a page is awaited (a slow vendor, a rate-limit wait): only a dead worker's run looks dead.
    let lost = false;
    const heartbeat = setInterval(() => {
      syncRuns.updateOwned(runId, owner, { heartbeat_at: new Date().toISOString() }).then((ok) => {
        if (!ok && !lost) {
          lost = true;
          controller.abort(new RunLostError(runId));
        }
      }, (e: unknown) => log('sync heartbeat failed', { runId, err: String(e) }));
    }, heartbeatMs);
    heartbeat.unref();

    let status: SyncStatus = 'succeeded';
    let error: { code: string; message: string } | null = null;
    try {
      const thePlan = await deps.plan({ workspaceId, kind, mode, runId, onEvent });
      plan = thePlan;
      const state = await integrations.readState(workspaceId, kind);
      for (const step of plan.steps) if (step.progressName !== null) progress[step.progressName] ??= { fetched: 0, total: null, done: false };
      await save();
      for (const step of plan.steps) {
        const name = step.stream.name;
        const cp: StreamCheckpoint = (checkpoints[name] ??= {});
        if (cp.done === true) continue;
        const st = state[name] ?? {};
        const useSince = mode === 'incremental' && step.stream.incremental && st.watermark !== undefined;
        const since = useSince ? new Date(Date.parse(st.watermark!) - overlapMs) : null;
        const scope = { workspaceId, kind, runId };
        const p: StreamProgress = step.progressName !== null ? progress[step.progressName]! : { fetched: 0, total: null, done: false };
        const sweeps = since === null && step.sweepOnFull;
        if (cp.cursor === undefined) {
          // Not started, or started without a stored page: the stream starts over (its progress too).
          p.fetched = 0;
          p.total = null;
          if (sweeps) cp.before = await step.writer.count(scope);
        }
        const gen = step.stream.read({
          since, signal: controller.signal,
          ...(cp.cursor !== undefined ? { resumeFrom: cp.cursor } : {}),
          storedIds: () => step.writer.seenIds(scope),
        });
        let result: StreamResult;
        // Pages are written in batches: one transaction (and one progress write) per FLUSH_RECORDS records
        // or FLUSH_MS, whichever comes first — per page when pages arrive slowly (rate-limited), fewer and
        // larger transactions when they arrive fast (each SQLite commit costs WAL writes for every index page touched).
        // A batch's last checkpoint is written in the same transaction as its records. A checkpointed page of a stream
        // that reads one page at a time is written at once, before the next page is asked for: a run that dies reads
        // again at most the page it had in flight. A stream that reads ahead (`readAhead`: several pages in flight)
        // loses those pages in a crash anyway; its pages are batched like the others, so a run that dies reads again
        // the pages in flight plus at most one batch.
        let buffer: unknown[] = [];
        let bufferTotal: number | null = null;
        let bufferCursor: unknown = undefined;
        let lastFlush = performance.now();
        const flush = async (): Promise<void> => {
          lastFlush = performance.now();
          if (buffer.length === 0 && bufferCursor === undefined) return;
          const records = buffer;
          buffer = [];
          p.fetched += records.length;
          if (bufferTotal !== null) p.total = Math.max(bufferTotal, p.fetched);
          if (bufferCursor !== undefined) cp.cursor = bufferCursor;
          bufferCursor = undefined;
          counters.eta = estimate(thePlan, progress, startedAt);
          await step.writer.upsert(records, scope, { owner, values: runValues() });
        };
        for (;;) {
          let next: IteratorResult<Page<unknown>, StreamResult>;
          try {
            next = await gen.next();
          } catch (err) {
            // What was fetched before the failure is stored: a failed run keeps everything it got.
            if (!lost) await flush();
            throw err;
          }
          if (next.done === true) {
            result = next.value;
            break;
          }
          const page = next.value;
          for (const r of page.records) buffer.push(r);
          if (page.total !== null) bufferTotal = page.total;
          if (page.checkpoint !== undefined) bufferCursor = page.checkpoint;
          const storeNow = page.checkpoint !== undefined && page.readAhead !== true;
          if (storeNow || buffer.length >= flushRecords || performance.now() - lastFlush >= flushMs) await flush();
        }
        await flush();
        p.done = true;
        if (p.total === null || p.total < p.fetched) p.total = p.fetched;
        if (result.gone !== undefined && result.gone.length > 0) {
          const removed = await step.writer.remove(scope, result.gone);
          if (removed > 0) counters.notes.push(`${name}: ${removed} record(s) deleted in the vendor system during the run were removed`);
        }
        if (result.partial) {
          counters.partial = true;
          counters.notes.push(`${name}: ${result.reason ?? `fetched ${result.fetched} of ${result.expected ?? '?'} records`}`);
        } else {
          // A table that held nothing for the integration before this run read the stream (an initial sync) holds only
          // what the run stored: the sweep (a scan of every row) is skipped.
          if (sweeps && cp.before !== 0) {
            const removed = await step.writer.sweep(scope, result.sweepWindow);
            if (removed > 0) counters.notes.push(`${name}: ${removed} record(s) deleted in the vendor system were removed`);
          }
          // The watermark moves only when the stream completed; the next run overlaps it.
          st.watermark = startedAt.toISOString();
        }
        state[name] = st;
        await integrations.writeState(workspaceId, kind, state);
        cp.done = true;
        delete cp.cursor;
        delete cp.before;
        await save();
      }
      if (counters.partial) status = 'partial';
    } catch (err) {
      status = 'failed';
      error = describeError(err, controller.signal.aborted);
      if (!lost && !(err instanceof RunLostError)) log('sync run failed', { runId, kind, err: err instanceof Error ? { message: err.message, detail: (err as { detail?: string }).detail } : String(err) });
    } finally {
      clearInterval(heartbeat);
      controllers.delete(runId);
    }
    if (lost || (status === 'failed' && controller.signal.reason instanceof RunLostError)) {
      // Another process took the run over (this one's heartbeat looked dead): it finishes the run; write nothing.
      log('sync run taken over by another process', { runId, kind });
      return;
    }
    if (status === 'failed' && stopping && controller.signal.aborted) {
      // This process is stopping: the run goes back to the queue with its checkpoints, and any process resumes it.
      await syncRuns.release(runId, owner).catch((e: unknown) => log('sync release failed', { runId, err: String(e) }));
      return;
    }
    counters.eta = null;
    const ended = await syncRuns.updateOwned(runId, owner, {
      ...runValues(), status, finished_at: new Date().toISOString(), error_json: error === null ? null : JSON.stringify(error), owner: null,
    }).catch((e: unknown) => {
      log('sync run end not recorded', { runId, err: String(e) });
      return false;
    });
    if (!ended) return;
    const view = await getRun(runId);
    if (view !== null && deps.onFinished !== undefined) {
      await deps.onFinished(view, workspaceId).catch((e: unknown) => log('onFinished failed', { err: String(e) }));
    }
  }

  /**
   * One pass of the reaper (any process may run it, at any time): active runs whose heartbeat is older than the lease
   * lost their worker. Each is taken by a conditional update on the heartbeat it was seen with — so a live run (fresh
   * heartbeat) is never touched and two reapers never both take one — then queued again to resume from its checkpoints,
   * or failed with the reason once it died `maxAttempts` times.
   */
  async function reap(): Promise<{ resumed: string[]; failed: string[] }> {
    const now = Date.now();
    const stale = await syncRuns.stale(new Date(now - leaseMs).toISOString());
    const resumed: string[] = [];
    const failedIds: string[] = [];
    for (const r of stale) {
      if (controllers.has(r.id)) continue; // ours and alive (its heartbeat write is late, e.g. a busy database)
      const at = new Date().toISOString();
      if (r.attempt >= maxAttempts) {
        // Not `interrupted` (a stop that changes nothing for alerts): a run that keeps killing its worker is a failure
        // admins hear about.
        const error = {
          code: 'worker_lost',
          message: `The worker running this sync stopped ${r.attempt} times without finishing it, so it is not resumed again. Data stored so far is kept; start the sync again.`,
        };
        if (await syncRuns.failStale(r, error, at)) {
          failedIds.push(r.id);
          log('sync run failed after repeated interruptions', { runId: r.id, attempts: r.attempt });
          const view = await getRun(r.id);
          if (view !== null && deps.onFinished !== undefined) await deps.onFinished(view, r.workspace_id).catch((e: unknown) => log('onFinished failed', { err: String(e) }));
        }
      } else if (await syncRuns.requeueStale(r, at)) {
        resumed.push(r.id);
        log('sync run found dead (no heartbeat); queued to resume', { runId: r.id, attempt: r.attempt, heartbeatAt: r.heartbeat_at });
        await deps.queue.enqueue('sync', { runId: r.id }).catch((e: unknown) => log('could not queue a resumed run', { runId: r.id, err: String(e) }));
      }
    }
    return { resumed, failed: failedIds };
  }

  /** Run the reaper now and then every `reaperIntervalMs` (each process that executes runs should). */
  function startReaper(): void {
    if (reaperTimer !== null || stopping) return;
    const tick = () => {
      reaping = reap().catch((e: unknown) => log('sync reaper failed', { err: String(e) }));
    };
    tick();
    reaperTimer = setInterval(tick, reaperIntervalMs);
    reaperTimer.unref();
  }

  async function stop(): Promise<void> {
    stopping = true;
    if (reaperTimer !== null) clearInterval(reaperTimer);
    reaperTimer = null;
    await reaping;
    for (const c of controllers.values()) c.abort();
    await deps.queue.drain();
  }

  return { start, getRun, listRuns, lastRun, activeRun, waitFor, reap, startReaper, stop, owner };
}

export type SyncService = ReturnType<typeof createSyncService>;

function estimate(plan: RunPlan, progress: Record<string, StreamProgress>, startedAt: Date): number | null {
  let remaining = 0;
  let known = false;
  let fetched = 0;
  for (const p of Object.values(progress)) {
    fetched += p.fetched;
    if (p.total !== null) {
      known = true;
      remaining += Math.max(0, p.total - p.fetched);
    }
  }
  if (!known) return null;
  const elapsed = (Date.now() - startedAt.getTime()) / 1000;
  const observed = fetched > 0 && elapsed > 0 ? remaining / (fetched / elapsed) : 0;
  const bound = plan.requestsPerSecond > 0 ? Math.ceil(remaining / Math.max(1, plan.pageSize)) / plan.requestsPerSecond : 0;
  return Math.round(Math.max(observed, bound));
}

function describeError(err: unknown, aborted: boolean): { code: string; message: string } {
  if (aborted) return { code: 'aborted', message: 'The run was stopped (server shutting down). Data stored so far is kept.' };
  const e = err as { code?: unknown; userMessage?: unknown; message?: unknown };
  if (typeof e.userMessage === 'string') return { code: typeof e.code === 'string' ? e.code : 'sync_failed', message: e.userMessage };
  return { code: 'sync_failed', message: 'The sync failed unexpectedly. Data stored so far is kept; try again. Details are in the server log.' };
}
