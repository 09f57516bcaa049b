import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { createCompaniesRepo } from './companies.js';
import { createHealthRepo } from './health.js';
import { createIntegrationsRepo } from './integrations.js';
import { createLinksRepo } from './links.js';
import { createNotificationsRepo } from './notifications.js';
import { createPsaRepo } from './psa.js';
import { createSyncAlertsRepo } from './sync-alerts.js';
import { createSyncRunsRepo } from './sync-runs.js';
import { createSyncedRepos } from './synced.js';

/** Every repository over one database. All SQL lives in this folder. */
export function createRepos(db: Kysely<Database>) {
  return {
    integrations: createIntegrationsRepo(db),
    syncRuns: createSyncRunsRepo(db),
    synced: createSyncedRepos(db),
    companies: createCompaniesRepo(db),
    psa: createPsaRepo(db),
    links: createLinksRepo(db),
    notifications: createNotificationsRepo(db),
    syncAlerts: createSyncAlertsRepo(db),
    health: createHealthRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
