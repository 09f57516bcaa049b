import { type Kysely, sql } from 'kysely';

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

  await db.schema.createTable('opportunity_exports')
    .addColumn('opportunity_id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('psa_company_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('psa_ticket_id', 'text')
    .addColumn('error_json', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_email', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_by_time').on('audit_events').columns(['workspace_id', 'at', 'id']).execute();

  await db.schema.createTable('psa_ticket_type_rules')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull()) // the PSA company's id
    .addColumn('allow_all', 'integer', (c) => c.notNull())
    .addColumn('type_ids_json', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // 'sync' | 'live'
    .addColumn('last_seen_run', 'text')
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('psa_ticket_type_rules_pk', ['workspace_id', 'kind', 'id'])
    .execute();

  await db.schema.alterTable('psa_ticket_types').addColumn('category', 'text').execute();
}
