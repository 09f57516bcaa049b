// HTTP client and types mirroring /work/shared/api-contract.md (plus the documented extra API).

export type Role = 'admin' | 'member';

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  createdAt?: string;
}

export type IntegrationKind = 'itglue' | 'halo' | 'syncro';
export type PsaKind = 'halo' | 'syncro';

export type SyncMode = 'initial' | 'incremental' | 'full';
export type SyncStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'partial';

export interface StreamProgress {
  fetched: number;
  total: number | null;
  done: boolean;
}

export interface SyncRun {
  id: string;
  integration: IntegrationKind;
  mode: SyncMode;
  status: SyncStatus;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Record<string, StreamProgress>;
  error: { code: string; message: string } | null;
  // Extras a server may add.
  requestCount?: number;
  retries?: number;
  rateLimited?: number;
  notes?: string[];
  estimatedSecondsLeft?: number | null;
  etaSeconds?: number | null;
  eta?: number | string | null;
}

export interface ItGlueSettings {
  baseUrl?: string;
  apiKeySet?: boolean;
  activeStatusNames?: string[];
}

export interface HaloSettings {
  resourceServerUrl?: string;
  authorizationServerUrl?: string;
  tenant?: string;
  clientId?: string;
  clientSecretSet?: boolean;
  pullTickets?: boolean;
  opportunityExport?: boolean;
}

export interface Integration {
  kind: IntegrationKind;
  role: 'primary' | 'supplemental';
  configured: boolean;
  settings: Record<string, unknown>;
  lastSyncRun: SyncRun | null;
}

export interface ItGlueSettingsInput {
  baseUrl: string;
  apiKey?: string;
  activeStatusNames?: string[];
}

export interface HaloSettingsInput {
  resourceServerUrl: string;
  authorizationServerUrl: string;
  tenant: string;
  clientId: string;
  clientSecret?: string;
  pullTickets: boolean;
  opportunityExport: boolean;
}

export type CheckErrorCode =
  | 'unreachable'
  | 'tls_error'
  | 'not_found'
  | 'invalid_credentials'
  | 'invalid_tenant'
  | 'missing_permissions'
  | 'rate_limited'
  | 'unexpected_response';

export type TestResult =
  | { ok: true; message: string; details?: Record<string, unknown> }
  | { ok: false; error: { code: CheckErrorCode | string; message: string; hint?: string; missingPermissions?: string[] } };

export interface CompanySummary {
  id: string;
  name: string;
  status: string | null;
  type: string | null;
  psa: { kind: PsaKind; id: string; name: string } | null;
  openTickets: number | null;
}

export interface Configuration {
  id: string;
  name: string;
  hostname: string | null;
  typeName: string | null;
  serialNumber: string | null;
  manufacturerName: string | null;
  modelName: string | null;
  warrantyExpiresAt: string | null;
  archived: boolean;
}

export interface Domain {
  id: string;
  name: string;
  registrarName: string | null;
  expiresOn: string | null;
}

export interface CompanyDetail {
  company: CompanySummary;
  configurations: Configuration[];
  domains: Domain[];
}

export interface Ticket {
  id: string;
  psaId: string;
  summary: string;
  status: string;
  closed: boolean;
  type: string | null;
  openedAt: string | null;
  closedAt: string | null;
  updatedAt: string | null;
}

export type TicketStatusFilter = 'open' | 'closed' | 'all';

export interface PsaCompany {
  id: string;
  name: string;
  inactive: boolean;
}

export interface Suggestion {
  itglueId?: string;
  psaId: string;
  score?: number;
  reasons?: string[];
}

export type LinkSource = 'manual' | 'automap';

export interface LinkRow {
  itglueId: string;
  itglueName: string;
  psaId: string | null;
  psaName: string | null;
  source: LinkSource | null;
  suggestions?: Suggestion[];
}

export interface LinksResponse {
  rows: LinkRow[];
  counts: { linked: number; unlinked: number };
}

export type ProposalTier = 'exact' | 'near-exact';

export interface Proposal {
  itglueId: string;
  psaId: string;
  score: number;
  tier: ProposalTier;
  reasons: string[];
}

export interface AutomapResponse {
  proposals: Proposal[];
  counts: { proposed: number; alreadyLinked: number; ambiguous: number; unmatched: number };
  suggestions?: Suggestion[];
}

export interface LinkChange {
  itglueId: string;
  psaId: string | null;
  source?: LinkSource;
}

export interface AppNotification {
  id: string;
  kind: string;
  message: string;
  createdAt: string;
  read: boolean;
  /** The page that fixes the problem or shows the result (e.g. the integration's settings). */
  link?: string | null;
}

export interface DemoHints {
  itglue?: { baseUrl: string; apiKey: string };
  halo?: {
    resourceServerUrl: string;
    authorizationServerUrl: string;
    tenant: string;
    clientId: string;
    clientSecret: string;
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface FieldIssue {
  path: string[] | string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  get issues(): FieldIssue[] {
    const raw = this.details?.issues;
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (i): i is FieldIssue =>
        typeof i === 'object' && i !== null && typeof (i as { message?: unknown }).message === 'string',
    );
  }
}

/** The last meaningful segment of an issue path: ["body","baseUrl"] → "baseUrl", "links.3.psaId" → "psaId". */
function issueField(path: FieldIssue['path']): string {
  const parts = (Array.isArray(path) ? path.map(String) : String(path).split(/[./]/)).filter(
    (p) => p !== '' && p !== 'body' && !/^\d+$/.test(p),
  );
  return parts.length > 0 ? parts[parts.length - 1] : '';
}

/** Field-level messages keyed by field name, from a 400 `invalid_request` error. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issueField(issue.path);
    if (key !== '' && out[key] === undefined) out[key] = issue.message;
  }
  return out;
}

/** A sentence to show for any error. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

// ---------------------------------------------------------------------------------------------
// Client

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const csrf = readCookie('cw_csrf');
    if (csrf !== null) headers['x-csrf-token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Cannot reach the Crosswalk server. Check your connection and try again.');
  }
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown = undefined;
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const envelope = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
    const code = typeof envelope?.code === 'string' ? envelope.code : `http_${res.status}`;
    const message =
      typeof envelope?.message === 'string' && envelope.message !== ''
        ? envelope.message
        : res.status >= 500
          ? 'The server had a problem. Please try again.'
          : `Request failed (${res.status}).`;
    const details =
      typeof envelope?.details === 'object' && envelope.details !== null
        ? (envelope.details as Record<string, unknown>)
        : undefined;
    throw new ApiError(res.status, code, message, details);
  }
  return data as T;
}

const enc = encodeURIComponent;

export const api = {
  // Accounts
  me: () => request<{ user: User }>('GET', '/api/me'),
  setupStatus: () => request<{ needed: boolean }>('GET', '/api/setup'),
  setup: (body: { email: string; password: string; name?: string }) =>
    request<{ user: User; token: string }>('POST', '/api/setup', body),
  login: (body: { email: string; password: string }) => request<unknown>('POST', '/api/session', body),
  logout: () => request<void>('DELETE', '/api/session'),
  users: () => request<{ users: User[] }>('GET', '/api/users'),
  createUser: (body: { email: string; password: string; name?: string; role: Role }) =>
    request<{ user: User }>('POST', '/api/users', body),

  // Integrations
  integrations: () => request<{ integrations: Integration[] }>('GET', '/api/integrations'),
  saveItGlue: (body: ItGlueSettingsInput) =>
    request<{ integration: Integration; syncRun: SyncRun | null }>('PUT', '/api/integrations/itglue', body),
  testItGlue: (body: ItGlueSettingsInput) => request<TestResult>('POST', '/api/integrations/itglue/test', body),
  saveHalo: (body: HaloSettingsInput) =>
    request<{ integration: Integration; syncRun: SyncRun | null }>('PUT', '/api/integrations/halo', body),
  testHalo: (body: HaloSettingsInput) => request<TestResult>('POST', '/api/integrations/halo/test', body),
  startSync: (kind: IntegrationKind, mode: 'incremental' | 'full') =>
    request<{ syncRun: SyncRun }>('POST', `/api/integrations/${kind}/sync`, { mode }),
  syncRuns: (kind: IntegrationKind) =>
    request<{ syncRuns: SyncRun[] }>('GET', `/api/sync-runs?integration=${enc(kind)}`),
  syncRun: (id: string) => request<SyncRun | { syncRun: SyncRun }>('GET', `/api/sync-runs/${enc(id)}`),
  demoHints: () => request<DemoHints>('GET', '/api/demo-hints'),

  // Companies and links
  companies: () => request<{ companies: CompanySummary[] }>('GET', '/api/companies'),
  company: (id: string) => request<CompanyDetail>('GET', `/api/companies/${enc(id)}`),
  tickets: (id: string, status: TicketStatusFilter, cursor: string | null, limit = 25) =>
    request<{ tickets: Ticket[]; nextCursor: string | null }>(
      'GET',
      `/api/companies/${enc(id)}/tickets?status=${status}&limit=${limit}${cursor !== null ? `&cursor=${enc(cursor)}` : ''}`,
    ),
  psaCompanies: (kind: PsaKind) => request<{ companies: PsaCompany[] }>('GET', `/api/integrations/${kind}/companies`),
  links: (kind: PsaKind) => request<LinksResponse>('GET', `/api/integrations/${kind}/links`),
  automap: (kind: PsaKind) => request<AutomapResponse>('POST', `/api/integrations/${kind}/links/automap`),
  saveLinks: (kind: PsaKind, links: LinkChange[]) =>
    request<unknown>('PUT', `/api/integrations/${kind}/links`, { links }),
  rejectProposal: (kind: PsaKind, body: { itglueId: string; psaId: string }) =>
    request<unknown>('PUT', `/api/integrations/${kind}/links/rejections`, body),

  // Notifications
  notifications: () => request<{ notifications: AppNotification[] }>('GET', '/api/notifications'),
  markNotificationRead: (id: string) => request<unknown>('POST', `/api/notifications/${enc(id)}/read`),
};

/** GET /api/sync-runs/:id may answer with the run itself or wrapped as {syncRun}. */
export async function fetchSyncRun(id: string): Promise<SyncRun> {
  const data = await api.syncRun(id);
  return 'syncRun' in data && typeof data.syncRun === 'object' ? data.syncRun : (data as SyncRun);
}

export function isActive(run: SyncRun | null | undefined): boolean {
  return run !== null && run !== undefined && (run.status === 'queued' || run.status === 'running');
}
