import { type Kysely, sql } from 'kysely';
import type { Database, SyncRunTable } from '../schema.js';

const ACTIVE = ['queued', 'running'] as const;

/** Sync run rows: one per run, at most one active (queued or running) per integration (unique index). */
export function createSyncRunsRepo(db: Kysely<Database>) {
  return {
    async insert(row: SyncRunTable): Promise<void> {
      await db.insertInto('sync_runs').values(row).execute();
    },

    async get(id: string, workspaceId?: string): Promise<SyncRunTable | null> {
      let q = db.selectFrom('sync_runs').selectAll().where('id', '=', id);
      if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
      return (await q.executeTakeFirst()) ?? null;
    },

    /** Newest first. */
    async list(workspaceId: string, integration: string | undefined, limit: number): Promise<SyncRunTable[]> {
      let q = db.selectFrom('sync_runs').selectAll().where('workspace_id', '=', workspaceId);
      if (integration !== undefined) q = q.where('integration', '=', integration);
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    },

    async active(workspaceId: string, integration: string): Promise<SyncRunTable | null> {
      const row = await db.selectFrom('sync_runs').selectAll()
        .where('workspace_id', '=', workspaceId).where('integration', '=', integration)
        .where('status', 'in', [...ACTIVE]).executeTakeFirst();
      return row ?? null;
    },

    async update(id: string, values: Partial<Omit<SyncRunTable, 'id'>>): Promise<void> {
      await db.updateTable('sync_runs').set(values).where('id', '=', id).execute();
    },

    /** Runs queued (waiting for a worker) and running, across every workspace (queue depth). */
    async activeCounts(): Promise<{ queued: number; running: number }> {
      const rows = await db.selectFrom('sync_runs').select((eb) => ['status', eb.fn.countAll<string | number>().as('n')])
        .where('status', 'in', [...ACTIVE]).groupBy('status').execute();
      const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
      return { queued: n('queued'), running: n('running') };
    },

    /**
     * Take a queued run to execute: running, owned by `owner`, one more attempt, a fresh heartbeat. Conditional on
     * the run still being queued, so of several workers handed the same run exactly one gets it. Returns the row.
     */
    async claim(id: string, owner: string, now: string): Promise<SyncRunTable | null> {
      const res = await db.updateTable('sync_runs')
        .set({ status: 'running', owner, attempt: sql<number>`attempt + 1`, heartbeat_at: now, started_at: sql<string>`COALESCE(started_at, ${now})` })
        .where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      return (await db.selectFrom('sync_runs').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },

    /** Write while still the run's owner (heartbeat, progress, the end); false when another process took the run over. */
    async updateOwned(id: string, owner: string, values: Partial<Omit<SyncRunTable, 'id'>>): Promise<boolean> {
      const res = await db.updateTable('sync_runs').set(values)
        .where('id', '=', id).where('owner', '=', owner).where('status', '=', 'running').executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Active runs (queued or running) whose heartbeat is older than `before` (or missing): their worker is gone. */
    async stale(before: string): Promise<SyncRunTable[]> {
      return db.selectFrom('sync_runs').selectAll().where('status', 'in', [...ACTIVE])
        .where((eb) => eb.or([eb('heartbeat_at', '<', before), eb('heartbeat_at', 'is', null)]))
        .orderBy('created_at').limit(100).execute();
    },

    /**
     * Hand a dead run back to the queue (queued, no owner, a fresh heartbeat) — only if nobody touched it since it was
     * seen stale (same status and heartbeat), so two reapers never both resume it and a live run is never taken.
     */
    async requeueStale(seen: Pick<SyncRunTable, 'id' | 'status' | 'heartbeat_at'>, now: string): Promise<boolean> {
      const res = await db.updateTable('sync_runs').set({ status: 'queued', owner: null, heartbeat_at: now })
        .where('id', '=', seen.id).where('status', '=', seen.status)
        .where((eb) => (seen.heartbeat_at === null ? eb('heartbeat_at', 'is', null) : eb('heartbeat_at', '=', seen.heartbeat_at)))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /** Fail a dead run (same conditions as `requeueStale`). */
    async failStale(seen: Pick<SyncRunTable, 'id' | 'status' | 'heartbeat_at'>, error: { code: string; message: string }, now: string): Promise<boolean> {
      const res = await db.updateTable('sync_runs')
        .set({ status: 'failed', owner: null, finished_at: now, heartbeat_at: now, error_json: JSON.stringify(error) })
        .where('id', '=', seen.id).where('status', '=', seen.status)
        .where((eb) => (seen.heartbeat_at === null ? eb('heartbeat_at', 'is', null) : eb('heartbeat_at', '=', seen.heartbeat_at)))
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    /**
     * A process stopping gracefully gives its run back: queued, no owner, and a heartbeat old enough that the next
     * reaper pass of any process resumes it from its checkpoints.
     */
    async release(id: string, owner: string): Promise<boolean> {
      const res = await db.updateTable('sync_runs').set({ status: 'queued', owner: null, heartbeat_at: new Date(0).toISOString() })
        .where('id', '=', id).where('owner', '=', owner).where('status', '=', 'running').executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
  };
}

export type SyncRunsRepo = ReturnType<typeof createSyncRunsRepo>;
