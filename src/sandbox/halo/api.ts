/**
 * The sandbox resource server (`/api`): routes, scopes, envelopes, pagination and Halo's value shapes.
 * halo.md §2–§9, §11.
 */
import { API_AGENT, hasScope, type AuthServer, type TokenInfo } from './auth.js';
import { DATE_SENTINEL, dbl, fmtNaive, fmtShape, fmtZ7, parseHaloDate } from './format.js';
import { escapeHtml, stripHtml } from './seed-data.js';
import { AFTER_CREATE_FAULTS } from './faults.js';
import type { HaloStore, TicketFilter } from './store.js';
import type { Fault, FaultType, HaloSandboxBehaviour, HClient, HSite, HTicket, HTicketType } from './types.js';

export interface ApiRequest {
  method: string;
  /** lower-cased pathname without a trailing slash, starting with /api */
  path: string;
  /** query parameters, names lower-cased */
  query: Map<string, string>;
  body: string;
  authorization: string | undefined;
}

export interface ApiResult {
  status: number;
  /** serialized with Halo doubles; a string becomes a JSON string */
  json?: unknown;
  /** raw body text (content type `contentType`) */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** post-timeout-after-create, reset-after-create, 500-after-create: the ticket exists, but the reply says otherwise */
  hang?: Fault;
}

export interface ApiDeps {
  store: HaloStore;
  auth: AuthServer;
  behaviour: () => HaloSandboxBehaviour;
  defaultUnpagedCount: () => number;
  takeFault: (types: readonly FaultType[]) => Fault | null;
  tenant: string;
}

const PAGE_CAP_TICKETS = 100;
const PAGE_CAP_OTHER = 1000;
const DEFAULT_PAGE_SIZE = 50;

function bool(q: Map<string, string>, name: string): boolean | undefined {
  const v = q.get(name);
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0' || s === '') return false;
  return undefined;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

function intSet(v: string | undefined): Set<number> | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const ids = v.split(',').map((x) => Number(x.trim())).filter((n) => Number.isInteger(n));
  return new Set(ids);
}

const unauthorized = (error?: string): ApiResult => ({
  status: 401,
  raw: '',
  headers: { 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer' },
});

function forbidden(scope: string): ApiResult {
  return {
    status: 403,
    json: {
      ClassName: 'HaloPSA.API.Exceptions.HaloPermissionException',
      Message: `You do not have permission to access this resource. The application is missing the required scope (${scope})`,
    },
  };
}

function notFound(message = 'The requested resource was not found'): ApiResult {
  return { status: 404, json: message };
}

const METHOD_NOT_ALLOWED: ApiResult = { status: 405, json: { Message: "The requested resource does not support this HTTP method." } };

export function createApiHandler(deps: ApiDeps): (req: ApiRequest) => ApiResult {
  const { store } = deps;

  // ---------------------------------------------------------------------------------------------
  // shapes

  const typeList = (t: HTicketType) => ({
    id: t.id, guid: t.guid, name: t.name, use: t.use, itilrequesttype: t.itilrequesttype, group_id: t.groupId, group_name: t.groupName,
    sequence: t.sequence, visible: t.visible, agentscanselect: t.agentscanselect, enduserscanselect: t.enduserscanselect,
    default_sla: t.defaultSla, workflow_id: t.workflowId, inactive: t.inactive,
  });

  const clientList = (c: HClient) => {
    const o: Record<string, unknown> = {
      id: c.id, name: c.name, toplevel_id: c.toplevelId, toplevel_name: c.toplevelName, inactive: c.inactive, colour: '',
      is_vip: c.isVip, is_account: c.isAccount, ref: c.ref, notes: c.notes, customertype: c.customertype, stopped: c.stopped,
    };
    if (deps.behaviour().clientListIncludesWebsite) {
      o.website = c.website;
      o.domain = c.domain;
    }
    return o;
  };

  const clientDetail = (c: HClient, availableRts: boolean) => {
    const main = store.siteById.get(c.mainSiteId);
    const allowed = availableRts ? store.allowedTypes(c) : c.allowAllTypes ? [] : store.allowedTypes(c, true);
    return {
      ...clientList(c),
      main_site_id: c.mainSiteId,
      main_site_name: main?.name ?? '',
      website: c.website,
      domain: c.domain,
      phonenumber: c.phone,
      alastupdate: fmtNaive(c.lastUpdate),
      allowall_tickettypes: c.allowAllTypes,
      allowed_tickettypes: allowed.map(typeList),
      customfields: [{ id: 101, name: 'CFAccountManager', label: 'Account Manager', type: 0, value: '', display: '' }],
      // the large base64 logo real clients carry (halo.md §5: drop it)
      logo: c.id % 7 === 0 ? `data:image/png;base64,${'iVBORw0KGgoAAAANSUhEUgAA'.repeat(200)}` : '',
    };
  };

  const siteList = (s: HSite, address: boolean) => {
    const c = store.clientById.get(s.clientId);
    const o: Record<string, unknown> = {
      id: s.id, name: s.name, client_id: dbl(s.clientId), client_name: c?.name ?? '', clientsite_name: `${c?.name ?? ''}/${s.name}`,
      inactive: s.inactive, phonenumber: s.phonenumber, timezone: s.timezone, notes: s.notes, sla_id: -1, isinvoicesite: s.id === c?.mainSiteId,
    };
    if (address) o.delivery_address = { line1: s.line1, line2: '', line3: s.city, line4: '', postcode: s.postcode };
    return o;
  };

  const oppFields = (t: HTicket, o: Record<string, unknown>) => {
    if (!t.opp) return;
    o.oppcompanyname = t.opp.companyname;
    o.oppcontactname = t.opp.contactname;
    o.oppemailaddress = t.opp.emailaddress;
    o.oppvalue = dbl(t.opp.value);
    o.oppconversionprobability = dbl(t.opp.conversionprobability);
    o.opptype = t.opp.type;
    o.pipeline_stage_id = t.opp.pipelineStageId;
  };

  const ticketBase = (t: HTicket) => {
    const c = store.clientById.get(t.clientId);
    const s = store.siteById.get(t.siteId);
    const type = store.typeById.get(t.typeId);
    const o: Record<string, unknown> = {
      id: t.id,
      dateoccurred: t.shape === 1 ? fmtNaive(t.dateOccurred) : fmtZ7(t.dateOccurred, (t.subMs * 7) % 10000),
      summary: t.summary,
      details: t.details,
      status_id: t.statusId,
      tickettype_id: t.typeId,
      sla_id: 1,
      priority_id: t.priorityId,
      client_id: t.clientId,
      client_name: c?.name ?? '',
      site_id: t.siteId,
      site_name: s?.name ?? '',
      user_id: t.userId,
      user_name: t.userName,
      agent_id: t.agentId,
      team: t.team,
      category_1: '',
      hasbeenclosed: t.closed,
      dateclosed: t.closed && t.dateClosed !== null ? fmtNaive(t.dateClosed) : DATE_SENTINEL,
      respondbydate: DATE_SENTINEL,
      fixbydate: t.closed ? DATE_SENTINEL : fmtNaive(t.dateOccurred + 5 * 86_400_000),
      inactive: false,
      deleted: false,
      is_opportunity: t.isOpportunity,
      is_project: type?.use === 'prjs',
      use: t.isOpportunity ? 'opp' : type?.use === 'prjs' ? 'project' : 'ticket',
      reference: t.reference,
      userdef1: t.userdef[0], userdef2: t.userdef[1], userdef3: t.userdef[2], userdef4: t.userdef[3], userdef5: t.userdef[4],
    };
    oppFields(t, o);
    return o;
  };

  const ticketList = (t: HTicket) => {
    const o = ticketBase(t);
    o.last_update = fmtShape(t.lastUpdate, t.subMs, t.shape);
    o.lastactiondate = fmtZ7(t.lastAction, (t.subMs * 3) % 10000);
    return o;
  };

  const ticketDetail = (t: HTicket) => {
    const o = ticketBase(t);
    const type = store.typeById.get(t.typeId);
    o.details_html = t.detailsHtml;
    o.lastupdate = fmtNaive(t.lastUpdate);
    o.lastactiondate = fmtZ7(t.lastAction, (t.subMs * 3) % 10000);
    o.tickettype = type ? { id: type.id, name: type.name, use: type.use } : null;
    o.customfields = [];
    return o;
  };

  const ticketPostReply = (t: HTicket) => {
    const o = ticketBase(t);
    const type = store.typeById.get(t.typeId);
    o.dateoccurred = fmtZ7(t.dateOccurred, t.subMs);
    o.details_html = t.detailsHtml;
    o.flastupdate = fmtNaive(t.lastUpdate);
    o.tickettype = type ? { id: type.id, name: type.name } : null;
    o.customfields = [];
    return o;
  };

  // ---------------------------------------------------------------------------------------------
  // pagination (halo.md §3)

  function page<T>(all: T[], q: Map<string, string>, key: string, cap: number, map: (x: T) => unknown): ApiResult {
    if (bool(q, 'pageinate') !== true) {
      const count = int(q.get('count'));
      const n = count !== undefined && count > 0 ? count : deps.defaultUnpagedCount();
      return { status: 200, json: { record_count: all.length, [key]: all.slice(0, n).map(map) } };
    }
    let size = int(q.get('page_size'));
    if (size === undefined || size <= 0) size = DEFAULT_PAGE_SIZE;
    if (size > cap) {
      if (deps.behaviour().pageSizeOverCap === 'reject') return { status: 400, json: `page_size must not exceed ${cap}` };
      size = cap;
    }
    let no = int(q.get('page_no'));
    if (no === undefined || no < 1) no = 1;
    let effective = no;
    if (no > 1 && deps.takeFault(['repeat-page'])) effective = 1;
    const start = (effective - 1) * size;
    const rows = start >= all.length ? [] : all.slice(start, start + size);
    return { status: 200, json: { page_no: no, page_size: size, record_count: all.length, [key]: rows.map(map) } };
  }

  function idOnly<T extends { id: number }>(all: T[], key: string): ApiResult {
    return { status: 200, json: { record_count: all.length, [key]: all.map((x) => ({ id: x.id })) } };
  }

  function missing(kind: string, id: number): ApiResult {
    if (deps.behaviour().missingRecord === 'empty200') return { status: 200, json: {} };
    return notFound(`${kind} ${id} not found`);
  }

  // ---------------------------------------------------------------------------------------------
  // endpoints

  function listClients(q: Map<string, string>): ApiResult {
    const inc = bool(q, 'includeinactive') === true;
    const act = bool(q, 'includeactive');
    // halo.md §7: everything needs includeinactive=true&includeactive=true; includeinactive alone lists only inactive ones
    const wantActive = act === true || (act === undefined && !inc);
    const wantInactive = inc;
    let rows: HClient[] = wantActive && wantInactive ? store.clients : wantActive ? store.activeClients() : wantInactive ? store.inactiveClients() : [];
    const search = q.get('search')?.trim().toLowerCase();
    if (search) rows = rows.filter((c) => c.name.toLowerCase().includes(search) || String(c.id) === search);
    const toplevel = int(q.get('toplevel_id'));
    if (toplevel !== undefined && toplevel > 0) rows = rows.filter((c) => c.toplevelId === toplevel);
    const from = deps.behaviour().filterClientsByLastUpdate ? parseHaloDate(q.get('lastupdatefromdate')) : null;
    if (from !== null) rows = rows.filter((c) => c.lastUpdate >= from);
    if (bool(q, 'idonly') === true) return idOnly(rows, 'clients');
    return page(rows, q, 'clients', PAGE_CAP_OTHER, clientList);
  }

  function listSites(q: Map<string, string>): ApiResult {
    const clientId = int(q.get('client_id'));
    let rows: HSite[];
    if (clientId !== undefined && clientId > 0) {
      rows = (store.sitesByClient.get(clientId) ?? []).slice().sort((a, b) => a.id - b.id);
      if (bool(q, 'includeinactive') !== true) rows = rows.filter((s) => !s.inactive);
    } else {
      rows = bool(q, 'includeinactive') === true ? store.sites : store.activeSites();
    }
    const search = q.get('search')?.trim().toLowerCase();
    if (search) rows = rows.filter((s) => s.name.toLowerCase().includes(search) || (store.clientById.get(s.clientId)?.name.toLowerCase().includes(search) ?? false));
    const from = deps.behaviour().filterClientsByLastUpdate ? parseHaloDate(q.get('lastupdatefromdate')) : null;
    if (from !== null) rows = rows.filter((s) => s.lastUpdate >= from);
    if (bool(q, 'idonly') === true) return idOnly(rows, 'sites');
    const address = bool(q, 'includeaddress') === true;
    return page(rows, q, 'sites', PAGE_CAP_OTHER, (s) => siteList(s, address));
  }

  function listTicketTypes(q: Map<string, string>): ApiResult {
    const showInactive = bool(q, 'showinactive') === true;
    const clientId = int(q.get('client_id'));
    let rows: HTicketType[];
    if (clientId !== undefined && clientId > 0) {
      const c = store.clientById.get(clientId);
      rows = c ? store.allowedTypes(c, showInactive) : [];
    } else {
      rows = showInactive ? store.types : store.types.filter((t) => !t.inactive);
    }
    const domain = q.get('domain')?.toLowerCase();
    if (domain === 'opps') rows = rows.filter((t) => t.use === 'opps');
    else if (domain === 'prjs') rows = rows.filter((t) => t.use === 'prjs');
    else if (domain === 'reqs') rows = rows.filter((t) => t.use === 'tickets');
    const search = q.get('search')?.trim().toLowerCase();
    if (search) rows = rows.filter((t) => t.name.toLowerCase().includes(search));
    return { status: 200, json: rows.slice().sort((a, b) => a.sequence - b.sequence || a.id - b.id).map(typeList) };
  }

  function ticketDetailOfType(t: HTicketType) {
    const allowedClients = store.clients
      .filter((c) => !c.allowAllTypes && c.allowedTypeIds.includes(t.id))
      .map((c) => ({ client_id: c.id, client_name: c.name, request_type: t.id }));
    return { ...typeList(t), allowed_clients: allowedClients, fields: [] };
  }

  function ticketFilter(q: Map<string, string>, opportunitiesOnly: boolean): TicketFilter | ApiResult {
    const f: TicketFilter = { opportunitiesOnly };
    const fromRaw = q.get('lastupdatefromdate');
    const toRaw = q.get('lastupdatetodate');
    if (fromRaw !== undefined && fromRaw.trim() !== '') {
      const v = parseHaloDate(fromRaw);
      if (v === null) return { status: 400, json: `The value '${fromRaw}' is not valid for lastupdatefromdate.` };
      f.from = v;
    }
    if (toRaw !== undefined && toRaw.trim() !== '') {
      const v = parseHaloDate(toRaw);
      if (v === null) return { status: 400, json: `The value '${toRaw}' is not valid for lastupdatetodate.` };
      f.to = v;
    }
    const clientId = int(q.get('client_id'));
    if (clientId !== undefined && clientId > 0) f.clientId = clientId;
    const siteId = int(q.get('site_id'));
    if (siteId !== undefined && siteId > 0) f.siteId = siteId;
    f.typeIds = intSet(q.get('requesttype_id') ?? q.get('tickettype_id'));
    f.statusIds = intSet(q.get('status_id') ?? q.get('status'));
    if (bool(q, 'open_only') === true) f.openOnly = true;
    if (bool(q, 'closed_only') === true) f.closedOnly = true;
    f.ids = intSet(q.get('ticketids'));
    const search = q.get('search')?.trim();
    if (search) f.search = search;
    const domain = q.get('domain')?.toLowerCase();
    if (domain) f.domain = domain;
    return f;
  }

  function sortTickets(rows: HTicket[], q: Map<string, string>): HTicket[] {
    const order = q.get('order')?.toLowerCase();
    const desc = bool(q, 'orderdesc') === true;
    if (!order && !desc) return rows;
    // queryTickets answers in id order already
    if (!desc && (order === 'id' || order === 'ticketid')) return rows;
    const key: (t: HTicket) => number =
      order === 'last_update' || order === 'lastupdate' ? (t) => t.lastUpdate
        : order === 'dateoccurred' ? (t) => t.dateOccurred
          : order === 'dateclosed' ? (t) => t.dateClosed ?? 0
            : (t) => t.id;
    const sorted = rows.slice().sort((a, b) => key(a) - key(b) || a.id - b.id);
    if (desc) sorted.reverse();
    return sorted;
  }

  function listTickets(q: Map<string, string>, opportunitiesOnly: boolean): ApiResult {
    const f = ticketFilter(q, opportunitiesOnly);
    if ('status' in f) return f as ApiResult;
    const rows = sortTickets(store.queryTickets(f as TicketFilter), q);
    if (bool(q, 'ticketidonly') === true) return idOnly(rows, 'tickets');
    const result = page(rows, q, 'tickets', PAGE_CAP_TICKETS, ticketList);
    if (!opportunitiesOnly && bool(q, 'pageinate') === true && result.status === 200) {
      store.noteTicketPage(((result.json as { tickets: { id: number }[] }).tickets).map((t) => t.id));
    }
    return result;
  }

  // POST /Tickets (halo.md §8)
  function postTickets(body: string, token: TokenInfo): ApiResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { status: 400, json: 'The request body is not valid JSON' };
    }
    if (!Array.isArray(parsed)) return { status: 400, json: 'Invalid request: the body must be an array of tickets' };
    if (parsed.length === 0) return { status: 400, json: 'Invalid request: no tickets were supplied' };
    type Plan = { kind: 'create'; args: Parameters<HaloStore['createTicketFromApi']>[0] } | { kind: 'update'; ticket: HTicket; item: Record<string, unknown> };
    const plans: Plan[] = [];
    for (const raw of parsed) {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { status: 400, json: 'Invalid request: each ticket must be an object' };
      const item = raw as Record<string, unknown>;
      const id = num(item.id);
      if (id !== undefined && id > 0) {
        const t = store.ticketById.get(id);
        if (!t) return { status: 400, json: `Ticket ${id} does not exist` };
        plans.push({ kind: 'update', ticket: t, item });
        continue;
      }
      const clientId = num(item.client_id);
      if (clientId === undefined || clientId <= 0) return { status: 400, json: 'Please select a Customer' };
      const client = store.clientById.get(clientId);
      if (!client) return { status: 400, json: `Customer ${clientId} does not exist` };
      const summary = typeof item.summary === 'string' ? item.summary.trim() : '';
      if (!summary) return { status: 400, json: 'Please enter a Summary' };
      const typeId = num(item.tickettype_id) ?? store.defaultTypeId;
      const type = store.typeById.get(typeId);
      if (!type) return { status: 400, json: `Ticket type ${typeId} does not exist` };
      if (!store.mayUseType(client, type)) return { status: 400, json: 'The ticket type is not allowed for this customer' };
      const userId = num(item.user_id) ?? 0;
      let siteId = num(item.site_id);
      if (userId > 0 && (siteId === undefined || siteId <= 0)) return { status: 400, json: 'Please select a Site' };
      if (siteId !== undefined && siteId > 0) {
        const s = store.siteById.get(siteId);
        if (!s || s.clientId !== client.id) return { status: 400, json: 'The selected Site does not belong to the selected Customer' };
      } else siteId = client.mainSiteId;
      const detailsHtml = typeof item.details_html === 'string' ? item.details_html
        : typeof item.details === 'string' ? `<p>${escapeHtml(item.details)}</p>` : '';
      const details = typeof item.details === 'string' ? item.details : stripHtml(detailsHtml);
      const occurredRaw = typeof item.dateoccurred === 'string' ? item.dateoccurred : undefined;
      const dateOccurred = occurredRaw ? parseHaloDate(occurredRaw) : null;
      if (occurredRaw && dateOccurred === null) return { status: 400, json: `The value '${occurredRaw}' is not valid for dateoccurred.` };
      const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
      const opp = type.isOpportunity
        ? {
            companyname: str(item.oppcompanyname) || client.name,
            contactname: str(item.oppcontactname),
            emailaddress: str(item.oppemailaddress),
            value: num(item.oppvalue, true) ?? 0,
            conversionprobability: num(item.oppconversionprobability, true) ?? 0,
            type: str(item.opptype),
            pipelineStageId: num(item.pipeline_stage_id) ?? 1,
          }
        : null;
      plans.push({
        kind: 'create',
        args: {
          client, type, summary, details, detailsHtml, siteId, userId, dateOccurred,
          statusId: num(item.status_id) !== undefined && store.statusById.has(num(item.status_id) as number) ? num(item.status_id) : undefined,
          opp,
          userdef: [str(item.userdef1), str(item.userdef2), str(item.userdef3), str(item.userdef4), str(item.userdef5)],
          agentId: API_AGENT.id,
          reference: str(item.reference),
        },
      });
    }
    void token;
    const results: HTicket[] = [];
    for (const p of plans) {
      if (p.kind === 'create') results.push(store.createTicketFromApi(p.args));
      else results.push(applyUpdate(p.ticket, p.item));
    }
    const hang = deps.takeFault(AFTER_CREATE_FAULTS);
    const replies = results.map(ticketPostReply);
    const json = replies.length === 1 || deps.behaviour().multiPostReply === 'first' ? replies[0] : replies;
    return { status: 201, json, hang: hang ?? undefined };
  }

  function applyUpdate(t: HTicket, item: Record<string, unknown>): HTicket {
    const patch: Parameters<HaloStore['updateTicket']>[1] = {};
    if (typeof item.summary === 'string') patch.summary = item.summary;
    if (typeof item.details === 'string') patch.details = item.details;
    else if (typeof item.details_html === 'string') patch.details = stripHtml(item.details_html);
    const statusId = num(item.status_id);
    if (statusId !== undefined) patch.statusId = statusId;
    store.updateTicket(t.id, patch);
    if (typeof item.details_html === 'string') t.detailsHtml = item.details_html;
    if (t.opp) {
      const v = num(item.oppvalue, true);
      if (v !== undefined) t.opp.value = v;
    }
    for (let i = 0; i < 5; i++) {
      const v = item[`userdef${i + 1}`];
      if (typeof v === 'string') t.userdef[i] = v;
    }
    return t;
  }

  // ---------------------------------------------------------------------------------------------
  // router

  return function handle(req: ApiRequest): ApiResult {
    const segs = req.path.split('/').filter(Boolean).slice(1); // drop "api"
    const [resource, idSeg, extra] = segs;
    if (!resource || extra !== undefined) return notFound();
    const known = ['agent', 'client', 'site', 'tickettype', 'tickets', 'opportunities', 'status', 'instanceinfo'];
    if (!known.includes(resource)) return notFound();
    if (idSeg !== undefined && !/^-?\d+$/.test(idSeg) && !(resource === 'agent' && idSeg === 'me')) return notFound();
    const id = idSeg !== undefined && idSeg !== 'me' ? Number(idSeg) : undefined;

    const method = req.method.toUpperCase();
    const isPostTickets = resource === 'tickets' && idSeg === undefined && method === 'POST';
    if (method !== 'GET' && !isPostTickets) return METHOD_NOT_ALLOWED;

    const token = deps.auth.verify(req.authorization);
    if (!token) return unauthorized(req.authorization ? 'invalid_token' : undefined);
    const behaviour = deps.behaviour();
    if (token.scopes.size === 0) return behaviour.noScopeStatus === 401 ? unauthorized('insufficient_scope') : forbidden('all');

    const need = (scope: string): ApiResult | null => (hasScope(token.scopes, scope) ? null : forbidden(scope));
    const q = req.query;
    // an agent without visibility: customer-scoped lists are empty, single records not found
    if (token.noVisibility && ['client', 'site', 'tickets', 'opportunities'].includes(resource) && method === 'GET') {
      const denied = need(resource === 'client' || resource === 'site' ? 'read:customers' : resource === 'tickets' ? 'read:tickets' : behaviour.opportunityScope === 'crm' ? 'read:crm' : 'read:tickets');
      if (denied) return denied;
      if (id !== undefined) return missing(resource, id);
      const key = resource === 'client' ? 'clients' : resource === 'site' ? 'sites' : 'tickets';
      return page([], q, key, resource === 'tickets' || resource === 'opportunities' ? PAGE_CAP_TICKETS : PAGE_CAP_OTHER, (x) => x);
    }

    switch (resource) {
      case 'agent': {
        const agent = { id: API_AGENT.id, name: API_AGENT.name, email: API_AGENT.email, initials: 'CA', isdisabled: false, is_api_agent: true, team: 'API', use: 'agent', roles: [{ id: 1, name: 'API' }] };
        if (idSeg === 'me') return { status: 200, json: agent };
        if (id !== undefined) return id === API_AGENT.id ? { status: 200, json: agent } : missing('Agent', id);
        return { status: 200, json: [agent, { id: 1, name: 'Halo Admin', email: 'admin@sandbox.halopsa.local', initials: 'HA', isdisabled: false, team: 'Admins', use: 'agent' }] };
      }
      case 'instanceinfo':
        return { status: 200, json: { id: '7c1bfe60-0000-4000-8000-000000000001', name: deps.tenant, version: '2.190.7', cloud: true } };
      case 'client': {
        const denied = need('read:customers');
        if (denied) return denied;
        if (id === undefined) return listClients(q);
        const c = store.clientById.get(id);
        return c ? { status: 200, json: clientDetail(c, bool(q, 'getavailablerts') === true) } : missing('Client', id);
      }
      case 'site': {
        const denied = need('read:customers');
        if (denied) return denied;
        if (id === undefined) return listSites(q);
        const s = store.siteById.get(id);
        return s ? { status: 200, json: siteList(s, true) } : missing('Site', id);
      }
      case 'tickettype': {
        if (behaviour.typeStatusScope === 'tickets') {
          const denied = need('read:tickets');
          if (denied) return denied;
        }
        if (id === undefined) return listTicketTypes(q);
        const t = store.typeById.get(id);
        return t ? { status: 200, json: ticketDetailOfType(t) } : missing('Ticket type', id);
      }
      case 'status': {
        if (behaviour.typeStatusScope === 'tickets') {
          const denied = need('read:tickets');
          if (denied) return denied;
        }
        const rows = store.statuses.map((s) => ({ id: s.id, name: s.name, shortname: s.shortname, type: s.type, colour: s.colour, sequence: s.sequence }));
        if (id === undefined) return { status: 200, json: rows };
        const s = rows.find((x) => x.id === id);
        return s ? { status: 200, json: s } : missing('Status', id);
      }
      case 'tickets': {
        if (isPostTickets) {
          const denied = need('edit:tickets');
          if (denied) return denied;
          return postTickets(req.body, token);
        }
        const denied = need('read:tickets');
        if (denied) return denied;
        if (id === undefined) return listTickets(q, false);
        const t = store.ticketById.get(id);
        return t ? { status: 200, json: ticketDetail(t) } : missing('Ticket', id);
      }
      case 'opportunities': {
        const denied = need(behaviour.opportunityScope === 'crm' ? 'read:crm' : 'read:tickets');
        if (denied) return denied;
        if (id === undefined) return listTickets(q, true);
        const t = store.ticketById.get(id);
        return t && t.isOpportunity ? { status: 200, json: ticketDetail(t) } : missing('Opportunity', id);
      }
    }
    return notFound();
  };
}

function num(v: unknown, allowFraction = false): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return allowFraction ? v : Math.trunc(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return allowFraction ? Number(v) : Math.trunc(Number(v));
  return undefined;
}

