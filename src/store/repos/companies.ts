import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface ActiveCompany {
  id: string;
  name: string;
  status: string | null;
  type: string | null;
  psaId: string | null;
}

/**
 * Active IT Glue companies: status name (joined on the status id, since the denormalised name can lag a rename)
 * in the configured list, compared case-insensitively after trimming; the MSP's own (primary) organization excluded.
 */
export async function activeCompanies(db: Kysely<Database>, workspaceId: string, activeStatusNames: string[]): Promise<ActiveCompany[]> {
  const statuses = await db.selectFrom('itg_statuses').select(['id', 'name']).where('workspace_id', '=', workspaceId).execute();
  const statusName = new Map(statuses.map((s) => [s.id, s.name]));
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
}

export async function activeStatusNamesFor(db: Kysely<Database>, workspaceId: string): Promise<string[]> {
  const row = await db.selectFrom('integrations').select('settings_json').where('workspace_id', '=', workspaceId).where('kind', '=', 'itglue').executeTakeFirst();
  const names = row === undefined ? undefined : (JSON.parse(row.settings_json) as { activeStatusNames?: string[] }).activeStatusNames;
  return names ?? ['Active'];
}

/** The PSA the workspace links against: the configured supplemental integration (Halo first), else any with synced data. */
export async function currentPsaKind(db: Kysely<Database>, workspaceId: string): Promise<string | null> {
  const rows = await db.selectFrom('integrations').select(['kind', 'configured']).where('workspace_id', '=', workspaceId).where('kind', '!=', 'itglue').execute();
  const configured = rows.filter((r) => r.configured === 1).map((r) => r.kind);
  if (configured.includes('halo')) return 'halo';
  if (configured.length > 0) return configured[0]!;
  const any = await db.selectFrom('psa_companies').select('kind').where('workspace_id', '=', workspaceId).limit(1).executeTakeFirst();
  return any?.kind ?? null;
}
