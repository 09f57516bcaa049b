import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Group, List, Progress, Stack, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh, IconReload } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, isActive, type SyncRun } from '../api.js';
import { formatDateTime, formatDuration, formatNumber, secondsBetween } from '../format.js';
import { INTEGRATIONS_KEY, syncRunKey, syncRunsKey, useNow, useSyncRun } from '../hooks.js';
import { useKinds } from '../integration-kinds.js';
import {
  estimateSecondsLeft,
  modeLabel,
  runCounts,
  STATUS_COLORS,
  STATUS_LABELS,
  streamLabel,
} from '../sync-format.js';
import { QueryView, TableSkeleton, UNCLIPPED } from './common.js';
import { DataTable, type Column } from './data-table.js';
import { SyncHealthAlert } from './SyncHealthAlert.js';
import { etaText } from '../eta.js';

export function StatusBadge({ status }: { status: SyncRun['status'] }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant={status === 'running' ? 'filled' : 'light'} style={{ flexShrink: 0 }} styles={UNCLIPPED}>
      {STATUS_LABELS[status]}
    </Badge>
  );
}

/** Live view of one run: status, elapsed, estimate, per-stream progress bars. */
export function SyncProgress({ run }: { run: SyncRun }) {
  const active = isActive(run);
  const now = useNow(active);
  const elapsed = secondsBetween(run.startedAt, active ? null : run.finishedAt, now);
  const left = active ? estimateSecondsLeft(run, elapsed) : null;
  const activity = useRunActivity(run, now);
  const eta = active ? etaText(left, activity) : null;
  const streams = Object.entries(run.progress);
  const kinds = useKinds();

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
        {eta !== null && (
          <Text size="sm" c="dimmed">
            {eta}
          </Text>
        )}
        {run.requestCount > 0 && (
          <Text size="sm" c="dimmed">
            {formatNumber(run.requestCount)} {run.requestCount === 1 ? 'request' : 'requests'}
          </Text>
        )}
        {run.retries > 0 && (
          <Text size="sm" c="dimmed">
            {formatNumber(run.retries)} {run.retries === 1 ? 'retry' : 'retries'}
          </Text>
        )}
        {run.rateLimited > 0 && (
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
        const label = streamLabel(kinds, run.integration, name);
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
      {run.notes.length > 0 && (
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

export function SyncPanel({ kind, configured, lastRun }: { kind: string; configured: boolean; lastRun: SyncRun | null }) {
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
        const running = e.details?.syncRun as SyncRun | undefined;
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
  // The button of the mode being started spins.
  const startButton = (mode: 'incremental' | 'full', label: string, icon: ReactNode, variant?: 'default') => (
    <Button size="xs" variant={variant} leftSection={icon} loading={start.isPending && start.variables === mode} onClick={() => start.mutate(mode)}>
      {label}
    </Button>
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center">
        <Title order={3} size="h4">
          Sync
        </Title>
        {configured && (
          <Group gap="xs">
            {startButton('incremental', 'Sync now', <IconRefresh size={14} aria-hidden />)}
            <Tooltip label="Re-read everything and remove records deleted at the source">
              {startButton('full', 'Full sync', <IconReload size={14} aria-hidden />, 'default')}
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

export function SyncHistory({ kind }: { kind: string }) {
  const kinds = useKinds();
  const [showAll, setShowAll] = useState(false);
  const history = useQuery({ queryKey: syncRunsKey(kind), queryFn: () => api.syncRuns(kind), refetchInterval: (q) => (q.state.data?.syncRuns.some(isActive) === true ? 1500 : 15_000) });
  const titleId = `history-${kind}`;
  const columns: Column<SyncRun>[] = [
    { header: 'Mode', cell: (r) => modeLabel(r.mode) },
    { header: 'Status', cell: (r) => <StatusBadge status={r.status} /> },
    { header: 'Started', cell: (r) => formatDateTime(r.startedAt) },
    {
      header: 'Duration',
      cell: (r) => {
        const d = secondsBetween(r.startedAt, r.finishedAt);
        return d === null ? '—' : isActive(r) ? `${formatDuration(d)} so far` : formatDuration(d);
      },
    },
    { header: 'Counts', cell: (r) => runCounts(r, kinds) || '—' },
    { header: 'Retries', cell: (r) => formatNumber(r.retries) },
    { header: 'Error', cell: (r) => r.error?.message ?? '—' },
  ];

  return (
    <div>
      <Title order={4} size="h5" mb="xs" id={titleId}>
        Sync history
      </Title>
      <QueryView
        query={history}
        loadingLabel="Loading sync history"
        loadingRows={3}
        errorTitle="Could not load the sync history"
        empty={{ when: (d) => d.syncRuns.length === 0, show: <Text size="sm" c="dimmed">No syncs yet.</Text> }}
      >
        {({ syncRuns: runs }) => (
          <>
            <DataTable columns={columns} rows={showAll ? runs : runs.slice(0, 10)} minWidth={640} labelledBy={titleId} stackOnPhone />
            {runs.length > 10 && (
              <Button variant="subtle" size="xs" mt="xs" onClick={() => setShowAll((v) => !v)}>
                {showAll ? 'Show fewer' : `Show all ${runs.length} runs`}
              </Button>
            )}
          </>
        )}
      </QueryView>
    </div>
  );
}

/** Whether the run's last polls counted new retries, and for how long no record arrived (seconds). */
function useRunActivity(run: SyncRun, now: number): { retrying: boolean; stalledSeconds: number } {
  const fetched = Object.values(run.progress).reduce((n, p) => n + p.fetched, 0);
  const seen = useRef({ fetched, retries: run.retries, fetchedAt: now, retriedAt: 0 });
  const s = seen.current;
  if (fetched !== s.fetched) {
    s.fetched = fetched;
    s.fetchedAt = now;
  }
  if (run.retries > s.retries) {
    s.retries = run.retries;
    s.retriedAt = now;
  }
  // A retry counts as "now" until records arrive again after it.
  const retrying = s.retriedAt > 0 && s.retriedAt >= s.fetchedAt;
  return { retrying, stalledSeconds: Math.max(0, (now - s.fetchedAt) / 1000) };
}
