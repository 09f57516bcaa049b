import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Migrator, type Migration } from 'kysely';
import { migrateToLatest, openDatabase, type Store } from '../../src/store/db.js';
import * as m001 from '../../src/store/migrations/001-initial.js';
import * as m002 from '../../src/store/migrations/002-one-active-run.js';
import { createUsersRepo } from '../../src/store/repos/users.js';
import { dialects } from '../helpers/app.js';

/** Migration 003 on a database that already has a workspace and users (an upgrade, not a fresh install). */
for (const dialect of dialects()) {
  describe(`migration 003 upgrades an existing ${dialect} database`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      if (dialect === 'sqlite') {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-m003-'));
        store = await openDatabase(path.join(dir, 'db.sqlite'), { migrate: false });
        cleanup = async () => {
          await store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        };
      } else {
        const url = process.env.TEST_DATABASE_URL!;
        const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
        store = await openDatabase(url, { schema, migrate: false });
        cleanup = async () => {
          await store.close();
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          await c.end();
        };
      }
      const old: Record<string, Migration> = { '001-initial': m001, '002-one-active-run': m002 };
      const migrator = new Migrator({
        db: store.db,
        provider: { getMigrations: async () => old },
        ...(store.schema !== undefined ? { migrationTableSchema: store.schema } : {}),
      });
      const r = await migrator.migrateToLatest();
      assert.equal(r.error, undefined);
      const now = new Date().toISOString();
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = store.db as any;
      await db.insertInto('workspaces').values({ id: 'w1', name: 'Default', created_at: now }).execute();
      await db.insertInto('users').values({ id: 'u1', workspace_id: 'w1', email: 'old.admin@msp.example', name: 'Old', role: 'admin', password_hash: 'x', created_at: now }).execute();
      await db.insertInto('api_tokens').values({ id: 't1', user_id: 'u1', workspace_id: 'w1', name: 'old', token_hash: 'h', created_at: now, last_used_at: null }).execute();
      await db.insertInto('login_attempts').values({ key: 'old|127.0.0.1', failures: 3, window_start: now, locked_until: null }).execute();
    });
    after(async () => cleanup());

    test('existing users become enabled with no last login, tokens never expire, setup counts as done', async () => {
      const r = await migrateToLatest(store);
      assert.equal(r.error, undefined);
      assert.equal(r.applied[0], '003-accounts-hardening');
      const users = createUsersRepo(store.db);
      const u = (await users.byId('u1'))!;
      assert.equal(u.disabled, false);
      assert.equal(u.lastLoginAt, null);
      const token = await store.db.selectFrom('api_tokens').select('expires_at').where('id', '=', 't1').executeTakeFirstOrThrow();
      assert.equal(token.expires_at, null);
      assert.equal(await users.setupDone(), true);
      assert.equal(await users.createFirstAdmin({ email: 'second@msp.example', name: 'x', passwordHash: 'y' }), null);
      assert.deepEqual(await store.db.selectFrom('login_attempts').selectAll().execute(), []);
    });
  });
}
