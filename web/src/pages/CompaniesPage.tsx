import { useDeferredValue, useMemo, useState } from 'react';
import { Anchor, Badge, Button, Group, Pagination, Text, TextInput } from '@mantine/core';
import { IconBuildingSkyscraper, IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, type CompanySummary } from '../api.js';
import { useIsAdmin } from '../auth.js';
import { formatNumber } from '../format.js';
import { navigate, onLinkClick } from '../router.js';
import { companyNoun, primaryName, useKinds } from '../integration-kinds.js';
import { Empty, PageHeader, QueryView, UNCLIPPED } from '../components/common.js';
import { DataTable, type Column } from '../components/data-table.js';
import { compareValues, type SortState } from '../components/SortableTh.js';

type SortKey = 'name' | 'status' | 'type' | 'psa' | 'openTickets';
const PAGE_SIZE = 50;

function sortValue(c: CompanySummary, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return c.name;
    case 'status':
      return c.status;
    case 'type':
      return c.type;
    case 'psa':
      return c.psa?.name ?? null;
    case 'openTickets':
      return c.openTickets;
  }
}

export function CompaniesPage() {
  const admin = useIsAdmin();
  const kinds = useKinds();
  const primary = primaryName(kinds);
  const query = useQuery({ queryKey: ['companies'], queryFn: api.companies });
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const [sort, setSort] = useState<SortState<SortKey>>({ key: 'name', dir: 'asc' });
  const [page, setPage] = useState(1);

  const all = query.data?.companies ?? [];
  const rows = useMemo(() => {
    const q = deferredSearch.trim().toLowerCase();
    const filtered =
      q === ''
        ? all
        : all.filter(
            (c) =>
              c.name.toLowerCase().includes(q) ||
              (c.psa?.name.toLowerCase().includes(q) ?? false) ||
              (c.type?.toLowerCase().includes(q) ?? false),
          );
    const dir = sort.dir === 'asc' ? 1 : -1;
    return [...filtered].sort((a, b) => {
      const av = sortValue(a, sort.key);
      const bv = sortValue(b, sort.key);
      // Empty values stay last in both directions.
      if (av === null || av === '') return bv === null || bv === '' ? 0 : 1;
      if (bv === null || bv === '') return -1;
      return dir * compareValues(av, bv) || compareValues(a.name, b.name);
    });
  }, [all, deferredSearch, sort]);

  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const visible = rows.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  const onSort = (s: SortState<SortKey>) => {
    setSort(s);
    setPage(1);
  };
  const columns: Column<CompanySummary, SortKey>[] = [
    {
      header: 'Name',
      sortKey: 'name',
      cell: (c) => {
        const to = `/companies/${encodeURIComponent(c.id)}`;
        return (
          <Anchor href={to} onClick={(e) => onLinkClick(e, to)} fw={600} size="sm">
            {c.name}
          </Anchor>
        );
      },
    },
    { header: 'Status', sortKey: 'status', cell: (c) => c.status ?? '—' },
    { header: 'Type', sortKey: 'type', cell: (c) => c.type ?? '—' },
    {
      header: 'PSA company',
      sortKey: 'psa',
      cell: (c) =>
        c.psa === null ? (
          <Text size="sm" c="dimmed">
            Not linked
          </Text>
        ) : (
          <Group gap={6} wrap="nowrap">
            <Text size="sm">{c.psa.name}</Text>
            <Badge size="xs" variant="light" color="gray" styles={UNCLIPPED}>
              {kinds.displayName(c.psa.kind)}
            </Badge>
          </Group>
        ),
    },
    { header: 'Open tickets', sortKey: 'openTickets', w: 140, cell: (c) => (c.psa === null ? '—' : formatNumber(c.openTickets)) },
  ];

  return (
    <>
      <PageHeader title="Companies" description={`Active ${primary} ${companyNoun(kinds)[1]} and their PSA counterparts.`} />
      <QueryView
        query={query}
        loadingLabel="Loading companies"
        loadingRows={10}
        errorTitle="Could not load companies"
        empty={{
          when: (d) => d.companies.length === 0,
          show: (
            <Empty
              icon={<IconBuildingSkyscraper size={28} aria-hidden />}
              title={`No companies yet — connect ${primary} on the Integrations page`}
              description={
                admin
                  ? `Once ${primary} is connected and the first sync finishes, your active ${companyNoun(kinds)[1]} appear here.`
                  : `Ask an administrator to connect ${primary}.`
              }
              action={<Button onClick={() => navigate('/integrations')}>Go to Integrations</Button>}
            />
          ),
        }}
      >
        {() => (
          <>
            <Group justify="space-between" mb="sm" wrap="wrap">
              <TextInput
                label="Search companies"
                placeholder="Name, PSA company or type"
                leftSection={<IconSearch size={16} aria-hidden />}
                value={search}
                onChange={(e) => {
                  setSearch(e.currentTarget.value);
                  setPage(1);
                }}
                w={{ base: '100%', sm: 340 }}
                type="search"
              />
              <Text size="sm" c="dimmed" role="status">
                {rows.length === all.length
                  ? `${formatNumber(all.length)} companies`
                  : `${formatNumber(rows.length)} of ${formatNumber(all.length)} companies`}
              </Text>
            </Group>
            {rows.length === 0 ? (
              <Empty title={`No companies match “${deferredSearch.trim()}”`} description="Try a shorter or different search." />
            ) : (
              <>
                <DataTable columns={columns} rows={visible} minWidth={720} label="Companies" sort={{ state: sort, onSort }} />
                {pages > 1 && (
                  <Group justify="center" mt="md">
                    <Pagination
                      total={pages}
                      value={current}
                      onChange={setPage}
                      getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                      getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
                    />
                  </Group>
                )}
              </>
            )}
          </>
        )}
      </QueryView>
    </>
  );
}
