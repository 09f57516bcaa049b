import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { dialects, openTestStore, type TestStore } from '../helpers/app.js';
import { createSyncedRepos } from '../../src/store/repos/synced.js';
import { createCompaniesRepo } from '../../src/store/repos/companies.js';
import { migrateToLatest } from '../../src/store/db.js';
import { createVault } from '../../src/store/secrets.js';
import type { ItgOrganization } from '../../src/connectors/contract.js';

const org = (id: string, name: string, statusId: string | null, extra: Partial<ItgOrganization> = {}): ItgOrganization => ({
  id, name, statusId, statusName: null, typeId: null, typeName: 'Customer', primary: false, shortName: null, psaId: null, createdAt: null, updatedAt: '2025-01-01T00:00:00.000Z', ...extra,
});

for (const dialect of dialects()) {
  describe(`repositories on ${dialect}`, () => {
    let ts: TestStore;
    before(async () => {
      ts = await openTestStore(dialect);
      await ts.store.db.insertInto('workspaces').values({ id: 'w1', name: 'W', created_at: new Date().toISOString() }).execute();
    });
    after(async () => ts.cleanup());

    test('migrations are idempotent', async () => {
      const again = await migrateToLatest(ts.store);
      assert.equal(again.error, undefined);
      assert.deepEqual(again.applied, []);
    });

    test('synced upsert inserts, updates in batches, and sweeps rows a full run did not see', async () => {
      const repos = createSyncedRepos(ts.store.db);
      const many = Array.from({ length: 1234 }, (_, i) => org(String(1000 + i), `Org ${i}`, '68'));
      await repos.organizations.upsert(many, { workspaceId: 'w1', runId: 'r1' });
      let count = await ts.store.db.selectFrom('itg_organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1234);
      // Second run sees all but the first 34, and renames one.
      const seen = many.slice(34).map((o) => (o.id === '1100' ? { ...o, name: 'Renamed' } : o));
      await repos.organizations.upsert(seen, { workspaceId: 'w1', runId: 'r2' });
      const removed = await repos.organizations.sweep({ workspaceId: 'w1', runId: 'r2' });
      assert.equal(removed, 34);
      count = await ts.store.db.selectFrom('itg_organizations').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 1200);
      const renamed = await ts.store.db.selectFrom('itg_organizations').select('name').where('id', '=', '1100').executeTakeFirstOrThrow();
      assert.equal(renamed.name, 'Renamed');
    });

    test('duplicate ids within one batch are written once', async () => {
      const repos = createSyncedRepos(ts.store.db);
      await repos.psaTickets.upsert([
        { id: '1', companyId: '9', summary: 'a', status: '1', closed: false, typeId: null, typeName: null, openedAt: null, closedAt: null, updatedAt: null },
        { id: '1', companyId: '9', summary: 'b', status: '1', closed: true, typeId: null, typeName: null, openedAt: null, closedAt: null, updatedAt: null },
      ], { workspaceId: 'w1', kind: 'halo', runId: 'r1' });
      const rows = await ts.store.db.selectFrom('psa_tickets').selectAll().where('kind', '=', 'halo').execute();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.summary, 'b');
      assert.equal(rows[0]!.closed, 1);
    });

    test('active companies: status joined by id, names compared case-insensitively, primary excluded', async () => {
      const repos = createSyncedRepos(ts.store.db);
      await repos.organizationStatuses.upsert([{ id: '68', name: 'Active' }, { id: '69', name: 'Inactive' }, { id: '70', name: ' managed ' }], { workspaceId: 'w1', runId: 'r3' });
      await ts.store.db.deleteFrom('itg_organizations').execute();
      await repos.organizations.upsert([
        org('1', 'Alpha', '68', { statusName: 'Stale name' }),
        org('2', 'Beta', '69', { statusName: 'Active' /* lagging denormalised name */ }),
        org('3', 'Gamma', '70'),
        org('4', 'Us', '68', { primary: true }),
      ], { workspaceId: 'w1', runId: 'r3' });
      const active = await createCompaniesRepo(ts.store.db).active('w1', ['ACTIVE', 'Managed']);
      assert.deepEqual(active.map((c) => c.id), ['1', '3']);
    });

    test('secrets are stored encrypted (never in plain text)', async () => {
      const vault = createVault(crypto.randomBytes(32));
      const secret = 'super-secret-client-value-123';
      await ts.store.db.insertInto('integrations').values({
        workspace_id: 'w1', kind: 'halo', settings_json: '{}', secrets_enc: vault.encrypt(JSON.stringify({ clientSecret: secret })), configured: 1, state_json: '{}',
        created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
      }).execute();
      const row = await ts.store.db.selectFrom('integrations').selectAll().where('kind', '=', 'halo').executeTakeFirstOrThrow();
      assert.ok(!row.secrets_enc!.includes(secret));
      assert.equal(JSON.parse(vault.decrypt(row.secrets_enc!)).clientSecret, secret);
      if (dialect === 'sqlite') {
        // Checkpoint the WAL and scan the raw database files.
        await ts.store.close();
        const files = fs.readdirSync(ts.dataDir).map((f) => fs.readFileSync(`${ts.dataDir}/${f}`));
        for (const f of files) assert.equal(f.includes(Buffer.from(secret)), false);
      }
    });
  });
}
