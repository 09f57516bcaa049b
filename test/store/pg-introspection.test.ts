/**
 * Migrations on a PostgreSQL database shared with others: while another session creates and drops
 * schemas, the store's introspection (what Kysely's Migrator asks before migrating) neither fails nor
 * sees tables outside the store's own schema. Kysely's stock introspector resolved every schema by name
 * and failed with "schema … does not exist" when one was dropped mid-query (seen as a flaky CI failure).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { migrateToLatest } from '../../src/store/db.js';
import { dialects, openTestStore } from '../helpers/app.js';

test('introspection and migrations ignore schemas other sessions create and drop', { skip: !dialects().includes('postgres') }, async () => {
  const ts = await openTestStore('postgres');
  const churner = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL! });
  await churner.connect();
  const prefix = `churn_${crypto.randomBytes(4).toString('hex')}`;
  let stop = false;
  let churned = 0;
  const churn = (async () => {
    while (!stop) {
      const s = `${prefix}_${churned++}`;
      await churner.query(`CREATE SCHEMA ${s}; CREATE TABLE ${s}.kysely_migration (name text); CREATE TABLE ${s}.other (id int, x text)`);
      await churner.query(`DROP SCHEMA ${s} CASCADE`);
    }
  })();
  try {
    const errors: string[] = [];
    for (let i = 0; i < 60; i++) {
      try {
        const tables = await ts.store.db.introspection.getTables({ withInternalKyselyTables: true });
        assert.ok(tables.length > 0);
        assert.deepEqual([...new Set(tables.map((t) => t.schema))], [ts.store.schema], 'only the store schema');
        assert.ok(tables.some((t) => t.name === 'kysely_migration'));
        assert.ok(tables.find((t) => t.name === 'users')?.columns.some((c) => c.name === 'email'));
        const r = await migrateToLatest(ts.store);
        if (r.error !== undefined) errors.push(r.error);
        assert.deepEqual(r.applied, [], 'nothing left to apply');
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
    assert.deepEqual(errors, []);
    assert.ok(churned > 5, `schemas were churned meanwhile (${churned})`);
  } finally {
    stop = true;
    await churn;
    await churner.end();
    await ts.cleanup();
  }
});
