/**
 * Types of the Syncro sandbox (see shared/apis/syncro.md). Every place the document marks "uncertain — keep
 * configurable" is a variant the sandbox can play (`SyncroVariants`), switchable at runtime.
 */
import type { Fault as SharedFault, FaultSpec as SharedFaultSpec } from '../shared/faults.js';
import type { RequestLogEntry, RequestStats } from '../shared/request-log.js';
import type { SCustomer, STicket } from './seed-data.js';

export const SYNCRO_FAULT_TYPES = [
  '500', '502', '503', '429', 'reset', 'slow', 'html404', 'repeat-page', 'post-timeout-after-create', 'reset-after-create', '500-after-create',
] as const;
export type SyncroFaultType = (typeof SYNCRO_FAULT_TYPES)[number];
export type FaultSpec = SharedFaultSpec<SyncroFaultType>;
export type Fault = SharedFault<SyncroFaultType>;
export type { RequestLogEntry };

/** The permission checkboxes of a Syncro API token that the sandbox checks (syncro.md §1). */
export const SYNCRO_PERMISSIONS = ['Customers - List/Search', 'Customers - View Detail', 'Tickets - List/Search', 'Tickets - View Details', 'Tickets - Create'] as const;
export type SyncroPermission = (typeof SYNCRO_PERMISSIONS)[number];

export interface SyncroSandboxToken {
  token: string;
  /** Granted permission checkboxes; default all. */
  permissions?: SyncroPermission[];
  /** An expired token answers 401 everywhere (syncro.md §1). */
  expired?: boolean;
  /** A technician who is not a full-time agent: lists come back empty (syncro.md §1, uncertain). */
  seesNothing?: boolean;
}

export interface SyncroVariants {
  /** `per_page`: ignored (the official reference: 25 per page) or honoured up to `perPageCap`. */
  perPage: 'ignored' | 'honoured';
  perPageCap: number;
  /** The ticket update filter: a full timestamp is honoured, or cut to the day (in the account's zone). */
  since: 'timestamp' | 'date-only';
  /** The ticket update filter's parameter name (`since_updated_at`; one public client sends `since`). */
  sinceParam: string;
  /** Status of a request whose token lacks the permission. */
  missingPermissionStatus: 401 | 403;
  /** Whether `GET /me` exists. */
  me: boolean;
  /** `number` of a ticket as a JSON number or a string. */
  ticketNumber: 'int' | 'string';
  /** Where the issue types are listed: `GET /tickets/settings` (`problem_types`), `GET /ticket_problem_types`, or nowhere. */
  issueTypes: 'settings' | 'problem_types' | 'none';
  /** Status of a successful `POST /tickets`. */
  postStatus: 200 | 201;
  /** Which first-comment shape `POST /tickets` records. */
  comment: 'comments_attributes' | 'comment_body' | 'both';
  /** Error body shape. */
  errorBody: 'error' | 'errors-array' | 'errors-object' | 'message';
  /** Whether a 429 carries `Retry-After`. */
  retryAfter: boolean;
  /** Whether `query=` on /tickets also searches comment bodies (else subject and number only). */
  querySearchesComments: boolean;
  /** Whether list rows carry their comments (else only `GET /tickets/{id}` does). */
  listIncludesComments: boolean;
  /** Whether the token is accepted without the `Bearer ` prefix. */
  bearerOptional: boolean;
  /** Whether `include_disabled` is honoured (else disabled customers are always listed). */
  includeDisabledHonoured: boolean;
  /** The account's zone offset in minutes (timestamps carry it; date-only filters are read in it). */
  offsetMinutes: number;
}

export interface SyncroSandboxOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Customers from the seed's PSA businesses; default every `inPsa` business of the default seed. */
  customerCount?: number;
  /** Passed to generateBusinesses() as `count` (to mirror an IT Glue sandbox started with the same count). */
  businessCount?: number;
  /** Individuals (no business name) added after the businesses; default 4. */
  individuals?: number;
  ticketCount?: number;
  /** Default: one token with every permission (`SYNCRO_SANDBOX_DEFAULTS.apiToken`). */
  tokens?: SyncroSandboxToken[];
  /** Default 180 requests per rolling 60 s (syncro.md §6); null = unlimited. */
  rateLimit?: { limit: number; windowMs: number } | null;
  variants?: Partial<SyncroVariants>;
  latencyMs?: number;
  now?: () => number;
}

export interface CustomerInput {
  businessName?: string;
  firstname?: string;
  lastname?: string;
  email?: string;
  phone?: string;
  disabled?: boolean;
}

export interface TicketInput {
  customerId?: number;
  subject?: string;
  problemType?: string;
  status?: string;
  comment?: string;
}

export interface SyncroSandboxStats extends RequestStats {
  ticketsCreated: number;
  customers: number;
  tickets: number;
  maxInWindow: number;
}

export interface SyncroSandboxData {
  now: string;
  customers: { id: number; name: string; disabled: boolean; businessKey: string | null; email: string; phone: string }[];
  customerIds: number[];
  ticketIds: number[];
  issueTypes: string[];
}

export interface SyncroSandboxControl {
  addFault(f: FaultSpec): Fault;
  listFaults(): Fault[];
  clearFaults(): void;
  variants(): SyncroVariants;
  setVariants(v: Partial<SyncroVariants>): SyncroVariants;
  addToken(t: SyncroSandboxToken): void;
  expireToken(token: string): void;
  addCustomer(input: CustomerInput): number;
  updateCustomer(id: number, patch: CustomerInput): void;
  deleteCustomer(id: number): void;
  addTickets(input: { count?: number; tickets?: TicketInput[] }): number[];
  updateTicket(id: number, patch: TicketInput): void;
  deleteTicket(id: number): void;
  getTicket(id: number): STicket | undefined;
  getCustomer(id: number): SCustomer | undefined;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  stats(): SyncroSandboxStats;
  data(): SyncroSandboxData;
  setRateLimit(rl: { limit: number; windowMs: number } | null): void;
  setLatency(ms: number): void;
  reset(): void;
}

export interface SyncroSandbox {
  /** `http://host:port` */
  url: string;
  /** The API base: `${url}/api/v1` */
  baseUrl: string;
  control: SyncroSandboxControl;
  close(): Promise<void>;
}
