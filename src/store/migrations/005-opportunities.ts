import { type Kysely, sql } from 'kysely';
import { createKeyedTable, createTableWithKey, integerNotNull, syncStamp, textNotNull, textNullable } from './columns.js';

/**
 * Opportunities and their export (portable: SQLite and PostgreSQL).
 * - opportunities (from 001): expected close date, probability, the PSA company exported to, the PSA ticket's
 *   number and link, updated_at. Status is draft | exported | failed (the in-flight state lives in the outbox).
 * - opportunity_exports: the outbox, one row per opportunity, written before any request to the PSA. Its
 *   idempotency key is the marker put in the ticket; `state` says whether a ticket may exist ('sending', 'in_doubt').
 * - audit_events: who did what, when (settings, links, users, exports).
 * - psa_ticket_type_rules: which ticket types each PSA company may use (from the sync, or asked live).
 * - psa_ticket_types.category: the vendor's own classification of a type (what makes it an opportunity type).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('opportunities').addColumn('close_date', 'text').execute();
  await db.schema.alterTable('opportunities').addColumn('probability', 'double precision').execute();
  await db.schema.alterTable('opportunities').addColumn('psa_company_id', 'text').execute();
  await db.schema.alterTable('opportunities').addColumn('psa_ticket_number', 'text').execute();
  await db.schema.alterTable('opportunities').addColumn('psa_ticket_url', 'text').execute();
  await db.schema.alterTable('opportunities').addColumn('updated_at', 'text').execute();
  await sql`UPDATE opportunities SET updated_at = created_at`.execute(db);
  // 001 allowed a 'pending' status that nothing wrote; drafts are what such rows are.
  await sql`UPDATE opportunities SET status = 'draft' WHERE status NOT IN ('draft', 'exported', 'failed')`.execute(db);
  await db.schema.createIndex('opportunities_by_created').on('opportunities').columns(['workspace_id', 'created_at']).execute();
  await db.schema.createIndex('opportunities_by_company').on('opportunities').columns(['workspace_id', 'company_id']).execute();

  await createKeyedTable(db, 'opportunity_exports', 'opportunity_id')
    .$call(textNotNull('workspace_id', 'kind'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .$call(textNotNull('psa_company_id', 'state'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .$call(textNullable('psa_ticket_id', 'error_json'))
    .$call(textNotNull('created_at', 'updated_at'))
    .execute();

  await createKeyedTable(db, 'audit_events')
    .$call(textNotNull('workspace_id', 'at'))
    .$call(textNullable('actor_id', 'actor_email'))
    .$call(textNotNull('action', 'target', 'details_json'))
    .execute();
  await db.schema.createIndex('audit_events_by_time').on('audit_events').columns(['workspace_id', 'at', 'id']).execute();

  await createTableWithKey(db, 'psa_ticket_type_rules', ['workspace_id', 'kind', 'id'])
    .$call(textNotNull('workspace_id', 'kind', 'id')) // id: the PSA company's id
    .$call(integerNotNull('allow_all'))
    .$call(textNotNull('type_ids_json', 'source')) // source: 'sync' | 'live'
    .$call(syncStamp)
    .execute();

  await db.schema.alterTable('psa_ticket_types').addColumn('category', 'text').execute();
}
