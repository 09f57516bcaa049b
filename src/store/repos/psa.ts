import { sql, type Kysely } from 'kysely';
import type { Database, PsaCompanyTable, PsaTicketTable } from '../schema.js';

/** PSA data of one kind: companies, ticket types, tickets. */
export function createPsaRepo(db: Kysely<Database>) {
  const opened = sql<string>`coalesce(opened_at, '')`;
  return {
    async companies(workspaceId: string, kind: string): Promise<PsaCompanyTable[]> {
      return db.selectFrom('psa_companies').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).orderBy('name').execute();
    },

    async companyIds(workspaceId: string, kind: string): Promise<Set<string>> {
      return new Set((await db.selectFrom('psa_companies').select('id').where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute()).map((p) => p.id));
    },

    /** A PSA kind with synced companies, when none is configured any more. */
    async anyKind(workspaceId: string): Promise<string | null> {
      const row = await db.selectFrom('psa_companies').select('kind').where('workspace_id', '=', workspaceId).limit(1).executeTakeFirst();
      return row?.kind ?? null;
    },

    /** Open tickets per PSA company id. */
    async openTicketCounts(workspaceId: string, kind: string, companyId?: string): Promise<Map<string, number>> {
      let q = db.selectFrom('psa_tickets').select(['company_id', (eb) => eb.fn.countAll().as('n')])
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('closed', '=', 0);
      if (companyId !== undefined) q = q.where('company_id', '=', companyId);
      const rows = await q.groupBy('company_id').execute();
      return new Map(rows.map((r) => [r.company_id, Number(r.n)]));
    },

    /** Tickets of one PSA company, newest first, keyset-paged by (opened_at, id). */
    async tickets(workspaceId: string, kind: string, companyId: string, opts: { status: 'open' | 'closed' | 'all'; limit: number; after?: [string, string] }): Promise<PsaTicketTable[]> {
      let q = db.selectFrom('psa_tickets').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('company_id', '=', companyId);
      if (opts.status === 'open') q = q.where('closed', '=', 0);
      if (opts.status === 'closed') q = q.where('closed', '=', 1);
      if (opts.after !== undefined) {
        const [o, id] = opts.after;
        q = q.where((eb) => eb.or([eb(opened, '<', o), eb.and([eb(opened, '=', o), eb('id', '<', id)])]));
      }
      return q.orderBy(opened, 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
    },

    async ticketTypeNames(workspaceId: string, kind: string, ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('psa_ticket_types').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

export type PsaRepo = ReturnType<typeof createPsaRepo>;
