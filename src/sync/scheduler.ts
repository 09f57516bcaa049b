import type { IntegrationService } from '../integrations/service.js';
import { SyncInProgressError, type SyncService } from './runner.js';

/**
 * Scheduled incremental sync of every configured integration; skips one that is still running and those paused
 * after the vendor rejected their credentials. `tick()` runs one round now (the timer calls it; tests too).
 */
export function startScheduler(opts: { intervalMinutes: number; integrations: IntegrationService; sync: SyncService; log: (m: string, e?: Record<string, unknown>) => void }): { stop(): void; tick(): Promise<void> } {
  const tick = async () => {
    for (const { workspaceId, kind } of await opts.integrations.scheduledKinds()) {
      try {
        await opts.sync.start(workspaceId, kind, 'incremental');
      } catch (e) {
        if (!(e instanceof SyncInProgressError)) opts.log('scheduled sync failed to start', { kind, err: String(e) });
      }
    }
  };
  if (opts.intervalMinutes <= 0) return { stop() {}, tick };
  const timer = setInterval(() => void tick().catch((e: unknown) => opts.log('scheduled sync round failed', { err: String(e) })), opts.intervalMinutes * 60 * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
