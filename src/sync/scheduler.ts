import type { IntegrationService } from '../integrations/service.js';
import { SyncInProgressError, type SyncService } from './runner.js';

/** Scheduled incremental sync of every configured integration; skips one that is still running. */
export function startScheduler(opts: { intervalMinutes: number; integrations: IntegrationService; sync: SyncService; log: (m: string, e?: Record<string, unknown>) => void }): { stop(): void } {
  if (opts.intervalMinutes <= 0) return { stop() {} };
  const tick = async () => {
    for (const { workspaceId, kind } of await opts.integrations.configuredKinds()) {
      try {
        await opts.sync.start(workspaceId, kind, 'incremental');
      } catch (e) {
        if (!(e instanceof SyncInProgressError)) opts.log('scheduled sync failed to start', { kind, err: String(e) });
      }
    }
  };
  const timer = setInterval(() => void tick(), opts.intervalMinutes * 60 * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
