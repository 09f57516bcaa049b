// Replacement forecast: per calendar quarter, the devices whose end of life falls in it and their replacement price
// (overdue devices in the first quarter), as a table with a bar per quarter and the totals.
import { useState } from 'react';
import { Box, Group, Select, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { formatNumber } from '../format.js';
import { LIFECYCLE_KEY, lifecycleApi } from '../lifecycle-api.js';
import { QueryView } from './common.js';
import { moneyFormat } from './lifecycle-devices.js';

function quarterLabel(start: string): string {
  return `Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1} ${start.slice(0, 4)}`;
}

export function LifecycleForecast({ companyId }: { companyId: string | null }) {
  const [quarters, setQuarters] = useState('8');
  const q = useQuery({
    queryKey: [...LIFECYCLE_KEY, 'forecast', quarters, companyId],
    queryFn: () => lifecycleApi.forecast(Number(quarters), companyId),
  });
  return (
    <>
      <Group justify="space-between" align="end" mb="sm" wrap="wrap">
        <Text size="sm" c="dimmed" maw={640}>
          Replacement price of the devices whose end of life falls in each quarter. Overdue devices count in the current quarter; devices with
          unknown dates or excluded are left out.
        </Text>
        <Select label="Quarters" data={['4', '8', '12']} value={quarters} onChange={(v) => setQuarters(v ?? '8')} allowDeselect={false} w={120} />
      </Group>
      <QueryView query={q} loadingLabel="Loading the forecast" errorTitle="Could not load the forecast">
        {(f) => {
          const money = moneyFormat(f.currency);
          const max = Math.max(1, ...f.quarters.map((x) => x.amount));
          return (
            <Table.ScrollContainer minWidth={560} scrollAreaProps={{ viewportProps: { tabIndex: 0 } }}>
              <Table fz="sm" verticalSpacing="xs" aria-label="Replacement forecast by quarter">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Quarter</Table.Th>
                    <Table.Th ta="right">Devices</Table.Th>
                    <Table.Th ta="right">Amount ({f.currency})</Table.Th>
                    <Table.Th w="40%">
                      <span aria-hidden>Share</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {f.quarters.map((x, i) => (
                    <Table.Tr key={x.start}>
                      <Table.Th scope="row" fw={500}>
                        {quarterLabel(x.start)}
                        {i === 0 && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            (incl. overdue)
                          </Text>
                        )}
                      </Table.Th>
                      <Table.Td ta="right">
                        {formatNumber(x.devices)}
                        {x.unpriced > 0 && (
                          <Text span size="xs" c="dimmed">
                            {' '}
                            ({x.unpriced} without price)
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{money.format(x.amount)}</Table.Td>
                      <Table.Td>
                        <Box aria-hidden h={14} bg="indigo.6" style={{ width: `${(x.amount / max) * 100}%`, minWidth: x.amount > 0 ? 2 : 0, borderRadius: 3 }} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
                <Table.Tfoot>
                  <Table.Tr>
                    <Table.Th scope="row">Total</Table.Th>
                    <Table.Th ta="right">{formatNumber(f.total.devices)}</Table.Th>
                    <Table.Th ta="right">{money.format(f.total.amount)}</Table.Th>
                    <Table.Td />
                  </Table.Tr>
                </Table.Tfoot>
              </Table>
            </Table.ScrollContainer>
          );
        }}
      </QueryView>
    </>
  );
}
