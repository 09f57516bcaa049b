import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, createMember, createTestApp, setupAdmin, type DialectName, type TestApp } from '../helpers/app.js';
import { fuzzTargets, targetsFromOpenApi, type FuzzContext, type OpenApiDocument } from './fuzzer.js';

/**
 * Fuzz suite (issue 11): every operation in /api/openapi.json, as anonymous, member and admin, with
 * generated bad input (NUL, unpaired surrogates, bad %-encoding, over-long ids, wrong types, malformed
 * and hostile JSON, odd content types), on SQLite and PostgreSQL. Fails on any 5xx and any error body
 * outside the contract's envelope. FUZZ_SEED=<n> replays a run; FUZZ_RUNS changes the runs per pair.
 */
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const MIN_REQUESTS = 3000;

/** No generated URL may leave the machine: fetch is limited to loopback while the fuzz runs. */
function loopbackOnlyFetch(): () => void {
  const real = globalThis.fetch;
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host === '::1' || /^127\./.test(host)) return real(input, init);
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNREFUSED ${host} (blocked by the fuzz suite)`), { code: 'ECONNREFUSED' }) });
  }) as typeof fetch;
  return () => {
    globalThis.fetch = real;
  };
}

export async function contextFor(t: TestApp): Promise<FuzzContext> {
  const admin = await setupAdmin(t);
  const member = await createMember(t, admin);
  // A user and a token that the fuzz may edit, disable or delete without locking itself out.
  const victim = await t.inject({ method: 'POST', url: '/api/users', headers: bearer(admin), payload: { email: 'victim@msp.example', password: 'victim password', role: 'member' } });
  const spare = await t.inject({ method: 'POST', url: '/api/tokens', headers: bearer(admin), payload: { name: 'spare' } });
  return {
    inject: (opts) => t.inject(opts),
    headers: { anonymous: {}, member: bearer(member), admin: bearer(admin) },
    // Not the admin's or the member's own ids: the fuzz would end up demoting or disabling its own identities.
    idPool: [(victim.json() as { user: { id: string } }).user.id, (spare.json() as { id: string }).id, '1', 'halo', 'itglue'],
  };
}

/** The fuzz suite for one database (one test file per database, so the two can run side by side). */
export function fuzzSuite(dialect: DialectName): void {
  describe(`API fuzz on ${dialect}`, () => {
    let t: TestApp;
    let restoreFetch: () => void;
    before(async () => {
      restoreFetch = loopbackOnlyFetch();
      t = await createTestApp({ dialect });
    });
    after(async () => {
      await t.close();
      restoreFetch();
    });

    test(`every route, three identities, ≥ ${MIN_REQUESTS} requests: no 5xx, every error in the envelope (seed ${SEED})`, async () => {
      const ctx = await contextFor(t);
      const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
      const targets = targetsFromOpenApi(doc);
      assert.equal(targets.length, t.app.routeTable.filter((r) => r.url !== '/api/openapi.json').length, 'the OpenAPI document lists every /api route');
      const started = Date.now();
      const { stats, failed } = await fuzzTargets(ctx, targets, { runs: RUNS, seed: SEED });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const fivexx = Object.entries(stats.byStatus).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0);
      process.stdout.write(`# fuzz ${dialect}: ${stats.requests} requests over ${targets.length} operations × 3 identities in ${seconds} s; `
        + `5xx: ${fivexx}; non-envelope errors: ${stats.failures.length - fivexx}; statuses ${JSON.stringify(stats.byStatus)}\n`);
      assert.deepEqual(failed.map((f) => `${f.identity} ${f.target}\n${f.report}`), []);
      assert.equal(stats.failures.length, 0);
      assert.ok(stats.requests >= MIN_REQUESTS, `${stats.requests} requests`);
    });
  });
}

