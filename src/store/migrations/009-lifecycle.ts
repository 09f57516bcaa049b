import type { Kysely } from 'kysely';
import { createTableWithKey, textNotNull, textNullable } from './columns.js';

/**
 * Lifecycle: the configuration dates and operating system the lifecycle rules need (filled by the next sync), and the
 * policies — one row per scope: the workspace's (`company_id` '') and each company's overrides, as a JSON list.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('itg_configurations').addColumn('purchased_at', 'text').execute();
  await db.schema.alterTable('itg_configurations').addColumn('installed_at', 'text').execute();
  await db.schema.alterTable('itg_configurations').addColumn('operating_system_name', 'text').execute();
  await db.schema.createIndex('itg_configurations_name').on('itg_configurations').columns(['workspace_id', 'name', 'id']).execute();

  await createTableWithKey(db, 'lifecycle_policies', ['workspace_id', 'company_id'])
    .$call(textNotNull('workspace_id', 'company_id', 'policies_json', 'updated_at'))
    .$call(textNullable('updated_by'))
    .execute();
}
