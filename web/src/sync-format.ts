import type { SyncRun, SyncStatus } from './api.js';
import { formatNumber } from './format.js';
import type { IntegrationKinds } from './integration-kinds.js';

/** A stream's label as its integration names it ("Ticket types"), else the name spelled out. */
export function streamLabel(kinds: IntegrationKinds, kind: string, name: string): string {
  return kinds.stream(kind, name)?.label ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

export function modeLabel(mode: SyncRun['mode']): string {
  return mode === 'initial' ? 'Initial sync' : mode === 'full' ? 'Full sync' : 'Incremental sync';
}

export const STATUS_COLORS: Record<SyncStatus, string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
  partial: 'orange',
};

export const STATUS_LABELS: Record<SyncStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  partial: 'Partial',
};

/** "212 companies, 12,000 tickets": the run's streams its integration counts in summaries. */
export function runCounts(run: SyncRun, kinds: IntegrationKinds): string {
  const parts: string[] = [];
  for (const info of kinds.get(run.integration)?.streamInfo ?? []) {
    const p = run.progress[info.name];
    if (p === undefined || !info.summary) continue;
    parts.push(`${formatNumber(p.fetched)} ${p.fetched === 1 ? info.noun[0] : info.noun[1]}`);
  }
  return parts.join(', ');
}

/** "Initial sync finished: 212 companies, 12,000 tickets" */
export function runFinishedMessage(run: SyncRun, kinds: IntegrationKinds): string {
  const counts = runCounts(run, kinds);
  const what = modeLabel(run.mode);
  if (run.status === 'failed') {
    return `${what} failed${run.error !== null ? `: ${run.error.message}` : ''}`;
  }
  const verb = run.status === 'partial' ? 'finished with gaps' : 'finished';
  return `${what} ${verb}${counts !== '' ? `: ${counts}` : ''}`;
}

/** Seconds left: the server's estimate when present, else a projection from totals. */
export function estimateSecondsLeft(run: SyncRun, elapsedSeconds: number | null): number | null {
  if (run.estimatedSecondsLeft !== null) return run.estimatedSecondsLeft;
  if (elapsedSeconds === null || elapsedSeconds < 3) return null;
  let fetched = 0;
  let total = 0;
  for (const p of Object.values(run.progress)) {
    if (p.done) {
      fetched += p.fetched;
      total += p.fetched;
      continue;
    }
    if (p.total === null) return null; // an unknown total makes any estimate a guess
    fetched += p.fetched;
    total += Math.max(p.total, p.fetched);
  }
  if (fetched === 0 || total === 0 || fetched >= total) return null;
  return (elapsedSeconds * (total - fetched)) / fetched;
}

