/**
 * Deterministic Halo data built from the shared business seed: clients (PSA names), sites,
 * ticket types (ordinary, opportunity, an inactive one of each), statuses and tickets.
 * Generation is linear in the number of records (100,000 tickets take well under a second).
 */
import { createRng, generateBusinesses, type SeedBusiness } from '../seed/businesses.js';
import type { HClient, HSite, HStatus, HTicket, HTicketType } from './types.js';

const DAY = 86_400_000;
const MONTH = 30.44 * DAY;

export const TYPE_IDS = {
  incident: 1,
  problem: 2,
  serviceRequest: 3,
  change: 4,
  generalPurpose: 36,
  legacy: 37,
  newBusiness: 41,
  hardwareRefresh: 42,
  projectQuote: 43,
  retiredUpsell: 44,
  project: 50,
} as const;

function guid(rng: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(rng() * 4)]}${hex(3)}-${hex(12)}`;
}

export function buildTicketTypes(seed: number): HTicketType[] {
  const rng = createRng(seed ^ 0x7e57);
  const t = (id: number, name: string, use: string, itil: number, seq: number, extra: Partial<HTicketType> = {}): HTicketType => ({
    id, guid: guid(rng), name, use, itilrequesttype: itil, groupId: 0, groupName: '', sequence: seq, visible: true,
    agentscanselect: true, enduserscanselect: use === 'tickets', defaultSla: use === 'tickets' ? 1 : 0, workflowId: 0,
    inactive: false, isOpportunity: use === 'opps', ...extra,
  });
  return [
    t(TYPE_IDS.incident, 'Incident', 'tickets', 1, 1, { groupId: 1, groupName: 'Support' }),
    t(TYPE_IDS.problem, 'Problem', 'tickets', 2, 4, { groupId: 1, groupName: 'Support', enduserscanselect: false }),
    t(TYPE_IDS.serviceRequest, 'Service Request', 'tickets', 3, 3, { groupId: 1, groupName: 'Support' }),
    t(TYPE_IDS.change, 'Change Request', 'tickets', 4, 5, { groupId: 1, groupName: 'Support', workflowId: 3 }),
    t(TYPE_IDS.generalPurpose, 'General Purpose', 'tickets', 1, 2),
    t(TYPE_IDS.legacy, 'Legacy Support (retired)', 'tickets', 1, 20, { inactive: true, visible: false, agentscanselect: false, enduserscanselect: false }),
    t(TYPE_IDS.newBusiness, 'New Business Opportunity', 'opps', 20, 10, { groupId: 2, groupName: 'Sales', workflowId: 7 }),
    t(TYPE_IDS.hardwareRefresh, 'Hardware Refresh', 'opps', 20, 11, { groupId: 2, groupName: 'Sales', workflowId: 7 }),
    t(TYPE_IDS.projectQuote, 'Project Quote', 'opps', 20, 12, { groupId: 2, groupName: 'Sales', workflowId: 7 }),
    t(TYPE_IDS.project, 'Project', 'prjs', 5, 15, { groupId: 3, groupName: 'Projects', enduserscanselect: false }),
    // an opportunity type no longer in use: never offered, whoever may use it
    t(TYPE_IDS.retiredUpsell, 'Managed Services Upsell (retired)', 'opps', 20, 13, {
      groupId: 2, groupName: 'Sales', workflowId: 7, inactive: true, visible: false, agentscanselect: false,
    }),
  ];
}

export function buildStatuses(): HStatus[] {
  const s = (id: number, name: string, shortname: string, type: number, colour: string, sequence: number, closed = false): HStatus =>
    ({ id, name, shortname, type, colour, sequence, closed });
  return [
    s(1, 'New', 'New', 1, '#2d9cdb', 1),
    s(2, 'In Progress', 'InProg', 2, '#f2994a', 2),
    s(3, 'Action Required', 'ActReq', 2, '#eb5757', 3),
    s(4, 'Waiting on User', 'WaitUsr', 3, '#bdbdbd', 4),
    s(5, 'Updated', 'Upd', 2, '#9b51e0', 5),
    s(8, 'On Hold', 'Hold', 3, '#828282', 6),
    s(9, 'Closed', 'Closed', 4, '#27ae60', 9, true),
    s(21, 'Won', 'Won', 4, '#219653', 10, true),
    s(22, 'Lost', 'Lost', 4, '#4f4f4f', 11, true),
  ];
}

const OPEN_STATUSES = [1, 2, 2, 3, 4, 5, 8];

/** Restricted type sets handed to some clients (allowall_tickettypes = false). */
const RESTRICTED_SETS: number[][] = [
  // excludes Hardware Refresh and Project Quote
  [TYPE_IDS.generalPurpose, TYPE_IDS.incident, TYPE_IDS.serviceRequest, TYPE_IDS.newBusiness],
  // no opportunity type at all
  [TYPE_IDS.generalPurpose, TYPE_IDS.incident, TYPE_IDS.serviceRequest, TYPE_IDS.change],
  // excludes Project Quote
  [TYPE_IDS.generalPurpose, TYPE_IDS.incident, TYPE_IDS.serviceRequest, TYPE_IDS.change, TYPE_IDS.newBusiness, TYPE_IDS.hardwareRefresh],
  // only one active opportunity type, Project Quote (and the retired one)
  [TYPE_IDS.incident, TYPE_IDS.serviceRequest, TYPE_IDS.projectQuote, TYPE_IDS.legacy, TYPE_IDS.retiredUpsell],
];

const FIRST = ['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Jamie', 'Riley', 'Chris', 'Pat', 'Dana', 'Robin', 'Lee', 'Kim',
  'Priya', 'Mateo', 'Sofia', 'Liam', 'Olivia', 'Noah', 'Emma', 'Ava', 'Ethan', 'Mia', 'Lucas', 'Zoe', 'Hannah', 'Omar', 'Yuki', 'Grace'];
const LAST = ['Smith', 'Nguyen', 'Garcia', 'Patel', 'Brown', 'Okafor', 'Kowalski', 'Murphy', 'Rossi', 'Chen', 'Walker', 'Hughes',
  'Fischer', 'Silva', 'Khan', 'Reid', 'Baker', 'Lopez', 'Ward', 'Price'];
const DEVICES = ['laptop', 'desktop', 'printer', 'scanner', 'monitor', 'docking station', 'phone', 'tablet', 'label printer', 'UPS'];
const APPS = ['Outlook', 'Teams', 'OneDrive', 'SharePoint', 'Excel', 'QuickBooks', 'Xero', 'Dentrix', 'Sage', 'Adobe Acrobat', 'Chrome', 'the CRM', 'the VPN client'];
const TEMPLATES: ((r: () => number) => string)[] = [
  (r) => `${cap(pick(r, DEVICES))} offline`,
  (r) => `${pick(r, APPS)} not syncing`,
  (r) => `${pick(r, APPS)} keeps crashing`,
  (r) => `New starter setup - ${pick(r, FIRST)} ${pick(r, LAST)}`,
  (r) => `Leaver - disable account for ${pick(r, FIRST)} ${pick(r, LAST)}`,
  () => 'Password reset',
  (r) => `Password reset for ${pick(r, FIRST)}`,
  () => 'VPN connection drops every few minutes',
  (r) => `${cap(pick(r, DEVICES))} running slow`,
  () => 'Cannot print to the office printer',
  () => 'Wi-Fi dropping in the meeting room',
  (r) => `Install ${pick(r, APPS)} on new ${pick(r, DEVICES)}`,
  () => 'Microsoft 365 licence request',
  () => 'Shared mailbox access request',
  () => 'Phishing email reported',
  () => 'Backup job failed overnight',
  () => 'Server disk space low',
  () => 'Firewall firmware update',
  () => 'Renew SSL certificate',
  (r) => `Move ${pick(r, DEVICES)} to another desk`,
  () => 'Email bouncing from a supplier',
  () => 'MFA prompt not arriving',
  () => 'Scheduled patching - monthly',
  () => 'Antivirus alert on workstation',
  () => 'Request for a second monitor',
  () => 'Teams calls dropping audio',
  () => 'Domain renewal reminder',
  (r) => `Replace battery in ${pick(r, DEVICES)}`,
];
const OPP_TEMPLATES: ((r: () => number) => string)[] = [
  (r) => `Replace ${4 + Math.floor(r() * 30)} laptops`,
  () => 'Server refresh',
  () => 'Microsoft 365 migration quote',
  () => 'Firewall upgrade',
  () => 'Network cabling for new office',
  () => 'Wi-Fi survey and access points',
  () => 'Backup and DR proposal',
  (r) => `${8 + Math.floor(r() * 40)} new desktops for expansion`,
  () => 'Managed security services upsell',
  () => 'VoIP phone system replacement',
];
const TEAMS = ['1st Line Support', '1st Line Support', '1st Line Support', '2nd Line Support', '2nd Line Support', 'Projects', 'Infrastructure'];
const SITE_NAMES = ['Main Office', 'Warehouse', 'Branch Office', 'Clinic', 'Store', 'Depot', 'Annex'];
const TIMEZONES = ['Eastern Standard Time', 'Central Standard Time', 'Mountain Standard Time', 'Pacific Standard Time', 'GMT Standard Time', 'AUS Eastern Standard Time'];
const STREETS = ['Main St', 'High Street', 'Market St', 'Park Ave', 'Church Road', 'Station Road', 'Oak Lane', 'Commerce Dr', 'Industrial Way'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}
function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The Halo clients' businesses: `inPsa` ones, in seed order. */
export function selectBusinesses(opts: { seed: number; clientCount?: number; businessCount?: number }): SeedBusiness[] {
  const { seed, clientCount, businessCount } = opts;
  if (businessCount !== undefined) {
    const list = generateBusinesses({ count: businessCount, seed }).filter((b) => b.inPsa);
    return clientCount !== undefined && clientCount < list.length ? list.slice(0, clientCount) : padTo(list, clientCount, seed);
  }
  if (clientCount === undefined) {
    return padTo(generateBusinesses({ seed }).filter((b) => b.inPsa), 150, seed);
  }
  // generateBusinesses is prefix-stable: grow the count until enough businesses are in the PSA
  let count = Math.ceil(clientCount / 0.85) + 10;
  for (let i = 0; i < 6; i++) {
    const list = generateBusinesses({ count, seed }).filter((b) => b.inPsa);
    if (list.length >= clientCount) return list.slice(0, clientCount);
    count = Math.ceil(count * 1.2) + 10;
  }
  return padTo(generateBusinesses({ count, seed }).filter((b) => b.inPsa), clientCount, seed);
}

/** Adds PSA-only filler businesses when the seed yields fewer than `min`. */
function padTo(list: SeedBusiness[], min: number | undefined, seed: number): SeedBusiness[] {
  if (min === undefined || list.length >= min) return list;
  const rng = createRng(seed ^ 0xfade);
  const out = list.slice();
  for (let i = out.length; i < min; i++) {
    const name = `${pick(rng, LAST)} ${pick(rng, ['Holdings', 'Trading', 'Supplies', 'Studios', 'Logistics'])} ${i + 1}`;
    out.push({
      key: `halo-only-${i + 1}`, itglueName: name, psaName: name, variant: 'psa-only', domain: null, phone: null, city: 'Denver',
      primaryStatus: 'Active', primaryType: 'Customer', inPrimary: false, inPsa: true, psaInactive: false,
    });
  }
  return out;
}

function websiteFor(r: () => number, domain: string | null): { website: string; domain: string } {
  if (!domain) return { website: '', domain: '' };
  const x = r();
  if (x < 0.45) return { website: `https://www.${domain}`, domain };
  if (x < 0.65) return { website: `www.${domain}`, domain };
  if (x < 0.75) return { website: `http://${domain}/`, domain };
  if (x < 0.85) return { website: `https://${domain}`, domain: '' };
  if (x < 0.93) return { website: '', domain };
  return { website: `https://www.${domain}/contact-us`, domain };
}

export interface HaloSeedData {
  clients: HClient[];
  sites: HSite[];
  types: HTicketType[];
  statuses: HStatus[];
  tickets: HTicket[];
  nextClientId: number;
  nextSiteId: number;
  nextTicketId: number;
}

export function generateHaloData(opts: { seed: number; clientCount?: number; businessCount?: number; ticketCount: number; now: number }): HaloSeedData {
  const { seed, now } = opts;
  const rng = createRng((seed * 2654435761) ^ 0x4a10);
  const types = buildTicketTypes(seed);
  const statuses = buildStatuses();
  const businesses = selectBusinesses(opts);

  const clients: HClient[] = [];
  const sites: HSite[] = [];
  const sitesOf = new Map<number, HSite[]>();
  let clientId = 12;
  let siteId = 18;
  businesses.forEach((b, i) => {
    const id = clientId;
    clientId += rng() < 0.08 ? 2 + Math.floor(rng() * 3) : 1;
    // a few fixed restricted clients early on, so small seeds always have them; then ~12% at random
    let allowAll = true;
    let allowed: number[] = [];
    if (i === 1 || i === 3 || i === 6 || i === 10) {
      allowAll = false;
      allowed = RESTRICTED_SETS[[1, 3, 6, 10].indexOf(i)].slice();
    } else if (rng() < 0.12) {
      allowAll = false;
      allowed = pick(rng, RESTRICTED_SETS).slice();
    }
    const web = websiteFor(rng, b.domain);
    const nSites = 1 + (rng() < 0.35 ? 1 : 0) + (rng() < 0.15 ? 1 : 0);
    const mySites: HSite[] = [];
    for (let s = 0; s < nSites; s++) {
      const site: HSite = {
        id: siteId++,
        name: s === 0 ? (rng() < 0.7 ? 'Head Office' : 'Main') : rng() < 0.5 ? `${b.city}` : pick(rng, SITE_NAMES),
        clientId: id,
        inactive: s > 0 && rng() < 0.08,
        phonenumber: s === 0 && b.phone ? b.phone : '',
        timezone: pick(rng, TIMEZONES),
        notes: '',
        line1: `${1 + Math.floor(rng() * 900)} ${pick(rng, STREETS)}`,
        city: b.city,
        postcode: String(10000 + Math.floor(rng() * 89999)),
        lastUpdate: now - Math.floor(rng() * 30 * MONTH),
      };
      if (s > 0 && mySites.some((x) => x.name === site.name)) site.name = `${site.name} ${s + 1}`;
      mySites.push(site);
      sites.push(site);
    }
    sitesOf.set(id, mySites);
    clients.push({
      id,
      name: b.psaName,
      inactive: b.psaInactive,
      toplevelId: 1,
      toplevelName: 'Customers',
      isVip: rng() < 0.05,
      isAccount: true,
      ref: '',
      notes: rng() < 0.1 ? 'Key account - see contract in Docs' : '',
      customertype: 0,
      stopped: 0,
      website: web.website,
      domain: web.domain,
      phone: b.phone ?? '',
      city: b.city,
      mainSiteId: mySites[0].id,
      allowAllTypes: allowAll,
      allowedTypeIds: allowed,
      lastUpdate: now - Math.floor(rng() ** 2 * 30 * MONTH),
      businessKey: b.key,
    });
  });

  // ticket volume per client: skewed (a few busy clients), inactive clients quieter
  const cum = new Float64Array(clients.length);
  let acc = 0;
  clients.forEach((c, i) => {
    acc += (c.inactive ? 0.15 : 0.3) + rng() ** 3 * 4;
    cum[i] = acc;
  });
  const pickClient = (): HClient => {
    const x = rng() * acc;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return clients[lo];
  };

  const n = clients.length === 0 ? 0 : Math.max(0, Math.floor(opts.ticketCount));
  const occurred = new Float64Array(n);
  const span = 30 * MONTH;
  for (let i = 0; i < n; i++) occurred[i] = now - Math.floor(rng() ** 1.15 * span) - 60_000;
  occurred.sort();
  const tickets: HTicket[] = new Array(n);
  let ticketId = 1001;
  const ctx: TicketCtx = { rng, types, sitesOf };
  for (let i = 0; i < n; i++) {
    const c = pickClient();
    tickets[i] = makeTicket(ctx, ticketId, c, occurred[i], now);
    ticketId += rng() < 0.03 ? 2 : 1;
  }
  return { clients, sites, types, statuses, tickets, nextClientId: clientId, nextSiteId: siteId, nextTicketId: ticketId };
}

export interface TicketCtx {
  rng: () => number;
  types: HTicketType[];
  sitesOf: Map<number, HSite[]>;
}

function allowedTypes(ctx: TicketCtx, c: HClient): HTicketType[] {
  return c.allowAllTypes ? ctx.types : ctx.types.filter((t) => c.allowedTypeIds.includes(t.id));
}

/** One realistic ticket for client `c`, opened at `occurred`, seen as of `now`. */
export function makeTicket(ctx: TicketCtx, id: number, c: HClient, occurred: number, now: number, force?: { opportunity?: boolean; closed?: boolean }): HTicket {
  const { rng } = ctx;
  const allowed = allowedTypes(ctx, c);
  const oppTypes = allowed.filter((t) => t.isOpportunity && !t.inactive);
  const isOpp = force?.opportunity ?? (oppTypes.length > 0 && rng() < 0.06);
  let type: HTicketType;
  if (isOpp && oppTypes.length > 0) type = pick(rng, oppTypes);
  else {
    const ordinary = allowed.filter((t) => t.use === 'tickets' && (!t.inactive || now - occurred > 18 * MONTH));
    const pool = ordinary.length ? ordinary : ctx.types.filter((t) => t.id === TYPE_IDS.generalPurpose);
    type = pick(rng, pool);
    if (rng() < 0.01) type = ctx.types.find((t) => t.id === TYPE_IDS.project) ?? type;
  }
  const age = now - occurred;
  const closed = force?.closed ?? rng() < (age > 14 * DAY ? 0.94 : age > 2 * DAY ? 0.5 : 0.15);
  let dateClosed: number | null = null;
  let lastUpdate: number;
  let statusId: number;
  if (closed) {
    dateClosed = Math.min(now - 1000, occurred + Math.floor(rng() ** 2 * 20 * DAY) + 30 * 60_000);
    if (dateClosed < occurred) dateClosed = occurred;
    lastUpdate = Math.min(now - 500, dateClosed + Math.floor(rng() * 2 * 3_600_000));
    statusId = type.isOpportunity ? (rng() < 0.5 ? 21 : 22) : 9;
  } else {
    lastUpdate = occurred + Math.floor(rng() * (now - occurred));
    statusId = pick(rng, OPEN_STATUSES);
  }
  if (lastUpdate < occurred) lastUpdate = occurred;
  const sites = ctx.sitesOf.get(c.id) ?? [];
  const site = sites.length ? (rng() < 0.75 ? sites[0] : pick(rng, sites)) : null;
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  const summary = type.isOpportunity ? pick(rng, OPP_TEMPLATES)(rng) : pick(rng, TEMPLATES)(rng);
  const details = type.isOpportunity
    ? `${first} ${last} asked for a proposal: ${summary.toLowerCase()}.`
    : `${first} reports: ${summary.toLowerCase()}. Started ${1 + Math.floor(rng() * 5)} day(s) ago.`;
  const shapeR = rng();
  return {
    id,
    summary,
    details,
    detailsHtml: `<p>${escapeHtml(details)}</p>`,
    dateOccurred: Math.floor(occurred),
    statusId,
    typeId: type.id,
    priorityId: 1 + Math.floor(rng() * 4),
    clientId: c.id,
    siteId: site ? site.id : 0,
    userId: 100 + Math.floor(rng() * 5000),
    userName: `${first} ${last}`,
    agentId: 1 + Math.floor(rng() * 8),
    team: type.isOpportunity ? 'Sales' : pick(rng, TEAMS),
    closed,
    dateClosed,
    lastUpdate: Math.floor(lastUpdate),
    lastAction: Math.floor(lastUpdate) - Math.floor(rng() * 3000),
    subMs: Math.floor(rng() * 10000),
    shape: shapeR < 0.6 ? 0 : shapeR < 0.85 ? 1 : 2,
    isOpportunity: type.isOpportunity,
    reference: rng() < 0.05 ? `PO-${10000 + Math.floor(rng() * 89999)}` : '',
    userdef: ['', '', '', '', ''],
    opp: type.isOpportunity
      ? {
          companyname: c.name,
          contactname: `${first} ${last}`,
          emailaddress: c.domain ? `${first.toLowerCase()}.${last.toLowerCase()}@${c.domain.toLowerCase()}` : '',
          value: Math.round((500 + rng() ** 2 * 60000) / 50) * 50,
          conversionprobability: 10 * (1 + Math.floor(rng() * 9)),
          type: rng() < 0.6 ? 'New Business' : 'Upsell',
          pipelineStageId: 1 + Math.floor(rng() * 5),
        }
      : null,
  };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function stripHtml(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .trim();
}
