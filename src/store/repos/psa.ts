import { sql, type Kysely } from 'kysely';
import type { Database, PsaCompanyTable, PsaTicketTable } from '../schema.js';

/** What the tickets list sorts by (GET /api/companies/:id/tickets?sort=…). */
export type TicketSortKey = 'opened' | 'updated' | 'summary' | 'status';

const TICKET_SORT: Record<TicketSortKey, ReturnType<typeof sql<string>>> = {
  opened: sql<string>`coalesce(opened_at, '')`,
  updated: sql<string>`coalesce(updated_at, '')`,
  summary: sql<string>`lower(summary)`,
  status: sql<string>`lower(status)`,
};

/** PSA data of one kind: companies, ticket types, tickets. */
export function createPsaRepo(db: Kysely<Database>) {
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

    /**
     * Tickets of one PSA company, keyset-paged by (sort key, id): newest opened first unless `sort` says
     * otherwise. `q` keeps tickets whose summary contains it (any case) or whose id it is ("#123" too).
     * Each row carries its `sort_key` for the next cursor.
     */
    async tickets(
      workspaceId: string,
      kind: string,
      companyId: string,
      opts: { status: 'open' | 'closed' | 'all'; limit: number; after?: [string, string]; q?: string; sort?: TicketSortKey; dir?: 'asc' | 'desc' },
    ): Promise<(PsaTicketTable & { sort_key: string })[]> {
      const key = TICKET_SORT[opts.sort ?? 'opened'];
      const dir = opts.dir ?? 'desc';
      let q = db.selectFrom('psa_tickets').selectAll().select(key.as('sort_key'))
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('company_id', '=', companyId);
      if (opts.status === 'open') q = q.where('closed', '=', 0);
      if (opts.status === 'closed') q = q.where('closed', '=', 1);
      const text = opts.q?.trim() ?? '';
      if (text !== '') {
        const like = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const id = text.replace(/^#/, '');
        q = q.where((eb) => eb.or([eb(sql<string>`lower(summary)`, 'like', sql<string>`${like} escape '\\'`), eb('id', '=', id)]));
      }
      if (opts.after !== undefined) {
        const [v, id] = opts.after;
        const cmp = dir === 'desc' ? '<' : '>';
        q = q.where((eb) => eb.or([eb(key, cmp, v), eb.and([eb(key, '=', v), eb('id', cmp, id)])]));
      }
      return q.orderBy(key, dir).orderBy('id', dir).limit(opts.limit).execute();
    },

    async ticketTypeNames(workspaceId: string, kind: string, ids: string[]): Promise<Map<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('psa_ticket_types').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}

export type PsaRepo = ReturnType<typeof createPsaRepo>;
