import type { Kysely } from 'kysely';

/**
 * Link Companies history (portable: SQLite and PostgreSQL).
 * - link_saves: one row per saved change set of links; `previous_json` holds each changed row as it was before
 *   ({itglueId, psaId|null, source, rule, createdBy, createdAt}), `confirmed_json` the pairs the save newly
 *   remembered as confirmed. Undo restores the newest save that is not undone yet and stamps `undone_at`.
 * company_links.rule (from 001) now says 'shared' for a PSA company deliberately linked to several companies.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('link_saves')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('changes', 'integer', (c) => c.notNull())
    .addColumn('previous_json', 'text', (c) => c.notNull())
    .addColumn('confirmed_json', 'text', (c) => c.notNull())
    .addColumn('undone_at', 'text')
    .execute();
  await db.schema.createIndex('link_saves_by_kind').on('link_saves').columns(['workspace_id', 'kind', 'seq']).execute();
}

