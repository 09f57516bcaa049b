/**
 * What the core knows about an integration: one `IntegrationDefinition` per vendor, exported from the vendor's
 * folder and listed once in `registry.ts`. Routes, the integration service, the sync engine, the CLI, the
 * scheduler, notifications and (through GET /api/integration-kinds) the web UI work from definitions only.
 */
import type { CheckErrorCode, CheckResult, CreateOpportunityInput, CreatedTicket, PsaTicketType, Stream } from '../connectors/contract.js';
import type { HttpClient, HttpEvent } from '../connectors/http/client.js';
import type { RateLimiter } from '../connectors/http/rate-limiter.js';
import type { IntegrationRole, SettingsField, SettingsGuide, StreamInfo } from '../shared/wire.js';

export type { IntegrationRole, SettingsField, SettingsGuide, StreamInfo };

/** Stored (non-secret) settings of one integration, as saved by the settings form. */
export type StoredSettings = Record<string, unknown>;
/** Decrypted secret fields (type `secret`) of one integration. */
export type Secrets = Record<string, string>;

/** Options every connector takes from the service (tests shorten waits). */
export interface ConnectorOptions {
  retryAfterDefaultMs?: number;
  timeoutMs?: number;
  backoffBaseMs?: number;
  /** Records per page asked for on every list (tests: more pages from less data); the vendor's caps still apply. */
  pageSize?: number;
  /** Pages fetched at once (tests). */
  concurrency?: number;
}

export interface ConnectContext<S> {
  settings: S;
  secrets: Secrets;
  /** One limiter per integration instance, shared by sync, Test Settings and export. */
  limiter: RateLimiter;
  onEvent?: (e: HttpEvent) => void;
  options?: ConnectorOptions;
}

/** What a PSA can do beyond syncing: the opportunity export. */
export interface PsaActions {
  /** The active ticket types the company may use, asked live (as opposed to the synced rules). */
  allowedTicketTypes(companyId: string): Promise<PsaTicketType[]>;
  /**
   * One POST, never retried blindly. Throws a ConnectorError: kind `config` (or code `unreachable`, `tls_error`,
   * `rate_limited`) when the PSA certainly created nothing; anything else leaves it open whether it did.
   */
  createOpportunityTicket(input: CreateOpportunityInput): Promise<CreatedTicket>;
  /** The company's ticket carrying the marker (our idempotency key), or null. */
  findTicketByMarker(companyId: string, marker: string): Promise<string | null>;
  /** Number and link of a ticket by its id. */
  ticketRef(ticketId: string): CreatedTicket;
}

/** What a PSA definition tells the core about opportunities (the core never reads a vendor's settings itself). */
export interface OpportunitySupport {
  /** Whether the settings allow exporting opportunities (the settings form's checkbox). */
  exportEnabled(settings: StoredSettings): boolean;
  /**
   * Whether a ticket type counts as an opportunity type under the current settings (admins may list types by hand
   * and change which vendor categories count), so a change of settings applies without a new sync.
   */
  isOpportunityType(type: { id: string; name: string; category: string | null }, settings: StoredSettings): boolean;
  /** What to set in the PSA when a company may use no opportunity type (the vendor's words). */
  noTypesHelp: string;
  /** What to do when export is turned off (the vendor's words, naming the setting). */
  disabledHelp: string;
}

/**
 * Addresses of records in the vendor's web app (opened in a new tab), built from the stored settings. Primary
 * integrations describe organizations and configurations; PSAs companies and tickets. Each is optional.
 */
export interface WebLinks {
  organization?(settings: StoredSettings, organizationId: string): string | null;
  configuration?(settings: StoredSettings, configuration: { id: string; organizationId: string }): string | null;
  company?(settings: StoredSettings, companyId: string): string | null;
  ticket?(settings: StoredSettings, ticketId: string): string | null;
}

/** A live connection to one vendor account, built from saved (or tested) settings. */
export interface IntegrationConnector {
  /** Test Settings: never throws. */
  check(): Promise<CheckResult>;
  /** Which streams go into which store tables. */
  plan(ctx: PlanContext): PlanStep[];
  readonly http: HttpClient;
  /** Present on supplemental (PSA) integrations. */
  readonly psa?: PsaActions;
}

/**
 * Where a stream's canonical records are stored. Primary integrations fill the documentation tables
 * (organizations and what hangs off them); supplemental ones the PSA tables (keyed by integration kind).
 */
export type SyncTarget =
  | 'organizationStatuses'
  | 'organizationTypes'
  | 'organizations'
  | 'configurations'
  | 'domains'
  | 'psaCompanies'
  | 'psaSites'
  | 'psaTicketTypes'
  | 'psaTicketTypeRules'
  | 'psaTickets';

export interface PlanStep {
  /** Progress key (a contract stream name); null = read but not shown (e.g. organization statuses). */
  progressName: string | null;
  stream: Stream<unknown>;
  target: SyncTarget;
  /** Full pulls find deletions by mark and sweep; false where a "full" pull is only a window. */
  sweepOnFull: boolean;
}

/** A stream as the core shows it: its progress name and label, whether summaries count it, where it is stored. */
export interface StreamSpec extends StreamInfo {
  target: SyncTarget;
}

export interface PlanContext {
  /** The initial PSA sync pulls open tickets and those updated in the last N months. */
  ticketHistoryMonths: number;
}

export interface SandboxInstance {
  url: string;
  /** The vendor sandbox itself (its control interface), for tests that know the vendor. */
  handle: unknown;
  /** Values for the settings form (field name → value), offered by the demo as hints. */
  values: Record<string, string | boolean>;
  close(): Promise<void>;
}

export interface SandboxLauncher {
  /** Port the demo and `crosswalk sandbox` use unless told otherwise. */
  defaultPort: number;
  start(opts: { port: number; host: string; options?: Record<string, unknown> }): Promise<SandboxInstance>;
}

/** Error codes a failed sync run can carry: the Test Settings codes plus an HTTP failure without a better name. */
export type SyncErrorCode = CheckErrorCode | 'http_error';

export interface IntegrationDefinition<S extends StoredSettings = StoredSettings> {
  kind: string;
  role: IntegrationRole;
  displayName: string;
  /** How people call the product in labels (the "<short name> Company (Link)" column); the display name when absent. */
  shortName?: string;
  /** One line under the card title. */
  description: string;
  /** The settings form, in order. Fields of type `secret` are stored encrypted and never returned. */
  fields: SettingsField[];
  guide?: SettingsGuide;
  /**
   * Rules across fields or beyond a field's type (e.g. "the subdomain or the base URL, exactly one"), checked on
   * PUT and Test after each field's own rules; every issue answers 400 naming its field.
   */
  validateSettings?(body: Record<string, unknown>): SettingsIssue[];
  /** The vendor's own limit per account (requests per window); admins may lower it (`rateLimitPer5Min`). */
  rateLimit: { limit: number; windowMs: number };
  /**
   * What identifies the vendor account the rate limit belongs to, from the stored settings (e.g. the instance URL
   * and tenant): integrations with the same value share one rolling window, across workspaces and processes.
   * Absent: each workspace's integration is its own account. Never include a secret.
   */
  rateLimitAccount?: (settings: S) => string;
  /** Sync streams in the order a run reads them, as shown in progress and summaries. */
  streams: StreamSpec[];
  /** Records per request of the slowest stream (for the time-left estimate). */
  pageSize: number;
  /** Shown after the initial sync: what to do next. */
  nextStep: string;
  /**
   * What an admin should do when a sync fails with one of these error codes, in the vendor's words and naming
   * the settings page ("The vendor rejected the client secret: update it under Integrations."). Used by
   * the failure alerts; the core has a generic sentence for every code not listed.
   */
  advice?: Partial<Record<SyncErrorCode, string>>;
  connect(ctx: ConnectContext<S>): IntegrationConnector;
  /** PSAs that export opportunities. */
  opportunities?: OpportunitySupport;
  /** Links into the vendor's own web app, where the settings make them known (each returns null when not). */
  webLinks?: WebLinks;
  /** A local imitation of the vendor API for the demo and the tests. */
  sandbox?: SandboxLauncher;
}

/** A problem with a settings body beyond one field's own rules (`path` is the field name). */
export interface SettingsIssue {
  path: string;
  message: string;
}

/** Erases the settings type so definitions of different vendors fit one list. */
export function defineIntegration<S extends StoredSettings>(def: IntegrationDefinition<S>): IntegrationDefinition {
  return def as unknown as IntegrationDefinition;
}
