import { useDeferredValue, useMemo, useState, type ReactNode } from 'react';
import { Anchor, Badge, Breadcrumbs, Button, Group, Skeleton, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { IconDeviceDesktop, IconExternalLink, IconLink, IconPlus, IconSearch, IconTicket, IconWorld } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, ApiError, type Configuration, type Domain, type Ticket, type TicketStatusFilter } from '../api.js';
import { useIsAdmin } from '../auth.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';
import { navigate, onLinkClick } from '../router.js';
import { useIntegrations } from '../hooks.js';
import { linksPath, primaryName, useKinds } from '../integration-kinds.js';
import { Empty, ErrorAlert, LabelledSegments, PageHeader, TableSkeleton, UNCLIPPED } from '../components/common.js';
import { DataTable, PagedTable, type Column } from '../components/data-table.js';
import type { SortState } from '../components/SortableTh.js';
import { OpportunityDialog } from '../components/opportunity-dialog.js';
import { CompanyLifecyclePanel, CompanyLifecycleTabButton } from '../components/company-lifecycle-tab.js';

const DAY = 86_400_000;

export type Expiry = 'expired' | 'soon' | 'ok' | 'unknown';

/** Dates are calendar dates (YYYY-MM-DD): compare against today's date in UTC. */
export function expiryState(date: string | null, now = Date.now()): Expiry {
  if (date === null || date === '') return 'unknown';
  const t = new Date(/^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00Z` : date).getTime();
  if (Number.isNaN(t)) return 'unknown';
  const today = Math.floor(now / DAY) * DAY;
  if (t < today) return 'expired';
  if (t - today <= 90 * DAY) return 'soon';
  return 'ok';
}

function ExpiryCell({ date }: { date: string | null }) {
  const state = expiryState(date);
  const color = state === 'expired' ? 'red' : state === 'soon' ? 'orange' : undefined;
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" c={color} fw={color !== undefined ? 600 : undefined}>
        {formatDate(date)}
      </Text>
      {state === 'expired' && (
        <Badge color="red" variant="filled" size="sm">
          Expired
        </Badge>
      )}
      {state === 'soon' && (
        <Badge color="orange" variant="light" size="sm">
          Expires soon
        </Badge>
      )}
    </Group>
  );
}

export function CompanyDetailPage({ id }: { id: string }) {
  const query = useQuery({ queryKey: ['company', id], queryFn: () => api.company(id) });
  const kinds = useKinds();
  const [tab, setTab] = useState<string | null>('configurations');
  const [newOpportunity, setNewOpportunity] = useState(false);

  const breadcrumbs = (
    <Breadcrumbs mb="sm" aria-label="Breadcrumb">
      <Anchor href="/companies" onClick={(e) => onLinkClick(e, '/companies')} size="sm">
        Companies
      </Anchor>
      <Text size="sm">{query.data?.company.name ?? '…'}</Text>
    </Breadcrumbs>
  );

  if (query.isPending) {
    return (
      <>
        {breadcrumbs}
        <Skeleton height={34} width="40%" mb="lg" />
        <TableSkeleton rows={8} label="Loading company" />
      </>
    );
  }
  if (query.isError) {
    const notFound = query.error instanceof ApiError && query.error.status === 404;
    return (
      <>
        {breadcrumbs}
        {notFound ? (
          <Empty
            title="Company not found"
            description={`It may have been archived in ${primaryName(kinds)} or is no longer active.`}
            action={<Button onClick={() => navigate('/companies')}>Back to Companies</Button>}
          />
        ) : (
          <ErrorAlert error={query.error} title="Could not load the company" />
        )}
      </>
    );
  }

  const { company, configurations, domains } = query.data;

  return (
    <>
      {breadcrumbs}
      <PageHeader
        title={company.name}
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setNewOpportunity(true)}>
            New opportunity
          </Button>
        }
        description={
          <Group gap="xs" component="span">
            {company.status !== null && <Badge variant="light">{company.status}</Badge>}
            {company.type !== null && (
              <Badge variant="light" color="gray">
                {company.type}
              </Badge>
            )}
            <Text span size="sm" c="dimmed">
              {company.psa === null
                ? 'Not linked to a PSA company'
                : `${kinds.displayName(company.psa.kind)}: ${company.psa.name}`}
            </Text>
            {company.webUrl !== undefined && <ExternalLink href={company.webUrl}>Open in {primaryName(kinds)}</ExternalLink>}
            {company.psa?.url !== undefined && (
              <ExternalLink href={company.psa.url}>Open in {kinds.displayName(company.psa.kind)}</ExternalLink>
            )}
          </Group>
        }
      />
      <OpportunityDialog opened={newOpportunity} onClose={() => setNewOpportunity(false)} companyId={company.id} companyName={company.name} />
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="configurations" leftSection={<IconDeviceDesktop size={16} aria-hidden />}>
            Configurations ({formatNumber(configurations.length)})
          </Tabs.Tab>
          <Tabs.Tab value="domains" leftSection={<IconWorld size={16} aria-hidden />}>
            Domains ({formatNumber(domains.length)})
          </Tabs.Tab>
          <Tabs.Tab value="tickets" leftSection={<IconTicket size={16} aria-hidden />}>
            PSA tickets
          </Tabs.Tab>
          <CompanyLifecycleTabButton />
        </Tabs.List>
        <Tabs.Panel value="configurations">
          <ConfigurationsTable configurations={configurations} source={primaryName(kinds)} />
        </Tabs.Panel>
        <Tabs.Panel value="domains">
          <DomainsTable domains={domains} source={primaryName(kinds)} />
        </Tabs.Panel>
        <Tabs.Panel value="tickets">
          {company.psa === null ? <NotLinked /> : <TicketsTable companyId={company.id} />}
        </Tabs.Panel>
        <CompanyLifecyclePanel companyId={company.id} companyName={company.name} />
      </Tabs>
    </>
  );
}

/** Where "Link Companies" leads: the PSA that is configured, else the first the server offers. */
function useLinkKind(): string | null {
  const admin = useIsAdmin();
  const kinds = useKinds();
  const integrations = useIntegrations(admin);
  const configured = kinds.supplemental.find((k) => integrations.data?.integrations.some((i) => i.kind === k.kind && i.configured) === true);
  return (configured ?? kinds.supplemental[0])?.kind ?? null;
}

function NotLinked() {
  const admin = useIsAdmin();
  const kind = useLinkKind();
  return (
    <Empty
      icon={<IconLink size={28} aria-hidden />}
      title="Not linked to a PSA company — link it on Link Companies"
      description={admin ? undefined : 'Ask an administrator to link this company.'}
      action={admin && kind !== null ? <Button onClick={() => navigate(linksPath(kind))}>Link Companies</Button> : undefined}
    />
  );
}

const orDash = (v: string | null): string => (v === null || v === '' ? '—' : v);

const CONFIGURATION_COLUMNS: Column<Configuration>[] = [
  {
    header: 'Name',
    cell: (c) => (
      <Group gap={6} wrap="nowrap">
        {c.webUrl !== undefined ? (
          <ExternalLink href={c.webUrl} fw={600} label={`${c.name} (opens in a new tab)`}>
            {c.name}
          </ExternalLink>
        ) : (
          <Text size="sm" fw={600}>
            {c.name}
          </Text>
        )}
        {c.archived && (
          <Badge size="xs" color="gray" variant="outline">
            Archived
          </Badge>
        )}
      </Group>
    ),
  },
  { header: 'Hostname', cell: (c) => orDash(c.hostname) },
  { header: 'Type', cell: (c) => orDash(c.typeName) },
  { header: 'Manufacturer / model', cell: (c) => orDash([c.manufacturerName, c.modelName].filter((x) => x !== null && x !== '').join(' ')) },
  { header: 'Serial number', cell: (c) => orDash(c.serialNumber) },
  { header: 'Warranty expires', cell: (c) => <ExpiryCell date={c.warrantyExpiresAt} /> },
];

function ConfigurationsTable({ configurations, source }: { configurations: Configuration[]; source: string }) {
  const sorted = useMemo(
    () => [...configurations].sort((a, b) => Number(a.archived) - Number(b.archived) || a.name.localeCompare(b.name)),
    [configurations],
  );
  const counts = useMemo(() => {
    let expired = 0;
    let soon = 0;
    for (const c of configurations) {
      if (c.archived) continue;
      const s = expiryState(c.warrantyExpiresAt);
      if (s === 'expired') expired++;
      else if (s === 'soon') soon++;
    }
    return { expired, soon };
  }, [configurations]);

  if (configurations.length === 0) return <Empty title="No configurations" description={`${source} has no configurations for this company.`} />;
  return (
    <Stack gap="xs">
      {(counts.expired > 0 || counts.soon > 0) && (
        <Text size="sm" role="status">
          Warranty: {formatNumber(counts.expired)} expired, {formatNumber(counts.soon)} expiring within 90 days.
        </Text>
      )}
      <DataTable
        columns={CONFIGURATION_COLUMNS}
        rows={sorted}
       
        minWidth={900}
        label="Configurations"
        stackOnPhone
        rowStyle={(c) => (c.archived ? { color: 'var(--mantine-color-dimmed)' } : undefined)}
      />
    </Stack>
  );
}

const DOMAIN_COLUMNS: Column<Domain>[] = [
  {
    header: 'Domain',
    cell: (d) => (
      <Text size="sm" fw={600}>
        {d.name}
      </Text>
    ),
  },
  { header: 'Registrar', cell: (d) => orDash(d.registrarName) },
  { header: 'Expires', cell: (d) => <ExpiryCell date={d.expiresOn} /> },
];

function DomainsTable({ domains, source }: { domains: Domain[]; source: string }) {
  if (domains.length === 0) return <Empty title="No domains" description={`${source} has no domains for this company.`} />;
  return <DataTable columns={DOMAIN_COLUMNS} rows={domains} minWidth={560} label="Domains" stackOnPhone />;
}

type TicketSortKey = 'opened' | 'updated' | 'summary' | 'status';

const TICKET_COLUMNS: Column<Ticket, TicketSortKey>[] = [
  {
    header: 'Status',
    sortKey: 'status',
    cell: (t) => (
      <Badge color={t.closed ? 'gray' : 'blue'} variant="light" styles={UNCLIPPED}>
        {t.status}
      </Badge>
    ),
  },
  { header: 'Type', cell: (t) => orDash(t.type) },
  { header: 'Summary', sortKey: 'summary', cell: (t) => t.summary },
  { header: 'Opened', sortKey: 'opened', cell: (t) => formatDateTime(t.openedAt) },
  { header: 'Closed', cell: (t) => formatDateTime(t.closedAt) },
  { header: 'Updated', sortKey: 'updated', cell: (t) => formatDateTime(t.updatedAt) },
  {
    header: 'Ticket',
    cell: (t) =>
      t.url !== undefined ? (
        <ExternalLink href={t.url} label={`Ticket #${t.psaId}: ${t.summary} (opens in a new tab)`}>
          #{t.psaId}
        </ExternalLink>
      ) : (
        `#${t.psaId}`
      ),
  },
];

/** A link into a vendor's web app: a new tab, marked as such. */
function ExternalLink({ href, children, label, size = 'sm', fw }: { href: string; children: ReactNode; label?: string; size?: string; fw?: number }) {
  return (
    <Anchor href={href} target="_blank" rel="noopener noreferrer" size={size} fw={fw} aria-label={label} underline="always">
      <Group component="span" gap={3} wrap="nowrap" style={{ display: 'inline-flex' }}>
        {children}
        <IconExternalLink size={13} aria-hidden />
      </Group>
    </Anchor>
  );
}

const TICKET_STATUSES: { value: TicketStatusFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'closed', label: 'Closed' },
  { value: 'all', label: 'All' },
];

function TicketsTable({ companyId }: { companyId: string }) {
  const [status, setStatus] = useState<TicketStatusFilter>('all');
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search.trim());
  const [sort, setSort] = useState<SortState<TicketSortKey>>({ key: 'opened', dir: 'desc' });
  const sortParam = `${sort.dir === 'desc' ? '-' : ''}${sort.key}`;
  const query = useInfiniteQuery({
    queryKey: ['company', companyId, 'tickets', status, q, sortParam],
    queryFn: ({ pageParam }) => api.tickets(companyId, status, pageParam, 25, { q, sort: sortParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const tickets = query.data?.pages.flatMap((p) => p.tickets) ?? [];
  const notLinked = query.error instanceof ApiError && query.error.code === 'company_not_linked';

  if (notLinked) return <NotLinked />;

  return (
    <PagedTable
      query={query}
      noun={['ticket', 'tickets']}
      filters={
        <Group align="flex-end" wrap="wrap">
          <LabelledSegments id="ticket-status-label" label="Ticket status" value={status} onChange={setStatus} data={TICKET_STATUSES} />
          <TextInput
            label="Search tickets"
            placeholder="Words of the summary or a ticket number"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            leftSection={<IconSearch size={16} aria-hidden />}
            w={280}
            maw="100%"
          />
        </Group>
      }
      loadingLabel="Loading tickets"
      errorTitle="Could not load tickets"
      empty={
        <Empty
          icon={<IconTicket size={28} aria-hidden />}
          title={
            q !== ''
              ? `No tickets match “${q}”`
              : status === 'open'
                ? 'No open tickets'
                : status === 'closed'
                  ? 'No closed tickets'
                  : 'No tickets'
          }
          description={q !== '' ? 'Try other words or a ticket number.' : 'Tickets arrive with the PSA sync when “Pull Tickets” is enabled.'}
        />
      }
      columns={TICKET_COLUMNS}
      rows={tickets}
      minWidth={860}
      label="PSA tickets"
      sort={{ state: sort, onSort: setSort }}
      stackOnPhone
    />
  );
}
