// The app's read-only tables: a header row from the columns, a row per item (keyed by its id), scrolling
// sideways on narrow screens. Columns with a sort key get a sortable header. A cursor-paged list (PagedTable)
// adds its loading, error and empty states and "Load more".
import type { CSSProperties, ReactNode } from 'react';
import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { formatNumber } from '../format.js';
import { QueryView } from './common.js';
import { SortableTh, type SortState } from './SortableTh.js';

export interface Column<T, K extends string = string> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Makes the header a sort button (with `sort` on the table). */
  sortKey?: K;
  w?: number | string;
}

export interface DataTableProps<T extends { id: string }, K extends string = string> {
  columns: readonly Column<T, K>[];
  rows: readonly T[];
  /** Below this width the table scrolls sideways. */
  minWidth: number;
  /** The table's accessible name: `label`, or the id of a heading (`labelledBy`). */
  label?: string;
  labelledBy?: string;
  rowStyle?: (row: T) => CSSProperties | undefined;
  sort?: { state: SortState<K>; onSort: (s: SortState<K>) => void };
  /** On a phone, each row becomes a card of "header: value" lines instead of scrolling sideways. */
  stackOnPhone?: boolean;
}

export function DataTable<T extends { id: string }, K extends string = string>({
  columns,
  rows,
  minWidth,
  label,
  labelledBy,
  rowStyle,
  sort,
  stackOnPhone = false,
}: DataTableProps<T, K>) {
  return (
    // The scrolling viewport takes the keyboard focus, so a table without links can be scrolled sideways too.
    <Table.ScrollContainer minWidth={stackOnPhone ? 0 : minWidth} className={stackOnPhone ? 'cw-stack-scroll' : undefined} style={stackOnPhone ? { ['--cw-table-min' as string]: `${minWidth}px` } : undefined} scrollAreaProps={{ viewportProps: { tabIndex: 0 } }}>
      <Table striped highlightOnHover fz="sm" verticalSpacing="xs" aria-label={label} aria-labelledby={labelledBy} className={stackOnPhone ? 'cw-stack-table' : undefined}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c, i) =>
              c.sortKey !== undefined && sort !== undefined ? (
                <SortableTh key={i} sortKey={c.sortKey} sort={sort.state} onSort={sort.onSort} w={c.w}>
                  {c.header}
                </SortableTh>
              ) : (
                <Table.Th key={i} w={c.w}>
                  {c.header}
                </Table.Th>
              ),
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.id} style={rowStyle?.(r)}>
              {columns.map((c, i) => (
                <Table.Td key={i} data-label={typeof c.header === 'string' ? c.header : undefined}>
                  {c.cell(r)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** What PagedTable needs of a cursor-paged (infinite) query. */
export interface PagedQuery {
  isPending: boolean;
  isSuccess: boolean;
  error: unknown;
  data: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * The rows loaded so far of a cursor-paged query: the filters with "Showing 25 tickets (more available)" beside
 * them, then a DataTable and a centred "Load more" while the server has more; a skeleton while the first page
 * loads, its error, or `empty` when there are no rows.
 */
export function PagedTable<T extends { id: string }, K extends string = string>({
  query,
  noun,
  filters,
  loadingLabel,
  errorTitle,
  empty,
  ...table
}: DataTableProps<T, K> & {
  query: PagedQuery;
  /** What a row is called in the count: ['ticket', 'tickets']. */
  noun: readonly [one: string, many: string];
  filters: ReactNode;
  loadingLabel: string;
  errorTitle: string;
  empty: ReactNode;
}) {
  const count = table.rows.length;
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        {filters}
        {query.isSuccess && (
          <Text size="sm" c="dimmed" role="status">
            Showing {formatNumber(count)} {count === 1 ? noun[0] : noun[1]}
            {query.hasNextPage ? ' (more available)' : ''}
          </Text>
        )}
      </Group>
      <QueryView query={query} loadingLabel={loadingLabel} errorTitle={errorTitle} empty={{ when: () => count === 0, show: empty }}>
        {() => (
          <>
            <DataTable {...table} />
            {query.hasNextPage && (
              <Group justify="center">
                <Button variant="default" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
                  Load more
                </Button>
              </Group>
            )}
          </>
        )}
      </QueryView>
    </Stack>
  );
}
