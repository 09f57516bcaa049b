import crypto from 'node:crypto';
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database, OpportunityExportTable, OpportunityTable } from '../schema.js';
import { nowIso } from '../db.js';

export type OpportunityStatus = OpportunityTable['status'];

export interface OpportunityRow extends OpportunityTable {
  /** The primary company's name (null when it is gone). */
  company_name: string | null;
  created_by_email: string | null;
}

/** What a user writes on an opportunity. */
export interface OpportunityValues {
  title: string;
  description: string | null;
  value: number | null;
  ticketTypeId: string | null;
  closeDate: string | null;
  probability: number | null;
}

export interface NewOpportunity extends OpportunityValues {
  workspaceId: string;
  companyId: string;
  createdBy: string | null;
}

export type OpportunityPatch = Partial<Pick<OpportunityTable, 'title' | 'description' | 'value' | 'ticket_type_id' | 'close_date' | 'probability'>>;

export interface OpportunityFilter {
  companyId?: string;
  status?: OpportunityStatus;
  /** Text in the title, description or company name (case-insensitive). */
  q?: string;
}

/** Why a change did not happen. */
export type OpportunityRefusal = 'not_found' | 'exported' | 'in_doubt';

/** Why a draft cannot be changed now: gone, exported, or an export may have created its ticket already. */
async function refusal(trx: Kysely<Database>, workspaceId: string, id: string): Promise<OpportunityRefusal | null> {
  const cur = await trx.selectFrom('opportunities').select(['status']).where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (cur === undefined) return 'not_found';
  if (cur.status === 'exported') return 'exported';
  const out = await trx.selectFrom('opportunity_exports').select('state').where('opportunity_id', '=', id).executeTakeFirst();
  if (out !== undefined && (out.state === 'sending' || out.state === 'in_doubt')) return 'in_doubt';
  return null;
}

const likePattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Two int4 keys for PostgreSQL's advisory locks, from a name. */
function lockKeys(name: string): [number, number] {
  const h = crypto.createHash('sha256').update(name).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

/** Opportunities, their export outbox, and the lock that lets one PSA ticket be created at a time per PSA account. */
export function createOpportunitiesRepo(db: Kysely<Database>) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  /** In-process queues per lock name: waiters here hold no database connection. */
  const tails = new Map<string, Promise<unknown>>();

  function base() {
    return db.selectFrom('opportunities as o')
      .leftJoin('itg_organizations as c', (j) => j.onRef('c.workspace_id', '=', 'o.workspace_id').onRef('c.id', '=', 'o.company_id'))
      .leftJoin('users as u', 'u.id', 'o.created_by')
      .selectAll('o')
      .select(['c.name as company_name', 'u.email as created_by_email']);
  }

  function filtered(workspaceId: string, f: OpportunityFilter) {
    let q = base().where('o.workspace_id', '=', workspaceId);
    if (f.companyId !== undefined) q = q.where('o.company_id', '=', f.companyId);
    if (f.status !== undefined) q = q.where('o.status', '=', f.status);
    if (f.q !== undefined && f.q.trim() !== '') {
      const p = likePattern(f.q.trim());
      q = q.where((eb) => eb.or([
        eb(sql`lower(o.title)`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(coalesce(o.description, ''))`, 'like', sql`${p} escape '\\'`),
        eb(sql`lower(coalesce(c.name, ''))`, 'like', sql`${p} escape '\\'`),
      ]));
    }
    return q;
  }

  async function get(workspaceId: string, id: string): Promise<OpportunityRow | null> {
    return (await base().where('o.workspace_id', '=', workspaceId).where('o.id', '=', id).executeTakeFirst()) ?? null;
  }

  return {
    get,

    async create(n: NewOpportunity): Promise<OpportunityRow> {
      const id = crypto.randomUUID();
      const now = nowIso();
      await db.insertInto('opportunities').values({
        id, workspace_id: n.workspaceId, company_id: n.companyId, title: n.title, description: n.description, value: n.value,
        ticket_type_id: n.ticketTypeId, close_date: n.closeDate, probability: n.probability, status: 'draft', psa_kind: null,
        psa_company_id: null, psa_ticket_id: null, psa_ticket_number: null, psa_ticket_url: null, error_json: null,
        created_by: n.createdBy, created_at: now, updated_at: now, exported_at: null,
      }).execute();
      return (await get(n.workspaceId, id))!;
    },

    /** Newest first. */
    async list(workspaceId: string, f: OpportunityFilter, limit: number): Promise<OpportunityRow[]> {
      return filtered(workspaceId, f).orderBy('o.created_at', 'desc').orderBy('o.id', 'desc').limit(limit).execute();
    },

    /** Count and summed value per status, over the same filter. */
    async totals(workspaceId: string, f: OpportunityFilter): Promise<{ status: OpportunityStatus; count: number; value: number }[]> {
      const rows = await filtered(workspaceId, f).clearSelect()
        .select(['o.status', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.sum<number | string | null>('o.value').as('v')])
        .groupBy('o.status').execute();
      return rows.map((r) => ({ status: r.status, count: Number(r.n), value: Number(r.v ?? 0) }));
    },

    /**
     * Change a draft or failed opportunity. Refused when it was exported, or when an export may have created a
     * ticket that was not found yet (the ticket would then show the old values).
     */
    async update(workspaceId: string, id: string, patch: OpportunityPatch): Promise<OpportunityRow | OpportunityRefusal> {
      return db.transaction().execute(async (trx) => {
        const refused = await refusal(trx, workspaceId, id);
        if (refused !== null) return refused;
        // The status guard again in the UPDATE: an export finishing meanwhile wins.
        const res = await trx.updateTable('opportunities').set({ ...patch, updated_at: nowIso() })
          .where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '!=', 'exported').executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) return 'exported';
        return 'ok' as const;
      }).then(async (r) => (r === 'ok' ? (await get(workspaceId, id))! : r));
    },

    /** Delete a draft or failed opportunity (and its outbox row), under the same conditions as `update`. */
    async remove(workspaceId: string, id: string): Promise<'deleted' | OpportunityRefusal> {
      return db.transaction().execute(async (trx) => {
        const refused = await refusal(trx, workspaceId, id);
        if (refused !== null) return refused;
        const res = await trx.deleteFrom('opportunities').where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '!=', 'exported').executeTakeFirst();
        if (Number(res.numDeletedRows) === 0) return 'exported';
        await trx.deleteFrom('opportunity_exports').where('opportunity_id', '=', id).execute();
        return 'deleted';
      });
    },

    // -------------------------------------------------------------------------------------------
    // Export: the outbox row first, then the PSA, then the outcome.

    async outbox(opportunityId: string): Promise<OpportunityExportTable | null> {
      return (await db.selectFrom('opportunity_exports').selectAll().where('opportunity_id', '=', opportunityId).executeTakeFirst()) ?? null;
    },

    /**
     * Records, before the request, that a ticket is about to be asked for: state 'sending', one more attempt. The
     * idempotency key is created with the row and never changes; it is what the ticket's marker carries.
     */
    async beginAttempt(o: { workspaceId: string; opportunityId: string; kind: string; psaCompanyId: string }): Promise<OpportunityExportTable> {
      const now = nowIso();
      await db.insertInto('opportunity_exports').values({
        opportunity_id: o.opportunityId, workspace_id: o.workspaceId, kind: o.kind, idempotency_key: `opp_${o.opportunityId.replace(/-/g, '')}`,
        psa_company_id: o.psaCompanyId, state: 'sending', attempts: 1, psa_ticket_id: null, error_json: null, created_at: now, updated_at: now,
      }).onConflict((oc) => oc.column('opportunity_id').doUpdateSet((eb) => ({
        kind: o.kind, psa_company_id: o.psaCompanyId, state: 'sending', attempts: eb(eb.ref('opportunity_exports.attempts'), '+', 1), error_json: null, updated_at: now,
      }))).execute();
      return (await db.selectFrom('opportunity_exports').selectAll().where('opportunity_id', '=', o.opportunityId).executeTakeFirstOrThrow());
    },

    /** The outbox row's outcome: 'in_doubt' or 'failed' with the error. */
    async settleAttempt(opportunityId: string, state: 'in_doubt' | 'failed', error: { code: string; message: string }): Promise<void> {
      await db.updateTable('opportunity_exports').set({ state, error_json: JSON.stringify(error), updated_at: nowIso() })
        .where('opportunity_id', '=', opportunityId).execute();
    },

    /** The ticket exists: outbox done and opportunity exported, in one transaction. */
    async markExported(workspaceId: string, id: string, t: { kind: string; psaCompanyId: string; ticketId: string; ticketNumber: string | null; url: string | null }): Promise<OpportunityRow> {
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('opportunity_exports').set({ state: 'done', psa_ticket_id: t.ticketId, error_json: null, updated_at: now })
          .where('opportunity_id', '=', id).execute();
        await trx.updateTable('opportunities').set({
          status: 'exported', psa_kind: t.kind, psa_company_id: t.psaCompanyId, psa_ticket_id: t.ticketId, psa_ticket_number: t.ticketNumber,
          psa_ticket_url: t.url, error_json: null, exported_at: now, updated_at: now,
        }).where('workspace_id', '=', workspaceId).where('id', '=', id).execute();
      });
      return (await get(workspaceId, id))!;
    },

    /** The export failed: the opportunity keeps its values, says why, and can be exported again. */
    async markFailed(workspaceId: string, id: string, error: { code: string; message: string }): Promise<OpportunityRow> {
      await db.updateTable('opportunities').set({ status: 'failed', error_json: JSON.stringify(error), updated_at: nowIso() })
        .where('workspace_id', '=', workspaceId).where('id', '=', id).where('status', '!=', 'exported').execute();
      return (await get(workspaceId, id))!;
    },

    /**
     * Runs `fn` while holding the lock `name`: one holder at a time in this process (an in-process queue) and, on
     * PostgreSQL, across every process (a transaction-scoped advisory lock, released at commit or rollback, also
     * when the connection is lost).
     */
    async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
      const prev = tails.get(name) ?? Promise.resolve();
      let release!: () => void;
      const mine = new Promise<void>((r) => (release = r));
      const tail = prev.then(() => mine);
      tails.set(name, tail);
      await prev;
      try {
        if (!postgres) return await fn();
        const [k1, k2] = lockKeys(name);
        return await db.transaction().execute(async (trx) => {
          await sql`SELECT pg_advisory_xact_lock(${k1}, ${k2})`.execute(trx);
          return fn();
        });
      } finally {
        release();
        if (tails.get(name) === tail) tails.delete(name);
      }
    },
  };
}

export type OpportunitiesRepo = ReturnType<typeof createOpportunitiesRepo>;
