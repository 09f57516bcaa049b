import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

/** Facts about the installation (`instance_meta`) and the scheduler's claimed rounds (`schedule_claims`). */
export function createInstanceRepo(db: Kysely<Database>) {
  return {
    async getMeta(key: string): Promise<string | null> {
      const row = await db.selectFrom('instance_meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value ?? null;
    },

    /** Stores the value unless the key has one; returns the value that is stored now (the first writer wins). */
    async setMetaOnce(key: string, value: string): Promise<string> {
      await db.insertInto('instance_meta')
        .values({ key, value, updated_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      return (await this.getMeta(key)) ?? value;
    },

    /** One stored integration secret (ciphertext), to try the key against; null when none is stored. */
    async anySecret(): Promise<string | null> {
      const row = await db.selectFrom('integrations').select('secrets_enc').where('secrets_enc', 'is not', null).limit(1).executeTakeFirst();
      return row?.secrets_enc ?? null;
    },

    /** Claims one scheduler round; true for exactly one caller across every process. */
    async claimSlot(name: string, slot: number): Promise<boolean> {
      try {
        const r = await db.insertInto('schedule_claims')
          .values({ name, slot, claimed_at: new Date().toISOString() })
          .onConflict((oc) => oc.columns(['name', 'slot']).doNothing())
          .executeTakeFirst();
        return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
      } catch (e) {
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    },

    /** Forgets claims older than `beforeSlot` (keeps the table small). */
    async pruneClaims(name: string, beforeSlot: number): Promise<void> {
      await db.deleteFrom('schedule_claims').where('name', '=', name).where('slot', '<', beforeSlot).execute();
    },
  };
}

export type InstanceRepo = ReturnType<typeof createInstanceRepo>;
