// Lifecycle devices: status badges, counts per status (buttons that filter), the device table with "Load more",
// and "Create opportunity" for a company's overdue and due-soon devices (the refresh opportunity).
import { useMemo, useState } from 'react';
import { Badge, Button, Group, Paper, SimpleGrid, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { IconBulb } from '@tabler/icons-react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { LifecycleCounts, LifecycleDevice, LifecycleStatus } from '../api.js';
import { formatNumber } from '../format.js';
import { LIFECYCLE_KEY, lifecycleApi, type DeviceFilter } from '../lifecycle-api.js';
import { onLinkClick } from '../router.js';
import { Empty, QueryView } from './common.js';
import { DataTable, type Column } from './data-table.js';
import { OpportunityDialog, type OpportunityPreset } from './opportunity-dialog.js';

export const STATUSES: readonly LifecycleStatus[] = ['overdue', 'due_soon', 'ok', 'unknown', 'excluded'];
export const STATUS_LABEL: Record<LifecycleStatus, string> = { overdue: 'Overdue', due_soon: 'Due soon', ok: 'OK', unknown: 'Unknown', excluded: 'Excluded' };
/** Shades with at least 4.5:1 contrast to the badge text (white, or black on yellow). */
const STATUS_COLOR: Record<LifecycleStatus, string> = { overdue: 'red.9', due_soon: 'yellow.5', ok: 'teal.9', unknown: 'gray.7', excluded: 'dark.6' };

export function moneyFormat(currency: string): Intl.NumberFormat {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 0 });
  } catch {
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  }
}

export function StatusBadge({ status }: { status: LifecycleStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="filled" autoContrast>
      {STATUS_LABEL[status]}
    </Badge>
  );
}

/** One button per status with its count; pressing the active one shows every status again. */
export function StatusCounts({ counts, status, onStatus }: { counts: LifecycleCounts; status: LifecycleStatus | null; onStatus: (s: LifecycleStatus | null) => void }) {
  return (
    <SimpleGrid cols={{ base: 2, xs: 3, sm: 5 }} spacing="sm" mb="md" role="group" aria-label="Devices by status">
      {STATUSES.map((s) => (
        <UnstyledButton key={s} onClick={() => onStatus(status === s ? null : s)} aria-pressed={status === s}>
          <Paper withBorder p="sm" radius="md" style={status === s ? { borderColor: 'var(--mantine-color-indigo-6)', borderWidth: 2 } : undefined}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
              {STATUS_LABEL[s]}
            </Text>
            <Text size="xl" fw={700}>
              {formatNumber(counts[s])}
              <VisuallyHidden> devices</VisuallyHidden>
            </Text>
          </Paper>
        </UnstyledButton>
      ))}
    </SimpleGrid>
  );
}

/** Devices under a filter, 50 at a time; the counts come with every page. */
export function useDevices(filter: DeviceFilter) {
  return useInfiniteQuery({
    queryKey: [...LIFECYCLE_KEY, 'devices', filter],
    queryFn: ({ pageParam }) => lifecycleApi.devices(filter, pageParam, 50),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export function DevicesTable({ filter, showCompany, caption }: { filter: DeviceFilter; showCompany: boolean; caption: string }) {
  const q = useDevices(filter);
  const pages = q.data?.pages ?? [];
  const devices = useMemo(() => pages.flatMap((p) => p.devices), [pages]);
  const currency = pages[0]?.currency ?? 'USD';
  const money = moneyFormat(currency);
  const dim = (text: string | null) => (text === null || text === '' ? null : <Text size="xs" c="dimmed">{text}</Text>);
  const columns: Column<LifecycleDevice>[] = [
    {
      header: 'Device',
      cell: (d) => (
        <>
          <Text size="sm" fw={600}>{d.name}</Text>
          {dim(d.serialNumber === null ? null : `Serial ${d.serialNumber}`)}
        </>
      ),
    },
    ...(showCompany
      ? [{ header: 'Company', cell: (d: LifecycleDevice) => <a href={`/companies/${encodeURIComponent(d.companyId)}`} onClick={(e) => onLinkClick(e, `/companies/${encodeURIComponent(d.companyId)}`)}>{d.companyName}</a> }]
      : []),
    {
      header: 'Type and model',
      cell: (d) => (
        <>
          <Text size="sm">{d.type ?? '—'}</Text>
          {dim([d.manufacturer, d.model].filter((x) => x !== null).join(' '))}
        </>
      ),
    },
    {
      header: 'Dates',
      w: 190,
      cell: (d) => (
        <Text size="xs">
          Warranty: {d.warrantyExpiresAt ?? '—'}
          <br />
          {d.purchasedAt !== null || d.installedAt === null ? `Purchased: ${d.purchasedAt ?? '—'}` : `Installed: ${d.installedAt}`}
        </Text>
      ),
    },
    { header: 'End of life', w: 110, cell: (d) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{d.endOfLife ?? '—'}</Text> },
    {
      header: 'Status',
      w: 300,
      cell: (d) => (
        <>
          <StatusBadge status={d.status} />
          {dim(d.reason)}
        </>
      ),
    },
    { header: `Replacement (${currency})`, w: 120, cell: (d) => (d.replacementPrice === null ? '—' : money.format(d.replacementPrice)) },
  ];
  return (
    <QueryView
      query={{ isPending: q.isPending, error: q.error, data: q.data }}
      loadingLabel="Loading devices"
      errorTitle="Could not load the devices"
      empty={{ when: () => devices.length === 0, show: <Empty title="No devices" description="No device matches these filters." /> }}
    >
      {() => (
        <>
          <DataTable columns={columns} rows={devices} minWidth={showCompany ? 1000 : 860} label={caption} />
          <Group justify="space-between" mt="sm">
            <Text size="sm" c="dimmed" role="status">
              Showing {formatNumber(devices.length)} devices
            </Text>
            {q.hasNextPage && (
              <Button variant="default" loading={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                Load more devices
              </Button>
            )}
          </Group>
        </>
      )}
    </QueryView>
  );
}

/** The opportunity a company's overdue and due-soon devices make: title, one line per device, value = their prices. */
export function refreshPreset(devices: LifecycleDevice[], currency: string): OpportunityPreset {
  const overdue = devices.filter((d) => d.status === 'overdue').length;
  const soon = devices.length - overdue;
  const parts = [overdue > 0 ? `${overdue} overdue` : null, soon > 0 ? `${soon} due soon` : null].filter((x) => x !== null).join(', ');
  const priced = devices.filter((d) => d.replacementPrice !== null);
  const value = priced.length === 0 ? null : Math.round(priced.reduce((n, d) => n + d.replacementPrice!, 0) * 100) / 100;
  const lines = devices.map((d) => `- ${d.name}${d.type !== null ? ` (${d.type})` : ''}${d.serialNumber !== null ? `, serial ${d.serialNumber}` : ''}: `
    + `${d.status === 'overdue' ? 'overdue since' : 'due'} ${d.endOfLife ?? '—'}${d.replacementPrice !== null ? `, ${currency} ${d.replacementPrice}` : ''}`);
  const unpriced = devices.length - priced.length;
  return {
    title: `Replace ${devices.length} device${devices.length === 1 ? '' : 's'} (${parts})`,
    description: `Hardware refresh from the lifecycle review.\n\n${lines.join('\n')}${unpriced > 0 ? `\n\n${unpriced} device${unpriced === 1 ? ' has' : 's have'} no replacement price.` : ''}`.slice(0, 20_000),
    value,
  };
}

/** "Create opportunity" for the company's overdue and due-soon devices, through the opportunity dialog. */
export function RefreshOpportunity({ companyId, companyName }: { companyId: string; companyName: string }) {
  const [open, setOpen] = useState(false);
  const due = useQuery({
    queryKey: [...LIFECYCLE_KEY, 'refresh', companyId],
    queryFn: async () => {
      const [overdue, soon] = await Promise.all([
        lifecycleApi.devices({ companyId, status: 'overdue' }, null, 500),
        lifecycleApi.devices({ companyId, status: 'due_soon' }, null, 500),
      ]);
      return { devices: [...overdue.devices, ...soon.devices], currency: overdue.currency };
    },
  });
  const devices = due.data?.devices ?? [];
  const preset = useMemo(() => (due.data === undefined ? null : refreshPreset(due.data.devices, due.data.currency)), [due.data]);
  const money = moneyFormat(due.data?.currency ?? 'USD');
  const total = preset?.value ?? null;
  return (
    <Paper withBorder p="sm" radius="md" mb="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Text size="sm">
          {due.isPending
            ? 'Checking for devices to replace…'
            : devices.length === 0
              ? `${companyName} has no overdue or due-soon devices.`
              : `${companyName}: ${devices.length} overdue or due-soon device${devices.length === 1 ? '' : 's'}${total !== null ? `, ${money.format(total)} to replace` : ''}.`}
        </Text>
        <Button leftSection={<IconBulb size={16} aria-hidden />} disabled={devices.length === 0} onClick={() => setOpen(true)}>
          Create opportunity
        </Button>
      </Group>
      <OpportunityDialog opened={open} onClose={() => setOpen(false)} companyId={companyId} companyName={companyName} preset={preset} key={open ? 'open' : 'closed'} />
    </Paper>
  );
}
