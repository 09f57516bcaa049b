// The HTTP client of the web UI. Every wire type comes from the server's zod schemas (src/shared/wire.ts).
import type {
  Account,
  ApiToken,
  AuditResponse,
  AutomapResponse,
  BulkExportResponse,
  CheckResult,
  CompaniesResponse,
  CompanyDetail,
  DemoHints,
  FieldIssue,
  IntegrationKindsResponse,
  IntegrationsResponse,
  LinkChange,
  LinksResponse,
  NotificationsResponse,
  OpportunitiesResponse,
  OpportunityInput,
  OpportunityPatch,
  OpportunityResponse,
  OpportunityStatus,
  OpportunityTypesResponse,
  Proposal,
  PsaCompaniesResponse,
  SaveIntegrationResponse,
  SettingsInput,
  SetupStatus,
  SyncRun,
  SyncRunResponse,
  SyncRunsResponse,
  TicketPage,
  TicketStatusFilter,
  User,
  UserRole as Role,
} from '../../src/shared/wire.js';

import { describeIssues, issueField, type FieldLabels } from './form-errors.js';

export type * from '../../src/shared/wire.js';

export type { UserRole as Role } from '../../src/shared/wire.js';

// ---------------------------------------------------------------------------------------------
// Errors

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

/**
 * Field-level messages keyed by field name, from a 400 `invalid_request` error; in words (named by their
 * label) for the fields `labels` lists, as the server wrote them for others.
 */
export function fieldErrors(error: unknown, labels?: FieldLabels, types?: Readonly<Record<string, string>>): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  if (labels !== undefined) return describeIssues(error.issues, labels, types).fields;
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issueField(issue.path);
    if (key !== '' && out[key] === undefined) out[key] = issue.message;
  }
  return out;
}

/** True for a 400 whose issues say what to fix. */
export function isValidationError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 400 && error.issues.length > 0;
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

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  setupStatus: () => request<SetupStatus>('GET', '/api/setup'),
  setup: (body: { email: string; password: string; name?: string }) =>
    request<{ user: User; token: string }>('POST', '/api/setup', body),
  login: (body: { email: string; password: string }) => request<unknown>('POST', '/api/session', body),
  logout: () => request<void>('DELETE', '/api/session'),
  users: () => request<{ users: Account[] }>('GET', '/api/users'),
  createUser: (body: { email: string; password: string; name?: string; role: Role }) =>
    request<{ user: Account }>('POST', '/api/users', body),
  updateUser: (id: string, body: { name?: string; role?: Role; disabled?: boolean; password?: string }) =>
    request<{ user: Account }>('PATCH', `/api/users/${enc(id)}`, body),
  deleteUser: (id: string) => request<void>('DELETE', `/api/users/${enc(id)}`),
  changePassword: (body: { currentPassword: string; newPassword: string }) => request<void>('POST', '/api/me/password', body),
  tokens: () => request<{ tokens: ApiToken[] }>('GET', '/api/tokens'),
  createToken: (body: { name: string; expiresAt?: string | null }) => request<{ token: string; id: string }>('POST', '/api/tokens', body),
  revokeToken: (id: string) => request<void>('DELETE', `/api/tokens/${enc(id)}`),

  // Integrations
  integrationKinds: () => request<IntegrationKindsResponse>('GET', '/api/integration-kinds'),
  integrations: () => request<IntegrationsResponse>('GET', '/api/integrations'),
  saveIntegration: (kind: string, body: SettingsInput) => request<SaveIntegrationResponse>('PUT', `/api/integrations/${enc(kind)}`, body),
  testIntegration: (kind: string, body: SettingsInput) => request<CheckResult>('POST', `/api/integrations/${enc(kind)}/test`, body),
  startSync: (kind: string, mode: 'incremental' | 'full') => request<SyncRunResponse>('POST', `/api/integrations/${enc(kind)}/sync`, { mode }),
  syncRuns: (kind: string) => request<SyncRunsResponse>('GET', `/api/sync-runs?integration=${enc(kind)}`),
  syncRun: async (id: string): Promise<SyncRun> => (await request<SyncRunResponse>('GET', `/api/sync-runs/${enc(id)}`)).syncRun,
  demoHints: () => request<DemoHints>('GET', '/api/demo-hints'),

  // Companies and links
  companies: () => request<CompaniesResponse>('GET', '/api/companies'),
  company: (id: string) => request<CompanyDetail>('GET', `/api/companies/${enc(id)}`),
  tickets: (id: string, status: TicketStatusFilter, cursor: string | null, limit = 25, opts: { q?: string; sort?: string } = {}) =>
    request<TicketPage>(
      'GET',
      `/api/companies/${enc(id)}/tickets?status=${status}&limit=${limit}${cursor !== null ? `&cursor=${enc(cursor)}` : ''}`
        + `${opts.q !== undefined && opts.q.trim() !== '' ? `&q=${enc(opts.q.trim())}` : ''}${opts.sort !== undefined ? `&sort=${enc(opts.sort)}` : ''}`,
    ),
  psaCompanies: (kind: string) => request<PsaCompaniesResponse>('GET', `/api/integrations/${enc(kind)}/companies`),
  links: (kind: string) => request<LinksResponse>('GET', `/api/integrations/${enc(kind)}/links`),
  automap: (kind: string) => request<AutomapResponse>('POST', `/api/integrations/${enc(kind)}/links/automap`),
  saveLinks: (kind: string, links: LinkChange[]) => request<LinksResponse>('PUT', `/api/integrations/${enc(kind)}/links`, { links }),
  undoLinks: (kind: string, saveId?: string) =>
    request<LinksResponse>('POST', `/api/integrations/${enc(kind)}/links/undo`, saveId !== undefined ? { saveId } : {}),
  rejectProposal: (kind: string, body: Pick<Proposal, 'itglueId' | 'psaId'>) =>
    request<void>('PUT', `/api/integrations/${enc(kind)}/links/rejections`, body),

  // Opportunities
  opportunities: (filter: OpportunityFilter = {}) => request<OpportunitiesResponse>('GET', `/api/opportunities${opportunityQuery(filter)}`),
  opportunity: (id: string) => request<OpportunityResponse>('GET', `/api/opportunities/${enc(id)}`),
  createOpportunity: (body: OpportunityInput) => request<OpportunityResponse>('POST', '/api/opportunities', body),
  updateOpportunity: (id: string, body: OpportunityPatch) => request<OpportunityResponse>('PATCH', `/api/opportunities/${enc(id)}`, body),
  deleteOpportunity: (id: string) => request<void>('DELETE', `/api/opportunities/${enc(id)}`),
  exportOpportunity: (id: string) => request<OpportunityResponse>('POST', `/api/opportunities/${enc(id)}/export`, {}),
  exportOpportunities: (ids: string[]) => request<BulkExportResponse>('POST', '/api/opportunities/export', { ids }),
  opportunityTypes: (companyId: string) => request<OpportunityTypesResponse>('GET', `/api/companies/${enc(companyId)}/opportunity-types`),
  refreshOpportunityTypes: (companyId: string) =>
    request<OpportunityTypesResponse>('POST', `/api/companies/${enc(companyId)}/opportunity-types/refresh`, {}),

  // Audit log
  audit: (cursor: string | null, action: string | null, limit = 50) =>
    request<AuditResponse>(
      'GET',
      `/api/audit?limit=${limit}${cursor !== null ? `&cursor=${enc(cursor)}` : ''}${action !== null ? `&action=${enc(action)}` : ''}`,
    ),

  // Notifications
  notifications: () => request<NotificationsResponse>('GET', '/api/notifications'),
  markNotificationRead: (id: string) => request<void>('POST', `/api/notifications/${enc(id)}/read`),
};

export interface OpportunityFilter {
  companyId?: string;
  status?: OpportunityStatus;
  q?: string;
}

/** `?companyId=…&status=…&q=…` (empty values left out), optionally with `format=csv`. */
export function opportunityQuery(filter: OpportunityFilter, format?: 'csv'): string {
  const params = new URLSearchParams();
  if (filter.companyId !== undefined && filter.companyId !== '') params.set('companyId', filter.companyId);
  if (filter.status !== undefined) params.set('status', filter.status);
  if (filter.q !== undefined && filter.q.trim() !== '') params.set('q', filter.q.trim());
  if (format !== undefined) params.set('format', format);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function isActive(run: SyncRun | null | undefined): boolean {
  return run !== null && run !== undefined && (run.status === 'queued' || run.status === 'running');
}
