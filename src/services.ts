import type { Config } from './config.js';
import type { Store } from './store/db.js';
import type { Vault } from './store/secrets.js';
import { createRepos, type Repos } from './store/repos/index.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { createNotifier, type Notifier } from './notify/notifier.js';
import { createSyncAlerts } from './notify/sync-alerts.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { createIntegrationService, type IntegrationService, type IntegrationServiceDeps } from './integrations/service.js';
import { createOpportunityService, type OpportunityService } from './opportunities/service.js';
import { createLifecycleService, type LifecycleService } from './lifecycle/service.js';
import { createInProcessQueue, type JobQueue } from './sync/job-queue.js';
import { createSyncService, type SyncRunView, type SyncService, type SyncServiceDeps } from './sync/runner.js';
import { startScheduler } from './sync/scheduler.js';

export interface Services {
  repos: Repos;
  mailer: Mailer;
  notifier: Notifier;
  integrations: IntegrationService;
  opportunities: OpportunityService;
  lifecycle: LifecycleService;
  sync: SyncService;
  queue: JobQueue;
  metrics: Metrics;
  startScheduler(): void;
  stop(): Promise<void>;
}

export type Log = (msg: string, extra?: Record<string, unknown>) => void;

export function createServices(config: Config, store: Store, vault: Vault, log: Log, opts: { connectorOptions?: IntegrationServiceDeps['connectorOptions']; rateWindowMs?: number; mailer?: Mailer; queue?: JobQueue;
  /** Lease, heartbeat and reaper timings of the sync service (tests shorten them; else from the config). */
  sync?: Pick<SyncServiceDeps, 'leaseMs' | 'heartbeatMs' | 'reaperIntervalMs' | 'maxAttempts' | 'owner'> } = {}): Services {
  const repos = createRepos(store.db);
  const mailer = opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
  const notifier = createNotifier(repos.notifications, mailer, log, { publicUrl: config.publicUrl });
  const metrics = createMetrics({
    processMetrics: config.metricsToken !== null,
    queueDepth: () => repos.syncRuns.activeCounts(),
    onError: (msg, err) => log(msg, { err: String(err) }),
  });
  const integrations = createIntegrationService({
    repos, vault, ticketHistoryMonths: config.ticketHistoryMonths, connectorOptions: opts.connectorOptions, metrics,
    ...(opts.rateWindowMs !== undefined ? { rateWindowMs: opts.rateWindowMs } : {}),
    // On PostgreSQL several processes may call one vendor account: its rolling window lives in the database.
    ...(store.dialect === 'postgres' ? { sharedLimits: repos.rateSlots, onLimiterError: (err: unknown) => log('rate limiter: database error', { err: String(err) }) } : {}),
  });
  const opportunities = createOpportunityService({ repos, integrations, log });
  const lifecycle = createLifecycleService({ repos, integrations, currency: config.currency });
  const queue = opts.queue ?? createInProcessQueue({ onError: (name, err) => log('job failed', { name, err: String(err) }) });

  const alerts = createSyncAlerts({ repos, notifier, log });

  /** When a run ends: metrics, then what admins hear about it (initial-sync notice, failure streak, recovery). */
  async function onFinished(run: SyncRunView, workspaceId: string): Promise<void> {
    metrics.runFinished(run);
    await alerts.onRunFinished(run, workspaceId);
  }

  const sync = createSyncService({
    repos, queue, plan: (ctx) => integrations.plan(ctx), onFinished, log,
    leaseMs: config.syncLeaseSeconds * 1000, reaperIntervalMs: config.syncReaperSeconds * 1000, ...opts.sync,
  });
  integrations.attachSync(sync);
  let scheduler: { stop(): void } | null = null;

  return {
    repos, mailer, notifier, integrations, opportunities, lifecycle, sync, queue, metrics,
    startScheduler() {
      // Rounds are claimed in the database: one process runs each, however many serve and worker processes run.
      scheduler = startScheduler({ intervalMinutes: config.syncIntervalMinutes, integrations, sync, log, claims: repos.instance });
    },
    async stop() {
      scheduler?.stop();
      await sync.stop();
      await queue.stop();
      mailer.close();
    },
  };
}
