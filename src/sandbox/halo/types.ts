/**
 * Shared types of the HaloPSA sandbox (see shared/apis/halo.md).
 * Internal records hold times as epoch milliseconds; the API layer formats them in Halo's mixed shapes.
 */
import type { Fault as SharedFault, FaultSpec as SharedFaultSpec } from '../shared/faults.js';
import type { RequestLogEntry } from '../shared/request-log.js';
import type { HaloFaultType } from './faults.js';

export interface HaloSandboxApp {
  clientId: string;
  clientSecret: string;
  /** space-separated scopes the application may be granted; `all` grants everything */
  scopes: string;
  /**
   * The app's API agent sees no customers: lists (clients, sites, tickets, opportunities) come back empty
   * instead of failing (halo.md §9: "an agent without visibility usually gets empty lists").
   */
  noVisibility?: boolean;
}

/** Behaviour switches for the places halo.md marks "uncertain — keep configurable". Changeable at runtime. */
export interface HaloSandboxBehaviour {
  /** status for API calls made with a token that holds no scope at all (halo.md §1: "fails 401/403") */
  noScopeStatus: 401 | 403;
  /** status of the token endpoint for an unknown scope */
  invalidScopeStatus: number;
  /** issuing a new token voids the app's older tokens */
  newTokenVoidsOld: boolean;
  /** include `refresh_token: ""` in the token reply */
  includeRefreshToken: boolean;
  /** on the same-host form (/auth/token), any `?tenant=` (even the right one) is rejected */
  rejectNeedlessTenant: boolean;
  /** page_size above the cap: clamp (echoing the effective size) or 400 */
  pageSizeOverCap: 'clamp' | 'reject';
  /** `/Client` list rows also carry `website` / `domain` (halo.md §6: which view has which is uncertain) */
  clientListIncludesWebsite: boolean;
  /** unknown id on `GET /X/{id}`: 404, or 200 with an object without `id` */
  missingRecord: '404' | 'empty200';
  /** scope needed for `/Opportunities`: crm (default) or tickets */
  opportunityScope: 'crm' | 'tickets';
  /** scope needed for `/TicketType` and `/Status`: none beyond a valid token, or read:tickets */
  typeStatusScope: 'none' | 'tickets';
  /** POST /Tickets with several items: reply with an array of all, or only the first object */
  multiPostReply: 'array' | 'first';
  /** `lastupdatefromdate` on /Client and /Site: ignored (default) or filters on the record's last update */
  filterClientsByLastUpdate: boolean;
}

export interface HaloSandboxOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** number of Halo clients; default: every `inPsa` business of the default seed (≈270) */
  clientCount?: number;
  /** passed to generateBusinesses() as `count` (to mirror an IT Glue sandbox started with the same count) */
  businessCount?: number;
  ticketCount?: number;
  clients?: HaloSandboxApp[];
  tenant?: string;
  /** the same-host token URL (/auth/token) then also needs `?tenant=` */
  tenantRequired?: boolean;
  tokenTtlSeconds?: number;
  rateLimit?: { limit: number; windowMs: number; retryAfterSeconds?: number } | null;
  latencyMs?: number;
  defaultUnpagedCount?: number;
  /** clock, for tests; default Date.now */
  now?: () => number;
  behaviour?: Partial<HaloSandboxBehaviour>;
}

export interface HClient {
  id: number;
  name: string;
  inactive: boolean;
  toplevelId: number;
  toplevelName: string;
  isVip: boolean;
  isAccount: boolean;
  ref: string;
  notes: string;
  customertype: number;
  stopped: number;
  website: string;
  domain: string;
  phone: string;
  city: string;
  mainSiteId: number;
  allowAllTypes: boolean;
  allowedTypeIds: number[];
  lastUpdate: number;
  /** SeedBusiness.key (null for clients added through the control interface) */
  businessKey: string | null;
}

export interface HSite {
  id: number;
  name: string;
  clientId: number;
  inactive: boolean;
  phonenumber: string;
  timezone: string;
  notes: string;
  line1: string;
  city: string;
  postcode: string;
  lastUpdate: number;
}

export interface HTicketType {
  id: number;
  guid: string;
  name: string;
  use: string;
  itilrequesttype: number;
  groupId: number;
  groupName: string;
  sequence: number;
  visible: boolean;
  agentscanselect: boolean;
  enduserscanselect: boolean;
  defaultSla: number;
  workflowId: number;
  inactive: boolean;
  isOpportunity: boolean;
}

export interface HStatus {
  id: number;
  name: string;
  shortname: string;
  type: number;
  colour: string;
  sequence: number;
  closed: boolean;
}

export interface HTicket {
  id: number;
  summary: string;
  details: string;
  detailsHtml: string;
  dateOccurred: number;
  statusId: number;
  typeId: number;
  priorityId: number;
  clientId: number;
  siteId: number;
  userId: number;
  userName: string;
  agentId: number;
  team: string;
  closed: boolean;
  dateClosed: number | null;
  lastUpdate: number;
  lastAction: number;
  /** 4 extra sub-millisecond digits, for the 7-digit fraction shape */
  subMs: number;
  /** 0: `…1234567Z`, 1: naive `…123`, 2: trimmed `…12Z` (shape of last_update) */
  shape: number;
  isOpportunity: boolean;
  reference: string;
  userdef: [string, string, string, string, string];
  opp: {
    companyname: string;
    contactname: string;
    emailaddress: string;
    value: number;
    conversionprobability: number;
    type: string;
    pipelineStageId: number;
  } | null;
}

export type FaultType = HaloFaultType;
export type FaultSpec = SharedFaultSpec<HaloFaultType>;
export type Fault = SharedFault<HaloFaultType>;
export type { RequestLogEntry };

export interface TicketInput {
  clientId?: number;
  summary?: string;
  details?: string;
  typeId?: number;
  siteId?: number;
  closed?: boolean;
  statusId?: number;
  dateOccurred?: string;
  lastUpdate?: string;
  oppValue?: number;
}

export interface TicketPatch {
  summary?: string;
  details?: string;
  clientId?: number;
  typeId?: number;
  statusId?: number;
  closed?: boolean;
  siteId?: number;
  /** explicit last update (ISO); default now */
  lastUpdate?: string;
}

export interface ClientInput {
  name?: string;
  inactive?: boolean;
  website?: string;
  domain?: string;
  allowAllTypes?: boolean;
  allowedTypeIds?: number[];
  notes?: string;
}

export interface HaloSandboxStats {
  requests: number;
  apiRequests: number;
  tokenRequests: number;
  byStatus: Record<string, number>;
  rateLimited: number;
  faultsInjected: number;
  tokensIssued: number;
  ticketsCreated: number;
  clients: number;
  sites: number;
  tickets: number;
  ticketTypes: number;
  /** the largest number of /api requests seen inside one rate-limit window */
  maxInWindow: number;
}

export interface HaloSandboxData {
  tenant: string;
  now: string;
  clients: {
    id: number; name: string; inactive: boolean; businessKey: string | null; website: string; domain: string;
    allowAllTypes: boolean; allowedTypeIds: number[]; siteIds: number[];
  }[];
  clientIds: number[];
  activeClientIds: number[];
  inactiveClientIds: number[];
  siteIds: number[];
  ticketTypes: { id: number; name: string; use: string; inactive: boolean; isOpportunity: boolean }[];
  opportunityTypeIds: number[];
  ticketCount: number;
  ticketIds?: number[];
  openTicketIds?: number[];
  opportunityTicketIds?: number[];
}

export interface HaloSandboxControl {
  addFault(f: FaultSpec): Fault;
  listFaults(): Fault[];
  clearFaults(): void;
  expireTokens(): number;
  addTickets(input: { count?: number; tickets?: TicketInput[] }): number[];
  updateTicket(id: number, patch: TicketPatch): boolean;
  deleteTicket(id: number): boolean;
  /**
   * Deletes `deleteServed` tickets already served on paged /Tickets list pages and creates `create` new ones: now, or
   * (with `afterTicketPages`) right after that many list pages were served — during a sync's read.
   */
  churnTickets(input: { deleteServed: number; create: number; afterTicketPages?: number }): { deleted: number[]; created: number[] } | { scheduled: true };
  /** The churn planned with `afterTicketPages`, and what each did. */
  churnPlans(): { afterTicketPages: number; deleteServed: number; create: number; result?: { deleted: number[]; created: number[] } }[];
  addClient(input: ClientInput): number;
  updateClient(id: number, patch: ClientInput): boolean;
  deleteClient(id: number): boolean;
  addApp(app: HaloSandboxApp): void;
  removeApp(clientId: string): boolean;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  stats(): HaloSandboxStats;
  data(opts?: { tickets?: boolean }): HaloSandboxData;
  reset(): void;
  setRateLimit(rl: { limit: number; windowMs: number; retryAfterSeconds?: number } | null): void;
  setLatency(ms: number): void;
  setBehaviour(b: Partial<HaloSandboxBehaviour>): HaloSandboxBehaviour;
  /** look up a ticket as stored (no formatting) */
  getTicket(id: number): HTicket | undefined;
}

export interface HaloSandbox {
  url: string;
  authUrl: string;
  resourceUrl: string;
  /** the shared-auth-host form base: POST `${sharedAuthUrl}/token?tenant=…` */
  sharedAuthUrl: string;
  tenant: string;
  close(): Promise<void>;
  control: HaloSandboxControl;
}
