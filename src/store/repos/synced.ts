import type { Kysely } from 'kysely';
import type {
  ItgConfiguration, ItgDomain, ItgNamed, ItgOrganization, PsaCompany, PsaSite, PsaTicket, PsaTicketType, PsaTicketTypeRule,
} from '../../connectors/contract.js';
import type { Statement } from 'better-sqlite3';
import { sqliteDatabaseOf } from '../db.js';
import type { Database, SyncRunTable } from '../schema.js';

type SqliteStatement = Statement<unknown[]>;

/** Tables filled by syncs, and how a canonical record becomes a row. */
type SyncedTable = 'itg_organizations' | 'itg_statuses' | 'itg_types' | 'itg_configurations' | 'itg_domains' | 'psa_companies' | 'psa_sites' | 'psa_ticket_types'
  | 'psa_ticket_type_rules' | 'psa_tickets';

const BATCH = 400;
/** SQLite rows written between two turns of the event loop (see writeSqlite). */
const WRITE_SLICE = 250;
const b = (v: boolean): number => (v ? 1 : 0);

export interface Scope {
  workspaceId: string;
  /** PSA kind for psa_* tables. */
  kind?: string;
  runId: string;
}

/**
 * The run's row written in the same transaction as a batch of records (checkpoint, progress, heartbeat): only while
 * `owner` still owns the running run, else the whole transaction rolls back with `RunLostError`.
 */
export interface RunCommit {
  owner: string;
  values: Partial<Omit<SyncRunTable, 'id'>>;
}

/** The run was taken over by another process (its heartbeat looked dead): this worker must stop writing. */
export class RunLostError extends Error {
  readonly code = 'run_taken_over';
  constructor(runId: string) {
    super(`sync run ${runId} is no longer owned by this process`);
  }
}

/** Rows a windowed full read covers: open ones, and those updated since (ISO; null = open ones only). */
export interface SweepWindow {
  openOrUpdatedSince: string | null;
}

export interface SyncedWriter<T> {
  table: SyncedTable;
  upsert(records: T[], scope: Scope, commit?: RunCommit): Promise<void>;
  /**
   * Delete rows not seen by this run (mark and sweep); returns the count removed. With a window, only rows inside it
   * (tables that have one: tickets).
   */
  sweep(scope: Scope, window?: SweepWindow): Promise<number>;
  /** Ids of the rows this run stored (its `last_seen_run` stamp), whichever process of the run wrote them. */
  seenIds(scope: Scope): Promise<Set<string>>;
  /** Delete these rows (the vendor no longer has them). */
  remove(scope: Scope, ids: string[]): Promise<number>;
  /** Rows stored for the scope's workspace (and PSA kind). */
  count(scope: Omit<Scope, 'runId'>): Promise<number>;
}

function writer<T>(db: Kysely<Database>, table: SyncedTable, psa: boolean, toRow: (r: T) => Record<string, unknown>, windowed = false): SyncedWriter<T> {
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
  /** SQLite: the run's row update of a checkpointed batch, one prepared statement per column list. */
  const commitStatements = new Map<string, SqliteStatement>();
  const commitFor = (cols: string[]): SqliteStatement => {
    const key = cols.join(',');
    let stmt = commitStatements.get(key);
    if (stmt === undefined) {
      stmt = sqlite!.prepare(`UPDATE "sync_runs" SET ${cols.map((c) => `"${c}" = @${c}`).join(', ')} WHERE "id" = @__id AND "owner" = @__owner AND "status" = 'running'`);
      commitStatements.set(key, stmt);
    }
    return stmt;
  };
  /**
   * SQLite: the whole batch in one transaction, written in slices of WRITE_SLICE rows with a turn of the event loop
   * between them, so answers that arrive meanwhile are read and the next requests go out (a batch of 2,000 tickets is
   * tens of milliseconds of SQLite work). The caller holds Kysely's only connection throughout, so no other query runs
   * on it, let alone inside this transaction.
   */
  const control = sqlite === undefined ? null : {
    begin: sqlite.prepare('BEGIN'),
    commit: sqlite.prepare('COMMIT'),
    rollback: sqlite.prepare('ROLLBACK'),
  };
  const writeSqlite = async (records: T[], scope: Scope, now: string, commit: RunCommit | undefined): Promise<void> => {
    const tx = control!;
    tx.begin.run();
    try {
      if (commit !== undefined) {
        // First, so a run taken over by another process writes nothing (throwing rolls the transaction back).
        const values = Object.fromEntries(Object.entries(commit.values).filter(([, v]) => v !== undefined));
        const res = commitFor(Object.keys(values)).run({ ...values, __id: scope.runId, __owner: commit.owner });
        if (res.changes !== 1) throw new RunLostError(scope.runId);
      }
      let stmt: SqliteStatement | null = null;
      for (let i = 0; i < records.length; i++) {
        if (i > 0 && i % WRITE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const row = toRow(records[i]!);
        stmt ??= statementFor(Object.keys(row));
        // Later records of the same id overwrite earlier ones, as the vendor's last word.
        if (psa) stmt.run(scope.workspaceId, scope.kind, scope.runId, now, row);
        else stmt.run(scope.workspaceId, scope.runId, now, row);
      }
      tx.commit.run();
    } catch (err) {
      if (sqlite!.inTransaction) tx.rollback.run();
      throw err;
    }
  };
  return {
    table,
    async upsert(records, scope, commit) {
      if (records.length === 0 && commit === undefined) return;
      const now = new Date().toISOString();
      if (control !== null) {
        // Holding Kysely's connection keeps its other queries (and transactions) off the database meanwhile.
        await db.connection().execute(async () => writeSqlite(records, scope, now, commit));
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
      const cols = rows.length === 0 ? [] : Object.keys(rows[0]!).filter((c) => !keys.includes(c));
      await db.transaction().execute(async (trx) => {
        if (commit !== undefined) {
          // First, so a run taken over by another process writes nothing (and the row lock orders the writers).
          const res = await trx.updateTable('sync_runs').set(commit.values)
            .where('id', '=', scope.runId).where('owner', '=', commit.owner).where('status', '=', 'running').executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) throw new RunLostError(scope.runId);
        }
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
    async sweep(scope, window) {
      if (window !== undefined && !windowed) throw new Error(`${table} has no sweep window`);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let q = (db.deleteFrom(table) as any).where('workspace_id', '=', scope.workspaceId);
      if (psa) q = q.where('kind', '=', scope.kind);
      q = q.where((eb: any) => eb.or([eb('last_seen_run', '!=', scope.runId), eb('last_seen_run', 'is', null)]));
      if (window !== undefined) {
        const since = window.openOrUpdatedSince;
        q = q.where((eb: any) => (since === null ? eb('closed', '=', 0) : eb.or([eb('closed', '=', 0), eb('updated_at', '>=', since)])));
      }
      const res = await q.executeTakeFirst();
      return Number(res?.numDeletedRows ?? 0);
    },
    async seenIds(scope) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let q = (db.selectFrom(table) as any).select('id').where('workspace_id', '=', scope.workspaceId).where('last_seen_run', '=', scope.runId);
      if (psa) q = q.where('kind', '=', scope.kind);
      const rows = (await q.execute()) as { id: string }[];
      return new Set(rows.map((r) => r.id));
    },
    async remove(scope, ids) {
      let removed = 0;
      for (let i = 0; i < ids.length; i += BATCH) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        let q = (db.deleteFrom(table) as any).where('workspace_id', '=', scope.workspaceId).where('id', 'in', ids.slice(i, i + BATCH));
        if (psa) q = q.where('kind', '=', scope.kind);
        const res = await q.executeTakeFirst();
        removed += Number(res?.numDeletedRows ?? 0);
      }
      return removed;
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
      purchased_at: c.purchasedAt, installed_at: c.installedAt, operating_system_name: c.operatingSystemName,
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
    }), true),
  };
}

export type SyncedRepos = ReturnType<typeof createSyncedRepos>;
