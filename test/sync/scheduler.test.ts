import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startScheduler } from '../../src/sync/scheduler.js';
import { bearer, createTestApp, runStartedBy, setupAdmin } from '../helpers/app.js';
import { itglueSettingsFor } from '../helpers/sandboxes.js';

test('the scheduler starts incremental syncs of configured integrations and never overlaps a running one', async () => {
  const sandbox = await startItGlueSandbox({ port: 0, apiKey: 'k' });
  const t = await createTestApp();
  try {
    const token = await setupAdmin(t);
    await runStartedBy(t, await t.inject({ method: 'PUT', url: '/api/integrations/itglue', headers: bearer(token), payload: itglueSettingsFor(sandbox, 'k') }));
    sandbox.control.addFault({ type: 'slow', count: -1, delayMs: 150 });
    // A tick every ~60 ms while each run takes several slow requests: ticks during a run must not start another.
    const s = startScheduler({ intervalMinutes: 0.001, integrations: t.services.integrations, sync: t.services.sync, log: () => {} });
    await new Promise((r) => setTimeout(r, 1500));
    s.stop();
    sandbox.control.clearFaults();
    const runs = (await t.inject({ method: 'GET', url: '/api/sync-runs?integration=itglue', headers: bearer(token) })).json() as { syncRuns: { id: string; mode: string; startedAt: string | null; finishedAt: string | null }[] };
    const scheduled = runs.syncRuns.filter((r) => r.mode === 'incremental');
    assert.ok(scheduled.length >= 1, 'at least one scheduled run');
    for (const r of scheduled) await t.services.sync.waitFor(r.id);
    const done = (await t.inject({ method: 'GET', url: '/api/sync-runs?integration=itglue', headers: bearer(token) })).json() as typeof runs;
    const intervals = done.syncRuns.filter((r) => r.mode === 'incremental').map((r) => [Date.parse(r.startedAt!), Date.parse(r.finishedAt!)] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < intervals.length; i++) assert.ok(intervals[i]![0] >= intervals[i - 1]![1], 'runs of one integration never overlap');
  } finally {
    await t.close();
    await sandbox.close();
  }
});
