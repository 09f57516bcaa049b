import type { Kysely } from 'kysely';
import type { PsaTicketType, PsaTicketTypeRule } from '../../connectors/contract.js';
import type { Database, PsaTicketTypeTable } from '../schema.js';
import { nowIso } from '../db.js';

export interface StoredTypeRule extends PsaTicketTypeRule {
  source: 'sync' | 'live';
  /** When it was synced or asked. */
  at: string;
}

/**
 * What the opportunity form needs from the PSA data: the ticket types, which of them a PSA company may use (synced
 * rules, or asked live and kept), and the PSA company a primary company is linked to.
 */
export function createTypeRulesRepo(db: Kysely<Database>) {
  return {
    async ticketTypes(workspaceId: string, kind: string): Promise<PsaTicketTypeTable[]> {
      return db.selectFrom('psa_ticket_types').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).orderBy('name').execute();
    },

    async rule(workspaceId: string, kind: string, companyId: string): Promise<StoredTypeRule | null> {
      const r = await db.selectFrom('psa_ticket_type_rules').selectAll()
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('id', '=', companyId).executeTakeFirst();
      if (r === undefined) return null;
      const ids = JSON.parse(r.type_ids_json) as unknown;
      return {
        id: r.id, allowAll: r.allow_all === 1, typeIds: Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [],
        source: r.source, at: r.synced_at,
      };
    },

    /**
     * Keeps what a live lookup found: the company's rule, and the types it named (new ones are added, known ones
     * renamed or re-classified; the next full sync sweeps any the PSA no longer has).
     */
    async saveLive(workspaceId: string, kind: string, companyId: string, types: PsaTicketType[]): Promise<void> {
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        const rule = { allow_all: 0, type_ids_json: JSON.stringify(types.map((t) => t.id)), source: 'live' as const, synced_at: now };
        await trx.insertInto('psa_ticket_type_rules').values({ workspace_id: workspaceId, kind, id: companyId, last_seen_run: null, ...rule })
          .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'id']).doUpdateSet(rule)).execute();
        for (const t of types) {
          const row = { name: t.name, is_opportunity: t.isOpportunity ? 1 : 0, inactive: t.inactive ? 1 : 0, category: t.category ?? null, synced_at: now };
          await trx.insertInto('psa_ticket_types').values({ workspace_id: workspaceId, kind, id: t.id, last_seen_run: null, ...row })
            .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'id']).doUpdateSet(row)).execute();
        }
      });
    },

    /** The PSA company a primary company is linked to, with its name. */
    async linkOf(workspaceId: string, kind: string, itglueId: string): Promise<{ psaId: string; psaName: string | null } | null> {
      const r = await db.selectFrom('company_links as l')
        .leftJoin('psa_companies as p', (j) => j.onRef('p.workspace_id', '=', 'l.workspace_id').onRef('p.kind', '=', 'l.kind').onRef('p.id', '=', 'l.psa_id'))
        .select(['l.psa_id', 'p.name']).where('l.workspace_id', '=', workspaceId).where('l.kind', '=', kind).where('l.itglue_id', '=', itglueId)
        .executeTakeFirst();
      return r === undefined ? null : { psaId: r.psa_id, psaName: r.name };
    },
  };
}

export type TypeRulesRepo = ReturnType<typeof createTypeRulesRepo>;
