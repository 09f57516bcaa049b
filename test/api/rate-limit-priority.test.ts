/**
 * Acceptance 5 (second half): Test Settings never waits on a background rate-limit window. While a sync has used
 * every slot background work may take, Test Settings still gets the reserve, and when the account's window is
 * spent it answers `rate_limited` at once (its wait budget is 2 s; the window frees in minutes) instead of queueing
 * behind the sync — on SQLite (in-process limiter) and PostgreSQL (the shared window).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHaloSandbox } from '../../src/sandbox/halo/index.js';
import { bearer, createTestApp, dialects, setupAdmin } from '../helpers/app.js';
import { haloSettingsFor } from '../helpers/sandboxes.js';



for (const dialect of dialects()) {
  describe(`Test Settings and a spent rate-limit window (${dialect})`, () => {
    it('answers rate_limited without waiting while a sync holds the window; the vendor never answers 429', async () => {
      const sandbox = await startHaloSandbox({ port: 0, clientCount: 30, ticketCount: 400 });
      const t = await createTestApp({ dialect });
      try {
        const token = await setupAdmin(t);
        // 10 per 5 minutes → the limiter allows ⌊10 × 0.97⌋ = 9 per window, background work 8 (one slot is the reserve)
        const saved = await t.inject({ method: 'PUT', url: '/api/integrations/halo', headers: bearer(token), payload: haloSettingsFor(sandbox, { rateLimitPer5Min: 10 }) });
        assert.equal(saved.statusCode, 200, saved.body);
        // the initial sync takes its 8 background slots, then waits minutes for the window
        for (let i = 0; i < 400 && sandbox.control.stats().apiRequests < 8; i++) await new Promise((r) => setTimeout(r, 50));
        assert.equal(sandbox.control.stats().apiRequests, 8, 'the sync stopped at limit − reserve');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(sandbox.control.stats().apiRequests, 8, 'and waits for the window');

        const tested = await t.inject({ method: 'POST', url: '/api/integrations/halo/test', headers: bearer(token), payload: haloSettingsFor(sandbox, { rateLimitPer5Min: 10 }) });
        assert.equal(tested.statusCode, 200, tested.body);
        const body = tested.json() as { ok: boolean; error?: { code: string; message: string } };
        assert.equal(body.ok, false);
        assert.equal(body.error?.code, 'rate_limited', JSON.stringify(body));
        // Test Settings took the reserved slot (one request), then found the window spent and stopped
        assert.equal(sandbox.control.stats().apiRequests, 9);
        assert.equal(sandbox.control.stats().rateLimited, 0, 'no 429 from the vendor');
      } finally {
        await t.close();
        await sandbox.close();
      }
    });
  });
}
