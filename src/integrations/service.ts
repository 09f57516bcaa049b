import type { CheckResult } from '../connectors/contract.js';
import type { HttpEvent } from '../connectors/http/client.js';
import crypto from 'node:crypto';
import { createRateLimiter, withAcquireOptions, type AcquireOptions, type RateLimiter } from '../connectors/http/rate-limiter.js';
import { createSharedRateLimiter, type SharedSlotStore } from '../connectors/http/shared-rate-limiter.js';
import type { Vault } from '../store/secrets.js';
import { meterLimiter, meterWriter, type Metrics } from '../ops/metrics.js';
import type { Repos } from '../store/repos/index.js';
import type { ActiveCompany } from '../store/repos/companies.js';
import type { SyncedWriter } from '../store/repos/synced.js';
import type { PlanContext, RunPlan, StreamStep, SyncRunView, SyncService } from '../sync/runner.js';
import { AppError } from '../server/errors.js';
import type { IntegrationKindInfo, SyncHealth } from '../shared/wire.js';
import type { ConnectorOptions, IntegrationConnector, IntegrationDefinition, PsaActions, Secrets, StoredSettings } from './definition.js';
import { definitionOf, INTEGRATIONS, primaryDefinition, supplementalDefinitions } from './registry.js';
import { syncHealthOf } from './sync-health.js';
import { mergeSecrets, missingSecret, publicSettings, RATE_LIMIT_FIELD, toStoredSettings, type SettingsBody } from './settings.js';

/** Run a little under the vendor's limit so clock skew never earns a 429. */
const HEADROOM = 0.97;

/** Slots of each window that background work (sync pages) leaves to people waiting (Test Settings, export): 2 %, at least 1. */
export function interactiveReserve(limit: number): number {
  return Math.max(1, Math.floor(limit * 0.02));
}

/** Test Settings never waits on a spent window: no slot within this long → `rate_limited` at once. */
export const TEST_MAX_WAIT_MS = 2_000;
/** An export answers a person too: no slot within this long → `rate_limited` (nothing was sent). */
export const EXPORT_MAX_WAIT_MS = 20_000;

/** How each kind of caller takes its slots from the account's one window. */
export const CALLERS = {
  sync: { priority: 'background' },
  test: { priority: 'interactive', maxWaitMs: TEST_MAX_WAIT_MS },
  export: { priority: 'interactive', maxWaitMs: EXPORT_MAX_WAIT_MS },
} as const satisfies Record<string, AcquireOptions>;
export type Caller = keyof typeof CALLERS;

export interface IntegrationView {
  kind: string;
  role: 'primary' | 'supplemental';
  configured: boolean;
  settings: Record<string, unknown>;
  lastSyncRun: SyncRunView | null;
  syncHealth: SyncHealth;
}

export interface IntegrationServiceDeps {
  repos: Repos;
  vault: Vault;
  ticketHistoryMonths: number;
  /** Options passed to every connector (tests shorten waits). */
  connectorOptions?: ConnectorOptions;
  /** Overrides the vendor's rate-limit window (benchmarks compress it; production never sets it). */
  rateWindowMs?: number;
  /** Counts vendor requests, retries, 429s, rate-limit waits and records written. */
  metrics?: Metrics;
  /**
   * The rolling windows shared by every process (PostgreSQL: the rate-slots repository). Unset: one in-process
   * limiter per vendor account (SQLite, where one process does everything).
   */
  sharedLimits?: SharedSlotStore;
  onLimiterError?: (err: unknown) => void;
}

/** What GET /api/integration-kinds says about one definition. */
export function kindInfo(def: IntegrationDefinition): IntegrationKindInfo {
  return {
    kind: def.kind,
    role: def.role,
    displayName: def.displayName,
    shortName: def.shortName ?? def.displayName,
    description: def.description,
    fields: def.fields,
    streams: def.streams.map((s) => s.name),
    streamInfo: def.streams.map(({ name, label, noun, summary }) => ({ name, label, noun, summary })),
    guide: def.guide ?? null,
    nextStep: def.nextStep,
  };
}

/**
 * The vendor account an integration's requests count against: the definition says what identifies it (e.g. the
 * instance URL), so two workspaces using one account share its limit; otherwise the workspace's integration.
 * Hashed: the key is stored (PostgreSQL) and may be derived from settings an admin typed.
 */
export function rateLimitAccount(workspaceId: string, def: IntegrationDefinition, settings: StoredSettings): string {
  const identity = def.rateLimitAccount?.(settings) ?? `workspace:${workspaceId}`;
  return `${def.kind}:${crypto.createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

function definition(kind: string): IntegrationDefinition {
  const def = definitionOf(kind);
  if (def === undefined) throw new AppError(404, 'not_found', `No integration of kind ${kind}.`);
  return def;
}

export function createIntegrationService(deps: IntegrationServiceDeps) {
  const { repos, vault } = deps;
  /** One limiter per vendor account, shared by sync, test and export (and, on PostgreSQL, by every process). */
  const limiters = new Map<string, RateLimiter>();
  let sync: SyncService | null = null;
  const windowMs = (def: IntegrationDefinition): number => deps.rateWindowMs ?? def.rateLimit.windowMs;

  function limiterFor(workspaceId: string, def: IntegrationDefinition, settings: StoredSettings, caller: Caller): RateLimiter {
    const perWindow = Number(settings[RATE_LIMIT_FIELD] ?? def.rateLimit.limit);
    const account = rateLimitAccount(workspaceId, def, settings);
    const limit = Math.max(1, Math.floor(perWindow * HEADROOM));
    const key = `${account}:${limit}:${windowMs(def)}`;
    let l = limiters.get(key);
    if (l === undefined) {
      const opts = { limit, windowMs: windowMs(def), reserve: interactiveReserve(limit) };
      l = deps.sharedLimits !== undefined
        ? createSharedRateLimiter({ ...opts, store: deps.sharedLimits, account, ...(deps.onLimiterError !== undefined ? { onError: deps.onLimiterError } : {}) })
        : createRateLimiter(opts);
      const metrics = deps.metrics;
      if (metrics !== undefined) l = meterLimiter(l, (ms) => metrics.limiterWait(def.kind, ms));
      limiters.set(key, l);
    }
    return withAcquireOptions(l, CALLERS[caller]);
  }

  async function load(workspaceId: string, kind: string) {
    const row = await repos.integrations.get(workspaceId, kind);
    if (row === null) return null;
    const settings = JSON.parse(row.settings_json) as StoredSettings;
    const secrets = row.secrets_enc === null ? {} : (JSON.parse(vault.decrypt(row.secrets_enc)) as Secrets);
    return { settings, secrets, configured: row.configured === 1 };
  }

  function connect(workspaceId: string, def: IntegrationDefinition, settings: StoredSettings, secrets: Secrets, caller: Caller, onEvent?: (e: HttpEvent) => void): IntegrationConnector {
    // Every connector (sync, Test Settings, export) reports its HTTP events to the metrics.
    const metrics = deps.metrics;
    const listener = metrics === undefined
      ? onEvent
      : (e: HttpEvent) => {
          metrics.httpEvent(def.kind, e);
          onEvent?.(e);
        };
    return def.connect({
      settings, secrets, limiter: limiterFor(workspaceId, def, settings, caller),
      ...(listener !== undefined ? { onEvent: listener } : {}),
      ...(deps.connectorOptions !== undefined ? { options: deps.connectorOptions } : {}),
    });
  }

  async function view(workspaceId: string, kind: string): Promise<IntegrationView> {
    const def = definition(kind);
    const s = await load(workspaceId, kind);
    return {
      kind,
      role: def.role,
      configured: s?.configured ?? false,
      settings: s === null ? {} : publicSettings(def, s.settings, s.secrets),
      lastSyncRun: sync === null ? null : await sync.lastRun(workspaceId, kind),
      syncHealth: syncHealthOf(def, await repos.syncAlerts.get(workspaceId, kind)),
    };
  }

  async function list(workspaceId: string): Promise<IntegrationView[]> {
    const out: IntegrationView[] = [];
    for (const def of INTEGRATIONS) out.push(await view(workspaceId, def.kind));
    return out;
  }

  function secretRequired(field: { name: string; label: string }): AppError {
    const message = `Enter the ${field.label} (none is stored yet)`;
    return new AppError(400, 'invalid_request', `Invalid request: ${message}`, { issues: [{ path: `body.${field.name}`, message }] });
  }

  /** Settings and secrets a body describes, completed from what is stored. */
  async function resolve(workspaceId: string, def: IntegrationDefinition, body: SettingsBody) {
    const stored = await load(workspaceId, def.kind);
    const settings = toStoredSettings(def, body, stored?.settings ?? null);
    const secrets = mergeSecrets(def, body, stored?.secrets ?? {});
    const missing = missingSecret(def, secrets);
    if (missing !== null) throw secretRequired(missing);
    return { stored, settings, secrets };
  }

  async function test(workspaceId: string, kind: string, body: SettingsBody): Promise<CheckResult> {
    const def = definition(kind);
    const { settings, secrets } = await resolve(workspaceId, def, body);
    const result = await connect(workspaceId, def, settings, secrets, 'test').check();
    return result.ok ? { ...result, details: withTicketWindowNote(def, result.details) } : result;
  }

  /**
   * A PSA's Test Settings counts every ticket; the sync keeps a window of them. Say so next to the count
   * (`details.notes`), so the numbers after the initial sync are not a surprise.
   */
  function withTicketWindowNote(def: IntegrationDefinition, details: Record<string, unknown>): Record<string, unknown> {
    const stream = def.streams.find((x) => x.target === 'psaTickets');
    const count = stream === undefined ? undefined : details[stream.name];
    if (stream === undefined || typeof count !== 'number') return details;
    const months = deps.ticketHistoryMonths;
    const note = `${count.toLocaleString('en-US')} ${count === 1 ? stream.noun[0] : stream.noun[1]} in ${def.displayName}; `
      + `the initial sync pulls open ${stream.noun[1]} and those updated in the last ${months} ${months === 1 ? 'month' : 'months'}, so it may store fewer.`;
    const notes = Array.isArray(details.notes) ? details.notes.filter((n): n is string => typeof n === 'string') : [];
    return { ...details, notes: [...notes, note] };
  }

  /**
   * Save settings; the first successful save starts the initial sync. `changed` names the fields whose value changed
   * (secret fields by name only: for the audit log, which never holds a secret).
   */
  async function save(workspaceId: string, kind: string, body: SettingsBody): Promise<{ integration: IntegrationView; syncRun: SyncRunView | null; changed: string[] }> {
    const def = definition(kind);
    // One PSA at a time: companies link to the current PSA, whose tickets and opportunity types they show. Saving a
    // second one would silently change nothing (the first stays current), so it is refused until the first is removed.
    if (def.role === 'supplemental') {
      const rows = await repos.integrations.kinds(workspaceId);
      const other = supplementalDefinitions().find((d) => d.kind !== kind && rows.some((r) => r.kind === d.kind && r.configured));
      if (other !== undefined) {
        throw new AppError(409, 'psa_already_configured',
          `${other.displayName} is already configured as the PSA, and Crosswalk works with one PSA at a time. Remove ${other.displayName} under Integrations first (its synced data and links stay), then save ${def.displayName}.`,
          { configured: other.kind });
      }
    }
    const { stored, settings, secrets } = await resolve(workspaceId, def, body);
    const changed = [
      ...Object.keys(settings).filter((k) => JSON.stringify(settings[k]) !== JSON.stringify(stored?.settings[k])),
      ...Object.keys(secrets).filter((k) => secrets[k] !== stored?.secrets[k]),
    ];
    await repos.integrations.save(workspaceId, kind, JSON.stringify(settings), vault.encrypt(JSON.stringify(secrets)));
    // Scheduled runs paused after the vendor rejected the credentials resume once the settings are saved again.
    await repos.syncAlerts.resume(workspaceId, kind);
    let syncRun: SyncRunView | null = null;
    if ((stored === null || !stored.configured) && sync !== null) {
      const hadRun = await sync.lastRun(workspaceId, kind);
      syncRun = await sync.start(workspaceId, kind, hadRun === null ? 'initial' : 'full');
    }
    return { integration: await view(workspaceId, kind), syncRun, changed };
  }

  /** Remove credentials and stop syncing; synced data and links stay. */
  async function remove(workspaceId: string, kind: string): Promise<void> {
    definition(kind);
    await repos.integrations.unconfigure(workspaceId, kind);
  }

  async function configured(workspaceId: string, kind: string, caller: Caller, onEvent?: (e: HttpEvent) => void) {
    const def = definition(kind);
    const s = await load(workspaceId, kind);
    if (s === null || !s.configured) {
      throw new AppError(409, 'integration_not_configured', `The ${def.displayName} integration is not configured.`);
    }
    return { def, settings: s.settings, connector: connect(workspaceId, def, s.settings, s.secrets, caller, onEvent) };
  }

  /** A configured PSA's actions (opportunity export). */
  async function psaActions(workspaceId: string, kind: string): Promise<{ actions: PsaActions; settings: StoredSettings; def: IntegrationDefinition }> {
    const { def, settings, connector } = await configured(workspaceId, kind, 'export');
    if (connector.psa === undefined) throw new AppError(409, 'not_a_psa', `${def.displayName} is not a PSA.`);
    return { actions: connector.psa, settings, def };
  }

  /** The sync engine asks for a plan: which streams go into which tables. */
  async function plan(ctx: PlanContext): Promise<RunPlan> {
    let c: Awaited<ReturnType<typeof configured>>;
    try {
      c = await configured(ctx.workspaceId, ctx.kind, 'sync', ctx.onEvent);
    } catch (e) {
      if (e instanceof AppError) throw Object.assign(new Error('not configured'), { code: 'integration_not_configured', userMessage: 'The integration is not configured (its credentials were removed).' });
      throw e;
    }
    const { def, settings, connector } = c;
    const metrics = deps.metrics;
    const steps: StreamStep[] = connector.plan({ ticketHistoryMonths: deps.ticketHistoryMonths }).map((s) => {
      const stream = s.progressName ?? s.stream.name;
      const target = repos.synced[s.target] as SyncedWriter<unknown>;
      const writer = metrics === undefined ? target : meterWriter(target, (n) => metrics.recordsWritten(def.kind, stream, n));
      return { progressName: s.progressName, stream: s.stream, writer, sweepOnFull: s.sweepOnFull };
    });
    const perWindow = Number(settings[RATE_LIMIT_FIELD] ?? def.rateLimit.limit);
    return {
      steps,
      requestsPerSecond: (perWindow * HEADROOM) / (windowMs(def) / 1000),
      pageSize: def.pageSize,
      requestCount: () => connector.http.requestCount,
    };
  }

  function attachSync(s: SyncService): void {
    sync = s;
  }

  async function configuredKinds(): Promise<{ workspaceId: string; kind: string }[]> {
    return (await repos.integrations.configured()).filter((r) => definitionOf(r.kind) !== undefined);
  }

  /** Configured integrations the scheduler runs: all but those paused after the vendor rejected the credentials. */
  async function scheduledKinds(): Promise<{ workspaceId: string; kind: string }[]> {
    const paused = new Set((await repos.syncAlerts.paused()).map((p) => `${p.workspaceId}\u0000${p.kind}`));
    return (await configuredKinds()).filter((r) => !paused.has(`${r.workspaceId}\u0000${r.kind}`));
  }

  /** Active companies of the primary integration (its `activeStatusNames` setting, default ["Active"]). */
  async function activeCompanies(workspaceId: string): Promise<ActiveCompany[]> {
    const settings = await repos.integrations.settings(workspaceId, primaryDefinition().kind);
    const names = settings?.activeStatusNames;
    return repos.companies.active(workspaceId, Array.isArray(names) ? (names as string[]) : ['Active']);
  }

  /** The PSA the workspace links against: the first configured supplemental integration, else any with synced data. */
  async function currentPsaKind(workspaceId: string): Promise<string | null> {
    const rows = await repos.integrations.kinds(workspaceId);
    for (const def of supplementalDefinitions()) if (rows.some((r) => r.kind === def.kind && r.configured)) return def.kind;
    return repos.psa.anyKind(workspaceId);
  }

  /**
   * Builders of links into the vendors' web apps (from each definition's `webLinks` and stored settings): the
   * primary integration's organizations and configurations, the PSA's companies and tickets. Each answers
   * undefined when the settings do not make the address known.
   */
  async function webLinks(workspaceId: string, psaKind: string | null) {
    const primary = primaryDefinition();
    const primarySettings = await repos.integrations.settings(workspaceId, primary.kind);
    const psaDef = psaKind === null ? undefined : definitionOf(psaKind);
    const psaSettings = psaDef === undefined ? null : await repos.integrations.settings(workspaceId, psaDef.kind);
    const defined = (v: string | null | undefined): string | undefined => (v === null || v === undefined ? undefined : v);
    return {
      organization: (id: string) => (primarySettings === null ? undefined : defined(primary.webLinks?.organization?.(primarySettings, id))),
      configuration: (c: { id: string; organizationId: string }) =>
        primarySettings === null ? undefined : defined(primary.webLinks?.configuration?.(primarySettings, c)),
      psaCompany: (id: string) => (psaSettings === null ? undefined : defined(psaDef?.webLinks?.company?.(psaSettings, id))),
      psaTicket: (id: string) => (psaSettings === null ? undefined : defined(psaDef?.webLinks?.ticket?.(psaSettings, id))),
    };
  }

  return { list, view, test, save, remove, plan, attachSync, psaActions, configuredKinds, scheduledKinds, activeCompanies, currentPsaKind, webLinks };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
