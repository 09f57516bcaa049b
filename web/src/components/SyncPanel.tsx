import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, List, Progress, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh, IconReload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, isActive, type IntegrationKind, type SyncRun } from '../api.js';
import { formatDateTime, formatDuration, formatNumber, secondsBetween } from '../format.js';
import { INTEGRATIONS_KEY, syncRunKey, syncRunsKey, useNow, useSyncRun } from '../hooks.js';
import {
  estimateSecondsLeft,
  modeLabel,
  runCounts,
  STATUS_COLORS,
  STATUS_LABELS,
  streamLabel,
} from '../sync-format.js';
import { ErrorAlert, TableSkeleton } from './common.js';
import { SyncHealthAlert } from './SyncHealthAlert.js';

export function StatusBadge({ status }: { status: SyncRun['status'] }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant={status === 'running' ? 'filled' : 'light'} style={{ flexShrink: 0, overflow: 'visible' }} miw="fit-content">
      {STATUS_LABELS[status] ?? status}
    </Badge>
  );
}

/** Live view of one run: status, elapsed, estimate, per-stream progress bars. */
export function SyncProgress({ run }: { run: SyncRun }) {
  const active = isActive(run);
  const now = useNow(active);
  const elapsed = secondsBetween(run.startedAt, active ? null : run.finishedAt, now);
  const left = active ? estimateSecondsLeft(run, elapsed, now) : null;
  const streams = Object.entries(run.progress ?? {});

  return (
    <Stack gap="xs" aria-live="polite" aria-label={`${modeLabel(run.mode)} progress`}>
      <Group gap="sm">
        <StatusBadge status={run.status} />
        <Text size="sm" fw={600}>
          {modeLabel(run.mode)}
        </Text>
        <Text size="sm" c="dimmed">
          {active ? 'Started' : 'Ran'} {formatDateTime(run.startedAt)}
        </Text>
        {elapsed !== null && (
          <Text size="sm" c="dimmed">
            {active ? 'Elapsed' : 'Took'} {formatDuration(elapsed)}
          </Text>
        )}
        {left !== null && (
          <Text size="sm" c="dimmed">
            About {formatDuration(left)} left
          </Text>
        )}
        {run.requestCount !== undefined && run.requestCount > 0 && (
          <Text size="sm" c="dimmed">
            {formatNumber(run.requestCount)} {run.requestCount === 1 ? 'request' : 'requests'}
          </Text>
        )}
        {run.retries !== undefined && run.retries > 0 && (
          <Text size="sm" c="dimmed">
            {formatNumber(run.retries)} {run.retries === 1 ? 'retry' : 'retries'}
          </Text>
        )}
        {run.rateLimited !== undefined && run.rateLimited > 0 && (
          <Text size="sm" c="orange">
            Rate-limited {formatNumber(run.rateLimited)} {run.rateLimited === 1 ? 'time' : 'times'} (waiting as the vendor asks)
          </Text>
        )}
      </Group>
      {streams.length === 0 && active && (
        <Progress value={100} striped animated aria-label="Sync starting" />
      )}
      {streams.map(([name, p]) => {
        const known = p.total !== null && p.total > 0;
        const pct = p.done ? 100 : known ? Math.min(100, (p.fetched / (p.total as number)) * 100) : 100;
        const label = streamLabel(name);
        return (
          <div key={name}>
            <Group justify="space-between" gap="xs">
              <Text size="sm">{label}</Text>
              <Text size="sm" c="dimmed">
                {formatNumber(p.fetched)}
                {p.total !== null ? ` / ${formatNumber(p.total)}` : ' fetched'}
                {p.done ? ' · done' : ''}
              </Text>
            </Group>
            <Progress
              value={pct}
              striped={!p.done && active}
              animated={!p.done && active && !known}
              color={p.done ? 'green' : undefined}
              aria-label={`${label}: ${formatNumber(p.fetched)}${p.total !== null ? ` of ${formatNumber(p.total)}` : ''}`}
            />
          </div>
        );
      })}
      {run.notes !== undefined && run.notes.length > 0 && (
        <List size="sm" c="dimmed" aria-label="Sync notes">
          {run.notes.map((n, i) => (
            <List.Item key={i}>{n}</List.Item>
          ))}
        </List>
      )}
      {run.error !== null && (
        <Alert color={run.status === 'partial' ? 'orange' : 'red'} title={run.status === 'partial' ? 'Finished with gaps' : 'Sync failed'}>
          {run.error.message}
        </Alert>
      )}
    </Stack>
  );
}

export function SyncPanel({ kind, configured, lastRun }: { kind: IntegrationKind; configured: boolean; lastRun: SyncRun | null }) {
  const queryClient = useQueryClient();
  const [startedId, setStartedId] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const lastRunId = lastRun?.id ?? null;
  // Once the integration list reports the run we started, follow the list again.
  useEffect(() => {
    if (lastRunId !== null && lastRunId === startedId) setStartedId(null);
  }, [lastRunId, startedId]);
  const runId = startedId ?? lastRunId;
  const run = useSyncRun(runId, lastRun);

  const start = useMutation({
    mutationFn: (mode: 'incremental' | 'full') => api.startSync(kind, mode),
    onMutate: () => setConflict(null),
    onSuccess: ({ syncRun }) => {
      queryClient.setQueryData(syncRunKey(syncRun.id), syncRun);
      setStartedId(syncRun.id);
      void queryClient.invalidateQueries({ queryKey: INTEGRATIONS_KEY });
      void queryClient.invalidateQueries({ queryKey: syncRunsKey(kind) });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) {
        setConflict('A sync is already running');
        const running = (e.details?.syncRun ?? e.details?.run) as SyncRun | undefined;
        if (running !== undefined && typeof running.id === 'string') {
          queryClient.setQueryData(syncRunKey(running.id), running);
          setStartedId(running.id);
        }
        void queryClient.invalidateQueries({ queryKey: INTEGRATIONS_KEY });
      } else {
        notifications.show({ color: 'red', title: 'Could not start the sync', message: errorMessage(e) });
      }
    },
  });

  const current = run.data ?? null;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center">
        <Title order={3} size="h4">
          Sync
        </Title>
        {configured && (
          <Group gap="xs">
            <Button
              size="xs"
              leftSection={<IconRefresh size={14} aria-hidden />}
              loading={start.isPending && start.variables === 'incremental'}
              onClick={() => start.mutate('incremental')}
            >
              Sync now
            </Button>
            <Tooltip label="Re-read everything and remove records deleted at the source">
              <Button
                size="xs"
                variant="default"
                leftSection={<IconReload size={14} aria-hidden />}
                loading={start.isPending && start.variables === 'full'}
                onClick={() => start.mutate('full')}
              >
                Full sync
              </Button>
            </Tooltip>
          </Group>
        )}
      </Group>
      {conflict !== null && (
        <Alert color="yellow" role="alert" withCloseButton onClose={() => setConflict(null)} closeButtonLabel="Dismiss">
          {conflict}
        </Alert>
      )}
      {configured && <SyncHealthAlert kind={kind} />}
      {!configured && current === null ? (
        <Text size="sm" c="dimmed">
          Save working settings to start the first sync.
        </Text>
      ) : current === null ? (
        run.isPending && runId !== null ? (
          <TableSkeleton rows={2} label="Loading sync status" />
        ) : (
          <Text size="sm" c="dimmed">
            No sync has run yet.
          </Text>
        )
      ) : (
        <SyncProgress run={current} />
      )}
      <SyncHistory kind={kind} />
    </Stack>
  );
}

export function SyncHistory({ kind }: { kind: IntegrationKind }) {
  const [showAll, setShowAll] = useState(false);
  const history = useQuery({ queryKey: syncRunsKey(kind), queryFn: () => api.syncRuns(kind), refetchInterval: (q) => (q.state.data?.syncRuns.some((r) => r.status === 'running' || r.status === 'queued') === true ? 1500 : 15_000) });
  const runs = history.data?.syncRuns ?? [];
  const shown = showAll ? runs : runs.slice(0, 10);
  const withRetries = runs.some((r) => r.retries !== undefined);

  return (
    <div>
      <Title order={4} size="h5" mb="xs" id={`history-${kind}`}>
        Sync history
      </Title>
      {history.isPending ? (
        <TableSkeleton rows={3} label="Loading sync history" />
      ) : history.isError ? (
        <ErrorAlert error={history.error} title="Could not load the sync history" />
      ) : runs.length === 0 ? (
        <Text size="sm" c="dimmed">
          No syncs yet.
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped highlightOnHover fz="sm" aria-labelledby={`history-${kind}`}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Mode</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Started</Table.Th>
                  <Table.Th>Duration</Table.Th>
                  <Table.Th>Counts</Table.Th>
                  {withRetries && <Table.Th>Retries</Table.Th>}
                  <Table.Th>Error</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {shown.map((r) => {
                  const d = secondsBetween(r.startedAt, r.finishedAt);
                  return (
                    <Table.Tr key={r.id}>
                      <Table.Td>{modeLabel(r.mode)}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={r.status} />
                      </Table.Td>
                      <Table.Td>{formatDateTime(r.startedAt)}</Table.Td>
                      <Table.Td>{d === null ? '—' : isActive(r) ? `${formatDuration(d)} so far` : formatDuration(d)}</Table.Td>
                      <Table.Td>{runCounts(r) || '—'}</Table.Td>
                      {withRetries && <Table.Td>{r.retries === undefined ? '—' : formatNumber(r.retries)}</Table.Td>}
                      <Table.Td>{r.error?.message ?? '—'}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {runs.length > 10 && (
            <Button variant="subtle" size="xs" mt="xs" onClick={() => setShowAll((v) => !v)}>
              {showAll ? 'Show fewer' : `Show all ${runs.length} runs`}
            </Button>
          )}
        </>
      )}
    </div>
  );
}
