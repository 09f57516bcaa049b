import type { Kysely } from 'kysely';
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

    /** Fail every run left queued or running; returns how many. */
    async failActive(error: { code: string; message: string }, finishedAt: string): Promise<number> {
      const res = await db.updateTable('sync_runs')
        .set({ status: 'failed', finished_at: finishedAt, error_json: JSON.stringify(error) })
        .where('status', 'in', [...ACTIVE]).executeTakeFirst();
      return Number(res.numUpdatedRows);
    },
  };
}

export type SyncRunsRepo = ReturnType<typeof createSyncRunsRepo>;
