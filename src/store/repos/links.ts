import type { Kysely } from 'kysely';
import type { CompanyLinkTable, Database, LinkFeedbackTable } from '../schema.js';
import { nowIso } from '../db.js';

export interface LinkWithName {
  itglue_id: string;
  psa_id: string;
  source: CompanyLinkTable['source'];
  rule: string | null;
  psa_name: string | null;
}

export interface LinkChangeInput {
  itglueId: string;
  psaId: string | null;
  source: 'manual' | 'automap';
  itglueName: string | null;
  /** The PSA company may also be linked to other companies (confirmed by the admin). */
  shared: boolean;
}

/** A changed row as it was before a save (what undo restores). */
interface PreviousRow {
  itglueId: string;
  psaId: string | null;
  source: CompanyLinkTable['source'] | null;
  rule: string | null;
  createdBy: string | null;
  createdAt: string | null;
}

export interface LastSave {
  id: string;
  savedAt: string;
  savedBy: string | null;
  changes: number;
}

/** Rule stored on a link whose PSA company is deliberately linked to more than one company. */
export const SHARED_RULE = 'shared';

const CHUNK = 400;
function chunks<T>(list: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/** Links between primary companies and PSA companies, the admin's feedback on Automap proposals, and saves (undo). */
export function createLinksRepo(db: Kysely<Database>) {
  return {
    async list(workspaceId: string, kind: string): Promise<CompanyLinkTable[]> {
      return db.selectFrom('company_links').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
    },

    /** Links of one PSA kind with the PSA company's name, by primary company id. */
    async withNames(workspaceId: string, kind: string): Promise<Map<string, LinkWithName>> {
      const rows = await db.selectFrom('company_links as l')
        .leftJoin('psa_companies as p', (j) => j.onRef('p.workspace_id', '=', 'l.workspace_id').onRef('p.kind', '=', 'l.kind').onRef('p.id', '=', 'l.psa_id'))
        .select(['l.itglue_id', 'l.psa_id', 'l.source', 'l.rule', 'p.name as psa_name'])
        .where('l.workspace_id', '=', workspaceId).where('l.kind', '=', kind).execute();
      return new Map(rows.map((r) => [r.itglue_id, r]));
    },

    /** Short names of the primary companies (to tell equal names apart), by id; only those that have one. */
    async shortNames(workspaceId: string): Promise<Map<string, string>> {
      const rows = await db.selectFrom('itg_organizations').select(['id', 'short_name'])
        .where('workspace_id', '=', workspaceId).where('short_name', 'is not', null).execute();
      return new Map(rows.filter((r) => r.short_name !== null && r.short_name.trim() !== '').map((r) => [r.id, r.short_name!]));
    },

    async feedback(workspaceId: string, kind: string): Promise<LinkFeedbackTable[]> {
      return db.selectFrom('link_feedback').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
    },

    /**
     * Set or clear links in one transaction, and record the save (the rows as they were) so it can be undone. A set
     * link is also remembered as a confirmed pair (an alias for the matcher under the primary company's current name)
     * and stops being a rejection.
     */
    async save(workspaceId: string, kind: string, changes: LinkChangeInput[], by: string): Promise<void> {
      const now = nowIso();
      await db.transaction().execute(async (trx) => {
        const ids = [...new Set(changes.map((c) => c.itglueId))];
        const before = new Map<string, CompanyLinkTable>();
        const confirmedBefore = new Set<string>();
        for (const part of chunks(ids)) {
          for (const r of await trx.selectFrom('company_links').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('itglue_id', 'in', part).execute()) before.set(r.itglue_id, r);
          const fb = await trx.selectFrom('link_feedback').select(['itglue_id', 'psa_id'])
            .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('verdict', '=', 'confirmed').where('itglue_id', 'in', part).execute();
          for (const f of fb) confirmedBefore.add(`${f.itglue_id}\u0000${f.psa_id}`);
        }
        const previous: PreviousRow[] = ids.map((id) => {
          const r = before.get(id);
          return r === undefined
            ? { itglueId: id, psaId: null, source: null, rule: null, createdBy: null, createdAt: null }
            : { itglueId: id, psaId: r.psa_id, source: r.source, rule: r.rule, createdBy: r.created_by, createdAt: r.created_at };
        });
        const confirmed: { itglueId: string; psaId: string }[] = [];
        for (const l of changes) {
          if (l.psaId === null) {
            await trx.deleteFrom('company_links').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('itglue_id', '=', l.itglueId).execute();
            continue;
          }
          const values = { psa_id: l.psaId, source: l.source, rule: l.shared ? SHARED_RULE : null, created_by: by, created_at: now };
          await trx.insertInto('company_links').values({ workspace_id: workspaceId, kind, itglue_id: l.itglueId, ...values })
            .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'itglue_id']).doUpdateSet(values)).execute();
          if (!confirmedBefore.has(`${l.itglueId}\u0000${l.psaId}`)) confirmed.push({ itglueId: l.itglueId, psaId: l.psaId });
          await trx.deleteFrom('link_feedback').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('itglue_id', '=', l.itglueId).where('psa_id', '=', l.psaId).execute();
          await trx.insertInto('link_feedback').values({
            workspace_id: workspaceId, kind, itglue_id: l.itglueId, psa_id: l.psaId, verdict: 'confirmed', itglue_name: l.itglueName, created_by: by, created_at: now,
          }).execute();
        }
        const last = await trx.selectFrom('link_saves').select((eb) => eb.fn.max('seq').as('seq'))
          .where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
        await trx.insertInto('link_saves').values({
          id: crypto.randomUUID(), workspace_id: workspaceId, kind, created_by: by, created_at: now, seq: Number(last?.seq ?? 0) + 1,
          changes: ids.length, previous_json: JSON.stringify(previous), confirmed_json: JSON.stringify(confirmed), undone_at: null,
        }).execute();
      });
    },

    /** The newest save not undone yet, or null. */
    async lastSave(workspaceId: string, kind: string): Promise<LastSave | null> {
      const r = await db.selectFrom('link_saves').select(['id', 'created_at', 'created_by', 'changes'])
        .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('undone_at', 'is', null)
        .orderBy('seq', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
      return r === undefined ? null : { id: r.id, savedAt: r.created_at, savedBy: r.created_by, changes: r.changes };
    },

    /**
     * Undo the newest save not undone yet: its rows go back to what they were (linked, unlinked, source and rule), and
     * the pairs it newly confirmed are forgotten. Returns the save undone, or null when there is none. `expectedId`,
     * when given, must be that save (so an admin never undoes someone else's newer save by accident).
     */
    async undoLast(workspaceId: string, kind: string, expectedId?: string): Promise<{ save: LastSave; restored: PreviousRow[] } | null | 'stale'> {
      return db.transaction().execute(async (trx) => {
        const s = await trx.selectFrom('link_saves').selectAll()
          .where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('undone_at', 'is', null)
          .orderBy('seq', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
        if (s === undefined) return null;
        if (expectedId !== undefined && expectedId !== s.id) return 'stale';
        const stamp = await trx.updateTable('link_saves').set({ undone_at: nowIso() }).where('id', '=', s.id).where('undone_at', 'is', null).executeTakeFirst();
        if (Number(stamp.numUpdatedRows) !== 1) return 'stale';
        const previous = JSON.parse(s.previous_json) as PreviousRow[];
        const confirmed = JSON.parse(s.confirmed_json) as { itglueId: string; psaId: string }[];
        for (const p of previous) {
          await trx.deleteFrom('company_links').where('workspace_id', '=', workspaceId).where('kind', '=', kind).where('itglue_id', '=', p.itglueId).execute();
          if (p.psaId === null) continue;
          await trx.insertInto('company_links').values({
            workspace_id: workspaceId, kind, itglue_id: p.itglueId, psa_id: p.psaId, source: p.source ?? 'manual', rule: p.rule,
            created_by: p.createdBy, created_at: p.createdAt ?? nowIso(),
          }).execute();
        }
        for (const c of confirmed) {
          await trx.deleteFrom('link_feedback').where('workspace_id', '=', workspaceId).where('kind', '=', kind)
            .where('itglue_id', '=', c.itglueId).where('psa_id', '=', c.psaId).where('verdict', '=', 'confirmed').execute();
        }
        return { save: { id: s.id, savedAt: s.created_at, savedBy: s.created_by, changes: s.changes }, restored: previous };
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
