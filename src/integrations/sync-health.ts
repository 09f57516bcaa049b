/**
 * The health of an integration's syncs as admins see it: what to do about a failed run (the integration's own
 * sentence for the error code — its definition's `advice` — else a generic one naming the settings page),
 * which codes pause scheduled runs, and the failure streak / pause shown on GET /api/integrations.
 */
import type { SyncAlertTable } from '../store/schema.js';
import type { SyncHealth } from '../shared/wire.js';
import type { IntegrationDefinition, SyncErrorCode } from './definition.js';

/**
 * Codes that mean the vendor refused our credentials or their scope. Running again on schedule cannot fix
 * them (and repeated failed logins can lock the vendor account), so scheduled runs pause until an admin saves
 * the settings again; a manual "Sync now" still runs, and its success lifts the pause too.
 */
export const PAUSING_CODES: ReadonlySet<string> = new Set<SyncErrorCode>(['invalid_credentials', 'invalid_tenant', 'missing_permissions']);

/** Runs that ended because this process stopped are not failures of the integration: they neither start nor end a streak. */
export const INTERRUPTION_CODES: ReadonlySet<string> = new Set(['aborted', 'interrupted']);

/** The web UI page of an integration's settings. */
export function settingsLink(kind: string): string {
  return `/integrations/${kind}`;
}

function generic(code: string, name: string): string {
  const page = `Integrations → ${name}`;
  switch (code) {
    case 'invalid_credentials':
      return `Update the credentials under ${page}.`;
    case 'invalid_tenant':
      return `Correct the tenant under ${page}.`;
    case 'missing_permissions':
      return `Grant the missing permission in ${name}, then save the settings under ${page}.`;
    case 'unreachable':
    case 'tls_error':
      return `Check the URL under ${page} and that ${name} is up; scheduled syncs keep trying.`;
    case 'not_found':
      return `Check the URL under ${page}: it does not lead to the ${name} API.`;
    case 'rate_limited':
      return `Scheduled syncs keep trying; lower the request rate under ${page} if it persists.`;
    case 'partial':
      return 'Nothing, unless it keeps happening: the next run reads the missing records again.';
    default:
      return `Scheduled syncs keep trying; if it keeps failing, check the settings under ${page} and the server log. Data stored so far is kept.`;
  }
}

/** What to do (an imperative sentence) about a run that failed with `code` (`partial`: a run that ended with gaps). */
export function adviceFor(def: Pick<IntegrationDefinition, 'displayName' | 'advice'>, code: string): string {
  const own = (def.advice as Partial<Record<string, string>> | undefined)?.[code];
  return own ?? generic(code, def.displayName);
}

/** The integration object's `syncHealth`, from its alert row (null: never failed). */
export function syncHealthOf(def: Pick<IntegrationDefinition, 'displayName' | 'advice'>, row: SyncAlertTable | null): SyncHealth {
  const lastError = row?.last_error_json != null ? (JSON.parse(row.last_error_json) as { code: string; message: string }) : null;
  const pause = row?.pause_json != null ? (JSON.parse(row.pause_json) as { code: string; message: string }) : null;
  return {
    failureStreak: row?.failure_streak ?? 0,
    failingSince: row?.failing_since ?? null,
    lastError: lastError === null ? null : { ...lastError, action: adviceFor(def, lastError.code) },
    alerted: row?.alerted_at != null,
    paused: pause === null || row?.paused_at == null ? null : { ...pause, action: adviceFor(def, pause.code), since: row.paused_at },
  };
}
