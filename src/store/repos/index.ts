import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { createAuditRepo } from './audit.js';
import { createCompaniesRepo } from './companies.js';
import { createHealthRepo } from './health.js';
import { createInstanceRepo } from './instance.js';
import { createIntegrationsRepo } from './integrations.js';
import { createLifecycleRepo } from './lifecycle.js';
import { createLinksRepo } from './links.js';
import { createLoginAttemptsRepo } from './login-attempts.js';
import { createNotificationsRepo } from './notifications.js';
import { createOpportunitiesRepo } from './opportunities.js';
import { createPsaRepo } from './psa.js';
import { createRateSlotsRepo } from './rate-slots.js';
import { createSessionsRepo } from './sessions.js';
import { createSyncAlertsRepo } from './sync-alerts.js';
import { createSyncRunsRepo } from './sync-runs.js';
import { createSyncedRepos } from './synced.js';
import { createTokensRepo } from './tokens.js';
import { createTypeRulesRepo } from './type-rules.js';
import { createUsersRepo } from './users.js';

/** Every repository over one database. All SQL lives in this folder. */
export function createRepos(db: Kysely<Database>) {
  return {
    users: createUsersRepo(db),
    sessions: createSessionsRepo(db),
    tokens: createTokensRepo(db),
    loginAttempts: createLoginAttemptsRepo(db),
    integrations: createIntegrationsRepo(db),
    syncRuns: createSyncRunsRepo(db),
    synced: createSyncedRepos(db),
    companies: createCompaniesRepo(db),
    psa: createPsaRepo(db),
    links: createLinksRepo(db),
    notifications: createNotificationsRepo(db),
    syncAlerts: createSyncAlertsRepo(db),
    health: createHealthRepo(db),
    opportunities: createOpportunitiesRepo(db),
    typeRules: createTypeRulesRepo(db),
    audit: createAuditRepo(db),
    lifecycle: createLifecycleRepo(db),
    rateSlots: createRateSlotsRepo(db),
    instance: createInstanceRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;
