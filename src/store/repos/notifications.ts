import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, NotificationTable, OutboxMailTable } from '../schema.js';
import { nowIso } from '../db.js';

/** In-app notifications, the admins they go to, and the log of every email sent (or only logged). */
export function createNotificationsRepo(db: Kysely<Database>) {
  return {
    /** A notification for the whole workspace (userId null) or one user. */
    async add(workspaceId: string, n: { userId: string | null; kind: string; message: string; link?: string | null }): Promise<void> {
      await db.insertInto('notifications').values({ id: crypto.randomUUID(), workspace_id: workspaceId, user_id: n.userId, kind: n.kind, message: n.message, link: n.link ?? null, created_at: nowIso(), read: 0 }).execute();
    },

    /** One notification for each enabled admin of the workspace (members see none); returns the admins' addresses. */
    async addForAdmins(workspaceId: string, n: { kind: string; message: string; link: string | null }): Promise<string[]> {
      const admins = await db.selectFrom('users').select(['id', 'email']).where('workspace_id', '=', workspaceId).where('role', '=', 'admin').where('disabled', '=', 0).execute();
      if (admins.length === 0) return [];
      const at = nowIso();
      await db.insertInto('notifications').values(admins.map((a) => ({
        id: crypto.randomUUID(), workspace_id: workspaceId, user_id: a.id, kind: n.kind, message: n.message, link: n.link, created_at: at, read: 0,
      }))).execute();
      return admins.map((a) => a.email);
    },

    /** What one user sees: workspace-wide notifications and their own, newest first. */
    async forUser(workspaceId: string, userId: string, limit = 100): Promise<NotificationTable[]> {
      return db.selectFrom('notifications').selectAll().where('workspace_id', '=', workspaceId)
        .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', userId)]))
        .orderBy('created_at', 'desc').limit(limit).execute();
    },

    /** Returns false when no such notification exists in the workspace. */
    async markRead(workspaceId: string, id: string): Promise<boolean> {
      const res = await db.updateTable('notifications').set({ read: 1 }).where('id', '=', id).where('workspace_id', '=', workspaceId).executeTakeFirst();
      return Number(res.numUpdatedRows) > 0;
    },

    async logMail(workspaceId: string, m: Pick<OutboxMailTable, 'to_addr' | 'subject' | 'body' | 'status' | 'error'>): Promise<void> {
      await db.insertInto('mail_log').values({ id: crypto.randomUUID(), workspace_id: workspaceId, ...m, created_at: nowIso() }).execute();
    },
  };
}

export type NotificationsRepo = ReturnType<typeof createNotificationsRepo>;
