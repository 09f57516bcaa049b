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

/** The owner's columns, joined as `u`, for `credentialOwner`; the credential's own columns must not take these names. */
const OWNER_COLUMNS = ['u.id as userId', 'u.workspace_id', 'u.email', 'u.name', 'u.role', 'u.disabled'] as const;

type OwnerRow = { userId: string; workspace_id: string; email: string; name: string; role: Role; disabled: number };

function credentialOwner(r: OwnerRow): CredentialOwner {
  return { userId: r.userId, workspaceId: r.workspace_id, email: r.email, name: r.name, role: r.role, disabled: r.disabled === 1 };
}

/** The credentials' tables: each row has a `user_id`, the credential's owner. */
type CredentialTable = 'sessions' | 'api_tokens';
/** A credential's own columns that can be read next to its owner's (the owner's names are taken). */
type CredentialColumn<T extends CredentialTable> = Exclude<keyof Database[T] & string, 'userId' | 'workspace_id' | 'email' | 'name' | 'role' | 'disabled'>;

/**
 * The credential in `table` whose `key` column is `value`, joined with its owner: `columns` of the credential as
 * `shape` makes them, with the owner's fields; null when there is no such credential.
 */
export async function findCredentialWithOwner<T extends CredentialTable, C extends CredentialColumn<T>, R>(
  db: Kysely<Database>, table: T, key: CredentialColumn<T>, value: string, columns: readonly C[], shape: (credential: Pick<Database[T], C>) => R,
): Promise<(R & CredentialOwner) | null> {
  // Kysely cannot type a query on a table named by a type parameter: built untyped here, typed by the signature.
  const from: string = `${table} as c`;
  const keyRef: string = `c.${key}`;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const r = await (db as unknown as Kysely<any>).selectFrom(from)
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select([...columns.map((col) => `c.${col}`), ...OWNER_COLUMNS])
    .where(keyRef, '=', value).executeTakeFirst() as (OwnerRow & Record<string, unknown>) | undefined;
  if (r === undefined) return null;
  const credential = Object.fromEntries(columns.map((col) => [col, r[col]])) as Pick<Database[T], C>;
  return { ...shape(credential), ...credentialOwner(r) };
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

    findWithOwner(id: string): Promise<SessionWithOwner | null> {
      return findCredentialWithOwner(db, 'sessions', 'id', id, ['id', 'csrf_token', 'expires_at'],
        (s) => ({ sessionId: s.id, csrfToken: s.csrf_token, expiresAt: s.expires_at }));
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
