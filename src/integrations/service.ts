import type { CheckResult } from '../connectors/contract.js';
import type { HttpEvent } from '../connectors/http/client.js';
import { createRateLimiter, type RateLimiter } from '../connectors/http/rate-limiter.js';
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

function definition(kind: string): IntegrationDefinition {
  const def = definitionOf(kind);
  if (def === undefined) throw new AppError(404, 'not_found', `No integration of kind ${kind}.`);
  return def;
}

export function createIntegrationService(deps: IntegrationServiceDeps) {
  const { repos, vault } = deps;
  /** One limiter per integration instance, shared by sync, test and export. */
  const limiters = new Map<string, RateLimiter>();
  let sync: SyncService | null = null;
  const windowMs = (def: IntegrationDefinition): number => deps.rateWindowMs ?? def.rateLimit.windowMs;

  function limiterFor(workspaceId: string, def: IntegrationDefinition, settings: StoredSettings): RateLimiter {
    const perWindow = Number(settings[RATE_LIMIT_FIELD] ?? def.rateLimit.limit);
    const key = `${workspaceId}:${def.kind}:${perWindow}`;
    let l = limiters.get(key);
    if (l === undefined) {
      l = createRateLimiter({ limit: Math.max(1, Math.floor(perWindow * HEADROOM)), windowMs: windowMs(def) });
      const metrics = deps.metrics;
      if (metrics !== undefined) l = meterLimiter(l, (ms) => metrics.limiterWait(def.kind, ms));
      limiters.set(key, l);
    }
    return l;
  }

  async function load(workspaceId: string, kind: string) {
    const row = await repos.integrations.get(workspaceId, kind);
    if (row === null) return null;
    const settings = JSON.parse(row.settings_json) as StoredSettings;
    const secrets = row.secrets_enc === null ? {} : (JSON.parse(vault.decrypt(row.secrets_enc)) as Secrets);
    return { settings, secrets, configured: row.configured === 1 };
  }

  function connect(workspaceId: string, def: IntegrationDefinition, settings: StoredSettings, secrets: Secrets, onEvent?: (e: HttpEvent) => void): IntegrationConnector {
    // Every connector (sync, Test Settings, export) reports its HTTP events to the metrics.
    const metrics = deps.metrics;
    const listener = metrics === undefined
      ? onEvent
      : (e: HttpEvent) => {
          metrics.httpEvent(def.kind, e);
          onEvent?.(e);
        };
    return def.connect({
      settings, secrets, limiter: limiterFor(workspaceId, def, settings),
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
    return connect(workspaceId, def, settings, secrets).check();
  }

  /**
   * Save settings; the first successful save starts the initial sync. `changed` names the fields whose value changed
   * (secret fields by name only: for the audit log, which never holds a secret).
   */
  async function save(workspaceId: string, kind: string, body: SettingsBody): Promise<{ integration: IntegrationView; syncRun: SyncRunView | null; changed: string[] }> {
    const def = definition(kind);
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

  async function configured(workspaceId: string, kind: string, onEvent?: (e: HttpEvent) => void) {
    const def = definition(kind);
    const s = await load(workspaceId, kind);
    if (s === null || !s.configured) {
      throw new AppError(409, 'integration_not_configured', `The ${def.displayName} integration is not configured.`);
    }
    return { def, settings: s.settings, connector: connect(workspaceId, def, s.settings, s.secrets, onEvent) };
  }

  /** A configured PSA's actions (opportunity export). */
  async function psaActions(workspaceId: string, kind: string): Promise<{ actions: PsaActions; settings: StoredSettings; def: IntegrationDefinition }> {
    const { def, settings, connector } = await configured(workspaceId, kind);
    if (connector.psa === undefined) throw new AppError(409, 'not_a_psa', `${def.displayName} is not a PSA.`);
    return { actions: connector.psa, settings, def };
  }

  /** The sync engine asks for a plan: which streams go into which tables. */
  async function plan(ctx: PlanContext): Promise<RunPlan> {
    let c: Awaited<ReturnType<typeof configured>>;
    try {
      c = await configured(ctx.workspaceId, ctx.kind, ctx.onEvent);
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

  return { list, view, test, save, remove, plan, attachSync, psaActions, configuredKinds, scheduledKinds, activeCompanies, currentPsaKind };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
