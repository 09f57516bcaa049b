/** A fake clock for rate limiters: `now`, `setTimer` and `clearTimer` whose timers run only when the test advances it. */
export interface FakeClock {
  now(): number;
  setTimer(fn: () => void, ms: number): number;
  clearTimer(handle: unknown): void;
  /** Runs, in time order, every timer due within `ms`, then leaves the clock at now + `ms`. */
  advance(ms: number): Promise<void>;
  /** Timers set and not yet run or cleared. */
  timerCount(): number;
}

/**
 * `settleTicks`: how many event-loop turns `advance` lets pending promise chains take before each timer it runs, and
 * once more at the end.
 */
export function fakeClock(opts: { settleTicks?: number } = {}): FakeClock {
  const settleTicks = opts.settleTicks ?? 1;
  const settle = async (): Promise<void> => {
    for (let i = 0; i < settleTicks; i++) await new Promise((r) => setImmediate(r));
  };
  let t = 0;
  let ids = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  return {
    now: () => t,
    setTimer: (fn, ms) => {
      const id = ++ids;
      timers.push({ at: t + ms, fn, id });
      return id;
    },
    clearTimer: (h) => {
      const i = timers.findIndex((x) => x.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
    async advance(ms) {
      const target = t + ms;
      for (;;) {
        await settle();
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (next === undefined || next.at > target) break;
        timers.shift();
        t = next.at;
        next.fn();
      }
      t = target;
      await settle();
    },
    timerCount: () => timers.length,
  };
}
