import type { Config } from './config.js';
import type { Store } from './store/db.js';
import type { Vault } from './store/secrets.js';
import { createMailer, type Mailer } from './notify/mailer.js';
import { createNotifier, type Notifier } from './notify/notifier.js';
import { createIntegrationService, type IntegrationService, type IntegrationServiceDeps } from './integrations/service.js';
import { createInProcessQueue, type JobQueue } from './sync/job-queue.js';
import { createSyncService, type SyncRunView, type SyncService } from './sync/runner.js';
import { startScheduler } from './sync/scheduler.js';

export interface Services {
  mailer: Mailer;
  notifier: Notifier;
  integrations: IntegrationService;
  sync: SyncService;
  queue: JobQueue;
  startScheduler(): void;
  stop(): Promise<void>;
}

export type Log = (msg: string, extra?: Record<string, unknown>) => void;

const NAMES: Record<string, string> = { itglue: 'IT Glue', halo: 'HaloPSA', syncro: 'Syncro' };

export function createServices(config: Config, store: Store, vault: Vault, log: Log, opts: { connectorOptions?: IntegrationServiceDeps['connectorOptions']; mailer?: Mailer; queue?: JobQueue } = {}): Services {
  const mailer = opts.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
  const notifier = createNotifier(store.db, mailer, log);
  const integrations = createIntegrationService({ db: store.db, vault, ticketHistoryMonths: config.ticketHistoryMonths, connectorOptions: opts.connectorOptions });
  const queue = opts.queue ?? createInProcessQueue({ onError: (name, err) => log('job failed', { name, err: String(err) }) });

  async function onFinished(run: SyncRunView, workspaceId: string): Promise<void> {
    if (run.mode !== 'initial') return;
    const name = NAMES[run.integration] ?? run.integration;
    const summary = await summarize(workspaceId, run.integration);
    const took = run.startedAt !== null && run.finishedAt !== null ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '';
    const ok = run.status === 'succeeded';
    const partial = run.status === 'partial';
    const head = ok ? `${name} initial sync finished` : partial ? `${name} initial sync finished with gaps` : `${name} initial sync failed`;
    const message = `${head}: ${summary}${took !== '' ? ` in ${took}` : ''}.${run.error !== null ? ` ${run.error.message}` : ''}`;
    const link = config.publicUrl !== null ? `\n\nOpen Crosswalk: ${config.publicUrl}/integrations` : '';
    const next = ok || partial
      ? run.integration === 'itglue' ? 'Your IT Glue companies are now on the Companies page.' : 'Next step: open Link Companies and run Automap to attach PSA companies to your IT Glue companies.'
      : 'Data stored before the failure is kept. Fix the cause on the Integrations page and start the sync again.';
    await notifier.notifyAdmins(workspaceId, {
      kind: `sync.${run.status}`,
      subject: `Crosswalk: ${head}`,
      message,
      body: `${message}\n\n${next}${partial ? `\n\nNotes: ${run.notes.join('; ')}` : ''}${link}\n`,
    });
  }

  async function summarize(workspaceId: string, kind: string): Promise<string> {
    const db = store.db;
    const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0).toLocaleString('en-US');
    if (kind === 'itglue') {
      const orgs = await count(db.selectFrom('itg_organizations').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirst() as never);
      const cfg = await count(db.selectFrom('itg_configurations').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirst() as never);
      const dom = await count(db.selectFrom('itg_domains').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).executeTakeFirst() as never);
      return `${orgs} organizations, ${cfg} configurations and ${dom} domains synced`;
    }
    const companies = await count(db.selectFrom('psa_companies').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst() as never);
    const tickets = await count(db.selectFrom('psa_tickets').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', workspaceId).where('kind', '=', kind).executeTakeFirst() as never);
    return `${companies} companies and ${tickets} tickets synced`;
  }

  const sync = createSyncService({ db: store.db, queue, plan: (ctx) => integrations.plan(ctx), onFinished, log });
  integrations.attachSync(sync);
  let scheduler: { stop(): void } | null = null;

  return {
    mailer, notifier, integrations, sync, queue,
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
