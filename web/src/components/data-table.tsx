// The app's read-only tables: a header row from the columns, a row per item, scrolling sideways on narrow
// screens. Columns with a sort key get a sortable header.
import type { CSSProperties, ReactNode } from 'react';
import { Table } from '@mantine/core';
import { SortableTh, type SortState } from './SortableTh.js';

export interface Column<T, K extends string = string> {
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Makes the header a sort button (with `sort` on the table). */
  sortKey?: K;
  w?: number | string;
}

export function DataTable<T, K extends string = string>({
  columns,
  rows,
  rowKey,
  minWidth,
  label,
  labelledBy,
  rowStyle,
  sort,
  stackOnPhone = false,
}: {
  columns: readonly Column<T, K>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  /** Below this width the table scrolls sideways. */
  minWidth: number;
  /** The table's accessible name: `label`, or the id of a heading (`labelledBy`). */
  label?: string;
  labelledBy?: string;
  rowStyle?: (row: T) => CSSProperties | undefined;
  sort?: { state: SortState<K>; onSort: (s: SortState<K>) => void };
  /** On a phone, each row becomes a card of "header: value" lines instead of scrolling sideways. */
  stackOnPhone?: boolean;
}) {
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
            <Table.Tr key={rowKey(r)} style={rowStyle?.(r)}>
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
