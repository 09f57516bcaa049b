import type { Kysely } from 'kysely';
import { createKeyedTable, integerNotNull, textNotNull, textNullable } from './columns.js';

/**
 * Link Companies history (portable: SQLite and PostgreSQL).
 * - link_saves: one row per saved change set of links; `previous_json` holds each changed row as it was before
 *   ({itglueId, psaId|null, source, rule, createdBy, createdAt}), `confirmed_json` the pairs the save newly
 *   remembered as confirmed. Undo restores the newest save that is not undone yet and stamps `undone_at`.
 * company_links.rule (from 001) now says 'shared' for a PSA company deliberately linked to several companies.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await createKeyedTable(db, 'link_saves')
    .$call(textNotNull('workspace_id', 'kind'))
    .$call(textNullable('created_by'))
    .$call(textNotNull('created_at'))
    .$call(integerNotNull('seq', 'changes'))
    .$call(textNotNull('previous_json', 'confirmed_json'))
    .$call(textNullable('undone_at'))
    .execute();
  await db.schema.createIndex('link_saves_by_kind').on('link_saves').columns(['workspace_id', 'kind', 'seq']).execute();
}

