import { type Kysely, sql } from 'kysely';
import { createTableWithKey, textNotNull, textNullable } from './columns.js';

/**
 * Sync alerts: per integration, the current failure streak (and whether admins were told about it), the pause
 * of scheduled runs after the vendor rejected the credentials, and when the integration's initial data was
 * complete (the initial-sync notice goes out once). Notifications get the web UI path that fixes the problem.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createTableWithKey(db, 'sync_alerts', ['workspace_id', 'kind'])
    .$call(textNotNull('workspace_id', 'kind'))
    .addColumn('failure_streak', 'integer', (c) => c.notNull().defaultTo(0))
    .$call(textNullable('failing_since', 'last_error_json', 'alerted_at', 'paused_at', 'pause_json', 'initial_done_at'))
    .$call(textNotNull('updated_at'))
    .execute();

  // Integrations synced before this migration already had their initial-sync notice.
  await sql`INSERT INTO sync_alerts (workspace_id, kind, failure_streak, initial_done_at, updated_at)
    SELECT workspace_id, integration, 0, MIN(finished_at), MIN(finished_at) FROM sync_runs
    WHERE status IN ('succeeded', 'partial') AND finished_at IS NOT NULL
    GROUP BY workspace_id, integration`.execute(db);

  await db.schema.alterTable('notifications').addColumn('link', 'text').execute();
}
