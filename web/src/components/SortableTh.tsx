import type { ReactNode } from 'react';
import { Table, UnstyledButton } from '@mantine/core';
import { IconArrowsSort, IconSortAscending, IconSortDescending } from '@tabler/icons-react';

export interface SortState<K extends string> {
  key: K;
  dir: 'asc' | 'desc';
}

export function SortableTh<K extends string>({
  sortKey,
  sort,
  onSort,
  children,
  w,
}: {
  sortKey: K;
  sort: SortState<K>;
  onSort: (s: SortState<K>) => void;
  children: ReactNode;
  w?: number | string;
}) {
  const active = sort.key === sortKey;
  const Icon = !active ? IconArrowsSort : sort.dir === 'asc' ? IconSortAscending : IconSortDescending;
  return (
    <Table.Th w={w} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton
        className="cw-sort-button"
        onClick={() => onSort({ key: sortKey, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' })}
      >
        {children}
        <Icon size={14} aria-hidden style={{ opacity: active ? 1 : 0.4 }} />
      </UnstyledButton>
    </Table.Th>
  );
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  const an = a === null || a === undefined || a === '';
  const bn = b === null || b === undefined || b === '';
  if (an && bn) return 0;
  if (an) return 1; // empty values last
  if (bn) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}
