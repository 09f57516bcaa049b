import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditEventTable, Database } from '../schema.js';
import { nowIso } from '../db.js';

export interface AuditInput {
  actor: { id: string; email: string } | null;
  /** e.g. `integration.saved`, `links.saved`, `opportunity.exported`, `user.created` */
  action: string;
  /** what it happened to, e.g. `integration:KIND`, `opportunity:<id>`, `user:<id>` */
  target: string;
  /** never a secret */
  details: Record<string, unknown>;
}

/** The audit log: who did what, when. Newest first, keyset-paged by (at, id). */
export function createAuditRepo(db: Kysely<Database>) {
  return {
    async record(workspaceId: string, e: AuditInput): Promise<void> {
      await db.insertInto('audit_events').values({
        id: crypto.randomUUID(), workspace_id: workspaceId, at: nowIso(), actor_id: e.actor?.id ?? null, actor_email: e.actor?.email ?? null,
        action: e.action, target: e.target, details_json: JSON.stringify(e.details),
      }).execute();
    },

    /** Events older than `before` (an (at, id) pair from a previous page), newest first; optionally one action only. */
    async list(workspaceId: string, opts: { limit: number; before?: [string, string]; action?: string }): Promise<AuditEventTable[]> {
      let q = db.selectFrom('audit_events').selectAll().where('workspace_id', '=', workspaceId);
      if (opts.action !== undefined) q = q.where('action', '=', opts.action);
      if (opts.before !== undefined) {
        const [at, id] = opts.before;
        q = q.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
      }
      return q.orderBy('at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
