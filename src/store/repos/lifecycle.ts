import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** The columns of a configuration the lifecycle needs. */
export interface DeviceRow {
  id: string;
  organization_id: string;
  name: string;
  type_name: string | null;
  manufacturer_name: string | null;
  model_name: string | null;
  serial_number: string | null;
  operating_system_name: string | null;
  purchased_at: string | null;
  installed_at: string | null;
  warranty_expires_at: string | null;
  archived: number;
}

export interface DeviceFilter {
  /** one company only */
  organizationId?: string;
  /** the configuration type, compared case-insensitively */
  type?: string;
  /** a substring of name, hostname, serial number, asset tag, manufacturer or model */
  q?: string;
}

/** The workspace's policies are stored under this company id. */
export const WORKSPACE_SCOPE = '';

const likePattern = (q: string): string => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Lifecycle policies (the workspace's and per-company overrides, a JSON list per scope) and the device query. */
export function createLifecycleRepo(db: Kysely<Database>) {
  return {
    /** The stored policy list of a scope (JSON, validated by the caller), or null when none was saved. */
    async policies(workspaceId: string, companyId: string): Promise<unknown> {
      const row = await db.selectFrom('lifecycle_policies').select('policies_json')
        .where('workspace_id', '=', workspaceId).where('company_id', '=', companyId).executeTakeFirst();
      return row === undefined ? null : (JSON.parse(row.policies_json) as unknown);
    },

    /** Every company's overrides, by company id. */
    async overrides(workspaceId: string): Promise<Map<string, unknown>> {
      const rows = await db.selectFrom('lifecycle_policies').select(['company_id', 'policies_json'])
        .where('workspace_id', '=', workspaceId).where('company_id', '!=', WORKSPACE_SCOPE).execute();
      return new Map(rows.map((r) => [r.company_id, JSON.parse(r.policies_json) as unknown]));
    },

    /** Replaces a scope's list; `null` removes it (the workspace falls back to the defaults, a company to the workspace's). */
    async savePolicies(workspaceId: string, companyId: string, policies: unknown[] | null, updatedBy: string | null): Promise<void> {
      if (policies === null) {
        await db.deleteFrom('lifecycle_policies').where('workspace_id', '=', workspaceId).where('company_id', '=', companyId).execute();
        return;
      }
      const row = { workspace_id: workspaceId, company_id: companyId, policies_json: JSON.stringify(policies), updated_at: new Date().toISOString(), updated_by: updatedBy };
      await db.insertInto('lifecycle_policies').values(row)
        .onConflict((oc) => oc.columns(['workspace_id', 'company_id']).doUpdateSet({ policies_json: row.policies_json, updated_at: row.updated_at, updated_by: row.updated_by }))
        .execute();
    },

    /** One keyset page of configurations ordered by (name, id), after the given pair. */
    async devices(workspaceId: string, filter: DeviceFilter, opts: { after?: [string, string]; limit: number }): Promise<DeviceRow[]> {
      let q = db.selectFrom('itg_configurations')
        .select(['id', 'organization_id', 'name', 'type_name', 'manufacturer_name', 'model_name', 'serial_number', 'operating_system_name',
          'purchased_at', 'installed_at', 'warranty_expires_at', 'archived'])
        .where('workspace_id', '=', workspaceId);
      if (filter.organizationId !== undefined) q = q.where('organization_id', '=', filter.organizationId);
      if (filter.type !== undefined) q = q.where(sql`lower(coalesce(type_name, ''))`, '=', filter.type.trim().toLowerCase());
      if (filter.q !== undefined && filter.q.trim() !== '') {
        const p = likePattern(filter.q.trim());
        q = q.where((eb) => eb.or(['name', 'hostname', 'serial_number', 'asset_tag', 'manufacturer_name', 'model_name']
          .map((c) => eb(sql`lower(coalesce(${sql.ref(c)}, ''))`, 'like', sql`${p} escape '\\'`))));
      }
      if (opts.after !== undefined) {
        const [name, id] = opts.after;
        q = q.where((eb) => eb.or([eb('name', '>', name), eb.and([eb('name', '=', name), eb('id', '>', id)])]));
      }
      return q.orderBy('name').orderBy('id').limit(opts.limit).execute();
    },

    /** Configuration types with how many configurations each (for filters and the policy editor). */
    async types(workspaceId: string): Promise<{ type: string; devices: number }[]> {
      const rows = await db.selectFrom('itg_configurations')
        .select((eb) => ['type_name', eb.fn.countAll<number | string>().as('n')])
        .where('workspace_id', '=', workspaceId).where('type_name', 'is not', null)
        .groupBy('type_name').orderBy('type_name').execute();
      return rows.map((r) => ({ type: r.type_name!, devices: Number(r.n) }));
    },
  };
}

export type LifecycleRepo = ReturnType<typeof createLifecycleRepo>;
