import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src/server/errors.js';
import { HASHING_LIMITS, hashingLoad, hashPassword, verifyPassword } from '../../src/server/passwords.js';

test('password hashing is capped process-wide: at most maxConcurrent at once, and a burst past the queue is refused with 503', async () => {
  const burst = HASHING_LIMITS.maxConcurrent + HASHING_LIMITS.maxQueued + 6;
  let maxActive = 0;
  const sampler = setInterval(() => {
    maxActive = Math.max(maxActive, hashingLoad().active);
  }, 5);
  const results = await Promise.allSettled(Array.from({ length: burst }, (_, i) => hashPassword(`password ${i}`)));
  clearInterval(sampler);
  const refused = results.filter((r) => r.status === 'rejected');
  const hashed = results.filter((r): r is PromiseFulfilledResult<string> => r.status === 'fulfilled');
  assert.ok(refused.length >= 6 && refused.length <= 6 + HASHING_LIMITS.maxConcurrent, `refused ${refused.length}`);
  for (const r of refused) {
    const e = (r as PromiseRejectedResult).reason as AppError;
    assert.ok(e instanceof AppError);
    assert.equal(e.statusCode, 503);
    assert.equal(e.code, 'server_busy');
  }
  assert.equal(hashed.length, burst - refused.length);
  assert.ok(maxActive >= 1 && maxActive <= HASHING_LIMITS.maxConcurrent, `max active ${maxActive}`);
  assert.deepEqual(hashingLoad(), { active: 0, pending: 0 });
  assert.equal(await verifyPassword(hashed[0]!.value, 'password 0'), true);
  assert.equal(await verifyPassword(hashed[0]!.value, 'password 1'), false);
  assert.equal(await verifyPassword('not a hash', 'x'), false);
});
