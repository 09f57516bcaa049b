import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../helpers/app.js';
import { fuzzTargets, responseProblem, targetsFromOpenApi, type OpenApiDocument } from './fuzzer.js';
import { contextFor, SEED } from './suite.js';

describe('the fuzz suite itself', () => {
  test('catches a route made to throw (500), with the route and a counterexample', async () => {
    const t = await createTestApp();
    try {
      const ctx = await contextFor(t);
      // Break one route: its service throws an ordinary error, as a bug would.
      t.services.sync.listRuns = async () => {
        throw new TypeError("Cannot read properties of undefined (reading 'id')");
      };
      const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json() as OpenApiDocument;
      const targets = targetsFromOpenApi(doc).filter((x) => x.path === '/api/sync-runs' || x.path === '/api/health');
      const { stats, failed } = await fuzzTargets(ctx, targets, { runs: 20, seed: SEED });
      assert.deepEqual(failed.map((f) => `${f.identity} ${f.target}`).sort(), ['admin GET /api/sync-runs', 'member GET /api/sync-runs']);
      assert.ok(stats.failures.every((f) => f.status === 500 && f.problem === 'status 500'));
      assert.match(failed[0]!.report, /Counterexample/);
    } finally {
      await t.close();
    }
  });

  test('recognises error bodies outside the envelope', () => {
    const json = 'application/json; charset=utf-8';
    assert.equal(responseProblem(404, json, '{"error":{"code":"not_found","message":"No route"}}'), null);
    assert.equal(responseProblem(400, json, '{"error":{"code":"invalid_request","message":"x","details":{"issues":[{"path":"body.a","message":"bad"}]}}}'), null);
    assert.equal(responseProblem(200, json, '{"anything":1}'), null);
    assert.match(String(responseProblem(400, json, '{"statusCode":400,"code":"FST_ERR_BAD_URL","error":"Bad Request","message":"x"}')), /keys/);
    assert.match(String(responseProblem(414, json, '{"error":"Bad Request","message":"x","statusCode":414}')), /keys|not an object/);
    assert.match(String(responseProblem(400, json, '{"error":{"code":"invalid_request","message":"x"}}')), /issues/);
    assert.match(String(responseProblem(409, json, '{"error":{"code":"Conflict","message":"x"}}')), /snake_case/);
    assert.match(String(responseProblem(401, 'text/plain', 'Unauthorized')), /content-type/);
    assert.match(String(responseProblem(403, json, '{"error":{"code":"forbidden","message":""}}')), /message/);
    assert.match(String(responseProblem(503, json, '{"error":{"code":"busy","message":"x"}}')), /status 503/);
  });
});
