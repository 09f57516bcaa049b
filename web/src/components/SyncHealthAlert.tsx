import { Alert, Text } from '@mantine/core';
import type { SyncHealth } from '../../../src/shared/wire.js';
import { formatDateTime } from '../format.js';
import { useIntegrations } from '../hooks.js';

/**
 * An integration's failure streak and the pause of its scheduled syncs (GET /api/integrations → syncHealth),
 * with what to do. Nothing while its syncs are healthy.
 */
export function SyncHealthAlert({ kind }: { kind: string }) {
  const integrations = useIntegrations();
  const health = (integrations.data?.integrations.find((i) => i.kind === kind) as { syncHealth?: SyncHealth } | undefined)?.syncHealth;
  if (health === undefined || (health.failureStreak === 0 && health.paused === null)) return null;
  const streak = health.failureStreak === 1 ? 'The last sync failed' : `The last ${health.failureStreak} syncs failed`;
  if (health.paused !== null) {
    return (
      <Alert color="red" title="Scheduled syncs paused" role="alert">
        <Text size="sm">
          {health.paused.message} Scheduled syncs are paused since {formatDateTime(health.paused.since)} until the settings are saved again
          {health.failureStreak > 0 ? ` (${streak.charAt(0).toLowerCase()}${streak.slice(1)})` : ''}.
        </Text>
        <Text size="sm" mt={4}>
          <strong>What to do:</strong> {health.paused.action}
        </Text>
      </Alert>
    );
  }
  return (
    <Alert color="orange" title={streak} role="status">
      <Text size="sm">
        {health.lastError?.message ?? ''}
        {health.failingSince !== null ? ` Failing since ${formatDateTime(health.failingSince)}.` : ''}
      </Text>
      {health.lastError !== null && (
        <Text size="sm" mt={4}>
          <strong>What to do:</strong> {health.lastError.action}
        </Text>
      )}
    </Alert>
  );
}
