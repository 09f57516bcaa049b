import type { Kysely } from 'kysely';
import type { CompanyLinkTable, Database, LinkFeedbackTable } from '../schema.js';
import { nowIso } from '../db.js';

export interface LinkWithName {
  itglue_id: string;
  psa_id: string;
  source: CompanyLinkTable['source'];
  psa_name: string | null;
}

/** Links between primary companies and PSA companies, and the admin's feedback on Automap proposals. */
export function createLinksRepo(db: Kysely<Database>) {
  return {
    async list(workspaceId: string, kind: string): Promise<CompanyLinkTable[]> {
      return db.selectFrom('company_links').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
    },

    /** Links of one PSA kind with the PSA company's name, by primary company id. */
    async withNames(workspaceId: string, kind: string): Promise<Map<string, LinkWithName>> {
      const rows = await db.selectFrom('company_links as l')
        .leftJoin('psa_companies as p', (j) => j.onRef('p.workspace_id', '=', 'l.workspace_id').onRef('p.kind', '=', 'l.kind').onRef('p.id', '=', 'l.psa_id'))
        .select(['l.itglue_id', 'l.psa_id', 'l.source', 'p.name as psa_name'])
        .where('l.workspace_id', '=', workspaceId).where('l.kind', '=', kind).execute();
      return new Map(rows.map((r) => [r.itglue_id, r]));
    },

    async feedback(workspaceId: string, kind: string): Promise<LinkFeedbackTable[]> {
      return db.selectFrom('link_feedback').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
    },

    /**
     * Set or clear links in one transaction. A set link is also remembered as a confirmed pair (an alias for the
     * matcher under the primary company's current name) and stops being a rejection.
     */
    async save(workspaceId: string, kind: string, changes: { itglueId: string; psaId: string | null; source: 'manual' | 'automap'; itglueName: string | null }[], by: string): Promise<void> {
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        for (const l of changes) {
          if (l.psaId === null) {
            await trx.deleteFrom('company_links').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('itglue_id', '=', l.itglueId).execute();
            continue;
          }
          const values = { psa_id: l.psaId, source: l.source, rule: null, created_by: by, created_at: now };
          await trx.insertInto('company_links').values({ workspace_id: workspaceId, kind, itglue_id: l.itglueId, ...values })
            .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'itglue_id']).doUpdateSet(values)).execute();
          await trx.deleteFrom('link_feedback').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('itglue_id', '=', l.itglueId).where('psa_id', '=', l.psaId).execute();
          await trx.insertInto('link_feedback').values({
            workspace_id: workspaceId, kind, itglue_id: l.itglueId, psa_id: l.psaId, verdict: 'confirmed', itglue_name: l.itglueName, created_by: by, created_at: now,
          }).execute();
        }
      });
    },

    /** Remember a proposal the admin rejected: it is never proposed again. */
    async reject(workspaceId: string, kind: string, itglueId: string, psaId: string, by: string): Promise<void> {
      const values = { verdict: 'rejected' as const, itglue_name: null, created_by: by, created_at: nowIso() };
      await db.insertInto('link_feedback').values({ workspace_id: workspaceId, kind, itglue_id: itglueId, psa_id: psaId, ...values })
        .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'itglue_id', 'psa_id']).doUpdateSet(values)).execute();
    },
  };
}

export type LinksRepo = ReturnType<typeof createLinksRepo>;
