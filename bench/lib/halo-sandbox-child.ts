/**
 * Runs one HaloPSA sandbox in its own process, so that the benchmark's RSS is Crosswalk's alone.
 *
 *   node dist/server/bench/lib/halo-sandbox-child.js '<HaloSandboxOptions as JSON>' [memo]   (or node --import tsx bench/lib/halo-sandbox-child.ts …)
 *
 * Prints one JSON line `{ url, authUrl, resourceUrl, tenant, memo }` on stdout once listening; control
 * goes through the sandbox's own HTTP control interface (`/_sandbox/*`). Closes on SIGTERM/SIGINT or
 * when stdin ends (the parent went away).
 *
 * `memo` (bench flag --memo-sandbox): the sandbox's HaloStore.queryTickets filters all tickets on every
 * page request (O(tickets) per page: ~10 ms per page at 100,000 tickets, ~11 s of CPU per initial sync,
 * taken from the same 2 cores Crosswalk runs on). With `memo`, the result of the last ticket query is
 * reused while the filter is the same and no ticket changed — the same answers, at the cost a real Halo
 * would not charge to this machine. Off by default: the bench runs the repository's sandbox unmodified.
 */
import { startHaloSandbox, type HaloSandboxOptions } from '../../src/sandbox/halo/index.js';
import { HaloStore, type TicketFilter } from '../../src/sandbox/halo/store.js';
import type { HTicket } from '../../src/sandbox/halo/types.js';

const opts = JSON.parse(process.argv[2] ?? '{}') as HaloSandboxOptions;
const memo = process.argv[3] === 'memo';

if (memo) {
  const proto = HaloStore.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const memos = new WeakMap<object, { key: string; rows: HTicket[] }>();
  const query = proto.queryTickets!;
  proto.queryTickets = function (this: object, f: unknown): unknown {
    const key = JSON.stringify(f as TicketFilter, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v));
    const hit = memos.get(this);
    if (hit !== undefined && hit.key === key) return hit.rows;
    const rows = query.call(this, f) as HTicket[];
    memos.set(this, { key, rows });
    return rows;
  };
  // Every way the store's tickets can change drops the memo (the bench changes none during a run).
  for (const name of ['load', 'invalidate', 'addTickets', 'updateTicket', 'deleteTicket', 'createTicketFromApi', 'insertTicket']) {
    const fn = proto[name];
    if (typeof fn !== 'function') throw new Error(`HaloStore.${name} not found: update bench/lib/halo-sandbox-child.ts`);
    proto[name] = function (this: object, ...args: unknown[]): unknown {
      memos.delete(this);
      return fn.apply(this, args);
    };
  }
}

const sandbox = await startHaloSandbox({ port: 0, ...opts });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, authUrl: sandbox.authUrl, resourceUrl: sandbox.resourceUrl, tenant: sandbox.tenant, memo })}\n`);

let closing = false;
const close = (): void => {
  if (closing) return;
  closing = true;
  sandbox.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
process.stdin.on('end', close);
process.stdin.resume();
