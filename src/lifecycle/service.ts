/**
 * Lifecycle service: the devices (configurations of the active companies in the primary integration) evaluated under
 * the workspace's policies and each company's overrides; the policies themselves; the replacement forecast.
 * No SQL here (repositories), no HTTP (routes).
 */
import type { IntegrationService } from '../integrations/service.js';
import { AppError, notFound } from '../server/errors.js';
import { lifecyclePolicy as policySchema, type LifecycleCounts, type LifecycleDevice, type LifecyclePolicy } from '../shared/wire.js';
import type { Repos } from '../store/repos/index.js';
import { WORKSPACE_SCOPE, type DeviceFilter, type DeviceRow } from '../store/repos/lifecycle.js';
import { DEFAULT_POLICIES } from './defaults.js';
import { evaluateDevice, forecast, policyFor, utcToday, type LifecycleStatus } from './policy.js';

const SCAN_BATCH = 1000;

export interface DeviceQuery extends DeviceFilter {
  status?: LifecycleStatus;
}

export interface LifecycleServiceDeps {
  repos: Repos;
  integrations: Pick<IntegrationService, 'activeCompanies'>;
  currency: string;
  now?: () => Date;
}

const emptyCounts = (): LifecycleCounts => ({ overdue: 0, due_soon: 0, ok: 0, unknown: 0, excluded: 0 });

export function encodeDeviceCursor(name: string, id: string): string {
  return Buffer.from(JSON.stringify([name, id])).toString('base64url');
}

/** A cursor this API returned, or a 400 naming `query.cursor`. */
export function decodeDeviceCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch { /* fall through */ }
  throw new AppError(400, 'invalid_request', 'Invalid request: query.cursor is not a cursor this API returned', { issues: [{ path: 'query.cursor', message: 'unknown cursor' }] });
}

/** A stored list, re-validated (it is our own JSON, but a hand-edited row must not break the page). */
function parsePolicies(raw: unknown): LifecyclePolicy[] | null {
  if (!Array.isArray(raw)) return null;
  const out: LifecyclePolicy[] = [];
  for (const p of raw) {
    const r = policySchema.safeParse(p);
    if (r.success) out.push(r.data);
  }
  return out;
}

export function createLifecycleService(deps: LifecycleServiceDeps) {
  const { repos, integrations, currency } = deps;
  const now = deps.now ?? (() => new Date());

  async function workspacePolicies(ws: string): Promise<{ policies: LifecyclePolicy[]; isDefault: boolean }> {
    const stored = parsePolicies(await repos.lifecycle.policies(ws, WORKSPACE_SCOPE));
    return stored === null ? { policies: DEFAULT_POLICIES.map((p) => ({ ...p })), isDefault: true } : { policies: stored, isDefault: false };
  }

  async function companyOrThrow(ws: string, companyId: string) {
    const org = await repos.companies.organization(ws, companyId);
    if (org === null) throw notFound('Company');
    return org;
  }

  /** Every device under the filter, evaluated, in (name, id) order, batch by batch. */
  async function* scan(ws: string, filter: DeviceFilter, after?: [string, string]): AsyncGenerator<{ row: DeviceRow; device: LifecycleDevice }> {
    const active = new Map((await integrations.activeCompanies(ws)).map((c) => [c.id, c.name]));
    if (filter.organizationId !== undefined && !active.has(filter.organizationId)) return;
    const { policies } = await workspacePolicies(ws);
    const overrides = new Map<string, LifecyclePolicy[]>();
    for (const [id, raw] of await repos.lifecycle.overrides(ws)) overrides.set(id, parsePolicies(raw) ?? []);
    const today = utcToday(now());
    let cursor = after;
    for (;;) {
      const rows = await repos.lifecycle.devices(ws, filter, { limit: SCAN_BATCH, ...(cursor !== undefined ? { after: cursor } : {}) });
      for (const row of rows) {
        const companyName = active.get(row.organization_id);
        if (companyName === undefined) continue;
        const found = policyFor(row.type_name, policies, overrides.get(row.organization_id));
        const e = evaluateDevice({ type: row.type_name, purchasedAt: row.purchased_at, installedAt: row.installed_at, warrantyExpiresAt: row.warranty_expires_at, archived: row.archived === 1 }, found?.policy ?? null, today);
        yield {
          row,
          device: {
            id: row.id, companyId: row.organization_id, companyName, name: row.name, type: row.type_name, manufacturer: row.manufacturer_name,
            model: row.model_name, serialNumber: row.serial_number, operatingSystem: row.operating_system_name, purchasedAt: row.purchased_at,
            installedAt: row.installed_at, warrantyExpiresAt: row.warranty_expires_at, archived: row.archived === 1,
            status: e.status, endOfLife: e.endOfLife, reason: e.reason, replacementPrice: e.replacementPrice,
          },
        };
      }
      if (rows.length < SCAN_BATCH) return;
      const last = rows[rows.length - 1]!;
      cursor = [last.name, last.id];
    }
  }

  async function checkCompany(ws: string, companyId: string | undefined): Promise<void> {
    if (companyId !== undefined) await companyOrThrow(ws, companyId);
  }

  return {
    currency,

    /**
     * One page of devices (keyset by name and id), the status filter applied after evaluation; `counts` over the
     * company, type and search filters. `limit` null = every row (the CSV download).
     */
    async devices(ws: string, query: DeviceQuery, page: { limit: number | null; cursor?: string }) {
      await checkCompany(ws, query.organizationId);
      const after = page.cursor !== undefined ? decodeDeviceCursor(page.cursor) : undefined;
      const filter: DeviceFilter = {
        ...(query.organizationId !== undefined ? { organizationId: query.organizationId } : {}),
        ...(query.type !== undefined ? { type: query.type } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
      };
      const counts = emptyCounts();
      const devices: LifecycleDevice[] = [];
      let more = false;
      const take = (device: LifecycleDevice): void => {
        if (query.status !== undefined && device.status !== query.status) return;
        if (page.limit === null || devices.length < page.limit) devices.push(device);
        else more = true;
      };
      for await (const { device } of scan(ws, filter)) {
        counts[device.status]++;
        if (after === undefined) take(device);
      }
      // After a cursor, the page starts where the database's own (name, id) order says (its collation, not ours).
      if (after !== undefined) {
        for await (const { device } of scan(ws, filter, after)) {
          take(device);
          if (more) break;
        }
      }
      const last = devices[devices.length - 1];
      return { devices, counts, nextCursor: more && last !== undefined ? encodeDeviceCursor(last.name, last.id) : null, currency };
    },

    async forecast(ws: string, opts: { companyId?: string; quarters: number }) {
      await checkCompany(ws, opts.companyId);
      const items = [];
      for await (const { device } of scan(ws, opts.companyId !== undefined ? { organizationId: opts.companyId } : {})) items.push(device);
      const quarters = forecast(items, utcToday(now()), opts.quarters);
      const total = quarters.reduce((t, q) => ({ devices: t.devices + q.devices, amount: Math.round((t.amount + q.amount) * 100) / 100 }), { devices: 0, amount: 0 });
      return { quarters, currency, total };
    },

    async policies(ws: string) {
      return { ...(await workspacePolicies(ws)), currency };
    },

    async savePolicies(ws: string, policies: LifecyclePolicy[], actor: { id: string; email: string }) {
      await repos.lifecycle.savePolicies(ws, WORKSPACE_SCOPE, policies, actor.id);
      await repos.audit.record(ws, { actor, action: 'lifecycle.policies_saved', target: 'lifecycle:workspace', details: { types: policies.map((p) => p.type) } });
      return { policies, isDefault: false, currency };
    },

    async companyPolicies(ws: string, companyId: string) {
      await companyOrThrow(ws, companyId);
      const own = parsePolicies(await repos.lifecycle.policies(ws, companyId)) ?? [];
      const { policies } = await workspacePolicies(ws);
      const ownKeys = new Set(own.map((p) => p.type.trim().toLowerCase()));
      const effective = [
        ...own.map((p) => ({ ...p, source: 'company' as const })),
        ...policies.filter((p) => !ownKeys.has(p.type.trim().toLowerCase())).map((p) => ({ ...p, source: 'workspace' as const })),
      ];
      return { companyId, policies: own, effective };
    },

    async saveCompanyPolicies(ws: string, companyId: string, policies: LifecyclePolicy[], actor: { id: string; email: string }) {
      await companyOrThrow(ws, companyId);
      await repos.lifecycle.savePolicies(ws, companyId, policies.length === 0 ? null : policies, actor.id);
      await repos.audit.record(ws, { actor, action: 'lifecycle.company_policies_saved', target: `company:${companyId}`, details: { types: policies.map((p) => p.type) } });
      return this.companyPolicies(ws, companyId);
    },

    async types(ws: string) {
      return { types: await repos.lifecycle.types(ws) };
    },
  };
}

export type LifecycleService = ReturnType<typeof createLifecycleService>;
