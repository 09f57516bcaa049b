import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { Role } from './users.js';

/** The user behind a credential (session or API token), with what the caller needs to check it. */
export interface CredentialOwner {
  userId: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

/** The owner's columns, joined as `u`, for `credentialOwner`. */
export const OWNER_COLUMNS = ['u.id as userId', 'u.workspace_id', 'u.email', 'u.name', 'u.role', 'u.disabled'] as const;

export function credentialOwner(r: { userId: string; workspace_id: string; email: string; name: string; role: Role; disabled: number }): CredentialOwner {
  return { userId: r.userId, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role, disabled: r.disabled === 1 };
}

export interface SessionWithOwner extends CredentialOwner {
  sessionId: string;
  csrfToken: string;
  expiresAt: string;
}

export function createSessionsRepo(db: Kysely<Database>) {
  return {
    /** `id` is the sha256 of the cookie value: the cookie itself is never stored. */
    async create(s: { id: string; userId: string; workspaceId: string; csrfToken: string; createdAt: string; expiresAt: string }): Promise<void> {
      await db.insertInto('sessions').values({
        id: s.id, user_id: s.userId, workspace_id: s.workspaceId, csrf_token: s.csrfToken, created_at: s.createdAt, expires_at: s.expiresAt,
      }).execute();
    },

    async findWithOwner(id: string): Promise<SessionWithOwner | null> {
      const r = await db.selectFrom('sessions as s').innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.id as sessionId', 's.csrf_token', 's.expires_at', ...OWNER_COLUMNS])
        .where('s.id', '=', id).executeTakeFirst();
      if (r === undefined) return null;
      return { sessionId: r.sessionId, csrfToken: r.csrf_token, expiresAt: r.expires_at, ...credentialOwner(r) };
    },

    async remove(id: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },

    /** Ends every session of a user, except `keepId` when given (the one changing its password). */
    async removeForUser(userId: string, keepId?: string): Promise<void> {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (keepId !== undefined) q = q.where('id', '!=', keepId);
      await q.execute();
    },

    async removeExpired(now: string): Promise<number> {
      const r = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}

export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
