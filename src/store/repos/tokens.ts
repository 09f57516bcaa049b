import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { findCredentialWithOwner, type CredentialOwner } from './sessions.js';

export interface TokenView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

export interface TokenWithOwner extends CredentialOwner {
  tokenId: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** `last_used_at` is written at most once per this interval per token (a busy script would otherwise write on every call). */
const TOUCH_INTERVAL_MS = 60_000;

export function createTokensRepo(db: Kysely<Database>) {
  return {
    /** `tokenHash` is the sha256 of the token: the token itself is never stored. */
    async create(t: { id: string; userId: string; workspaceId: string; name: string; tokenHash: string; createdAt: string; expiresAt: string | null }): Promise<void> {
      await db.insertInto('api_tokens').values({
        id: t.id, user_id: t.userId, workspace_id: t.workspaceId, name: t.name, token_hash: t.tokenHash,
        created_at: t.createdAt, last_used_at: null, expires_at: t.expiresAt,
      }).execute();
    },

    findWithOwner(tokenHash: string): Promise<TokenWithOwner | null> {
      return findCredentialWithOwner(db, 'api_tokens', 'token_hash', tokenHash, ['id', 'expires_at', 'last_used_at'],
        (t) => ({ tokenId: t.id, expiresAt: t.expires_at, lastUsedAt: t.last_used_at }));
    },

    /** Records a use; skipped when the stored date is less than a minute old. */
    async touch(id: string, now: Date): Promise<void> {
      const stale = new Date(now.getTime() - TOUCH_INTERVAL_MS).toISOString();
      await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
        .execute();
    },

    async listForUser(userId: string): Promise<TokenView[]> {
      const rows = await db.selectFrom('api_tokens').select(['id', 'name', 'created_at', 'last_used_at', 'expires_at'])
        .where('user_id', '=', userId).orderBy('created_at', 'desc').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, expiresAt: r.expires_at }));
    },

    /** Revokes one of the user's tokens; false when the user has no token with that id. */
    async revoke(userId: string, id: string): Promise<boolean> {
      const r = await db.deleteFrom('api_tokens').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}

export type TokensRepo = ReturnType<typeof createTokensRepo>;
