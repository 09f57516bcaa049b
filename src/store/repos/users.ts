import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, UserTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export type Role = 'admin' | 'member';

export interface UserRecord {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  passwordHash: string;
}

export interface NewUser {
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
  passwordHash?: string;
}

/** Why an update or delete did not happen. */
export type UserChangeRefusal = 'not_found' | 'last_admin';

type UserRow = Omit<UserTable, 'disabled'> & { disabled: number };

function toRecord(u: UserRow): UserRecord {
  return {
    id: u.id, workspaceId: u.workspace_id, email: u.email, name: u.name, role: u.role, disabled: u.disabled === 1,
    createdAt: u.created_at, lastLoginAt: u.last_login_at, passwordHash: u.password_hash,
  };
}

const enabledAdmin = (u: { role: Role; disabled: boolean }): boolean => u.role === 'admin' && !u.disabled;

export function createUsersRepo(db: Kysely<Database>) {
  /**
   * Serializes changes to a workspace's users: an UPDATE of the workspace row takes its row lock on
   * PostgreSQL (a concurrent transaction waits, then reads what this one committed) and the write lock
   * on SQLite. Two admins demoting each other at once can therefore not both succeed.
   */
  async function lockWorkspace(trx: Transaction<Database>, workspaceId: string): Promise<void> {
    await trx.updateTable('workspaces').set((eb) => ({ name: eb.ref('name') })).where('id', '=', workspaceId).execute();
  }

  async function otherEnabledAdmins(trx: Transaction<Database>, workspaceId: string, exceptId: string): Promise<number> {
    const r = await trx.selectFrom('users').select((eb) => eb.fn.countAll().as('n'))
      .where('workspace_id', '=', workspaceId).where('role', '=', 'admin').where('disabled', '=', 0).where('id', '!=', exceptId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  return {
    /** First-run setup is done once it was claimed, or once any user exists (e.g. created by the CLI). */
    async setupDone(): Promise<boolean> {
      const claimed = await db.selectFrom('setup_state').select('id').where('id', '=', 1).executeTakeFirst();
      if (claimed !== undefined) return true;
      return (await db.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined;
    },

    /**
     * Creates the workspace and its first administrator, atomically: the setup_state primary key lets
     * exactly one of any number of parallel setups through. Null when setup was already done.
     */
    async createFirstAdmin(input: { email: string; name: string; passwordHash: string }): Promise<UserRecord | null> {
      const now = new Date().toISOString();
      try {
        return await db.transaction().execute(async (trx) => {
          await trx.insertInto('setup_state').values({ id: 1, done_at: now }).execute();
          if ((await trx.selectFrom('users').select('id').limit(1).executeTakeFirst()) !== undefined) throw new SetupDone();
          const workspaceId = crypto.randomUUID();
          await trx.insertInto('workspaces').values({ id: workspaceId, name: 'Default', created_at: now }).execute();
          const row: UserRow = {
            id: crypto.randomUUID(), workspace_id: workspaceId, email: input.email, name: input.name, role: 'admin',
            password_hash: input.passwordHash, created_at: now, disabled: 0, last_login_at: null,
          };
          await trx.insertInto('users').values(row).execute();
          return toRecord(row);
        });
      } catch (e) {
        if (e instanceof SetupDone || isUniqueViolation(e)) return null;
        throw e;
      }
    },

    /** Inserts a user; null when the email is taken (decided by the unique index, not by a prior read). */
    async create(input: NewUser): Promise<UserRecord | null> {
      const row: UserRow = {
        id: crypto.randomUUID(), workspace_id: input.workspaceId, email: input.email, name: input.name, role: input.role,
        password_hash: input.passwordHash, created_at: new Date().toISOString(), disabled: 0, last_login_at: null,
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (e) {
        if (isUniqueViolation(e)) return null;
        throw e;
      }
      return toRecord(row);
    },

    /** The workspace new users join when no other is named (this version has one per installation). */
    async defaultWorkspaceId(): Promise<string | null> {
      return (await db.selectFrom('workspaces').select('id').orderBy('created_at').limit(1).executeTakeFirst())?.id ?? null;
    },

    async byId(id: string): Promise<UserRecord | null> {
      const u = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return u === undefined ? null : toRecord(u);
    },

    async byEmail(email: string): Promise<UserRecord | null> {
      const u = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      return u === undefined ? null : toRecord(u);
    },

    async list(workspaceId: string): Promise<UserRecord[]> {
      const rows = await db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').orderBy('email').execute();
      return rows.map(toRecord);
    },

    async recordLogin(id: string, at: string): Promise<void> {
      await db.updateTable('users').set({ last_login_at: at }).where('id', '=', id).execute();
    },

    async setPassword(id: string, passwordHash: string): Promise<void> {
      await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
    },

    /**
     * Changes a user. Refuses ('last_admin') when the change would leave the workspace without an
     * enabled administrator; disabling a user also ends their sessions. Atomic (see lockWorkspace).
     */
    async update(workspaceId: string, id: string, patch: UserPatch): Promise<UserRecord | UserChangeRefusal> {
      return db.transaction().execute(async (trx) => {
        await lockWorkspace(trx, workspaceId);
        const current = await trx.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
        if (current === undefined) return 'not_found';
        const before = toRecord(current);
        const after = { role: patch.role ?? before.role, disabled: patch.disabled ?? before.disabled };
        if (enabledAdmin(before) && !enabledAdmin(after) && (await otherEnabledAdmins(trx, workspaceId, id)) === 0) return 'last_admin';
        const set: Partial<{ name: string; role: Role; disabled: number; password_hash: string }> = {};
        if (patch.name !== undefined) set.name = patch.name;
        if (patch.role !== undefined) set.role = patch.role;
        if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
        if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
        if (Object.keys(set).length > 0) await trx.updateTable('users').set(set).where('id', '=', id).execute();
        // A disabled user is signed out everywhere; a password set by an admin ends the old sessions too.
        if (patch.disabled === true || patch.passwordHash !== undefined) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        const updated = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return toRecord(updated);
      });
    },

    /** Deletes a user with their sessions and tokens; refuses to delete the last enabled admin. */
    async remove(workspaceId: string, id: string): Promise<'deleted' | UserChangeRefusal> {
      return db.transaction().execute(async (trx) => {
        await lockWorkspace(trx, workspaceId);
        const current = await trx.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
        if (current === undefined) return 'not_found';
        if (enabledAdmin(toRecord(current)) && (await otherEnabledAdmins(trx, workspaceId, id)) === 0) return 'last_admin';
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await trx.deleteFrom('api_tokens').where('user_id', '=', id).execute();
        await trx.deleteFrom('users').where('id', '=', id).execute();
        return 'deleted';
      });
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;

class SetupDone extends Error {}
