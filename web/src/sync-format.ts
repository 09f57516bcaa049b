import type { IntegrationKind, SyncRun, SyncStatus } from './api.js';
import { formatNumber } from './format.js';

export const INTEGRATION_NAMES: Record<IntegrationKind, string> = {
  itglue: 'IT Glue',
  halo: 'HaloPSA',
  syncro: 'Syncro',
};

const STREAM_LABELS: Record<string, string> = {
  organizations: 'Organizations',
  configurations: 'Configurations',
  domains: 'Domains',
  clients: 'Clients',
  customers: 'Customers',
  sites: 'Sites',
  ticketTypes: 'Ticket types',
  tickets: 'Tickets',
};

export function streamLabel(name: string): string {
  return STREAM_LABELS[name] ?? name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
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

// What each stream counts, in people's words, for summaries.
const SUMMARY_NOUNS: Record<string, [string, string]> = {
  organizations: ['organization', 'organizations'],
  clients: ['company', 'companies'],
  customers: ['company', 'companies'],
  configurations: ['configuration', 'configurations'],
  domains: ['domain', 'domains'],
  tickets: ['ticket', 'tickets'],
};

export function runCounts(run: SyncRun): string {
  const parts: string[] = [];
  for (const [stream, nouns] of Object.entries(SUMMARY_NOUNS)) {
    const p = run.progress?.[stream];
    if (p === undefined) continue;
    parts.push(`${formatNumber(p.fetched)} ${p.fetched === 1 ? nouns[0] : nouns[1]}`);
  }
  return parts.join(', ');
}

/** "Initial sync finished: 212 companies, 12,000 tickets" */
export function runFinishedMessage(run: SyncRun): string {
  const counts = runCounts(run);
  const what = modeLabel(run.mode);
  if (run.status === 'failed') {
    return `${what} failed${run.error !== null ? `: ${run.error.message}` : ''}`;
  }
  const verb = run.status === 'partial' ? 'finished with gaps' : 'finished';
  return `${what} ${verb}${counts !== '' ? `: ${counts}` : ''}`;
}

/** Seconds left: the server's estimate when present, else a projection from totals. */
export function estimateSecondsLeft(run: SyncRun, elapsedSeconds: number | null, now = Date.now()): number | null {
  if (typeof run.estimatedSecondsLeft === 'number') return run.estimatedSecondsLeft;
  if (typeof run.etaSeconds === 'number') return run.etaSeconds;
  if (typeof run.eta === 'number') return run.eta;
  if (typeof run.eta === 'string') {
    const t = new Date(run.eta).getTime();
    if (!Number.isNaN(t)) return Math.max(0, (t - now) / 1000);
  }
  if (elapsedSeconds === null || elapsedSeconds < 3) return null;
  let fetched = 0;
  let total = 0;
  for (const p of Object.values(run.progress ?? {})) {
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
