import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.js';

/**
 * How one throttle key backs off: the first `free` attempts within a streak go through; from then on
 * each attempt is allowed only after a pause that doubles (baseMs, 2·baseMs, … up to maxMs). A streak
 * ends `decayMs` after its last attempt, or when the right password is given (see clear/release).
 */
export interface ThrottleRule {
  free: number;
  baseMs: number;
  maxMs: number;
  decayMs: number;
}

export type Reservation = { ok: true; attempt: number } | { ok: false; retryAfterMs: number };

export function createLoginAttemptsRepo(db: Kysely<Database>) {
  /** `blocked_until` after the attempt numbered `n` (a SQL expression): null below `free`, then the doubling ladder. */
  function blockedUntilFor(n: RawBuilder<number>, rule: ThrottleRule, now: number): RawBuilder<string | null> {
    const steps: RawBuilder<unknown>[] = [];
    for (let i = 0, wait = rule.baseMs; wait < rule.maxMs; i++, wait *= 2) {
      steps.push(sql`when ${n} = ${rule.free + i} then ${new Date(now + wait).toISOString()}`);
    }
    return sql<string | null>`case when ${n} < ${rule.free} then null ${sql.join(steps, sql` `)} else ${new Date(now + rule.maxMs).toISOString()} end`;
  }

  return {
    /**
     * Reserves one attempt on `key` in one statement (atomic on SQLite and PostgreSQL): the counter goes
     * up and, when the attempt is the `free`-th or later, the next pause is set at once, so parallel
     * attempts find the key blocked instead of all being checked. A blocked key is not counted.
     * Attempts count as failures until `clear`/`release` says otherwise.
     */
    async reserve(key: string, rule: ThrottleRule, now: Date = new Date()): Promise<Reservation> {
      const t = now.getTime();
      const nowIso = now.toISOString();
      const cutoff = new Date(t - rule.decayMs).toISOString();
      const next = sql<number>`case when login_attempts.last_failure_at < ${cutoff} then 1 else login_attempts.failures + 1 end`;
      const row = await db.insertInto('login_attempts')
        .values({ key, failures: 1, last_failure_at: nowIso, blocked_until: rule.free <= 1 ? new Date(t + rule.baseMs).toISOString() : null })
        .onConflict((oc) => oc.column('key')
          .doUpdateSet({ failures: next, last_failure_at: nowIso, blocked_until: blockedUntilFor(next, rule, t) })
          .where((eb) => eb.or([eb('login_attempts.blocked_until', 'is', null), eb('login_attempts.blocked_until', '<=', nowIso)])))
        .returning('failures')
        .executeTakeFirst();
      if (row !== undefined) return { ok: true, attempt: row.failures };
      const blocked = await db.selectFrom('login_attempts').select('blocked_until').where('key', '=', key).executeTakeFirst();
      const until = blocked?.blocked_until != null ? Date.parse(blocked.blocked_until) : t + rule.baseMs;
      return { ok: false, retryAfterMs: Math.max(until - t, 1) };
    },

    /**
     * The checked password was wrong: a pause set when the attempt was reserved now starts from this
     * moment instead (a slow password check must not eat up the pause).
     */
    async failed(key: string, rule: ThrottleRule, now: Date = new Date()): Promise<void> {
      await db.updateTable('login_attempts')
        .set({ blocked_until: blockedUntilFor(sql<number>`failures`, rule, now.getTime()) })
        .where('key', '=', key).where('failures', '>=', rule.free)
        .execute();
    },

    /** The right password was given for this key: the streak ends. */
    async clear(key: string): Promise<void> {
      await db.deleteFrom('login_attempts').where('key', '=', key).execute();
    },

    /**
     * Gives back one reserved attempt (it succeeded) without ending the streak: used for the
     * per-address key, so a signed-in account cannot wipe its address's record of failures.
     */
    async release(key: string, rule: ThrottleRule): Promise<void> {
      await db.updateTable('login_attempts')
        .set({
          failures: sql<number>`failures - 1`,
          blocked_until: sql<string | null>`case when failures - 1 < ${rule.free} then null else blocked_until end`,
        })
        .where('key', '=', key).where('failures', '>', 0)
        .execute();
    },

    /** Deletes counters whose streak has ended (no attempt for `olderThanMs`, no pause pending). */
    async prune(olderThanMs: number, now: Date = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
      const r = await db.deleteFrom('login_attempts').where('last_failure_at', '<', cutoff)
        .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', now.toISOString())]))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    async get(key: string): Promise<{ failures: number; blockedUntil: string | null } | null> {
      const r = await db.selectFrom('login_attempts').select(['failures', 'blocked_until']).where('key', '=', key).executeTakeFirst();
      return r === undefined ? null : { failures: r.failures, blockedUntil: r.blocked_until };
    },
  };
}

export type LoginAttemptsRepo = ReturnType<typeof createLoginAttemptsRepo>;
