/**
 * The seam between vendor connectors and the rest of Crosswalk.
 * Nothing outside src/connectors knows a vendor's field names: connectors emit these canonical records.
 * Ids are strings; dates are ISO-8601 UTC strings (or YYYY-MM-DD for date-only fields) or null.
 */
import type { CheckErrorCode, CheckResult } from '../shared/wire.js';
import type { HttpClient, HttpEvent, SleepFn } from './http/client.js';
import type { RateLimiter } from './http/rate-limiter.js';

/** What a connector takes besides its settings: the shared limiter, HTTP events, the clock, the HTTP layer's sleep. */
export interface ConnectorRuntime {
  /** A shared limiter (sync and export of one integration); overrides the settings' rate limit. */
  limiter?: RateLimiter;
  /** HTTP events (URLs without secrets). */
  onEvent?: (e: HttpEvent) => void;
  /** Wall clock in epoch ms (token expiry, ticket window, dates written). */
  now?: () => number;
  /** Injectable sleep for the HTTP layer's waits (tests). */
  sleep?: SleepFn;
}

/** What Test Settings answers: the wire shape of POST /api/integrations/KIND/test. */
export type { CheckErrorCode, CheckResult };

export interface Page<T> {
  records: T[];
  /** The vendor's total count when it reports one. */
  total: number | null;
  /**
   * Where the read stands once this page (and every page before it) is stored: JSON the stream takes back as
   * `resumeFrom` to go on from there. Streams without one restart from scratch when a run resumes.
   */
  checkpoint?: unknown;
  /**
   * The stream already fetches the pages after this one while it is handled (concurrent paging), so a crash loses
   * those anyway: the runner may then hold this checkpointed page in a batch (see FLUSH_RECORDS / FLUSH_MS in
   * src/sync/runner.ts) instead of storing it before it asks for the next page. Absent or false: a checkpointed page
   * is stored before the next one is asked for, so a crash loses at most the page in flight.
   */
  readAhead?: boolean;
}

export interface StreamReadOptions {
  /** Incremental watermark with the overlap already applied; null means a full pull. */
  since: Date | null;
  signal?: AbortSignal;
  /** The checkpoint of the last page this run stored (a run resumed after its worker died). */
  resumeFrom?: unknown;
  /** Ids of the records this run has stored for this stream so far, whichever process stored them (reconciliation). */
  storedIds?: () => Promise<Set<string>>;
}

export interface StreamResult {
  fetched: number;
  expected: number | null;
  /** True when fewer records arrived than the vendor announced, or paging stopped early. */
  partial: boolean;
  reason?: string;
  /** Ids stored by this run that the vendor no longer lists at the end of the read (deleted meanwhile): removed. */
  gone?: string[];
  /** A full read that covers only open records and those updated since a date: the sweep keeps to that window. */
  sweepWindow?: { openOrUpdatedSince: string | null };
}

export interface Stream<T> {
  name: string;
  /** Whether read() honours `since`; a non-incremental stream is always a full pull (mark and sweep). */
  incremental: boolean;
  read(opts: StreamReadOptions): AsyncGenerator<Page<T>, StreamResult>;
}

export interface ItgOrganization {
  id: string;
  name: string;
  statusId: string | null;
  statusName: string | null;
  typeId: string | null;
  typeName: string | null;
  primary: boolean;
  shortName: string | null;
  psaId: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface ItgNamed {
  id: string;
  name: string;
}

export interface ItgConfiguration {
  id: string;
  organizationId: string;
  name: string;
  hostname: string | null;
  typeName: string | null;
  serialNumber: string | null;
  assetTag: string | null;
  manufacturerName: string | null;
  modelName: string | null;
  /** YYYY-MM-DD */
  warrantyExpiresAt: string | null;
  /** YYYY-MM-DD (lifecycle) */
  purchasedAt: string | null;
  /** YYYY-MM-DD (lifecycle) */
  installedAt: string | null;
  operatingSystemName: string | null;
  archived: boolean;
  updatedAt: string | null;
}

export interface ItgDomain {
  id: string;
  organizationId: string;
  name: string;
  registrarName: string | null;
  expiresOn: string | null;
  updatedAt: string | null;
}

export interface PsaCompany {
  id: string;
  name: string;
  inactive: boolean;
  website: string | null;
  domain: string | null;
  phone: string | null;
  updatedAt: string | null;
}

export interface PsaSite {
  id: string;
  companyId: string;
  name: string;
  inactive: boolean;
}

export interface PsaTicketType {
  id: string;
  name: string;
  isOpportunity: boolean;
  inactive: boolean;
  /** The vendor's own classification of the type (what decides `isOpportunity`), e.g. a usage code; null when none. */
  category?: string | null;
}

/**
 * Which ticket types one PSA company may use: all of them, or those listed (ids). Comes from the sync where the
 * vendor tells it for every company at once, else from a live lookup of that company.
 */
export interface PsaTicketTypeRule {
  /** The PSA company's id. */
  id: string;
  allowAll: boolean;
  /** Ticket type ids the company may use when `allowAll` is false. */
  typeIds: string[];
}

export interface PsaTicket {
  id: string;
  companyId: string;
  summary: string;
  status: string;
  closed: boolean;
  typeId: string | null;
  typeName: string | null;
  openedAt: string | null;
  closedAt: string | null;
  updatedAt: string | null;
}

/** Streams of the primary (documentation) integration. */
export interface PrimaryStreams {
  organizationStatuses: Stream<ItgNamed>;
  organizationTypes: Stream<ItgNamed>;
  organizations: Stream<ItgOrganization>;
  configurations: Stream<ItgConfiguration>;
  domains: Stream<ItgDomain>;
}

export interface PrimaryConnector {
  kind: string;
  check(): Promise<CheckResult>;
  streams(): PrimaryStreams;
  readonly http: HttpClient;
}

export interface PsaStreams {
  companies: Stream<PsaCompany>;
  sites?: Stream<PsaSite>;
  ticketTypes: Stream<PsaTicketType>;
  /** Which ticket types each company may use, where the vendor can tell it for all companies at once. */
  ticketTypeRules?: Stream<PsaTicketTypeRule>;
  tickets: Stream<PsaTicket>;
}

export interface CreateOpportunityInput {
  companyId: string;
  ticketTypeId: string;
  summary: string;
  detailsHtml: string;
  value: number | null;
  /** 0–100 */
  probability?: number | null;
  /** Expected close date, YYYY-MM-DD. */
  closeDate?: string | null;
  /** Our idempotency key, written into the ticket so an ambiguous failure can be resolved by search. */
  marker: string;
}

/** The ticket a PSA created (or that was found by its marker). */
export interface CreatedTicket {
  ticketId: string;
  /** The number people see in the PSA, when it differs from the id or is known. */
  ticketNumber?: string;
  /** A link that opens the ticket in the PSA's web app, when it can be derived. */
  url?: string;
}

export interface PsaConnector {
  kind: string;
  check(opts: { pullTickets: boolean; opportunityExport: boolean }): Promise<CheckResult>;
  streams(opts: { ticketMonths: number }): PsaStreams;
  allowedTicketTypes(companyId: string): Promise<PsaTicketType[]>;
  createOpportunityTicket(input: CreateOpportunityInput): Promise<CreatedTicket>;
  findTicketByMarker(companyId: string, marker: string): Promise<string | null>;
  /** The ticket's number and link in the PSA's web app, as far as they can be derived from its id. */
  ticketRef(ticketId: string): CreatedTicket;
  readonly http: HttpClient;
}
