// The sync progress line's time-left text.
import { formatDuration } from './format.js';

/**
 * What the progress line says about time left: the estimate only while records keep arriving. A run whose
 * last poll counted new retries says "Retrying…"; one that fetched nothing for 15 s or more is waiting on the
 * vendor; an estimate under a second is "Finishing…" (never "About 0s left").
 */
export function etaText(left: number | null, opts: { retrying: boolean; stalledSeconds: number }): string | null {
  if (opts.retrying) return 'Retrying…';
  if (opts.stalledSeconds >= 15) return 'Waiting for the vendor…';
  if (left === null) return null;
  if (left < 1) return 'Finishing…';
  return `About ${formatDuration(left)} left`;
}
