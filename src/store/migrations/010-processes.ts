import type { Kysely } from 'kysely';

/**
 * Separate serve and worker processes (portable: SQLite and PostgreSQL).
 * - rate_limit_slots: the shared rolling window of each vendor account (one row per request in the window;
 *   `released_ms` null while the request is in flight). Times are epoch milliseconds of the database's clock.
 * - schedule_claims: one row per scheduler slot (name, slot number): the process that inserts it runs that round.
 * - instance_meta: small facts about the installation, e.g. `secret_key_check` (a value encrypted under the key
 *   the stored secrets use, so a process with another key refuses to start).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('rate_limit_slots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('granted_ms', 'bigint', (c) => c.notNull())
    .addColumn('released_ms', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limit_slots_by_account').on('rate_limit_slots').columns(['account', 'granted_ms']).execute();

  await db.schema.createTable('schedule_claims')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slot', 'bigint', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_claims_pk', ['name', 'slot'])
    .execute();

  await db.schema.createTable('instance_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_meta').execute();
  await db.schema.dropTable('schedule_claims').execute();
  await db.schema.dropTable('rate_limit_slots').execute();
}
