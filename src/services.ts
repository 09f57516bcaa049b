import type { Config } from './config.js';
import type { Store } from './store/db.js';
import type { Vault } from './store/secrets.js';
import { createRepos, type Repos } from './store/repos/index.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { createNotifier, type Notifier } from './notify/notifier.js';
import { createIntegrationService, type IntegrationService, type IntegrationServiceDeps } from './integrations/service.js';
import { definitionOf } from './integrations/registry.js';
import { createInProcessQueue, type JobQueue } from './sync/job-queue.js';
import { createSyncService, type SyncRunView, type SyncService } from './sync/runner.js';
import { startScheduler } from './sync/scheduler.js';

export interface Services {
  repos: Repos;
  mailer: Mailer;
  notifier: Notifier;
  integrations: IntegrationService;
  sync: SyncService;
  queue: JobQueue;
  startScheduler(): void;
  stop(): Promise<void>;
}

export type Log = (msg: string, extra?: Record<string, unknown>) => void;

export function createServices(config: Config, store: Store, vault: Vault, log: Log, opts: { connectorOptions?: IntegrationServiceDeps['connectorOptions']; rateWindowMs?: number; mailer?: Mailer; queue?: JobQueue } = {}): Services {
  const repos = createRepos(store.db);
  const mailer = opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
  const notifier = createNotifier(repos.notifications, mailer, log);
  const integrations = createIntegrationService({
    repos, vault, ticketHistoryMonths: config.ticketHistoryMonths, connectorOptions: opts.connectorOptions,
    ...(opts.rateWindowMs !== undefined ? { rateWindowMs: opts.rateWindowMs } : {}),
  });
  const queue = opts.queue ?? createInProcessQueue({ onError: (name, err) => log('job failed', { name, err: String(err) }) });

  /** After an initial run every admin gets an email and an in-app notification with what was synced. */
  async function onFinished(run: SyncRunView, workspaceId: string): Promise<void> {
    if (run.mode !== 'initial') return;
    const def = definitionOf(run.integration);
    const name = def?.displayName ?? run.integration;
    const summary = await summarize(workspaceId, run);
    const took = run.startedAt !== null && run.finishedAt !== null ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '';
    const ok = run.status === 'succeeded';
    const partial = run.status === 'partial';
    const head = ok ? `${name} initial sync finished` : partial ? `${name} initial sync finished with gaps` : `${name} initial sync failed`;
    const message = `${head}: ${summary}${took !== '' ? ` in ${took}` : ''}.${run.error !== null ? ` ${run.error.message}` : ''}`;
    const link = config.publicUrl !== null ? `\n\nOpen Crosswalk: ${config.publicUrl}/integrations` : '';
    const next = ok || partial
      ? (def?.nextStep ?? '')
      : 'Data stored before the failure is kept. Fix the cause on the Integrations page and start the sync again.';
    await notifier.notifyAdmins(workspaceId, {
      kind: `sync.${run.status}`,
      subject: `Crosswalk: ${head}`,
      message,
      body: `${message}\n\n${next}${partial ? `\n\nNotes: ${run.notes.join('; ')}` : ''}${link}\n`,
    });
  }

  /** "160 organizations, 1,200 configurations and 300 domains synced": what the store holds for each counted stream. */
  async function summarize(workspaceId: string, run: SyncRunView): Promise<string> {
    const parts: string[] = [];
    for (const s of definitionOf(run.integration)?.streams ?? []) {
      if (!s.summary) continue;
      const n = await repos.synced[s.target].count({ workspaceId, kind: run.integration });
      parts.push(`${n.toLocaleString('en-US')} ${n === 1 ? s.noun[0] : s.noun[1]}`);
    }
    const list = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
    return `${list === '' ? 'nothing' : list} synced`;
  }

  const sync = createSyncService({ repos, queue, plan: (ctx) => integrations.plan(ctx), onFinished, log });
  integrations.attachSync(sync);
  let scheduler: { stop(): void } | null = null;

  return {
    repos, mailer, notifier, integrations, sync, queue,
    startScheduler() {
      scheduler = startScheduler({ intervalMinutes: config.syncIntervalMinutes, integrations, sync, log });
    },
    async stop() {
      scheduler?.stop();
      await sync.stop();
      await queue.stop();
      mailer.close();
    },
  };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
