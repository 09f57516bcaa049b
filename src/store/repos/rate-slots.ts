import crypto from 'node:crypto';
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database } from '../schema.js';

export type SlotTake =
  /** `ids`: one slot per id, at least one and at most `count`. */
  | { granted: true; ids: string[] }
  /** `waitMs`: until the slot this caller needs leaves the window; `exact` false when that slot is still in flight (poll). */
  | { granted: false; waitMs: number; exact: boolean };

export interface TakeSlotInput {
  /** The vendor account (a hash, never a credential). */
  account: string;
  /** Requests this caller may see in the window, its own included (background callers leave a reserve). */
  capacity: number;
  windowMs: number;
  /** The request is in flight until released (its window starts at the answer). */
  inFlight: boolean;
  /** An unreleased slot counts as answered this long after its grant (a process that died never releases). */
  inFlightMaxMs: number;
  priority: string;
  /** Slots wanted at once (waiters of this process); default 1. */
  count?: number;
}

function lockKeys(name: string): [number, number] {
  const h = crypto.createHash('sha256').update(`rate:${name}`).digest();
  return [h.readInt32BE(0), h.readInt32BE(4)];
}

/**
 * The rolling windows of vendor accounts shared by every process: one row per request in the window. On
 * PostgreSQL a transaction-scoped advisory lock per account serializes the count-and-insert of every process,
 * and times come from the database's clock (one clock for all machines); on SQLite (one process) the
 * transaction does and the clock is this process's.
 */
export function createRateSlotsRepo(db: Kysely<Database>) {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;

  return {
    async take(input: TakeSlotInput): Promise<SlotTake> {
      return db.transaction().execute(async (trx) => {
        let now: number;
        if (postgres) {
          const [k1, k2] = lockKeys(input.account);
          await sql`SELECT pg_advisory_xact_lock(${k1}, ${k2})`.execute(trx);
          const r = await sql<{ now: string }>`SELECT (extract(epoch from clock_timestamp()) * 1000)::bigint AS now`.execute(trx);
          now = Number(r.rows[0]!.now);
        } else {
          now = Date.now();
        }
        const horizon = now - input.windowMs;
        // slots that left the window: answered before the horizon, or granted so long ago that they count as answered
        await trx.deleteFrom('rate_limit_slots')
          .where('account', '=', input.account)
          .where((eb) => eb.or([
            eb.and([eb('released_ms', 'is not', null), eb('released_ms', '<=', horizon)]),
            eb.and([eb('released_ms', 'is', null), eb('granted_ms', '<=', horizon - input.inFlightMaxMs)]),
          ]))
          .execute();
        const rows = await trx.selectFrom('rate_limit_slots').select(['granted_ms', 'released_ms']).where('account', '=', input.account).execute();
        if (rows.length < input.capacity) {
          const n = Math.max(1, Math.min(input.count ?? 1, input.capacity - rows.length));
          const values = Array.from({ length: n }, () => ({
            id: crypto.randomUUID(), account: input.account, priority: input.priority, granted_ms: now, released_ms: input.inFlight ? null : now,
          }));
          await trx.insertInto('rate_limit_slots').values(values).execute();
          return { granted: true, ids: values.map((v) => v.id) };
        }
        // when each slot leaves the window; the (count − capacity + 1)-th to leave makes room
        const leaves = rows
          .map((r) => (r.released_ms === null
            ? { at: Number(r.granted_ms) + input.inFlightMaxMs + input.windowMs, exact: false }
            : { at: Number(r.released_ms) + input.windowMs, exact: true }))
          .sort((a, b) => a.at - b.at);
        const frees = leaves[rows.length - input.capacity]!;
        return { granted: false, waitMs: Math.max(1, frees.at - now), exact: frees.exact };
      });
    },

    /** The request's answer arrived: its slot's window starts now. */
    async release(id: string): Promise<void> {
      if (postgres) {
        await sql`UPDATE rate_limit_slots SET released_ms = (extract(epoch from clock_timestamp()) * 1000)::bigint WHERE id = ${id}`.execute(db);
      } else {
        await db.updateTable('rate_limit_slots').set({ released_ms: Date.now() }).where('id', '=', id).execute();
      }
    },

    /** Every slot of an account in the window, oldest first (tests, diagnostics). */
    async list(account: string): Promise<{ grantedMs: number; releasedMs: number | null; priority: string }[]> {
      const rows = await db.selectFrom('rate_limit_slots').select(['granted_ms', 'released_ms', 'priority']).where('account', '=', account).orderBy('granted_ms').execute();
      return rows.map((r) => ({ grantedMs: Number(r.granted_ms), releasedMs: r.released_ms === null ? null : Number(r.released_ms), priority: r.priority }));
    },
  };
}

export type RateSlotsRepo = ReturnType<typeof createRateSlotsRepo>;
