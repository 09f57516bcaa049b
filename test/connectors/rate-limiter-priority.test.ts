import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectorError } from '../../src/connectors/http/errors.js';
import { createRateLimiter, withAcquireOptions } from '../../src/connectors/http/rate-limiter.js';
import { createSharedRateLimiter, type SharedSlotStore } from '../../src/connectors/http/shared-rate-limiter.js';
import { fakeClock } from '../helpers/fake-clock.js';

/** The fake clocks here let five event-loop turns pass before each timer they run, and after the last. */
const SETTLE = { settleTicks: 5 };

const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

const isBudgetError = (e: unknown): boolean => e instanceof ConnectorError && e.code === 'rate_limited' && e.kind === 'rate_limited';

describe('rate limiter priorities (in-process)', () => {
  it('background acquisitions leave the reserve to interactive ones', async () => {
    const clock = fakeClock(SETTLE);
    const l = createRateLimiter({ limit: 5, windowMs: 1000, reserve: 2, ...clock });
    for (let i = 0; i < 3; i++) await l.acquire(undefined, { priority: 'background' });
    let fourth = false;
    const bg = l.acquire(undefined, { priority: 'background' }).then(() => void (fourth = true));
    await settle();
    assert.equal(fourth, false, 'the fourth background request waits: two slots are the reserve');
    await l.acquire(undefined, { priority: 'interactive' });
    await l.acquire(undefined, { priority: 'interactive' });
    assert.equal(fourth, false);
    await clock.advance(1000);
    await bg;
    assert.equal(clock.now(), 1000, 'the background waiter got the first slot that left the window');
  });

  it('an interactive caller is served before background callers that waited longer', async () => {
    const clock = fakeClock(SETTLE);
    const l = createRateLimiter({ limit: 2, windowMs: 1000, reserve: 1, ...clock });
    await l.acquire(undefined, { priority: 'interactive' });
    await l.acquire(undefined, { priority: 'interactive' });
    const order: string[] = [];
    const waits = [
      l.acquire(undefined, { priority: 'background' }).then(() => order.push('bg1')),
      l.acquire(undefined, { priority: 'background' }).then(() => order.push('bg2')),
    ];
    await settle();
    waits.push(l.acquire(undefined, { priority: 'interactive' }).then(() => order.push('person')));
    await clock.advance(5000);
    await Promise.all(waits);
    assert.equal(order[0], 'person');
  });

  it('a caller with a wait budget fails at once with rate_limited when the window is spent, without waiting', async () => {
    const clock = fakeClock(SETTLE);
    const l = createRateLimiter({ limit: 3, windowMs: 300_000, reserve: 1, ...clock });
    const test = withAcquireOptions(l, { priority: 'interactive', maxWaitMs: 2000 });
    for (let i = 0; i < 3; i++) await test.acquire();
    let outcome: unknown = 'pending';
    void test.acquireSlot!().then(() => (outcome = 'granted'), (e: unknown) => (outcome = e));
    await settle();
    // the clock never moved: the answer came without waiting for any timer
    assert.equal(clock.now(), 0);
    assert.ok(isBudgetError(outcome), `expected rate_limited, got ${String(outcome)}`);
    assert.equal(l.pending, 0);
  });

  it('a caller with a wait budget takes a slot that frees within it, and gives up at its deadline while every slot is in flight', async () => {
    const clock = fakeClock(SETTLE);
    const l = createRateLimiter({ limit: 1, windowMs: 1000, ...clock });
    await l.acquire();
    await clock.advance(500);
    const soon = l.acquire(undefined, { priority: 'interactive', maxWaitMs: 600 });
    await clock.advance(500);
    await soon;
    assert.equal(clock.now(), 1000);

    const l2 = createRateLimiter({ limit: 1, windowMs: 1000, ...clock });
    const release = await l2.acquireSlot!(); // in flight: no one knows when it frees
    let outcome: unknown = 'pending';
    const p = l2.acquire(undefined, { priority: 'interactive', maxWaitMs: 2000 }).then(() => (outcome = 'granted'), (e: unknown) => (outcome = e));
    await clock.advance(1999);
    assert.equal(outcome, 'pending');
    await clock.advance(1);
    await p;
    assert.ok(isBudgetError(outcome));
    release();
  });
});

/** An in-memory SharedSlotStore with the repository's semantics (the repository itself is tested on both databases). */
function memoryStore(now: () => number): SharedSlotStore & { asked: number } {
  const slots = new Map<string, { granted: number; released: number | null }>();
  let ids = 0;
  const store = {
    asked: 0,
    async take(i: { capacity: number; windowMs: number; inFlight: boolean; inFlightMaxMs: number; count?: number }) {
      store.asked++;
      const t = now();
      for (const [id, s] of slots) {
        const leaves = s.released === null ? s.granted + i.inFlightMaxMs + i.windowMs : s.released + i.windowMs;
        if (leaves <= t) slots.delete(id);
      }
      if (slots.size < i.capacity) {
        const granted: string[] = [];
        for (let k = 0; k < Math.min(i.count ?? 1, i.capacity - slots.size); k++) {
          const id = String(++ids);
          slots.set(id, { granted: t, released: i.inFlight ? null : t });
          granted.push(id);
        }
        return { granted: true as const, ids: granted };
      }
      const leaves = [...slots.values()]
        .map((s) => (s.released === null ? { at: s.granted + i.inFlightMaxMs + i.windowMs, exact: false } : { at: s.released + i.windowMs, exact: true }))
        .sort((a, b) => a.at - b.at);
      const frees = leaves[slots.size - i.capacity]!;
      return { granted: false as const, waitMs: frees.at - t, exact: frees.exact };
    },
    async release(id: string) {
      const s = slots.get(id);
      if (s !== undefined) s.released = now();
    },
  };
  return store;
}

describe('shared rate limiter', () => {
  it('Test Settings fails fast with rate_limited when the shared window is spent; background leaves the reserve', async () => {
    const clock = fakeClock(SETTLE);
    const store = memoryStore(clock.now);
    const opts = { store, account: 'a', limit: 4, windowMs: 300_000, reserve: 1, ...clock };
    const processA = createSharedRateLimiter(opts);
    const processB = createSharedRateLimiter(opts);
    for (let i = 0; i < 3; i++) await processA.acquire(undefined, { priority: 'background' });
    let bg: unknown = 'pending';
    void processB.acquire(undefined, { priority: 'background' }).then(() => (bg = 'granted'));
    await settle();
    assert.equal(bg, 'pending', 'background stops at limit − reserve, across processes');
    await processB.acquire(undefined, { priority: 'interactive', maxWaitMs: 2000 }); // the reserve
    let test: unknown = 'pending';
    void processA.acquire(undefined, { priority: 'interactive', maxWaitMs: 2000 }).then(() => (test = 'granted'), (e: unknown) => (test = e));
    await settle();
    assert.equal(clock.now(), 0, 'answered without waiting');
    assert.ok(isBudgetError(test), `expected rate_limited, got ${String(test)}`);
    await clock.advance(300_000);
    assert.equal(bg, 'granted');
  });

  it('two limiters on one store never exceed the limit in any window', async () => {
    const clock = fakeClock(SETTLE);
    const store = memoryStore(clock.now);
    const opts = { store, account: 'a', limit: 5, windowMs: 1000, reserve: 1, pollMs: 50, ...clock };
    const limiters = [createSharedRateLimiter(opts), createSharedRateLimiter(opts)];
    const grants: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      const l = limiters[i % 2]!;
      all.push(l.acquireSlot!(undefined, { priority: i % 7 === 0 ? 'interactive' : 'background' }).then((release) => {
        grants.push(clock.now());
        // the answer arrives 30 ms later
        clock.setTimer(release, 30);
      }));
    }
    await clock.advance(20_000);
    await Promise.all(all);
    assert.equal(grants.length, 30);
    grants.sort((a, b) => a - b);
    for (const start of grants) {
      const inWindow = grants.filter((g) => g >= start && g < start + 1000).length;
      assert.ok(inWindow <= 5, `window from ${start} ms holds ${inWindow} grants`);
    }
  });

  it('a person arriving while a background caller asks the store is served at once, not after that caller\'s sleep', async () => {
    const clock = fakeClock(SETTLE);
    const inner = memoryStore(clock.now);
    let gate: (() => void) | null = null;
    const store: SharedSlotStore = {
      take: async (i) => {
        if (i.priority === 'background' && gate === null) await new Promise<void>((r) => (gate = r));
        return inner.take(i);
      },
      release: (id) => inner.release(id),
    };
    const l = createSharedRateLimiter({ store, account: 'a', limit: 2, windowMs: 300_000, reserve: 1, ...clock });
    await inner.take({ account: 'a', priority: 'background', capacity: 1, windowMs: 300_000, inFlight: false, inFlightMaxMs: 1000 }); // one slot used
    void l.acquire(undefined, { priority: 'background' }); // asks the store, which holds the answer
    await settle();
    let person: unknown = 'pending';
    void l.acquire(undefined, { priority: 'interactive', maxWaitMs: 2000 }).then(() => (person = 'granted'), (e: unknown) => (person = e));
    await settle();
    (gate as (() => void) | null)?.();
    await settle();
    assert.equal(person, 'granted');
    assert.equal(clock.now(), 0);
  });
});
