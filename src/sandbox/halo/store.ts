/**
 * In-memory Halo data with the indexes the API needs: pre-sorted arrays served by slicing,
 * id maps, and cached derived lists (active/inactive clients, opportunities) invalidated on mutation.
 */
import { createRng } from '../seed/businesses.js';
import { generateHaloData, makeTicket, escapeHtml, TYPE_IDS, type TicketCtx } from './seed-data.js';
import { parseHaloDate } from './format.js';
import type { ClientInput, HClient, HSite, HStatus, HTicket, HTicketType, TicketInput, TicketPatch } from './types.js';

export interface TicketFilter {
  from?: number | null;
  to?: number | null;
  clientId?: number;
  siteId?: number;
  typeIds?: Set<number>;
  statusIds?: Set<number>;
  openOnly?: boolean;
  closedOnly?: boolean;
  ids?: Set<number>;
  search?: string;
  opportunitiesOnly?: boolean;
  /** 'reqs' | 'opps' | 'prjs' */
  domain?: string;
}

export interface StoreInit {
  seed: number;
  clientCount?: number;
  businessCount?: number;
  ticketCount: number;
  now: () => number;
}

export interface ChurnResult {
  deleted: number[];
  created: number[];
}

export interface ChurnPlan {
  afterTicketPages: number;
  deleteServed: number;
  create: number;
  result?: ChurnResult;
}

function byName(a: HClient, b: HClient): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.id - b.id;
}

export class HaloStore {
  clients: HClient[] = [];
  clientById = new Map<number, HClient>();
  sites: HSite[] = [];
  siteById = new Map<number, HSite>();
  sitesByClient = new Map<number, HSite[]>();
  types: HTicketType[] = [];
  typeById = new Map<number, HTicketType>();
  statuses: HStatus[] = [];
  statusById = new Map<number, HStatus>();
  tickets: HTicket[] = [];
  ticketById = new Map<number, HTicket>();
  nextClientId = 1;
  nextSiteId = 1;
  nextTicketId = 1;
  generatedAt = 0;
  private rng: () => number = Math.random;
  /** bumped on every ticket change: keys the memo of the last ticket query */
  private ticketVersion = 0;
  private lastQuery: { key: string; rows: HTicket[] } | null = null;
  private cache: { active?: HClient[]; inactive?: HClient[]; opps?: HTicket[]; activeSites?: HSite[] } = {};
  /** Ticket ids served on paged /Tickets list pages (what a reader has "already read"). */
  servedTicketIds = new Set<number>();
  ticketPagesServed = 0;
  /** Churn planned for a page count (`scheduleChurn`), with what it did once done. */
  churnPlans: ChurnPlan[] = [];

  constructor(private readonly init: StoreInit) {
    this.load();
  }

  /** (Re)build everything from the seed. */
  load(): void {
    const now = this.init.now();
    const d = generateHaloData({ seed: this.init.seed, clientCount: this.init.clientCount, businessCount: this.init.businessCount, ticketCount: this.init.ticketCount, now });
    this.generatedAt = now;
    this.rng = createRng(this.init.seed ^ 0x5eed);
    this.clients = d.clients.slice().sort(byName);
    this.clientById = new Map(d.clients.map((c) => [c.id, c]));
    this.sites = d.sites;
    this.siteById = new Map(d.sites.map((s) => [s.id, s]));
    this.sitesByClient = new Map();
    for (const s of d.sites) {
      const l = this.sitesByClient.get(s.clientId);
      if (l) l.push(s);
      else this.sitesByClient.set(s.clientId, [s]);
    }
    this.types = d.types;
    this.typeById = new Map(d.types.map((t) => [t.id, t]));
    this.statuses = d.statuses;
    this.statusById = new Map(d.statuses.map((s) => [s.id, s]));
    this.tickets = d.tickets;
    this.ticketById = new Map(d.tickets.map((t) => [t.id, t]));
    this.nextClientId = d.nextClientId;
    this.nextSiteId = d.nextSiteId;
    this.nextTicketId = d.nextTicketId;
    this.cache = {};
    this.ticketVersion++;
    this.servedTicketIds = new Set();
    this.ticketPagesServed = 0;
    this.churnPlans = [];
  }

  /** A paged /Tickets list page was served with these tickets: remember them, run the churn planned for this page. */
  noteTicketPage(ids: number[]): void {
    for (const id of ids) this.servedTicketIds.add(id);
    this.ticketPagesServed++;
    for (const plan of this.churnPlans) {
      if (plan.result === undefined && this.ticketPagesServed >= plan.afterTicketPages) plan.result = this.churn(plan.deleteServed, plan.create);
    }
  }

  /**
   * Deletes `deleteServed` tickets already served on list pages (spread over them, so later pages shift) and creates
   * `create` new ones — what happens in a busy Halo while a sync pages through /Tickets.
   */
  churn(deleteServed: number, create: number): ChurnResult {
    const served = [...this.servedTicketIds].filter((id) => this.ticketById.has(id)).sort((a, b) => a - b);
    const n = Math.min(Math.max(0, Math.floor(deleteServed)), served.length);
    const deleted: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = served[Math.floor((i * served.length) / n)]!;
      if (this.deleteTicket(id)) deleted.push(id);
    }
    const created = this.addTickets({ count: create });
    return { deleted, created };
  }

  invalidate(): void {
    this.cache = {};
    this.ticketVersion++;
  }

  activeClients(): HClient[] {
    return (this.cache.active ??= this.clients.filter((c) => !c.inactive));
  }

  inactiveClients(): HClient[] {
    return (this.cache.inactive ??= this.clients.filter((c) => c.inactive));
  }

  activeSites(): HSite[] {
    return (this.cache.activeSites ??= this.sites.filter((s) => !s.inactive));
  }

  opportunities(): HTicket[] {
    return (this.cache.opps ??= this.tickets.filter((t) => t.isOpportunity));
  }

  /** Ticket types the client may log (active ones; inactive too with `includeInactive`). */
  allowedTypes(c: HClient, includeInactive = false): HTicketType[] {
    return this.types.filter((t) => (includeInactive || !t.inactive) && (c.allowAllTypes || c.allowedTypeIds.includes(t.id)));
  }

  mayUseType(c: HClient, t: HTicketType): boolean {
    return !t.inactive && (c.allowAllTypes || c.allowedTypeIds.includes(t.id));
  }

  /** Tickets matching the filter, in id order. With no filter: the stored array itself (do not mutate). */
  queryTickets(f: TicketFilter): HTicket[] {
    // A paged read asks for the same filter page after page: answer from the last result until a ticket changes.
    const key = `${this.ticketVersion}|${JSON.stringify(f, (_k, v: unknown) => (v instanceof Set ? [...v] : v))}`;
    if (this.lastQuery !== null && this.lastQuery.key === key) return this.lastQuery.rows;
    const rows = this.scanTickets(f);
    this.lastQuery = { key, rows };
    return rows;
  }

  private scanTickets(f: TicketFilter): HTicket[] {
    const base = f.opportunitiesOnly ? this.opportunities() : this.tickets;
    const from = f.from ?? null;
    const to = f.to ?? null;
    const search = f.search ? f.search.toLowerCase() : '';
    const searchId = search && /^\d+$/.test(search) ? Number(search) : -1;
    const domainUse = f.domain === 'opps' ? 'opps' : f.domain === 'prjs' ? 'prjs' : f.domain === 'reqs' ? 'tickets' : null;
    const any =
      from !== null || to !== null || f.clientId !== undefined || f.siteId !== undefined || f.typeIds || f.statusIds ||
      f.openOnly || f.closedOnly || f.ids || search || domainUse;
    if (!any) return base;
    if (f.ids && !from && !to && f.clientId === undefined) {
      // small id lists: look them up instead of scanning
      const out: HTicket[] = [];
      for (const id of [...f.ids].sort((a, b) => a - b)) {
        const t = this.ticketById.get(id);
        if (t && (!f.opportunitiesOnly || t.isOpportunity)) out.push(t);
      }
      return out.filter((t) => this.matches(t, { ...f, ids: undefined }, search, searchId, domainUse));
    }
    const out: HTicket[] = [];
    for (const t of base) if (this.matches(t, f, search, searchId, domainUse)) out.push(t);
    return out;
  }

  private matches(t: HTicket, f: TicketFilter, search: string, searchId: number, domainUse: string | null): boolean {
    if (f.from != null && t.lastUpdate + t.subMs / 10000 < f.from) return false;
    if (f.to != null && t.lastUpdate > f.to) return false;
    if (f.clientId !== undefined && t.clientId !== f.clientId) return false;
    if (f.siteId !== undefined && t.siteId !== f.siteId) return false;
    if (f.typeIds && !f.typeIds.has(t.typeId)) return false;
    if (f.statusIds && !f.statusIds.has(t.statusId)) return false;
    if (f.openOnly && t.closed) return false;
    if (f.closedOnly && !t.closed) return false;
    if (f.ids && !f.ids.has(t.id)) return false;
    if (domainUse && (this.typeById.get(t.typeId)?.use ?? 'tickets') !== domainUse) return false;
    if (search && t.id !== searchId && !t.summary.toLowerCase().includes(search) && !t.details.toLowerCase().includes(search) &&
      !t.detailsHtml.toLowerCase().includes(search)) return false;
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // mutations

  private ticketCtx(): TicketCtx {
    return { rng: this.rng, types: this.types, sitesOf: this.sitesByClient };
  }

  private insertTicket(t: HTicket): void {
    const last = this.tickets[this.tickets.length - 1];
    if (!last || last.id < t.id) this.tickets.push(t);
    else {
      let lo = 0;
      let hi = this.tickets.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.tickets[mid].id < t.id) lo = mid + 1;
        else hi = mid;
      }
      this.tickets.splice(lo, 0, t);
    }
    this.ticketById.set(t.id, t);
    if (t.id >= this.nextTicketId) this.nextTicketId = t.id + 1;
    this.cache.opps = undefined;
    this.ticketVersion++;
  }

  /** Adds `count` random tickets (opened now) and/or the given ones. Returns the new ids. */
  addTickets(input: { count?: number; tickets?: TicketInput[] }): number[] {
    const now = this.init.now();
    const ids: number[] = [];
    const active = this.activeClients();
    const pool = active.length ? active : this.clients;
    if (!pool.length) return ids;
    for (let i = 0; i < Math.max(0, Math.floor(input.count ?? 0)); i++) {
      const c = pool[Math.floor(this.rng() * pool.length)];
      const t = makeTicket(this.ticketCtx(), this.nextTicketId, c, now - Math.floor(this.rng() * 60_000), now, { closed: false });
      t.lastUpdate = now;
      t.lastAction = now;
      this.insertTicket(t);
      ids.push(t.id);
    }
    for (const spec of input.tickets ?? []) {
      const c = (spec.clientId !== undefined && this.clientById.get(spec.clientId)) || pool[Math.floor(this.rng() * pool.length)];
      const type = spec.typeId !== undefined ? this.typeById.get(spec.typeId) : undefined;
      const occurred = parseHaloDate(spec.dateOccurred) ?? now;
      const t = makeTicket(this.ticketCtx(), this.nextTicketId, c, Math.min(occurred, now), now, {
        closed: spec.closed ?? false,
        opportunity: type ? type.isOpportunity : undefined,
      });
      if (type) {
        t.typeId = type.id;
        t.isOpportunity = type.isOpportunity;
        if (!type.isOpportunity) t.opp = null;
      }
      if (spec.summary !== undefined) t.summary = spec.summary;
      if (spec.details !== undefined) {
        t.details = spec.details;
        t.detailsHtml = `<p>${escapeHtml(spec.details)}</p>`;
      }
      if (spec.siteId !== undefined) t.siteId = spec.siteId;
      if (spec.statusId !== undefined) t.statusId = spec.statusId;
      if (t.isOpportunity && spec.oppValue !== undefined) {
        t.opp ??= { companyname: c.name, contactname: '', emailaddress: '', value: 0, conversionprobability: 50, type: 'New Business', pipelineStageId: 1 };
        t.opp.value = spec.oppValue;
      }
      t.lastUpdate = parseHaloDate(spec.lastUpdate) ?? (spec.dateOccurred ? Math.max(t.lastUpdate, occurred) : now);
      t.lastAction = t.lastUpdate;
      this.insertTicket(t);
      ids.push(t.id);
    }
    return ids;
  }

  /** Applies a change; bumps last_update (to now, or to `patch.lastUpdate`). */
  updateTicket(id: number, patch: TicketPatch): boolean {
    const t = this.ticketById.get(id);
    if (!t) return false;
    const now = this.init.now();
    if (patch.summary !== undefined) t.summary = patch.summary;
    if (patch.details !== undefined) {
      t.details = patch.details;
      t.detailsHtml = `<p>${escapeHtml(patch.details)}</p>`;
    }
    if (patch.clientId !== undefined && this.clientById.has(patch.clientId)) {
      t.clientId = patch.clientId;
      t.siteId = this.sitesByClient.get(patch.clientId)?.[0]?.id ?? 0;
    }
    if (patch.siteId !== undefined) t.siteId = patch.siteId;
    if (patch.typeId !== undefined) {
      const type = this.typeById.get(patch.typeId);
      if (type) {
        t.typeId = type.id;
        t.isOpportunity = type.isOpportunity;
        this.cache.opps = undefined;
    this.ticketVersion++;
      }
    }
    if (patch.closed !== undefined && patch.closed !== t.closed) {
      t.closed = patch.closed;
      t.dateClosed = patch.closed ? now : null;
      t.statusId = patch.closed ? 9 : 2;
    }
    if (patch.statusId !== undefined) {
      t.statusId = patch.statusId;
      const closed = this.statusById.get(patch.statusId)?.closed ?? false;
      if (closed !== t.closed) {
        t.closed = closed;
        t.dateClosed = closed ? now : null;
      }
    }
    t.lastUpdate = parseHaloDate(patch.lastUpdate) ?? now;
    t.lastAction = t.lastUpdate;
    t.subMs = Math.floor(this.rng() * 10000);
    this.ticketVersion++;
    return true;
  }

  deleteTicket(id: number): boolean {
    const t = this.ticketById.get(id);
    if (!t) return false;
    this.ticketById.delete(id);
    const i = this.tickets.indexOf(t);
    if (i >= 0) this.tickets.splice(i, 1);
    this.cache.opps = undefined;
    this.ticketVersion++;
    return true;
  }

  /** Creates a ticket from an API POST (already validated). */
  createTicketFromApi(fields: {
    client: HClient; type: HTicketType; summary: string; details: string; detailsHtml: string; siteId: number; userId: number;
    dateOccurred: number | null; statusId?: number; opp: HTicket['opp']; userdef: HTicket['userdef']; agentId: number; reference: string;
  }): HTicket {
    const now = this.init.now();
    const t: HTicket = {
      id: this.nextTicketId,
      summary: fields.summary,
      details: fields.details,
      detailsHtml: fields.detailsHtml,
      dateOccurred: fields.dateOccurred ?? now,
      statusId: fields.statusId ?? 1,
      typeId: fields.type.id,
      priorityId: 3,
      clientId: fields.client.id,
      siteId: fields.siteId,
      userId: fields.userId,
      userName: fields.userId ? 'Portal User' : '',
      agentId: fields.agentId,
      team: fields.type.isOpportunity ? 'Sales' : '1st Line Support',
      closed: false,
      dateClosed: null,
      lastUpdate: now,
      lastAction: now,
      subMs: Math.floor(this.rng() * 10000),
      shape: 0,
      isOpportunity: fields.type.isOpportunity,
      reference: fields.reference,
      userdef: fields.userdef,
      opp: fields.opp,
    };
    this.insertTicket(t);
    return t;
  }

  addClient(input: ClientInput): number {
    const now = this.init.now();
    const id = this.nextClientId++;
    const site: HSite = {
      id: this.nextSiteId++, name: 'Head Office', clientId: id, inactive: false, phonenumber: '', timezone: 'GMT Standard Time',
      notes: '', line1: '', city: '', postcode: '', lastUpdate: now,
    };
    const c: HClient = {
      id,
      name: input.name ?? `New Client ${id}`,
      inactive: input.inactive ?? false,
      toplevelId: 1,
      toplevelName: 'Customers',
      isVip: false,
      isAccount: true,
      ref: '',
      notes: input.notes ?? '',
      customertype: 0,
      stopped: 0,
      website: input.website ?? '',
      domain: input.domain ?? '',
      phone: '',
      city: '',
      mainSiteId: site.id,
      allowAllTypes: input.allowAllTypes ?? !input.allowedTypeIds,
      allowedTypeIds: input.allowedTypeIds ?? [],
      lastUpdate: now,
      businessKey: null,
    };
    this.clientById.set(id, c);
    this.clients.push(c);
    this.clients.sort(byName);
    this.sites.push(site);
    this.siteById.set(site.id, site);
    this.sitesByClient.set(id, [site]);
    this.invalidate();
    return id;
  }

  updateClient(id: number, patch: ClientInput): boolean {
    const c = this.clientById.get(id);
    if (!c) return false;
    if (patch.name !== undefined) c.name = patch.name;
    if (patch.inactive !== undefined) c.inactive = patch.inactive;
    if (patch.website !== undefined) c.website = patch.website;
    if (patch.domain !== undefined) c.domain = patch.domain;
    if (patch.notes !== undefined) c.notes = patch.notes;
    if (patch.allowedTypeIds !== undefined) {
      c.allowedTypeIds = patch.allowedTypeIds.slice();
      c.allowAllTypes = patch.allowAllTypes ?? false;
    } else if (patch.allowAllTypes !== undefined) c.allowAllTypes = patch.allowAllTypes;
    c.lastUpdate = this.init.now();
    if (patch.name !== undefined) this.clients.sort(byName);
    this.invalidate();
    return true;
  }

  /** Removes a client and its sites (its tickets stay, as Halo keeps history). */
  deleteClient(id: number): boolean {
    const c = this.clientById.get(id);
    if (!c) return false;
    this.clientById.delete(id);
    this.clients = this.clients.filter((x) => x.id !== id);
    const sites = this.sitesByClient.get(id) ?? [];
    this.sitesByClient.delete(id);
    if (sites.length) {
      const gone = new Set(sites.map((s) => s.id));
      this.sites = this.sites.filter((s) => !gone.has(s.id));
      for (const s of sites) this.siteById.delete(s.id);
    }
    this.invalidate();
    return true;
  }

  get defaultTypeId(): number {
    return TYPE_IDS.generalPurpose;
  }
}
