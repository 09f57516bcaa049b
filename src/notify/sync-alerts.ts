/**
 * What admins hear about sync runs — the one place that decides it. Called once when a run ends.
 *
 * - The first run that completes an integration's initial data (succeeded or partial, whatever its mode: an
 *   initial run, or the run that resumed or retried an interrupted one) sends the initial-sync notice, once.
 * - A failed or partial run starts or extends the integration's failure streak; the streak's first run sends
 *   `sync_failed` (the reason and what to do), later ones nothing. A failed initial run's notice is that alert.
 * - A succeeded run ends the streak; if admins were told about it, `sync_recovered` (unless the same run
 *   completes the initial data: then the initial-sync notice says it).
 * - Rejected credentials (`invalid_credentials`, `invalid_tenant`, `missing_permissions`) pause the
 *   integration's scheduled runs until its settings are saved again (or a manual run succeeds).
 * - A run that ended because the process stopped (`aborted`, `interrupted`) changes nothing: it is resumed or
 *   retried, and that run's outcome is what admins hear about.
 *
 * Notifications go to each admin (members get none), with a link to the integration's settings page; one email
 * goes to the admins. Whether to notify is claimed in the database (sync_alerts), so each notice goes out once
 * even when several workers finish runs.
 */
import type { IntegrationDefinition } from '../integrations/definition.js';
import { definitionOf } from '../integrations/registry.js';
import { adviceFor, INTERRUPTION_CODES, PAUSING_CODES, settingsLink } from '../integrations/sync-health.js';
import type { Repos } from '../store/repos/index.js';
import type { SyncRunView } from '../sync/runner.js';
import type { Notifier } from './notifier.js';

export type SyncNoticeKind = 'initial_sync' | 'sync_failed' | 'sync_recovered';

export interface SyncAlertsDeps {
  repos: Pick<Repos, 'syncAlerts' | 'synced'>;
  notifier: Notifier;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  now?: () => Date;
}

export function createSyncAlerts(deps: SyncAlertsDeps) {
  const { syncAlerts, synced } = deps.repos;
  const now = deps.now ?? (() => new Date());

  async function onRunFinished(run: SyncRunView, workspaceId: string): Promise<SyncNoticeKind | null> {
    if (run.status === 'queued' || run.status === 'running') return null;
    if (run.status === 'failed' && run.error !== null && INTERRUPTION_CODES.has(run.error.code)) return null;
    const def = definitionOf(run.integration);
    const name = def?.displayName ?? run.integration;
    const advise = (code: string) => adviceFor(def ?? { displayName: name }, code);
    const at = run.finishedAt ?? now().toISOString();
    const link = settingsLink(run.integration);
    const took = run.startedAt !== null && run.finishedAt !== null ? formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt)) : '';
    const tookText = took !== '' ? ` in ${took}` : '';
    const notesText = run.notes.length > 0 ? `\n\nNotes: ${run.notes.join('; ')}` : '';

    if (run.status === 'succeeded') {
      const firstComplete = await syncAlerts.claimInitial(workspaceId, run.integration, at);
      const { recovered, before } = await syncAlerts.recordSuccess(workspaceId, run.integration, at);
      if (firstComplete) {
        const head = `${name} initial sync finished`;
        const message = `${head}: ${await summarize(workspaceId, run.integration, def)}${tookText}.`;
        await send(workspaceId, 'initial_sync', `Crosswalk: ${head}`, message, `${message}\n\n${def?.nextStep ?? ''}${notesText}`, link);
        return 'initial_sync';
      }
      if (!recovered) return null;
      const failed = before.failure_streak;
      const since = before.failing_since !== null ? ` since ${before.failing_since.replace('T', ' ').slice(0, 16)} UTC` : '';
      const head = `${name} sync works again`;
      const message = `${head}: the ${run.mode} run succeeded after ${failed} failed ${failed === 1 ? 'run' : 'runs'}${since}.${before.paused_at !== null ? ' Scheduled syncs have resumed.' : ''}`;
      await send(workspaceId, 'sync_recovered', `Crosswalk: ${head}`, message, message, link);
      return 'sync_recovered';
    }

    // failed or partial
    const partial = run.status === 'partial';
    const error = run.error ?? { code: partial ? 'partial' : 'sync_failed', message: partial ? 'Some records announced by the vendor did not arrive.' : 'The sync failed.' };
    const pause = !partial && PAUSING_CODES.has(error.code);
    const initialBefore = (await syncAlerts.get(workspaceId, run.integration))?.initial_done_at ?? null;
    const firstComplete = partial ? await syncAlerts.claimInitial(workspaceId, run.integration, at) : false;
    const { claimed } = await syncAlerts.recordFailure(workspaceId, run.integration, { error, pause, at });
    if (!claimed && !firstComplete) return null;
    const action = advise(partial ? 'partial' : error.code);
    const pauseText = pause ? ` Scheduled syncs of ${name} are paused until its settings are saved again.` : '';
    let head: string;
    let message: string;
    if (firstComplete || (initialBefore === null && !partial)) {
      // The initial-sync notice, for an initial sync that failed or finished with gaps.
      head = partial ? `${name} initial sync finished with gaps` : `${name} initial sync failed`;
      message = `${head}: ${await summarize(workspaceId, run.integration, def)}${tookText}.${partial ? '' : ` ${error.message}`}`;
    } else {
      head = partial ? `${name} sync finished with gaps` : `${name} sync failed`;
      message = `${head}: ${error.message}`;
    }
    message = `${message.replace(/\s+$/, '')} What to do: ${action}${pauseText}`;
    const body = `${message}\n\nData stored before the failure is kept. You will not be emailed again about ${name} until a sync succeeds.${notesText}`;
    await send(workspaceId, 'sync_failed', `Crosswalk: ${head}`, message, body, link);
    return 'sync_failed';
  }

  async function send(workspaceId: string, kind: SyncNoticeKind, subject: string, message: string, body: string, link: string): Promise<void> {
    await deps.notifier.notifyAdmins(workspaceId, { kind, subject, message, body, link });
    deps.log?.('admins notified', { kind, subject });
  }

  /** "160 organizations, 1,200 configurations and 300 domains synced": what the store holds for each counted stream. */
  async function summarize(workspaceId: string, kind: string, def: IntegrationDefinition | undefined): Promise<string> {
    const parts: string[] = [];
    for (const s of def?.streams ?? []) {
      if (!s.summary) continue;
      const n = await synced[s.target].count({ workspaceId, kind });
      parts.push(`${n.toLocaleString('en-US')} ${n === 1 ? s.noun[0] : s.noun[1]}`);
    }
    const list = parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
    return `${list === '' ? 'nothing' : list} synced`;
  }

  return { onRunFinished };
}

export type SyncAlerts = ReturnType<typeof createSyncAlerts>;

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${s % 60}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
