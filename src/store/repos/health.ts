import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/** Readiness probe of the database: one round trip. */
export function createHealthRepo(db: Kysely<Database>) {
  return {
    async ping(): Promise<void> {
      await sql`SELECT 1`.execute(db);
    },
  };
}

export type HealthRepo = ReturnType<typeof createHealthRepo>;
