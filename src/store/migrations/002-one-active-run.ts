import { type Kysely, sql } from 'kysely';

/** At most one queued or running sync per integration, guaranteed by the database (several workers may race). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sync_runs_one_active').unique().on('sync_runs').columns(['workspace_id', 'integration'])
    .where(sql.ref('status'), 'in', sql`('queued', 'running')`).execute();
}
