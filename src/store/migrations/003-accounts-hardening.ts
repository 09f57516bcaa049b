import { type Kysely, sql } from 'kysely';
import { createKeyedTable, integerNotNull, textNotNull, textNullable } from './columns.js';

/**
 * Accounts hardening (portable: SQLite and PostgreSQL).
 * - users: `disabled` (0/1) and `last_login_at`.
 * - api_tokens: optional `expires_at`.
 * - login_attempts: recreated as atomic throttle counters (one row per key; the old rows were only a
 *   15-minute lock state, nothing is lost by starting over).
 * - setup_state: a single row (id 1) claimed by first-run setup, so two parallel setups cannot both win
 *   on any database (the primary key decides).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('users').addColumn('last_login_at', 'text').execute();
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema.dropTable('login_attempts').execute();
  await createKeyedTable(db, 'login_attempts', 'key')
    .$call(integerNotNull('failures')).$call(textNotNull('last_failure_at')).$call(textNullable('blocked_until'))
    .execute();
  await db.schema.createIndex('login_attempts_last').on('login_attempts').column('last_failure_at').execute();

  await db.schema.createTable('setup_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('done_at', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into setup_state (id, done_at) select 1, min(created_at) from users having count(*) > 0`.execute(db);
}
