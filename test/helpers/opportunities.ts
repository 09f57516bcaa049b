/**
 * A workspace ready for opportunities: IT Glue and HaloPSA sandboxes synced (opportunity export on), and every IT Glue
 * company that is the same business as a Halo client linked to it (the seed's business keys are the truth).
 */
import assert from 'node:assert/strict';
import { startItGlueSandbox, type ItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startHaloSandbox, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import { apiAs, createMember, createTestApp, runStartedBy, setupAdmin, type ApiCall, type DialectName, type TestApp } from './app.js';
import { haloSettingsFor, itglueSettingsFor } from './sandboxes.js';

export interface Pair {
  itglueId: string;
  itglueName: string;
  psaId: number;
  allowAllTypes: boolean;
  allowedTypeIds: number[];
  mainSiteId: number;
}

export interface OpportunityWorld {
  t: TestApp;
  /** as the admin */
  api: ApiCall;
  /** the admin's bearer token */
  adminToken: string;
  /** as a member */
  member: ApiCall;
  itglue: ItGlueSandbox;
  halo: HaloSandbox;
  /** linked pairs of active companies and active Halo clients */
  pairs: Pair[];
  /** active IT Glue companies left unlinked */
  unlinked: string[];
  close(): Promise<void>;
}

/** Sets up the world; `extraClients` are Halo clients to add (with their ticket-type rules) before the sync, each linked to an unlinked company. */
export async function opportunityWorld(opts: { dialect?: DialectName; extraClients?: { name: string; allowAllTypes: boolean; allowedTypeIds?: number[] }[] } = {}): Promise<OpportunityWorld & { extra: Pair[] }> {
  const itglue = await startItGlueSandbox({ port: 0, apiKey: 'k', rateLimit: { limit: 0, windowMs: 300_000 } });
  const halo = await startHaloSandbox({ port: 0, rateLimit: null, ticketCount: 300 });
  const t = await createTestApp({ dialect: opts.dialect ?? 'sqlite' });
  const adminToken = await setupAdmin(t);
  const api = apiAs(t, adminToken);
  const member = apiAs(t, await createMember(t, adminToken));

  const extraIds = (opts.extraClients ?? []).map((c) => halo.control.addClient({ name: c.name, allowAllTypes: c.allowAllTypes, ...(c.allowedTypeIds !== undefined ? { allowedTypeIds: c.allowedTypeIds } : {}) }));

  const itgRun = await runStartedBy(t, await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue, 'k')));
  assert.equal(itgRun.status, 'succeeded');
  const haloRun = await runStartedBy(t, await api('PUT', '/api/integrations/halo', haloSettingsFor(halo, { pullTickets: false })));
  assert.equal(haloRun.status, 'succeeded', JSON.stringify(haloRun));

  const truth = itglue.control.truth();
  const active = new Set(truth.activeOrganizationIds);
  const data = halo.control.data({ tickets: false });
  const clientByKey = new Map(data.clients.filter((c) => !c.inactive && c.businessKey !== null).map((c) => [c.businessKey!, c]));
  const pairs: Pair[] = [];
  const unlinked: string[] = [];
  for (const o of truth.organizations) {
    if (!active.has(o.id)) continue;
    const c = o.businessKey === null ? undefined : clientByKey.get(o.businessKey);
    if (c === undefined) unlinked.push(o.id);
    else pairs.push({ itglueId: o.id, itglueName: o.name, psaId: c.id, allowAllTypes: c.allowAllTypes, allowedTypeIds: c.allowedTypeIds, mainSiteId: c.siteIds[0]! });
  }
  // The extra clients take the first unlinked companies (or, when none are left, companies of pairs dropped for them).
  const extra: Pair[] = extraIds.map((id) => {
    const c = data.clients.find((x) => x.id === id)!;
    const itglueId = unlinked.shift() ?? pairs.pop()!.itglueId;
    return { itglueId, itglueName: truth.organizations.find((o) => o.id === itglueId)!.name, psaId: id, allowAllTypes: c.allowAllTypes, allowedTypeIds: c.allowedTypeIds, mainSiteId: c.siteIds[0]! };
  });
  const links = [...pairs, ...extra].map((p) => ({ itglueId: p.itglueId, psaId: String(p.psaId), source: 'manual' }));
  const put = await api('PUT', '/api/integrations/halo/links', { links });
  assert.equal(put.statusCode, 200, put.body);

  return {
    t, api, adminToken, member, itglue, halo, pairs, unlinked, extra,
    async close() {
      await t.close();
      await itglue.close();
      await halo.close();
    },
  };
}

/** The marker an opportunity's ticket carries (the outbox's idempotency key, as the Halo connector writes it). */
export const markerOf = (opportunityId: string): string => `crosswalk:opp_${opportunityId.replace(/-/g, '')}`;

/** The sandbox's tickets whose details carry this marker text. */
export function ticketsWithMarker(halo: HaloSandbox, marker: string): number[] {
  const ids = halo.control.data().ticketIds ?? [];
  return ids.filter((id) => halo.control.getTicket(id)?.detailsHtml.includes(marker) === true);
}
