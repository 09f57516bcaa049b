import type { Kysely } from 'kysely';
import type { Database, ItgConfigurationTable, ItgDomainTable, ItgOrganizationTable } from '../schema.js';

export interface ActiveCompany {
  id: string;
  name: string;
  status: string | null;
  type: string | null;
  psaId: string | null;
}

/** The primary integration's documentation: organizations (companies), their configurations and domains. */
export function createCompaniesRepo(db: Kysely<Database>) {
  async function statusNames(workspaceId: string): Promise<Map<string, string>> {
    const statuses = await db.selectFrom('itg_statuses').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute();
    return new Map(statuses.map((s) => [s.id, s.name]));
  }

  return {
    /**
     * Active companies: status name (joined on the status id, since the denormalised name can lag a rename)
     * in the configured list, compared case-insensitively after trimming; the MSP's own (primary) organization excluded.
     */
    async active(workspaceId: string, activeStatusNames: string[]): Promise<ActiveCompany[]> {
      const statusName = await statusNames(workspaceId);
      const wanted = new Set(activeStatusNames.map((n) => n.trim().toLowerCase()));
      const orgs = await db.selectFrom('itg_organizations')
        .select(['id', 'name', 'status_id', 'status_name', 'type_name', 'psa_id'])
        .where('workspace_id', '=', workspaceId).where('primary_org', '=', 0).execute();
      const out: ActiveCompany[] = [];
      for (const o of orgs) {
        const status = (o.status_id !== null ? statusName.get(o.status_id) : undefined) ?? o.status_name;
        if (status === null || !wanted.has(status.trim().toLowerCase())) continue;
        out.push({ id: o.id, name: o.name, status, type: o.type_name, psaId: o.psa_id });
      }
      out.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
      return out;
    },

    /** One organization other than the MSP's own, with its current status name. */
    async organization(workspaceId: string, id: string): Promise<(ItgOrganizationTable & { status: string | null }) | null> {
      const org = await db.selectFrom('itg_organizations').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).where('primary_org', '=', 0).executeTakeFirst();
      if (org === undefined) return null;
      const current = org.status_id === null ? undefined
        : (await db.selectFrom('itg_statuses').select('name').where('workspace_id', '=', workspaceId).where('id', '=', org.status_id).executeTakeFirst())?.name;
      return { ...org, status: current ?? org.status_name };
    },

    async exists(workspaceId: string, id: string): Promise<boolean> {
      return (await db.selectFrom('itg_organizations').select('id').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst()) !== undefined;
    },

    /** Names of every organization except the MSP's own, by id. */
    async names(workspaceId: string): Promise<Map<string, string>> {
      const rows = await db.selectFrom('itg_organizations').select(['id', 'name']).where('workspace_id', '=', workspaceId).where('primary_org', '=', 0).execute();
      return new Map(rows.map((o) => [o.id, o.name]));
    },

    async primaryIds(workspaceId: string): Promise<string[]> {
      return (await db.selectFrom('itg_organizations').select('id').where('workspace_id', '=', workspaceId).where('primary_org', '=', 1).execute()).map((r) => r.id);
    },

    async configurations(workspaceId: string, organizationId: string): Promise<ItgConfigurationTable[]> {
      return db.selectFrom('itg_configurations').selectAll().where('workspace_id', '=', workspaceId).where('organization_id', '=', organizationId).orderBy('name').execute();
    },

    async domains(workspaceId: string, organizationId: string): Promise<ItgDomainTable[]> {
      return db.selectFrom('itg_domains').selectAll().where('workspace_id', '=', workspaceId).where('organization_id', '=', organizationId).orderBy('name').execute();
    },

    /** Every domain name per organization id (matching signal). */
    async domainsByOrganization(workspaceId: string): Promise<Map<string, string[]>> {
      const rows = await db.selectFrom('itg_domains').select(['organization_id', 'name']).where('workspace_id', '=', workspaceId).execute();
      const out = new Map<string, string[]>();
      for (const d of rows) {
        const list = out.get(d.organization_id);
        if (list === undefined) out.set(d.organization_id, [d.name]);
        else list.push(d.name);
      }
      return out;
    },
  };
}

export type CompaniesRepo = ReturnType<typeof createCompaniesRepo>;
