import { type Kysely, sql } from 'kysely';

/**
 * Durable sync runs: which process runs a run (`owner`, null while queued), how many times it was started
 * (`attempt`: the first start and every resume after a dead worker), and the streams' checkpoints
 * (`checkpoint_json`), written in the same transaction as the records they cover. Dead runs are found by
 * heartbeat age (an index on active runs' heartbeats).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sync_runs').addColumn('owner', 'text').execute();
  await db.schema.alterTable('sync_runs').addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sync_runs').addColumn('checkpoint_json', 'text').execute();
  await db.schema.createIndex('sync_runs_active_heartbeat').on('sync_runs').columns(['heartbeat_at'])
    .where(sql.ref('status'), 'in', sql`('queued', 'running')`).execute();
}
