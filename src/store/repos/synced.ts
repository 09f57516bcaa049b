import type { Kysely } from 'kysely';
import type {
  ItgConfiguration, ItgDomain, ItgNamed, ItgOrganization, PsaCompany, PsaSite, PsaTicket, PsaTicketType, PsaTicketTypeRule,
} from '../../connectors/contract.js';
import type { Statement } from 'better-sqlite3';
import { sqliteDatabaseOf } from '../db.js';
import type { Database } from '../schema.js';

type SqliteStatement = Statement<unknown[]>;

/** Tables filled by syncs, and how a canonical record becomes a row. */
type SyncedTable = 'itg_organizations' | 'itg_statuses' | 'itg_types' | 'itg_configurations' | 'itg_domains' | 'psa_companies' | 'psa_sites' | 'psa_ticket_types'
  | 'psa_ticket_type_rules' | 'psa_tickets';

const BATCH = 400;
const b = (v: boolean): number => (v ? 1 : 0);

export interface Scope {
  workspaceId: string;
  /** PSA kind for psa_* tables. */
  kind?: string;
  runId: string;
}

export interface SyncedWriter<T> {
  table: SyncedTable;
  upsert(records: T[], scope: Scope): Promise<void>;
  /** Delete rows not seen by this run (mark and sweep); returns the count removed. */
  sweep(scope: Scope): Promise<number>;
  /** Rows stored for the scope's workspace (and PSA kind). */
  count(scope: Omit<Scope, 'runId'>): Promise<number>;
}

function writer<T>(db: Kysely<Database>, table: SyncedTable, psa: boolean, toRow: (r: T) => Record<string, unknown>): SyncedWriter<T> {
  const keys = psa ? ['workspace_id', 'kind', 'id'] : ['workspace_id', 'id'];
  const sqlite = sqliteDatabaseOf(db);
  /** SQLite: one prepared upsert per column list (a writer's rows all have the same columns), run once per record. */
  const statements = new Map<string, SqliteStatement>();
  const statementFor = (cols: string[]): SqliteStatement => {
    const key = cols.join(',');
    let stmt = statements.get(key);
    if (stmt === undefined) {
      const fixed = psa ? ['workspace_id', 'kind', 'last_seen_run', 'synced_at'] : ['workspace_id', 'last_seen_run', 'synced_at'];
      const all = [...fixed, ...cols];
      const updates = all.filter((c) => !keys.includes(c)).map((c) => `"${c}" = excluded."${c}"`);
      stmt = sqlite!.prepare(
        `INSERT INTO "${table}" (${all.map((c) => `"${c}"`).join(', ')}) VALUES (${[...fixed.map(() => '?'), ...cols.map((c) => `@${c}`)].join(', ')}) ` +
          `ON CONFLICT (${keys.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
      );
      statements.set(key, stmt);
    }
    return stmt;
  };
  /** The whole batch in one SQLite transaction, synchronously (nothing else runs on the connection meanwhile). */
  const writeSqlite = sqlite?.transaction((records: T[], scope: Scope, now: string): void => {
    let stmt: SqliteStatement | null = null;
    for (const r of records) {
      const row = toRow(r);
      stmt ??= statementFor(Object.keys(row));
      // Later records of the same id overwrite earlier ones, as the vendor's last word.
      if (psa) stmt.run(scope.workspaceId, scope.kind, scope.runId, now, row);
      else stmt.run(scope.workspaceId, scope.runId, now, row);
    }
  });
  return {
    table,
    async upsert(records, scope) {
      if (records.length === 0) return;
      const now = new Date().toISOString();
      if (writeSqlite !== undefined) {
        // Holding Kysely's connection keeps its other queries (and transactions) off the database meanwhile.
        await db.connection().execute(async () => writeSqlite(records, scope, now));
        return;
      }
      // De-duplicate by id within the batch: a multi-row upsert may not touch one row twice.
      const byId = new Map<string, Record<string, unknown>>();
      for (const r of records) {
        const row: Record<string, unknown> = { ...toRow(r), workspace_id: scope.workspaceId, last_seen_run: scope.runId, synced_at: now };
        if (psa) row.kind = scope.kind;
        byId.set(String(row.id), row);
      }
      const rows = [...byId.values()];
      const cols = Object.keys(rows[0]!).filter((c) => !keys.includes(c));
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += BATCH) {
          const chunk = rows.slice(i, i + BATCH);
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          await (trx.insertInto(table) as any)
            .values(chunk)
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            .onConflict((oc: any) => oc.columns(keys).doUpdateSet(Object.fromEntries(cols.map((c) => [c, (eb: any) => eb.ref(`excluded.${c}`)]))))
            .execute();
        }
      });
    },
    async sweep(scope) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let q = (db.deleteFrom(table) as any).where('workspace_id', '=', scope.workspaceId);
      if (psa) q = q.where('kind', '=', scope.kind);
      q = q.where((eb: any) => eb.or([eb('last_seen_run', '!=', scope.runId), eb('last_seen_run', 'is', null)]));
      const res = await q.executeTakeFirst();
      return Number(res?.numDeletedRows ?? 0);
    },
    async count(scope) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let q = (db.selectFrom(table) as any).select((eb: any) => eb.fn.countAll().as('n')).where('workspace_id', '=', scope.workspaceId);
      if (psa) q = q.where('kind', '=', scope.kind);
      const row = (await q.executeTakeFirst()) as { n: number | string | bigint } | undefined;
      return Number(row?.n ?? 0);
    },
  };
}

/** One writer per sync target (see SyncTarget in src/integrations/definition.ts). */
export function createSyncedRepos(db: Kysely<Database>) {
  return {
    organizations: writer<ItgOrganization>(db, 'itg_organizations', false, (o) => ({
      id: o.id, name: o.name, status_id: o.statusId, status_name: o.statusName, type_id: o.typeId, type_name: o.typeName,
      primary_org: b(o.primary), short_name: o.shortName, psa_id: o.psaId, created_at: o.createdAt, updated_at: o.updatedAt,
    })),
    organizationStatuses: writer<ItgNamed>(db, 'itg_statuses', false, (s) => ({ id: s.id, name: s.name })),
    organizationTypes: writer<ItgNamed>(db, 'itg_types', false, (s) => ({ id: s.id, name: s.name })),
    configurations: writer<ItgConfiguration>(db, 'itg_configurations', false, (c) => ({
      id: c.id, organization_id: c.organizationId, name: c.name, hostname: c.hostname, type_name: c.typeName, serial_number: c.serialNumber,
      asset_tag: c.assetTag, manufacturer_name: c.manufacturerName, model_name: c.modelName, warranty_expires_at: c.warrantyExpiresAt,
      archived: b(c.archived), updated_at: c.updatedAt,
    })),
    domains: writer<ItgDomain>(db, 'itg_domains', false, (d) => ({
      id: d.id, organization_id: d.organizationId, name: d.name, registrar_name: d.registrarName, expires_on: d.expiresOn, updated_at: d.updatedAt,
    })),
    psaCompanies: writer<PsaCompany>(db, 'psa_companies', true, (c) => ({
      id: c.id, name: c.name, inactive: b(c.inactive), website: c.website, domain: c.domain, phone: c.phone, updated_at: c.updatedAt,
    })),
    psaSites: writer<PsaSite>(db, 'psa_sites', true, (s) => ({ id: s.id, company_id: s.companyId, name: s.name, inactive: b(s.inactive) })),
    psaTicketTypes: writer<PsaTicketType>(db, 'psa_ticket_types', true, (t) => ({
      id: t.id, name: t.name, is_opportunity: b(t.isOpportunity), inactive: b(t.inactive), category: t.category ?? null,
    })),
    psaTicketTypeRules: writer<PsaTicketTypeRule>(db, 'psa_ticket_type_rules', true, (r) => ({
      id: r.id, allow_all: b(r.allowAll), type_ids_json: JSON.stringify(r.typeIds), source: 'sync',
    })),
    psaTickets: writer<PsaTicket>(db, 'psa_tickets', true, (t) => ({
      id: t.id, company_id: t.companyId, summary: t.summary, status: t.status, closed: b(t.closed), type_id: t.typeId, type_name: t.typeName,
      opened_at: t.openedAt, closed_at: t.closedAt, updated_at: t.updatedAt,
    })),
  };
}

export type SyncedRepos = ReturnType<typeof createSyncedRepos>;
