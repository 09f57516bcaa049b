import type { IntegrationService } from '../integrations/service.js';
import { SyncInProgressError, type SyncService } from './runner.js';

/** What the scheduler needs to fire once per interval across processes (the instance repository). */
export interface ScheduleClaims {
  claimSlot(name: string, slot: number): Promise<boolean>;
  pruneClaims(name: string, beforeSlot: number): Promise<void>;
}

const CLAIM_NAME = 'incremental-sync';
/** How often a process looks whether the current round is still unclaimed (rounds shorter than this: every round). */
const LOOK_EVERY_MS = 30_000;

/**
 * Scheduled incremental sync of every configured integration; skips one that is still running and those paused
 * after the vendor rejected their credentials. `tick()` runs one round now (tests call it).
 *
 * With `claims` (every process started by the runtime), rounds are the slots ⌊now ÷ interval⌋ of the wall clock and
 * each slot is claimed by inserting a row (`schedule_claims`, primary key name + slot): however many serve and worker
 * processes run the scheduler, exactly one of them runs each round. A process never claims the slot it started
 * in, so the first round comes one interval or less after a (re)start, as with a single process. Without `claims`, a
 * plain timer ticks every interval.
 */
export function startScheduler(opts: {
  intervalMinutes: number;
  integrations: IntegrationService;
  sync: SyncService;
  log: (m: string, e?: Record<string, unknown>) => void;
  claims?: ScheduleClaims;
  now?: () => number;
}): { stop(): void; tick(): Promise<void>; fire(): Promise<boolean> } {
  const now = opts.now ?? Date.now;
  const intervalMs = opts.intervalMinutes * 60 * 1000;
  const tick = async () => {
    for (const { workspaceId, kind } of await opts.integrations.scheduledKinds()) {
      try {
        await opts.sync.start(workspaceId, kind, 'incremental');
      } catch (e) {
        if (!(e instanceof SyncInProgressError)) opts.log('scheduled sync failed to start', { kind, err: String(e) });
      }
    }
  };
  const startSlot = intervalMs > 0 ? Math.floor(now() / intervalMs) : 0;
  let lastSlot = startSlot;
  /** Runs the current round if this process claims it; true when it ran. */
  const fire = async (): Promise<boolean> => {
    if (opts.claims === undefined) {
      await tick();
      return true;
    }
    const slot = Math.floor(now() / intervalMs);
    if (slot <= lastSlot) return false;
    lastSlot = slot;
    if (!(await opts.claims.claimSlot(CLAIM_NAME, slot))) return false;
    await opts.claims.pruneClaims(CLAIM_NAME, slot - 100).catch(() => {});
    await tick();
    return true;
  };
  if (intervalMs <= 0) return { stop() {}, tick, fire };
  const period = opts.claims === undefined ? intervalMs : Math.min(intervalMs, LOOK_EVERY_MS);
  const timer = setInterval(() => void fire().catch((e: unknown) => opts.log('scheduled sync round failed', { err: String(e) })), period);
  timer.unref();
  return { stop: () => clearInterval(timer), tick, fire };
}
