import type { Kysely } from 'kysely';
import type { CheckResult, ItGlueConnector, PsaConnector } from '../connectors/contract.js';
import type { HttpEvent } from '../connectors/http/client.js';
import { createRateLimiter, type RateLimiter } from '../connectors/http/rate-limiter.js';
import { createItGlueConnector } from '../connectors/itglue/index.js';
import { createHaloConnector } from '../connectors/halo/index.js';
import type { Database } from '../store/schema.js';
import type { Vault } from '../store/secrets.js';
import { nowIso } from '../store/db.js';
import { createSyncedRepos } from '../store/repos/synced.js';
import type { PlanContext, RunPlan, StreamStep, SyncRunView, SyncService } from '../sync/runner.js';
import { AppError } from '../server/errors.js';
import {
  INTEGRATION_KINDS, ROLE, type HaloBody, type HaloSettings, type IntegrationKind, type ItglueBody, type ItglueSettings,
} from './specs.js';

const WINDOW_MS = 5 * 60 * 1000;
const DEFAULT_LIMITS: Record<IntegrationKind, number> = { itglue: 3000, halo: 300, syncro: 900 };
/** Run a little under the vendor's limit so clock skew never earns a 429. */
const HEADROOM = 0.97;

interface Secrets {
  apiKey?: string;
  clientSecret?: string;
}

export interface IntegrationView {
  kind: IntegrationKind;
  role: 'primary' | 'supplemental';
  configured: boolean;
  settings: Record<string, unknown>;
  lastSyncRun: SyncRunView | null;
}

export interface IntegrationServiceDeps {
  db: Kysely<Database>;
  vault: Vault;
  ticketHistoryMonths: number;
  /** Options passed to every connector (tests shorten waits). */
  connectorOptions?: { retryAfterDefaultMs?: number; timeoutMs?: number; backoffBaseMs?: number };
}

export function createIntegrationService(deps: IntegrationServiceDeps) {
  const { db, vault } = deps;
  const repos = createSyncedRepos(db);
  /** One limiter per integration instance, shared by sync, test and export. */
  const limiters = new Map<string, RateLimiter>();
  let sync: SyncService | null = null;

  function limiterFor(workspaceId: string, kind: IntegrationKind, perWindow: number): RateLimiter {
    const key = `${workspaceId}:${kind}:${perWindow}`;
    let l = limiters.get(key);
    if (l === undefined) {
      l = createRateLimiter({ limit: Math.max(1, Math.floor(perWindow * HEADROOM)), windowMs: WINDOW_MS });
      limiters.set(key, l);
    }
    return l;
  }

  async function load(workspaceId: string, kind: IntegrationKind) {
    const row = await db.selectFrom('integrations').selectAll().where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst();
    if (row === undefined) return null;
    const settings = JSON.parse(row.settings_json) as Record<string, unknown>;
    const secrets = row.secrets_enc === null ? {} : (JSON.parse(vault.decrypt(row.secrets_enc)) as Secrets);
    return { row, settings, secrets, configured: row.configured === 1 };
  }

  function publicSettings(kind: IntegrationKind, settings: Record<string, unknown>, secrets: Secrets): Record<string, unknown> {
    if (kind === 'itglue') return { ...settings, apiKeySet: secrets.apiKey !== undefined };
    if (kind === 'halo') return { ...settings, clientSecretSet: secrets.clientSecret !== undefined };
    return { ...settings, apiTokenSet: false };
  }

  async function list(workspaceId: string): Promise<IntegrationView[]> {
    const out: IntegrationView[] = [];
    for (const kind of INTEGRATION_KINDS) out.push(await view(workspaceId, kind));
    return out;
  }

  async function view(workspaceId: string, kind: IntegrationKind): Promise<IntegrationView> {
    const s = await load(workspaceId, kind);
    return {
      kind,
      role: ROLE[kind],
      configured: s?.configured ?? false,
      settings: s === null ? {} : publicSettings(kind, s.settings, s.secrets),
      lastSyncRun: sync === null ? null : await sync.lastRun(workspaceId, kind),
    };
  }

  function missingSecret(field: string): AppError {
    return new AppError(400, 'invalid_request', `Invalid request: body.${field} is required (nothing is stored yet)`, {
      issues: [{ path: `body.${field}`, message: 'is required (nothing is stored yet)' }],
    });
  }

  function itglueConnector(workspaceId: string, s: ItglueSettings, apiKey: string, onEvent?: (e: HttpEvent) => void): ItGlueConnector {
    return createItGlueConnector({
      baseUrl: s.baseUrl, apiKey, limiter: limiterFor(workspaceId, 'itglue', s.rateLimitPer5Min), onEvent, ...deps.connectorOptions,
    });
  }

  function haloConnector(workspaceId: string, s: HaloSettings, clientSecret: string, onEvent?: (e: HttpEvent) => void): PsaConnector {
    return createHaloConnector({
      resourceServerUrl: s.resourceServerUrl, authorizationServerUrl: s.authorizationServerUrl, tenant: s.tenant, clientId: s.clientId, clientSecret,
      limiter: limiterFor(workspaceId, 'halo', s.rateLimitPer5Min), onEvent, ...deps.connectorOptions,
    });
  }

  function itglueSettings(body: ItglueBody, prev: Record<string, unknown> | undefined): ItglueSettings {
    return {
      baseUrl: body.baseUrl,
      activeStatusNames: body.activeStatusNames ?? (prev?.activeStatusNames as string[] | undefined) ?? ['Active'],
      rateLimitPer5Min: body.rateLimitPer5Min ?? (prev?.rateLimitPer5Min as number | undefined) ?? DEFAULT_LIMITS.itglue,
    };
  }

  function haloSettings(body: HaloBody, prev: Record<string, unknown> | undefined): HaloSettings {
    const tenant = body.tenant === undefined || body.tenant === null || body.tenant === '' ? null : body.tenant;
    return {
      resourceServerUrl: body.resourceServerUrl, authorizationServerUrl: body.authorizationServerUrl, tenant, clientId: body.clientId,
      pullTickets: body.pullTickets, opportunityExport: body.opportunityExport,
      rateLimitPer5Min: body.rateLimitPer5Min ?? (prev?.rateLimitPer5Min as number | undefined) ?? DEFAULT_LIMITS.halo,
    };
  }

  async function test(workspaceId: string, kind: IntegrationKind, body: ItglueBody | HaloBody): Promise<CheckResult> {
    const stored = await load(workspaceId, kind);
    if (kind === 'itglue') {
      const b = body as ItglueBody;
      const key = b.apiKey ?? stored?.secrets.apiKey;
      if (key === undefined) throw missingSecret('apiKey');
      return itglueConnector(workspaceId, itglueSettings(b, stored?.settings), key).check();
    }
    if (kind === 'halo') {
      const b = body as HaloBody;
      const secret = b.clientSecret ?? stored?.secrets.clientSecret;
      if (secret === undefined) throw missingSecret('clientSecret');
      return haloConnector(workspaceId, haloSettings(b, stored?.settings), secret).check({ pullTickets: b.pullTickets, opportunityExport: b.opportunityExport });
    }
    throw new AppError(409, 'not_available', 'Syncro is not available yet.');
  }

  /** Save settings; the first successful save starts the initial sync. */
  async function save(workspaceId: string, kind: IntegrationKind, body: ItglueBody | HaloBody): Promise<{ integration: IntegrationView; syncRun: SyncRunView | null }> {
    const stored = await load(workspaceId, kind);
    let settings: Record<string, unknown>;
    const secrets: Secrets = { ...(stored?.secrets ?? {}) };
    if (kind === 'itglue') {
      const b = body as ItglueBody;
      if (b.apiKey !== undefined) secrets.apiKey = b.apiKey;
      if (secrets.apiKey === undefined) throw missingSecret('apiKey');
      settings = { ...itglueSettings(b, stored?.settings) };
    } else if (kind === 'halo') {
      const b = body as HaloBody;
      if (b.clientSecret !== undefined) secrets.clientSecret = b.clientSecret;
      if (secrets.clientSecret === undefined) throw missingSecret('clientSecret');
      settings = { ...haloSettings(b, stored?.settings) };
    } else {
      throw new AppError(409, 'not_available', 'Syncro is not available yet.');
    }
    const now = nowIso();
    const values = { settings_json: JSON.stringify(settings), secrets_enc: vault.encrypt(JSON.stringify(secrets)), configured: 1, updated_at: now };
    const firstSave = stored === null || !stored.configured;
    await db.insertInto('integrations')
      .values({ workspace_id: workspaceId, kind, ...values, state_json: '{}', created_at: now })
      .onConflict((oc) => oc.columns(['workspace_id', 'kind']).doUpdateSet(values))
      .execute();
    let syncRun: SyncRunView | null = null;
    if (firstSave && sync !== null) {
      const hadRun = await sync.lastRun(workspaceId, kind);
      syncRun = await sync.start(workspaceId, kind, hadRun === null ? 'initial' : 'full');
    }
    return { integration: await view(workspaceId, kind), syncRun };
  }

  /** Remove credentials and stop syncing; synced data and links stay. */
  async function remove(workspaceId: string, kind: IntegrationKind): Promise<void> {
    await db.updateTable('integrations').set({ secrets_enc: null, configured: 0, updated_at: nowIso() })
      .where('workspace_id', '=', workspaceId).where('kind', '=', kind).execute();
  }

  async function psaConnector(workspaceId: string, kind: IntegrationKind, onEvent?: (e: HttpEvent) => void): Promise<{ connector: PsaConnector; settings: HaloSettings }> {
    const s = await load(workspaceId, kind);
    if (s === null || !s.configured || kind !== 'halo' || s.secrets.clientSecret === undefined) {
      throw new AppError(409, 'integration_not_configured', `The ${kind} integration is not configured.`);
    }
    const settings = s.settings as unknown as HaloSettings;
    return { connector: haloConnector(workspaceId, settings, s.secrets.clientSecret, onEvent), settings };
  }

  /** The sync engine asks for a plan: which streams go into which tables. */
  async function plan(ctx: PlanContext): Promise<RunPlan> {
    const kind = ctx.kind as IntegrationKind;
    const s = await load(ctx.workspaceId, kind);
    if (s === null || !s.configured) throw Object.assign(new Error('not configured'), { code: 'integration_not_configured', userMessage: 'The integration is not configured (its credentials were removed).' });
    const step = (progressName: string | null, stream: unknown, writer: unknown, sweepOnFull = true): StreamStep =>
      ({ progressName, stream, writer, sweepOnFull }) as StreamStep;
    if (kind === 'itglue') {
      const settings = s.settings as unknown as ItglueSettings;
      const c = itglueConnector(ctx.workspaceId, settings, s.secrets.apiKey ?? '', ctx.onEvent);
      const st = c.streams();
      return {
        steps: [
          step(null, st.organizationStatuses, repos.itgStatuses),
          step(null, st.organizationTypes, repos.itgTypes),
          step('organizations', st.organizations, repos.itgOrganizations),
          step('configurations', st.configurations, repos.itgConfigurations),
          step('domains', st.domains, repos.itgDomains),
        ],
        requestsPerSecond: (settings.rateLimitPer5Min * HEADROOM) / 300,
        pageSize: 1000,
        requestCount: () => c.http.requestCount,
      };
    }
    const { connector: c, settings } = await psaConnector(ctx.workspaceId, kind, ctx.onEvent);
    const st = c.streams({ ticketMonths: deps.ticketHistoryMonths });
    const steps: StreamStep[] = [step('clients', st.companies, repos.psaCompanies)];
    if (st.sites !== undefined) steps.push(step('sites', st.sites, repos.psaSites));
    steps.push(step('ticketTypes', st.ticketTypes, repos.psaTicketTypes));
    // A "full" ticket pull is a window (open + last N months): never sweep older tickets away.
    if (settings.pullTickets) steps.push(step('tickets', st.tickets, repos.psaTickets, false));
    return {
      steps,
      requestsPerSecond: (settings.rateLimitPer5Min * HEADROOM) / 300,
      pageSize: 100,
      requestCount: () => c.http.requestCount,
    };
  }

  function attachSync(s: SyncService): void {
    sync = s;
  }

  async function configuredKinds(): Promise<{ workspaceId: string; kind: IntegrationKind }[]> {
    const rows = await db.selectFrom('integrations').select(['workspace_id', 'kind']).where('configured', '=', 1).execute();
    return rows.map((r) => ({ workspaceId: r.workspace_id, kind: r.kind }));
  }

  return { list, view, test, save, remove, plan, attachSync, psaConnector, configuredKinds, load };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
