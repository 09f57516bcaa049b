// Opportunities: every vCIO finding recorded for a company, its status, and the PSA ticket it became. Filters
// (text, status, company), totals per status with their value, CSV of the filtered list, export one or many (with
// progress and a result per row, and a retry for the failed ones), edit and delete drafts (with undo).
import { useDeferredValue, useMemo, useState } from 'react';
import {
  ActionIcon, Alert, Anchor, Badge, Button, Checkbox, Group, Paper, Progress, Select, SimpleGrid, Stack, Text, TextInput, Tooltip, UnstyledButton, VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBulb, IconDownload, IconExternalLink, IconPencil, IconPlus, IconSearch, IconSend, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, opportunityQuery, type Opportunity, type OpportunityStatus } from '../api.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { onLinkClick } from '../router.js';
import { useKinds } from '../integration-kinds.js';
import { Empty, LabelledSegments, PageHeader, QueryView, UNCLIPPED } from '../components/common.js';
import { DataTable, type Column } from '../components/data-table.js';
import { OPPORTUNITIES_KEY, OpportunityDialog, ticketLabel, useExportOpportunity } from '../components/opportunity-dialog.js';

type StatusFilter = 'all' | OpportunityStatus;

const STATUS_LABEL: Record<OpportunityStatus, string> = { draft: 'Draft', exported: 'Exported', failed: 'Export failed' };
const STATUS_FILTERS: { value: StatusFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'draft', label: 'Draft' },
  { value: 'exported', label: 'Exported' },
  { value: 'failed', label: 'Failed' },
];
const STATUS_COLOR: Record<OpportunityStatus, string> = { draft: 'gray', exported: 'green', failed: 'red' };

const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const formatValue = (v: number | null): string => (v === null ? '—' : money.format(v));
const exportable = (o: Opportunity): boolean => o.status !== 'exported';

/** One row's outcome in a bulk export run. */
type RowResult = { state: 'waiting' | 'exporting' } | { state: 'done'; ticket: string } | { state: 'error'; message: string };

function rowOutcome(r: RowResult): string {
  switch (r.state) {
    case 'waiting':
      return 'waiting';
    case 'exporting':
      return 'exporting…';
    case 'done':
      return `exported as ${r.ticket}`;
    case 'error':
      return `failed — ${r.message}`;
  }
}

export function OpportunitiesPage() {
  const kinds = useKinds();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [status, setStatus] = useState<StatusFilter>('all');
  const [companyId, setCompanyId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Opportunity | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [run, setRun] = useState<{ ids: string[]; results: Map<string, RowResult>; running: boolean } | null>(null);

  // Totals cover every status of the company and text filters; the status filter only narrows the table.
  const filter = { ...(companyId !== null ? { companyId } : {}), ...(q !== '' ? { q } : {}) };
  const query = useQuery({ queryKey: [...OPPORTUNITIES_KEY, filter], queryFn: () => api.opportunities(filter), placeholderData: (prev) => prev });
  const companies = useQuery({ queryKey: ['companies'], queryFn: api.companies });
  const companyOptions = useMemo(() => (companies.data?.companies ?? []).map((c) => ({ value: c.id, label: c.name })), [companies.data]);

  const all = query.data?.opportunities ?? [];
  const rows = status === 'all' ? all : all.filter((o) => o.status === status);
  const totals = query.data?.totals;
  const everything = query.data !== undefined && query.data.totals.all.count === 0 && companyId === null && q === '';

  const exporter = useExportOpportunity();
  const remove = useMutation({
    mutationFn: async (o: Opportunity) => {
      await api.deleteOpportunity(o.id);
      return o;
    },
    onSuccess: (o) => {
      void queryClient.invalidateQueries({ queryKey: OPPORTUNITIES_KEY });
      const id = `deleted-${o.id}`;
      notifications.show({
        id,
        color: 'gray',
        title: 'Opportunity deleted',
        autoClose: 10_000,
        message: (
          <Group gap="xs" justify="space-between" wrap="nowrap">
            <Text size="sm">{o.title}</Text>
            <Button size="compact-xs" variant="light" onClick={() => {
              notifications.hide(id);
              void undoDelete(o);
            }}>
              Undo
            </Button>
          </Group>
        ),
      });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not delete the opportunity', message: errorMessage(e) }),
  });

  async function undoDelete(o: Opportunity): Promise<void> {
    try {
      await api.createOpportunity({
        companyId: o.companyId, title: o.title, description: o.description, value: o.value, ticketTypeId: o.ticketTypeId, closeDate: o.closeDate, probability: o.probability,
      });
      notifications.show({ color: 'green', title: 'Opportunity restored', message: o.title });
    } catch (e) {
      notifications.show({ color: 'red', title: 'Could not restore the opportunity', message: errorMessage(e) });
    }
    void queryClient.invalidateQueries({ queryKey: OPPORTUNITIES_KEY });
  }

  function exportOne(o: Opportunity): void {
    exporter.mutate(o.id, {
      onSuccess: ({ opportunity }) =>
        notifications.show({
          color: 'green',
          title: `Exported as ${kinds.displayName(opportunity.psa?.kind ?? '')} ticket ${ticketLabel(opportunity)}`,
          message: opportunity.title,
        }),
      onError: (e) => notifications.show({ color: 'red', title: `Could not export “${o.title}”`, message: errorMessage(e), autoClose: 12_000 }),
    });
  }

  /** Export the given ids one after another, showing each row's outcome as it comes. */
  async function exportMany(ids: string[]): Promise<void> {
    const results = new Map<string, RowResult>(ids.map((id) => [id, { state: 'waiting' }]));
    setRun({ ids, results: new Map(results), running: true });
    for (const id of ids) {
      results.set(id, { state: 'exporting' });
      setRun({ ids, results: new Map(results), running: true });
      try {
        const { opportunity } = await api.exportOpportunity(id);
        results.set(id, { state: 'done', ticket: `${kinds.displayName(opportunity.psa?.kind ?? '')} ${ticketLabel(opportunity)}` });
      } catch (e) {
        results.set(id, { state: 'error', message: errorMessage(e) });
      }
      setRun({ ids, results: new Map(results), running: true });
    }
    setRun({ ids, results: new Map(results), running: false });
    setSelected(new Set());
    void queryClient.invalidateQueries({ queryKey: OPPORTUNITIES_KEY });
  }

  const selectable = rows.filter(exportable);
  const allSelected = selectable.length > 0 && selectable.every((o) => selected.has(o.id));
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const byId = new Map(all.map((o) => [o.id, o]));
  const busy = run?.running === true;
  const phone = useMediaQuery('(max-width: 48em)') === true;

  const columns: Column<Opportunity>[] = [
    {
      header: (
        <Checkbox
          aria-label="Select every opportunity not exported yet"
          checked={allSelected}
          indeterminate={!allSelected && selectable.some((o) => selected.has(o.id))}
          disabled={selectable.length === 0 || busy}
          onChange={(e) => setSelected(e.currentTarget.checked ? new Set(selectable.map((o) => o.id)) : new Set())}
        />
      ),
      w: 40,
      cell: (o) =>
        exportable(o) ? (
          <Checkbox aria-label={`Select ${o.title}`} checked={selected.has(o.id)} disabled={busy} onChange={(e) => toggle(o.id, e.currentTarget.checked)} />
        ) : null,
    },
    {
      header: 'Opportunity',
      cell: (o) => {
        const to = `/companies/${encodeURIComponent(o.companyId)}`;
        return (
          <Stack gap={2} maw={340}>
            <Text size="sm" fw={600}>
              {o.title}
            </Text>
            <Text size="xs" c="dimmed">
              <Anchor href={to} onClick={(e) => onLinkClick(e, to)} size="xs" underline="always">
                {o.companyName ?? `#${o.companyId}`}
              </Anchor>
              {' · '}
              <Tooltip label={`Created ${formatDateTime(o.createdAt)}${o.createdBy !== null ? ` by ${o.createdBy.email}` : ''}`}>
                <span>created {formatDate(o.createdAt)}</span>
              </Tooltip>
            </Text>
          </Stack>
        );
      },
    },
    {
      header: 'Status',
      cell: (o) => {
        const r = run?.results.get(o.id);
        return (
          <Stack gap={2}>
            <Badge color={STATUS_COLOR[o.status]} variant="light" styles={UNCLIPPED}>
              {STATUS_LABEL[o.status]}
            </Badge>
            {r !== undefined && r.state === 'exporting' && (
              <Text size="xs" c="blue.8" role="status">
                Exporting…
              </Text>
            )}
            {o.status === 'failed' && o.error !== null && (
              <Text size="xs" c="red.8" maw={240}>
                {o.error.message}
              </Text>
            )}
          </Stack>
        );
      },
    },
    {
      header: 'Value',
      cell: (o) => (
        <Stack gap={0}>
          <Text size="sm">{formatValue(o.value)}</Text>
          {o.probability !== null && (
            <Text size="xs" c="dimmed">
              {o.probability}% likely
            </Text>
          )}
        </Stack>
      ),
    },
    { header: 'Expected close', cell: (o) => formatDate(o.closeDate) },
    { header: 'Ticket type', cell: (o) => o.ticketTypeName ?? (o.ticketTypeId === null ? '—' : `#${o.ticketTypeId}`) },
    {
      header: 'PSA ticket',
      cell: (o) =>
        o.psa === null ? (
          '—'
        ) : o.psa.url !== undefined ? (
          <Anchor href={o.psa.url} target="_blank" rel="noopener noreferrer" size="sm" aria-label={`Open ticket ${ticketLabel(o)} in ${kinds.displayName(o.psa.kind)}`}>
            <Group gap={4} wrap="nowrap" component="span">
              {ticketLabel(o)}
              <IconExternalLink size={14} aria-hidden />
            </Group>
          </Anchor>
        ) : (
          ticketLabel(o)
        ),
    },
    {
      header: 'Actions',
      cell: (o) =>
        o.status === 'exported' ? null : (
          <Group gap={4} wrap="nowrap">
            <Button
              size="compact-sm"
              variant={o.status === 'failed' ? 'filled' : 'light'}
              leftSection={<IconSend size={14} aria-hidden />}
              loading={exporter.isPending && exporter.variables === o.id}
              disabled={busy}
              onClick={() => exportOne(o)}
              aria-label={`Export ${o.title}`}
            >
              {o.status === 'failed' ? 'Retry' : 'Export'}
            </Button>
            <Tooltip label="Edit">
              <ActionIcon variant="subtle" aria-label={`Edit ${o.title}`} onClick={() => setEditing(o)} disabled={busy}>
                <IconPencil size={16} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Tooltip label="Delete">
              <ActionIcon variant="subtle" color="red" aria-label={`Delete ${o.title}`} onClick={() => remove.mutate(o)} disabled={busy}>
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Tooltip>
          </Group>
        ),
    },
  ];

  const failedInRun = run === null ? [] : run.ids.filter((id) => run.results.get(id)?.state === 'error');
  const doneInRun = run === null ? 0 : run.ids.filter((id) => { const s = run.results.get(id)?.state; return s === 'done' || s === 'error'; }).length;

  return (
    <>
      <PageHeader
        title="Opportunities"
        description="vCIO findings for your companies, exported to the PSA as tickets of an opportunity type."
        actions={
          <>
            <Button
              component="a"
              variant="default"
              href={`/api/opportunities${opportunityQuery({ ...filter, ...(status !== 'all' ? { status } : {}) }, 'csv')}`}
              download
              leftSection={<IconDownload size={16} aria-hidden />}
            >
              Download CSV
            </Button>
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              New opportunity
            </Button>
          </>
        }
      />
      <OpportunityDialog opened={creating} onClose={() => setCreating(false)} />
      <OpportunityDialog opened={editing !== null} onClose={() => setEditing(null)} existing={editing} key={editing?.id ?? 'none'} />

      {totals !== undefined && !everything && (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mb="md" role="group" aria-label="Totals by status">
          {(['all', 'draft', 'exported', 'failed'] as const).map((s) => (
            <UnstyledButton key={s} onClick={() => setStatus(s)} aria-pressed={status === s}>
              <Paper withBorder p="sm" radius="md" style={status === s ? { borderColor: 'var(--mantine-color-indigo-6)', borderWidth: 2 } : undefined}>
                {/* The button's name starts with what it shows (axe: label-content-name-mismatch). */}
                <VisuallyHidden>Show </VisuallyHidden>
                <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                  {s === 'all' ? 'All' : STATUS_LABEL[s]}
                </Text>
                <Text fw={700} size="lg">
                  {formatNumber(totals[s].count)}
                </Text>
                <Text size="sm">Value {money.format(totals[s].value)}</Text>
              </Paper>
            </UnstyledButton>
          ))}
        </SimpleGrid>
      )}

      {!everything && (
        <Group mb="sm" align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label="Search opportunities"
            placeholder="Title, description or company"
            type="search"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={{ base: '100%', sm: 280 }}
          />
          <Select
            label="Company"
            placeholder="All companies"
            searchable
            clearable
            data={companyOptions}
            value={companyId}
            onChange={setCompanyId}
            nothingFoundMessage="No company matches"
            limit={100}
            w={{ base: '100%', sm: 260 }}
          />
          <LabelledSegments id="opp-status-label" label="Status" value={status} onChange={setStatus} data={STATUS_FILTERS} />
        </Group>
      )}

      {(selected.size > 0 || run !== null) && (
        <Paper withBorder p="sm" mb="sm" radius="md" aria-label="Bulk export" component="section">
          <Stack gap="xs">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text size="sm" fw={600}>
                {busy
                  ? `Exporting ${formatNumber(doneInRun)} of ${formatNumber(run?.ids.length ?? 0)}…`
                  : run !== null
                    ? `Export finished: ${formatNumber((run.ids.length) - failedInRun.length)} exported, ${formatNumber(failedInRun.length)} failed`
                    : `${formatNumber(selected.size)} selected`}
              </Text>
              <Group gap="xs">
                {selected.size > 0 && !busy && (
                  <Button size="xs" leftSection={<IconSend size={14} aria-hidden />} onClick={() => void exportMany([...selected])}>
                    Export selected ({formatNumber(selected.size)})
                  </Button>
                )}
                {!busy && failedInRun.length > 0 && (
                  <Button size="xs" color="red" variant="light" onClick={() => void exportMany(failedInRun)}>
                    Retry failed ({formatNumber(failedInRun.length)})
                  </Button>
                )}
                {!busy && run !== null && (
                  <Button size="xs" variant="subtle" onClick={() => setRun(null)}>
                    Dismiss
                  </Button>
                )}
              </Group>
            </Group>
            {run !== null && (
              <>
                <Progress value={(doneInRun / Math.max(1, run.ids.length)) * 100} aria-label="Bulk export progress" animated={busy} />
                <Stack gap={2} component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-live="polite">
                  {run.ids.map((id) => {
                    const r = run.results.get(id)!;
                    const name = byId.get(id)?.title ?? id;
                    return (
                      <Text component="li" size="sm" key={id} c={r.state === 'error' ? 'red.8' : r.state === 'done' ? 'green.9' : undefined}>
                        {name}:{' '}
                        {rowOutcome(r)}
                      </Text>
                    );
                  })}
                </Stack>
              </>
            )}
          </Stack>
        </Paper>
      )}

      <QueryView
        query={query}
        loadingLabel="Loading opportunities"
        errorTitle="Could not load opportunities"
        empty={{
          when: () => everything,
          show: (
            <Empty
              icon={<IconBulb size={28} aria-hidden />}
              title="No opportunities yet"
              description="Record a vCIO finding for a company (here or on the company's page) and export it to your PSA as a ticket of an opportunity type."
              action={<Button onClick={() => setCreating(true)}>New opportunity</Button>}
            />
          ),
        }}
      >
        {() =>
          rows.length === 0 ? (
            <Empty title="No opportunities match" description="Clear the search, the company or the status filter to see more." />
          ) : (
            <>
              {query.isFetching && (
                <Text size="xs" c="dimmed" role="status">
                  Updating…
                </Text>
              )}
              <Text size="sm" c="dimmed" role="status" mb={4}>
                {rows.length === all.length ? `${formatNumber(all.length)} opportunities` : `${formatNumber(rows.length)} of ${formatNumber(all.length)} opportunities`}
              </Text>
              {phone ? (
                // On a phone each opportunity is a card with the same cells, labelled.
                <Stack gap="sm" component="ul" aria-label="Opportunities" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {rows.map((o) => (
                    <Paper component="li" withBorder p="sm" radius="md" key={o.id}>
                      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
                        {columns[1]!.cell(o)}
                        {columns[0]!.cell(o)}
                      </Group>
                      <SimpleGrid cols={2} spacing="xs" verticalSpacing={6} mt="xs">
                        {columns.slice(2, -1).map((c, i) => (
                          <div key={i}>
                            <Text size="xs" c="dimmed" fw={600}>
                              {c.header}
                            </Text>
                            <Text size="sm" component="div">{c.cell(o)}</Text>
                          </div>
                        ))}
                      </SimpleGrid>
                      {o.status !== 'exported' && <Group mt="xs">{columns[columns.length - 1]!.cell(o)}</Group>}
                    </Paper>
                  ))}
                </Stack>
              ) : (
                <DataTable columns={columns} rows={rows} minWidth={940} label="Opportunities" />
              )}
              {all.length >= 5000 && (
                <Alert color="yellow" mt="sm">
                  Showing the newest 5,000: narrow the list with the filters, or download the CSV.
                </Alert>
              )}
            </>
          )
        }
      </QueryView>
    </>
  );
}
