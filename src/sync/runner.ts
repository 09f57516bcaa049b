import crypto from 'node:crypto';
import type { Page, Stream, StreamResult } from '../connectors/contract.js';
import type { HttpEvent } from '../connectors/http/client.js';
import type { SyncRunTable } from '../store/schema.js';
import type { SyncedWriter } from '../store/repos/synced.js';
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
}

const OVERLAP_MS = 10 * 60 * 1000;
const MAX_EVENTS = 200;
/** Write a stream's records in batches of up to this many, */
const FLUSH_RECORDS = 1000;
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
  const controllers = new Map<string, AbortController>();
  const finished = new Map<string, Promise<void>>();
  const resolvers = new Map<string, () => void>();

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

  async function execute(runId: string): Promise<void> {
    const row = await syncRuns.get(runId);
    if (row === null || row.status !== 'queued') return;
    const { workspace_id: workspaceId, integration: kind, mode } = row;
    const controller = new AbortController();
    controllers.set(runId, controller);
    const startedAt = new Date();
    const progress: Record<string, StreamProgress> = {};
    const counters = { retries: 0, rateLimited: 0, eta: null as number | null, notes: [] as string[], log: [] as unknown[] };
    let plan: RunPlan | null = null;

    const onEvent = (e: HttpEvent): void => {
      if (e.type === 'retry' || e.type === 'rate_limited') {
        if (e.type === 'retry') counters.retries++;
        else counters.rateLimited++;
        if (counters.log.length < MAX_EVENTS) counters.log.push({ at: new Date().toISOString(), ...e });
      }
    };
    const eventsJson = () => JSON.stringify({ retries: counters.retries, rateLimited: counters.rateLimited, eta: counters.eta, notes: counters.notes, events: counters.log });
    const save = async (extra: Partial<SyncRunTable> = {}) => {
      await syncRuns.update(runId, {
        progress_json: JSON.stringify(progress), events_json: eventsJson(), request_count: plan?.requestCount() ?? 0,
        heartbeat_at: new Date().toISOString(), ...extra,
      });
    };

    await syncRuns.update(runId, { status: 'running', started_at: startedAt.toISOString() });
    let status: SyncStatus = 'succeeded';
    let error: { code: string; message: string } | null = null;
    try {
      const thePlan = await deps.plan({ workspaceId, kind, mode, runId, onEvent });
      plan = thePlan;
      const state = await integrations.readState(workspaceId, kind);
      for (const step of plan.steps) if (step.progressName !== null) progress[step.progressName] = { fetched: 0, total: null, done: false };
      await save();
      for (const step of plan.steps) {
        const name = step.stream.name;
        const st = state[name] ?? {};
        const useSince = mode === 'incremental' && step.stream.incremental && st.watermark !== undefined;
        const since = useSince ? new Date(Date.parse(st.watermark!) - overlapMs) : null;
        const scope = { workspaceId, kind, runId };
        const p: StreamProgress = step.progressName !== null ? progress[step.progressName]! : { fetched: 0, total: null, done: false };
        const gen = step.stream.read({ since, signal: controller.signal });
        let result: StreamResult;
        let lastId: string | null = null;
        // Pages are written in batches: one transaction (and one progress write) per FLUSH_RECORDS records
        // or FLUSH_MS, whichever comes first — per page when pages arrive slowly (rate-limited), fewer and
        // larger transactions when they arrive fast (each SQLite commit costs WAL writes for every index page touched).
        let buffer: unknown[] = [];
        let bufferTotal: number | null = null;
        let lastFlush = performance.now();
        const flush = async (): Promise<void> => {
          lastFlush = performance.now();
          if (buffer.length === 0) return;
          const records = buffer;
          buffer = [];
          await step.writer.upsert(records, scope);
          p.fetched += records.length;
          if (bufferTotal !== null) p.total = Math.max(bufferTotal, p.fetched);
          const last = records[records.length - 1] as { id?: string } | undefined;
          lastId = last?.id ?? lastId;
          st.checkpoint = { fetched: p.fetched, lastId, at: new Date().toISOString() };
          counters.eta = estimate(thePlan, progress, startedAt);
          await save();
        };
        for (;;) {
          let next: IteratorResult<Page<unknown>, StreamResult>;
          try {
            next = await gen.next();
          } catch (err) {
            // What was fetched before the failure is stored: a failed run keeps everything it got.
            await flush();
            throw err;
          }
          if (next.done === true) {
            result = next.value;
            break;
          }
          const page = next.value;
          for (const r of page.records) buffer.push(r);
          if (page.total !== null) bufferTotal = page.total;
          if (buffer.length >= FLUSH_RECORDS || performance.now() - lastFlush >= FLUSH_MS) await flush();
        }
        await flush();
        p.done = true;
        if (p.total === null || p.total < p.fetched) p.total = p.fetched;
        if (result.partial) {
          status = 'partial';
          counters.notes.push(`${name}: ${result.reason ?? `fetched ${result.fetched} of ${result.expected ?? '?'} records`}`);
        } else {
          if (since === null && step.sweepOnFull) {
            const removed = await step.writer.sweep(scope);
            if (removed > 0) counters.notes.push(`${name}: ${removed} record(s) deleted in the vendor system were removed`);
          }
          // The watermark moves only when the stream completed; the next run overlaps it.
          st.watermark = startedAt.toISOString();
        }
        delete st.checkpoint;
        state[name] = st;
        await integrations.writeState(workspaceId, kind, state);
        await save();
      }
    } catch (err) {
      status = 'failed';
      error = describeError(err, controller.signal.aborted);
      log('sync run failed', { runId, kind, err: err instanceof Error ? { message: err.message, detail: (err as { detail?: string }).detail } : String(err) });
    } finally {
      controllers.delete(runId);
    }
    counters.eta = null;
    await save({ status, finished_at: new Date().toISOString(), error_json: error === null ? null : JSON.stringify(error) });
    const view = await getRun(runId);
    if (view !== null && deps.onFinished !== undefined) {
      await deps.onFinished(view, workspaceId).catch((e: unknown) => log('onFinished failed', { err: String(e) }));
    }
  }

  /** Runs left queued or running by a previous process cannot finish: mark them failed (data already stored stays). */
  async function recoverStale(): Promise<number> {
    return syncRuns.failActive({ code: 'interrupted', message: 'The server stopped during this run. Data stored so far is kept; start the sync again.' }, new Date().toISOString());
  }

  async function stop(): Promise<void> {
    for (const c of controllers.values()) c.abort();
    await deps.queue.drain();
  }

  return { start, getRun, listRuns, lastRun, activeRun, waitFor, recoverStale, stop };
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
