import { after, before } from 'node:test';
import { createRepos, type Repos } from '../../src/store/repos/index.js';
import type { SyncService } from '../../src/sync/runner.js';
import { openTestStore, type DialectName, type TestStore } from './app.js';

/** A suite's store and repositories (set once its `before` hook has run) and the sync services it starts (stopped after). */
export interface SyncStoreSuite {
  ts: TestStore;
  repos: Repos;
  services: SyncService[];
}

/** Opens a test store of `dialect` for the calling suite; stops the suite's sync services and removes the store after it. */
export function useSyncStore(dialect: DialectName): SyncStoreSuite {
  const suite = { services: [] } as unknown as SyncStoreSuite;
  before(async () => {
    suite.ts = await openTestStore(dialect);
    suite.repos = createRepos(suite.ts.store.db);
  });
  after(async () => {
    for (const s of suite.services) await s.stop();
    await suite.ts.cleanup();
  });
  return suite;
}
