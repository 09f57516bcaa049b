import { type Kysely, sql } from 'kysely';

/**
 * Sync alerts: per integration, the current failure streak (and whether admins were told about it), the pause
 * of scheduled runs after the vendor rejected the credentials, and when the integration's initial data was
 * complete (the initial-sync notice goes out once). Notifications get the web UI path that fixes the problem.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('sync_alerts')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('failure_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failing_since', 'text')
    .addColumn('last_error_json', 'text')
    .addColumn('alerted_at', 'text')
    .addColumn('paused_at', 'text')
    .addColumn('pause_json', 'text')
    .addColumn('initial_done_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_alerts_pk', ['workspace_id', 'kind'])
    .execute();

  // Integrations synced before this migration already had their initial-sync notice.
  await sql`INSERT INTO sync_alerts (workspace_id, kind, failure_streak, initial_done_at, updated_at)
    SELECT workspace_id, integration, 0, MIN(finished_at), MIN(finished_at) FROM sync_runs
    WHERE status IN ('succeeded', 'partial') AND finished_at IS NOT NULL
    GROUP BY workspace_id, integration`.execute(db);

  await db.schema.alterTable('notifications').addColumn('link', 'text').execute();
}
