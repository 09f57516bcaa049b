import type { Kysely } from 'kysely';
import type { Database, SyncAlertTable } from '../schema.js';

export interface SyncError {
  code: string;
  message: string;
}

/**
 * Alert state of each integration: failure streak, pause of scheduled runs, initial data complete. The
 * transitions that decide whether admins are told ("claims") are conditional updates, so each streak alert,
 * recovery and initial-sync notice is claimed once even when several workers finish runs.
 */
export function createSyncAlertsRepo(db: Kysely<Database>) {
  async function ensure(workspaceId: string, kind: string, at: string): Promise<void> {
    await db.insertInto('sync_alerts')
      .values({ workspace_id: workspaceId, kind, failure_streak: 0, updated_at: at })
      .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doNothing())
      .execute();
  }

  return {
    async get(workspaceId: string, kind: string): Promise<SyncAlertTable | null> {
      return (await db.selectFrom('sync_alerts').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst()) ?? null;
    },

    /**
     * A failed or partial run: the streak grows; rejected credentials pause scheduled runs. Returns whether
     * this call claimed the streak's alert (true once per streak) and the state after it.
     */
    async recordFailure(workspaceId: string, kind: string, f: { error: SyncError; pause: boolean; at: string }): Promise<{ claimed: boolean; state: SyncAlertTable }> {
      await ensure(workspaceId, kind, f.at);
      const key = (q: ReturnType<typeof db.updateTable<'sync_alerts'>>) => q.where('workspace_id', '=', workspaceId).where('kind', '=', kind);
      await key(db.updateTable('sync_alerts').set((eb) => ({
        failure_streak: eb('failure_streak', '+', 1),
        failing_since: eb.fn.coalesce('failing_since', eb.val(f.at)),
        last_error_json: JSON.stringify(f.error),
        updated_at: f.at,
      }))).execute();
      if (f.pause) {
        await key(db.updateTable('sync_alerts').set({ paused_at: f.at, pause_json: JSON.stringify(f.error) })).where('paused_at', 'is', null).execute();
      }
      const claim = await key(db.updateTable('sync_alerts').set({ alerted_at: f.at })).where('alerted_at', 'is', null).executeTakeFirst();
      const state = await db.selectFrom('sync_alerts').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirstOrThrow();
      return { claimed: Number(claim.numUpdatedRows) > 0, state };
    },

    /**
     * A succeeded run ends the streak and the pause. Returns the state before, and whether this call claimed the
     * recovery of a streak admins had been told about (true once per alerted streak).
     */
    async recordSuccess(workspaceId: string, kind: string, at: string): Promise<{ recovered: boolean; before: SyncAlertTable }> {
      await ensure(workspaceId, kind, at);
      const before = await db.selectFrom('sync_alerts').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirstOrThrow();
      const reset = { failure_streak: 0, failing_since: null, last_error_json: null, alerted_at: null, paused_at: null, pause_json: null, updated_at: at };
      const claim = await db.updateTable('sync_alerts').set(reset)
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('alerted_at', 'is not', null).executeTakeFirst();
      await db.updateTable('sync_alerts').set(reset).where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
      return { recovered: Number(claim.numUpdatedRows) > 0, before };
    },

    /** The first run that completes the integration's initial data claims the initial-sync notice (true once). */
    async claimInitial(workspaceId: string, kind: string, at: string): Promise<boolean> {
      await ensure(workspaceId, kind, at);
      const res = await db.updateTable('sync_alerts').set({ initial_done_at: at })
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('initial_done_at', 'is', null).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Saving the settings resumes scheduled runs; returns whether they were paused. */
    async resume(workspaceId: string, kind: string): Promise<boolean> {
      const res = await db.updateTable('sync_alerts').set({ paused_at: null, pause_json: null })
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('paused_at', 'is not', null).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    /** Integrations whose scheduled runs are paused. */
    async paused(): Promise<{ workspaceId: string; kind: string }[]> {
      const rows = await db.selectFrom('sync_alerts').select(['workspace_id', 'kind']).where('paused_at', 'is not', null).execute();
      return rows.map((r) => ({ workspaceId: r.workspace_id, kind: r.kind }));
    },
  };
}

export type SyncAlertsRepo = ReturnType<typeof createSyncAlertsRepo>;
