/**
 * Wire schemas: the shapes of the public HTTP API (../shared/api-contract.md plus our documented extras).
 * Routes declare their responses with these; the web UI imports their inferred types. Pure zod, no Node
 * imports, so the browser bundle can use it too. Vendor kinds are plain strings: the list of integration
 * kinds comes from the registry at run time (`GET /api/integration-kinds`).
 */
import { z } from 'zod';

/** One page of a cursor-paged list: the items under `key`, and the cursor of the next page (null on the last). */
function cursorPage<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z.object({ ...({ [key]: z.array(item) } as Record<K, z.ZodArray<T>>), nextCursor: z.string().nullable() });
}

/** One schema under each of several keys, in the order named: `...fields(z.string().nullable(), 'openedAt', 'closedAt')`. */
function fields<S extends z.ZodType, K extends string>(schema: S, ...keys: K[]): Record<K, S> {
  return Object.fromEntries(keys.map((k) => [k, schema])) as Record<K, S>;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** What went wrong: a machine-readable code and a sentence. */
const problem = z.object({ code: z.string(), message: z.string() });

export const errorEnvelope = z
  .object({
    error: problem.extend({ details: z.record(z.string(), z.unknown()).optional() }),
  })
  .describe('Error envelope');
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

export const fieldIssue = z.object({ path: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssue>;

// ---------------------------------------------------------------------------------------------
// Ids in paths and bodies

/** Our own ids are UUIDs: anything else is malformed (400); a well-formed unknown id is 404. */
export const ownId = (what: string) => z.uuid(`must be a ${what} id (a UUID)`);
/** Vendor ids (primary organization ids, PSA ids): letters, digits and `_ . : -`, 64 characters at most. */
export const externalId = z.string().min(1, 'must not be empty').max(64, 'is 64 characters at most').regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'must be an id (letters, digits, _ . : -)');

// ---------------------------------------------------------------------------------------------
// Accounts

export const userRole = z.enum(['admin', 'member']);
export type UserRole = z.infer<typeof userRole>;

/** The signed-in user (GET /api/me, POST /api/setup, POST /api/session). */
export const user = z.object({ id: z.string(), email: z.string(), name: z.string(), role: userRole });
export type User = z.infer<typeof user>;

/** A user as administrators see it (GET/POST/PATCH /api/users). */
export const account = user.extend({ disabled: z.boolean(), createdAt: z.string(), lastLoginAt: z.string().nullable() });
export type Account = z.infer<typeof account>;

/** An API token as listed (never the token itself). */
export const apiToken = z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable(), expiresAt: z.string().nullable() });
export type ApiToken = z.infer<typeof apiToken>;

// ---------------------------------------------------------------------------------------------
// Integrations

export const integrationRole = z.enum(['primary', 'supplemental']);
export type IntegrationRole = z.infer<typeof integrationRole>;

export const fieldType = z.enum(['url', 'text', 'secret', 'boolean', 'list']);
export type FieldType = z.infer<typeof fieldType>;

/** One input of an integration's settings form. */
export const settingsField = z.object({
  name: z.string(),
  label: z.string(),
  type: fieldType,
  required: z.boolean(),
  help: z.string().optional(),
  /** Shown inside an empty input. */
  placeholder: z.string().optional(),
  /** Value of a new form (booleans and lists mostly). */
  default: z.union([z.string(), z.boolean(), z.array(z.string())]).optional(),
  /** Named choices for a URL (e.g. regions); the UI offers them next to the input. */
  presets: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
  /** The label of the preset picker ("Region"). */
  presetsLabel: z.string().optional(),
});
export type SettingsField = z.infer<typeof settingsField>;

export const streamInfo = z.object({
  /** Progress key of sync runs (contract stream name). */
  name: z.string(),
  label: z.string(),
  /** What one record is called in summaries: ["organization", "organizations"]. */
  noun: z.tuple([z.string(), z.string()]),
  /** Counted in summaries ("160 companies and 12,000 tickets synced"). */
  summary: z.boolean(),
});
export type StreamInfo = z.infer<typeof streamInfo>;

/** A short how-to shown on the settings card (e.g. the permissions to grant in the vendor's admin). */
export const settingsGuide = z.object({
  title: z.string(),
  where: z.string().optional(),
  items: z.array(z.object({ terms: z.array(z.string()), text: z.string() })),
  footer: z.string().optional(),
});
export type SettingsGuide = z.infer<typeof settingsGuide>;

/** What the UI needs to draw one integration's settings card (GET /api/integration-kinds). */
export const integrationKindInfo = z.object({
  kind: z.string(),
  role: integrationRole,
  displayName: z.string(),
  /** How people call the product in labels (the "<short name> Company (Link)" column); the display name unless the definition says otherwise. */
  shortName: z.string().optional(),
  description: z.string(),
  fields: z.array(settingsField),
  /** Stream names, as in a sync run's `progress`. */
  streams: z.array(z.string()),
  streamInfo: z.array(streamInfo),
  guide: settingsGuide.nullable(),
  /** What to do once the initial sync is done. */
  nextStep: z.string(),
});
export type IntegrationKindInfo = z.infer<typeof integrationKindInfo>;

/** GET /api/integration-kinds */
export const integrationKindsResponse = z.object({ kinds: z.array(integrationKindInfo) });
export type IntegrationKindsResponse = z.infer<typeof integrationKindsResponse>;

export const streamProgress = z.object({ fetched: z.number(), total: z.number().nullable(), done: z.boolean() });
export type StreamProgress = z.infer<typeof streamProgress>;

export const syncMode = z.enum(['initial', 'incremental', 'full']);
export type SyncMode = z.infer<typeof syncMode>;
export const syncStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'partial']);
export type SyncStatus = z.infer<typeof syncStatus>;

export const syncRun = z.object({
  ...fields(z.string(), 'id', 'integration'),
  mode: syncMode,
  status: syncStatus,
  ...fields(z.string().nullable(), 'startedAt', 'finishedAt'),
  progress: z.record(z.string(), streamProgress),
  error: problem.nullable(),
  // Extras beyond the contract.
  ...fields(z.number(), 'requestCount', 'retries', 'rateLimited'),
  estimatedSecondsLeft: z.number().nullable(),
  notes: z.array(z.string()),
});
export type SyncRun = z.infer<typeof syncRun>;

/** GET /api/sync-runs/:id, POST /api/integrations/KIND/sync (202) */
export const syncRunResponse = z.object({ syncRun });
export type SyncRunResponse = z.infer<typeof syncRunResponse>;
/** GET /api/sync-runs */
export const syncRunsResponse = z.object({ syncRuns: z.array(syncRun) });
export type SyncRunsResponse = z.infer<typeof syncRunsResponse>;
/** A sync problem and what to do about it ("The vendor rejected the client secret: update it under Integrations."). */
export const syncProblem = problem.extend({ action: z.string() });
export type SyncProblem = z.infer<typeof syncProblem>;

/** Failure streak and pause of one integration's syncs (extra beyond the contract). */
export const syncHealth = z.object({
  /** Failed or partial runs in a row; 0 when the last finished run succeeded (or none ran). */
  failureStreak: z.number(),
  /** When the current streak began. */
  failingSince: z.string().nullable(),
  /** The last failed or partial run's error, while the streak lasts. */
  lastError: syncProblem.nullable(),
  /** Whether admins were told about the current streak (once per streak). */
  alerted: z.boolean(),
  /** Scheduled runs stopped because the vendor rejected the credentials; saving the settings resumes them. */
  paused: syncProblem.extend({ since: z.string() }).nullable(),
});
export type SyncHealth = z.infer<typeof syncHealth>;

export const integration = z.object({
  kind: z.string(),
  role: integrationRole,
  configured: z.boolean(),
  /** Stored settings without secrets; each secret field `x` shows as `xSet: boolean`. */
  settings: z.record(z.string(), z.unknown()),
  lastSyncRun: syncRun.nullable(),
  syncHealth,
});
export type Integration = z.infer<typeof integration>;

/** GET /api/integrations */
export const integrationsResponse = z.object({ integrations: z.array(integration) });
export type IntegrationsResponse = z.infer<typeof integrationsResponse>;

/**
 * The body of PUT /api/integrations/KIND and POST …/KIND/test: a value per settings field name (the
 * schema of each kind is built from its `fields`); an omitted secret keeps the stored one.
 */
export type SettingsInput = Record<string, string | boolean | string[] | number | null>;

export const checkErrorCode = z.enum([
  'unreachable', 'tls_error', 'not_found', 'invalid_credentials', 'invalid_tenant', 'missing_permissions', 'rate_limited', 'unexpected_response',
]);
export type CheckErrorCode = z.infer<typeof checkErrorCode>;

export const checkResult = z.union([
  z.object({ ok: z.literal(true), message: z.literal('Connection Successful'), details: z.record(z.string(), z.unknown()) }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: checkErrorCode,
      message: z.string(),
      hint: z.string().optional(),
      missingPermissions: z.array(z.string()).optional(),
    }),
  }),
]);
export type CheckResult = z.infer<typeof checkResult>;

export const saveIntegrationResponse = z.object({ integration, syncRun: syncRun.nullable() });
export type SaveIntegrationResponse = z.infer<typeof saveIntegrationResponse>;

/** Form values the demo offers per integration kind (sandbox URLs and credentials). */
export const demoHints = z.record(z.string(), z.record(z.string(), z.union([z.string(), z.boolean()])));
export type DemoHints = z.infer<typeof demoHints>;

// ---------------------------------------------------------------------------------------------
// Companies, tickets, links

/** What most records start with: their id and the name people know them by. */
const named = z.object({ id: z.string(), name: z.string() });

export const psaRef = z.object({
  ...fields(z.string(), 'kind', 'id', 'name'),
  /** The company's page in the PSA's web app, when its settings make it known. */
  url: z.string().optional(),
});
export type PsaRef = z.infer<typeof psaRef>;

export const companySummary = named.extend({
  status: z.string().nullable(),
  type: z.string().nullable(),
  psa: psaRef.nullable(),
  openTickets: z.number(),
  /** The organization's page in the primary integration's web app, when its settings make it known. */
  webUrl: z.string().optional(),
});
export type CompanySummary = z.infer<typeof companySummary>;

/** GET /api/companies */
export const companiesResponse = z.object({ companies: z.array(companySummary) });
export type CompaniesResponse = z.infer<typeof companiesResponse>;

export const configuration = named.extend({
  ...fields(z.string().nullable(), 'hostname', 'typeName', 'serialNumber', 'assetTag', 'manufacturerName', 'modelName', 'warrantyExpiresAt'),
  archived: z.boolean(),
  /** The configuration's page in the primary integration's web app, when known. */
  webUrl: z.string().optional(),
});
export type Configuration = z.infer<typeof configuration>;

export const domain = named.extend({ registrarName: z.string().nullable(), expiresOn: z.string().nullable() });
export type Domain = z.infer<typeof domain>;

export const companyDetail = z.object({ company: companySummary, configurations: z.array(configuration), domains: z.array(domain) });
export type CompanyDetail = z.infer<typeof companyDetail>;

export const ticket = z.object({
  ...fields(z.string(), 'id', 'psaId', 'summary', 'status'),
  closed: z.boolean(),
  ...fields(z.string().nullable(), 'type', 'openedAt', 'closedAt', 'updatedAt'),
  /** The ticket's page in the PSA's web app, when its settings make it known. */
  url: z.string().optional(),
});
export type Ticket = z.infer<typeof ticket>;

/** The `status` filter of GET /api/companies/:id/tickets. */
export const ticketStatusFilter = z.enum(['open', 'closed', 'all']);
export type TicketStatusFilter = z.infer<typeof ticketStatusFilter>;

export const ticketPage = cursorPage('tickets', ticket);
export type TicketPage = z.infer<typeof ticketPage>;

export const psaCompany = named.extend({ inactive: z.boolean() });
export type PsaCompany = z.infer<typeof psaCompany>;

/** GET /api/integrations/KIND/companies */
export const psaCompaniesResponse = z.object({ companies: z.array(psaCompany) });
export type PsaCompaniesResponse = z.infer<typeof psaCompaniesResponse>;

export const linkSource = z.enum(['manual', 'automap']);
export type LinkSource = z.infer<typeof linkSource>;

export const linkRow = z.object({
  ...fields(z.string(), 'itglueId', 'itglueName'),
  /** The organization's short name, when it has one (tells equal names apart). */
  shortName: z.string().nullable(),
  ...fields(z.string().nullable(), 'psaId', 'psaName'),
  source: linkSource.nullable(),
  /** The PSA company was deliberately linked to more than one company (saved with `allowShared`). */
  shared: z.boolean(),
});
export type LinkRow = z.infer<typeof linkRow>;

/** The newest save that undo would revert (POST …/links/undo). */
export const linkSave = z.object({ id: z.string(), savedAt: z.string(), changes: z.number() });
export type LinkSave = z.infer<typeof linkSave>;

export const linksResponse = z.object({
  rows: z.array(linkRow),
  counts: z.object({ linked: z.number(), unlinked: z.number() }),
  lastSave: linkSave.nullable(),
});
export type LinksResponse = z.infer<typeof linksResponse>;

export const proposalTier = z.enum(['exact', 'near-exact']);
export type ProposalTier = z.infer<typeof proposalTier>;

export const proposal = z.object({ itglueId: z.string(), psaId: z.string(), score: z.number(), tier: proposalTier, reasons: z.array(z.string()) });
export type Proposal = z.infer<typeof proposal>;

export const suggestion = z.object({ itglueId: z.string(), psaId: z.string(), score: z.number(), reasons: z.array(z.string()) });
export type Suggestion = z.infer<typeof suggestion>;

/** Review tier ("possible match"): same name apart from a location or branch qualifier; never pre-selected. */
export const reviewItem = z.object({ itglueId: z.string(), psaId: z.string(), score: z.number(), tier: z.literal('review'), reasons: z.array(z.string()) });
export type ReviewItem = z.infer<typeof reviewItem>;

export const automapResponse = z.object({
  proposals: z.array(proposal),
  suggestions: z.array(suggestion),
  counts: z.object({ proposed: z.number(), alreadyLinked: z.number(), ambiguous: z.number(), unmatched: z.number() }),
  /** Companies left ambiguous (equal candidates) and the candidates, by PSA id. */
  ambiguous: z.array(z.object({ itglueId: z.string(), candidates: z.array(z.string()) })),
  /** Possible matches to review (up to 3 per company); their companies are counted in `counts.unmatched`. */
  review: z.array(reviewItem),
  reviewCounts: z.object({ companies: z.number(), pairs: z.number() }),
});
export type AutomapResponse = z.infer<typeof automapResponse>;

export const linkChange = z.object({ itglueId: z.string(), psaId: z.string().nullable(), source: linkSource.optional(), allowShared: z.boolean().optional() });
export type LinkChange = z.infer<typeof linkChange>;

// ---------------------------------------------------------------------------------------------
// Notifications

export const notificationKind = z.string().describe('initial_sync | sync_failed | sync_recovered | …');

export const notification = z.object({
  id: z.string(),
  kind: notificationKind,
  ...fields(z.string(), 'message', 'createdAt'),
  read: z.boolean(),
  /** Web UI path of the page that fixes the problem or shows the result (e.g. `/integrations/<kind>`); extra beyond the contract. */
  link: z.string().nullable(),
});
export type Notification = z.infer<typeof notification>;

/** GET /api/notifications */
export const notificationsResponse = z.object({ notifications: z.array(notification) });
export type NotificationsResponse = z.infer<typeof notificationsResponse>;

// ---------------------------------------------------------------------------------------------
// Accounts

/** GET /api/setup: whether first-run setup is still needed. */
export const setupStatus = z.object({ needed: z.boolean() });
export type SetupStatus = z.infer<typeof setupStatus>;

// ---------------------------------------------------------------------------------------------
// Opportunities

/** A user named in a record (who created it, who did it). */
const userRef = z.object({ id: z.string(), email: z.string() });

export const opportunityStatus = z.enum(['draft', 'exported', 'failed']);
export type OpportunityStatus = z.infer<typeof opportunityStatus>;

/** The PSA ticket an opportunity was exported as. */
export const opportunityTicket = z.object({
  ...fields(z.string(), 'kind', 'ticketId'),
  /** The number people see in the PSA. */
  ticketNumber: z.string().optional(),
  /** Opens the ticket in the PSA's web app. */
  url: z.string().optional(),
});
export type OpportunityTicket = z.infer<typeof opportunityTicket>;

export const opportunity = z.object({
  ...fields(z.string(), 'id', 'companyId', 'title'),
  description: z.string().nullable(),
  value: z.number().nullable(),
  ticketTypeId: z.string().nullable(),
  /** YYYY-MM-DD */
  closeDate: z.string().nullable(),
  /** 0–100 */
  probability: z.number().nullable(),
  status: opportunityStatus,
  psa: opportunityTicket.nullable(),
  error: problem.nullable(),
  createdAt: z.string(),
  exportedAt: z.string().nullable(),
  // Extras beyond the contract.
  ...fields(z.string().nullable(), 'companyName', 'ticketTypeName'),
  createdBy: userRef.nullable(),
  updatedAt: z.string(),
});
export type Opportunity = z.infer<typeof opportunity>;


function validDate(v: string): boolean {
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** What POST /api/opportunities takes (PATCH takes the same fields but companyId, each optional). */
export const opportunityFields = {
  title: z.string({ error: 'Enter a title' }).trim().min(1, 'Enter a title').max(200, 'The title is 200 characters at most'),
  description: z.string().max(20_000, 'The description is 20,000 characters at most').nullish(),
  value: z.number({ error: 'must be a number' }).finite().min(0, 'must not be negative').max(1_000_000_000_000, 'is too large').nullish(),
  ticketTypeId: externalId.nullish(),
  closeDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine(validDate, 'is not a calendar date').nullish(),
  probability: z.number({ error: 'must be a number' }).finite().min(0, 'must be 0–100').max(100, 'must be 0–100').nullish(),
};
export const opportunityInput = z.object({ companyId: externalId, ...opportunityFields });
export type OpportunityInput = z.input<typeof opportunityInput>;
export const opportunityPatch = z.object(opportunityFields).partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'send at least one field to change');
export type OpportunityPatch = z.input<typeof opportunityPatch>;

/** POST/PATCH /api/opportunities(/:id), GET /api/opportunities/:id, POST …/export */
export const opportunityResponse = z.object({ opportunity });
export type OpportunityResponse = z.infer<typeof opportunityResponse>;

export const opportunityTotal = z.object({ count: z.number(), value: z.number() });
export type OpportunityTotal = z.infer<typeof opportunityTotal>;

/** GET /api/opportunities: the list, and (extra) count and summed value per status over the same filter. */
export const opportunitiesResponse = z.object({
  opportunities: z.array(opportunity),
  totals: z.object({ draft: opportunityTotal, exported: opportunityTotal, failed: opportunityTotal, all: opportunityTotal }),
});
export type OpportunitiesResponse = z.infer<typeof opportunitiesResponse>;

export const opportunityType = named;
export type OpportunityType = z.infer<typeof opportunityType>;

/** GET /api/companies/:id/opportunity-types (and POST …/refresh) */
export const opportunityTypesResponse = z.object({
  types: z.array(opportunityType),
  // Extras beyond the contract.
  psa: z.object({ kind: z.string(), companyId: z.string(), companyName: z.string().nullable() }),
  /** Where the company's rule came from: the sync, or the PSA asked just now (or earlier, on demand). */
  source: z.enum(['sync', 'live']).nullable(),
  checkedAt: z.string().nullable(),
  /** Whether exports are turned on for the PSA. */
  exportEnabled: z.boolean(),
  /** What to set in the PSA when no type is offered (or export is off). */
  help: z.string().nullable(),
});
export type OpportunityTypesResponse = z.infer<typeof opportunityTypesResponse>;

export const apiError = errorEnvelope.shape.error;

/** POST /api/opportunities/export: each id's outcome, in the order sent. */
export const bulkExportResponse = z.object({
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), opportunity: opportunity.nullable(), error: apiError.nullable() })),
});
export type BulkExportResponse = z.infer<typeof bulkExportResponse>;

// ---------------------------------------------------------------------------------------------
// Audit log

export const auditEvent = z.object({
  ...fields(z.string(), 'id', 'at'),
  actor: userRef.nullable(),
  action: z.string().describe('integration.saved | integration.removed | links.saved | opportunity.exported | user.created | user.updated | user.deleted | …'),
  target: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof auditEvent>;

/** GET /api/audit */
export const auditResponse = cursorPage('events', auditEvent);
export type AuditResponse = z.infer<typeof auditResponse>;

// ---------------------------------------------------------------------------------------------
// Lifecycle (docs/lifecycle.md)

export const lifecycleStatus = z.enum(['overdue', 'due_soon', 'ok', 'unknown', 'excluded']);
export type LifecycleStatus = z.infer<typeof lifecycleStatus>;
export const lifecycleBasis = z.enum(['warranty', 'age', 'first']);
export type LifecycleBasis = z.infer<typeof lifecycleBasis>;

/** A calendar date, or null. */
const nullableDay = z.string().nullable().describe('YYYY-MM-DD');

/** A configuration of an active company, with its end of life under the policy for its type. */
export const lifecycleDevice = z.object({
  ...fields(z.string(), 'id', 'companyId', 'companyName', 'name'),
  ...fields(z.string().nullable(), 'type', 'manufacturer', 'model', 'serialNumber', 'operatingSystem'),
  ...fields(nullableDay, 'purchasedAt', 'installedAt', 'warrantyExpiresAt'),
  archived: z.boolean(),
  status: lifecycleStatus,
  endOfLife: nullableDay,
  reason: z.string(),
  replacementPrice: z.number().nullable(),
});
export type LifecycleDevice = z.infer<typeof lifecycleDevice>;

export const lifecycleCounts = z.object({ overdue: z.number(), due_soon: z.number(), ok: z.number(), unknown: z.number(), excluded: z.number() });
export type LifecycleCounts = z.infer<typeof lifecycleCounts>;

/** GET /api/lifecycle/devices */
export const lifecycleDevicesResponse = z.object({
  devices: z.array(lifecycleDevice),
  counts: lifecycleCounts.describe('Devices per status over the company, type and search filters (not the status filter)'),
  nextCursor: z.string().nullable(),
  currency: z.string(),
});
export type LifecycleDevicesResponse = z.infer<typeof lifecycleDevicesResponse>;

/** A configuration type (`*` = every type without a row of its own). */
export const lifecyclePolicyType = z.string().trim()
  .min(1, 'must not be empty').max(100, 'is 100 characters at most')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

export const lifecyclePolicy = z.object({
  type: z.string(),
  basis: lifecycleBasis,
  maxAgeYears: z.number().nullable(),
  dueSoonDays: z.number(),
  replacementPrice: z.number().nullable(),
  excluded: z.boolean(),
});
export type LifecyclePolicy = z.infer<typeof lifecyclePolicy>;

/** One policy as sent: the numbers bounded, `maxAgeYears` required when the basis uses the age. */
export const lifecyclePolicyInput = z.object({
  type: lifecyclePolicyType,
  basis: lifecycleBasis,
  maxAgeYears: z.number().gt(0, 'must be more than 0').max(50, 'is 50 at most').nullable().default(null),
  dueSoonDays: z.number().int('must be a whole number of days').min(0, 'must not be negative').max(3650, 'is 3650 at most'),
  replacementPrice: z.number().min(0, 'must not be negative').max(100_000_000, 'is 100,000,000 at most').nullable().default(null)
    .transform((v) => (v === null ? null : Math.round(v * 100) / 100)),
  excluded: z.boolean().default(false),
}).superRefine((p, ctx) => {
  if (p.basis !== 'warranty' && p.maxAgeYears === null) ctx.addIssue({ code: 'custom', path: ['maxAgeYears'], message: `is required when the basis is "${p.basis}"` });
});
export type LifecyclePolicyInput = z.input<typeof lifecyclePolicyInput>;

/** PUT /api/lifecycle/policies and PUT /api/companies/:id/lifecycle-policies: the whole list; each type once. */
export const lifecyclePoliciesInput = z.object({
  policies: z.array(lifecyclePolicyInput).max(200, '200 policies at most'),
}).superRefine((b, ctx) => {
  const seen = new Map<string, number>();
  b.policies.forEach((p, i) => {
    const key = p.type.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['policies', i, 'type'], message: `repeats the type of policy ${first} ("${p.type}")` });
    else seen.set(key, i);
  });
});

/** GET/PUT /api/lifecycle/policies */
export const lifecyclePoliciesResponse = z.object({
  policies: z.array(lifecyclePolicy),
  isDefault: z.boolean().describe('true while no admin has saved policies: the built-in defaults apply'),
  currency: z.string(),
});
export type LifecyclePoliciesResponse = z.infer<typeof lifecyclePoliciesResponse>;

/** GET/PUT /api/companies/:id/lifecycle-policies */
export const companyLifecyclePoliciesResponse = z.object({
  companyId: z.string(),
  policies: z.array(lifecyclePolicy).describe('The company\'s overrides (they win over the workspace\'s policy of the same type)'),
  effective: z.array(lifecyclePolicy.extend({ source: z.enum(['company', 'workspace']) })).describe('What applies to this company'),
});
export type CompanyLifecyclePoliciesResponse = z.infer<typeof companyLifecyclePoliciesResponse>;

/** GET /api/lifecycle/forecast */
export const lifecycleForecastResponse = z.object({
  quarters: z.array(z.object({
    start: z.string().describe('YYYY-MM-DD, the first day of the calendar quarter'),
    devices: z.number(),
    amount: z.number(),
    unpriced: z.number().describe('devices counted without a replacement price'),
  })),
  currency: z.string(),
  total: z.object({ devices: z.number(), amount: z.number() }),
});
export type LifecycleForecastResponse = z.infer<typeof lifecycleForecastResponse>;

/** GET /api/lifecycle/types */
export const lifecycleTypesResponse = z.object({ types: z.array(z.object({ type: z.string(), devices: z.number() })) });
export type LifecycleTypesResponse = z.infer<typeof lifecycleTypesResponse>;
