import type { Kysely } from 'kysely';
import { createKeyedTable, createTableWithKey, textNotNull } from './columns.js';

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
  await createKeyedTable(db, 'rate_limit_slots')
    .$call(textNotNull('account', 'priority'))
    .addColumn('granted_ms', 'bigint', (c) => c.notNull())
    .addColumn('released_ms', 'bigint')
    .execute();
  await db.schema.createIndex('rate_limit_slots_by_account').on('rate_limit_slots').columns(['account', 'granted_ms']).execute();

  await createTableWithKey(db, 'schedule_claims', ['name', 'slot'])
    .$call(textNotNull('name'))
    .addColumn('slot', 'bigint', (c) => c.notNull())
    .$call(textNotNull('claimed_at'))
    .execute();

  await createKeyedTable(db, 'instance_meta', 'key').$call(textNotNull('value', 'updated_at')).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_meta').execute();
  await db.schema.dropTable('schedule_claims').execute();
  await db.schema.dropTable('rate_limit_slots').execute();
}
