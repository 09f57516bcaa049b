import type { Kysely } from 'kysely';
import type { Database, IntegrationTable } from '../schema.js';
import { nowIso } from '../db.js';

/** Per-stream sync state kept with the integration: the watermark of the last completed read, and a checkpoint. */
export interface StreamState {
  watermark?: string;
  checkpoint?: { fetched: number; lastId: string | null; at: string };
}

/** Stored integration rows: settings (JSON, no secrets), the vault ciphertext of the secrets, sync state. */
export function createIntegrationsRepo(db: Kysely<Database>) {
  return {
    async get(workspaceId: string, kind: string): Promise<IntegrationTable | null> {
      const row = await db.selectFrom('integrations').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
      return row ?? null;
    },

    /** Insert or update settings and secrets; marks the integration configured. */
    async save(workspaceId: string, kind: string, settingsJson: string, secretsEnc: string): Promise<void> {
      const now = nowIso();
      const values = { settings_json: settingsJson, secrets_enc: secretsEnc, configured: 1, updated_at: now };
      await db.insertInto('integrations')
        .values({ workspace_id: workspaceId, kind, ...values, state_json: '{}', created_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet(values))
        .execute();
    },

    /** Remove credentials and stop syncing; synced data and links stay. */
    async unconfigure(workspaceId: string, kind: string): Promise<void> {
      await db.updateTable('integrations').set({ secrets_enc: null, configured: 0, updated_at: nowIso() })
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
    },

    async configured(): Promise<{ workspaceId: string; kind: string }[]> {
      const rows = await db.selectFrom('integrations').select(['workspace_id', 'kind']).where('configured', '=', 1).execute();
      return rows.map((r) => ({ workspaceId: r.workspace_id, kind: r.kind }));
    },

    /** Kinds of a workspace's integrations, with whether each is configured. */
    async kinds(workspaceId: string): Promise<{ kind: string; configured: boolean }[]> {
      const rows = await db.selectFrom('integrations').select(['kind', 'configured']).where('workspace_id', '=', workspaceId).execute();
      return rows.map((r) => ({ kind: r.kind, configured: r.configured === 1 }));
    },

    async settings(workspaceId: string, kind: string): Promise<Record<string, unknown> | null> {
      const row = await db.selectFrom('integrations').select('settings_json').where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
      return row === undefined ? null : (JSON.parse(row.settings_json) as Record<string, unknown>);
    },

    async readState(workspaceId: string, kind: string): Promise<Record<string, StreamState>> {
      const row = await db.selectFrom('integrations').select('state_json').where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
      if (row === undefined) return {};
      return (JSON.parse(row.state_json) as { streams?: Record<string, StreamState> }).streams ?? {};
    },

    async writeState(workspaceId: string, kind: string, streams: Record<string, StreamState>): Promise<void> {
      await db.updateTable('integrations').set({ state_json: JSON.stringify({ streams }) })
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
    },
  };
}

export type IntegrationsRepo = ReturnType<typeof createIntegrationsRepo>;
