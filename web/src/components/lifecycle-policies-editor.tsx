// Lifecycle policies: one row per configuration type (`*` = every other type). Admins edit and save the whole list;
// members see it read-only.
import { useEffect, useState, type CSSProperties } from 'react';
import { ActionIcon, Alert, Badge, Button, Checkbox, Group, NumberInput, Select, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LifecycleBasis, LifecyclePolicy, LifecyclePolicyInput } from '../api.js';
import { useIsAdmin } from '../auth.js';
import { LIFECYCLE_KEY, lifecycleApi } from '../lifecycle-api.js';
import { ErrorAlert, QueryView } from './common.js';

/** A label read by assistive technology but not drawn (the column header says it). */
const HIDDEN_LABEL: CSSProperties = { position: 'absolute', width: 1, height: 1, padding: 0, margin: -1, overflow: 'hidden', clip: 'rect(0, 0, 0, 0)', whiteSpace: 'nowrap', border: 0 };
const hidden = { label: HIDDEN_LABEL };

const BASIS_OPTIONS: { value: LifecycleBasis; label: string }[] = [
  { value: 'first', label: 'Whichever first' },
  { value: 'warranty', label: 'Warranty' },
  { value: 'age', label: 'Age' },
];

interface Row {
  key: number;
  type: string;
  basis: LifecycleBasis;
  maxAgeYears: number | string;
  dueSoonDays: number | string;
  replacementPrice: number | string;
  excluded: boolean;
}

let nextKey = 1;
const toRow = (p: LifecyclePolicy): Row => ({
  key: nextKey++, type: p.type, basis: p.basis, maxAgeYears: p.maxAgeYears ?? '', dueSoonDays: p.dueSoonDays, replacementPrice: p.replacementPrice ?? '', excluded: p.excluded,
});
const num = (v: number | string): number | null => (typeof v === 'number' ? v : v.trim() === '' ? null : Number(v));
const toInput = (r: Row): LifecyclePolicyInput => ({
  type: r.type, basis: r.basis, maxAgeYears: num(r.maxAgeYears), dueSoonDays: num(r.dueSoonDays) ?? 0, replacementPrice: num(r.replacementPrice), excluded: r.excluded,
});
const typeName = (r: Row, i: number): string => (r.type.trim() === '' ? `row ${i + 1}` : r.type.trim() === '*' ? 'other types' : r.type.trim());

export function LifecyclePoliciesEditor() {
  const admin = useIsAdmin();
  const queryClient = useQueryClient();
  const policies = useQuery({ queryKey: [...LIFECYCLE_KEY, 'policies'], queryFn: lifecycleApi.policies });
  const types = useQuery({ queryKey: [...LIFECYCLE_KEY, 'types'], queryFn: lifecycleApi.types });
  const [rows, setRows] = useState<Row[] | null>(null);
  useEffect(() => {
    if (policies.data !== undefined && rows === null) setRows(policies.data.policies.map(toRow));
  }, [policies.data, rows]);

  const save = useMutation({
    mutationFn: (list: Row[]) => lifecycleApi.savePolicies(list.map(toInput)),
    onSuccess: (saved) => {
      queryClient.setQueryData([...LIFECYCLE_KEY, 'policies'], saved);
      setRows(saved.policies.map(toRow));
      void queryClient.invalidateQueries({ queryKey: LIFECYCLE_KEY });
      notifications.show({ color: 'green', title: 'Policies saved', message: `${saved.policies.length} policies; every device was evaluated again.` });
    },
  });

  const set = (key: number, patch: Partial<Row>) => setRows((prev) => (prev ?? []).map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const covered = new Set((rows ?? []).map((r) => r.type.trim().toLowerCase()));
  const uncovered = (types.data?.types ?? []).filter((t) => !covered.has(t.type.trim().toLowerCase()));

  return (
    <QueryView query={policies} loadingLabel="Loading the policies" errorTitle="Could not load the policies">
      {(data) => (
        <>
          <Text size="sm" c="dimmed" mb="sm" maw={760}>
            Per configuration type: the end of life is the warranty&apos;s end, the purchase (or installation) date plus the maximum age, or whichever
            comes first. A device is due soon that many days before. The row &quot;*&quot; covers every other type. Prices in {data.currency}.
            {data.isDefault && ' These are the built-in defaults until an administrator saves the list.'}
          </Text>
          {uncovered.length > 0 && (
            <Alert color="gray" mb="sm" title="Types covered by the * row">
              {uncovered.map((t) => `${t.type} (${t.devices})`).join(', ')}
            </Alert>
          )}
          <form
            aria-label="Lifecycle policies"
            onSubmit={(e) => {
              e.preventDefault();
              if (rows !== null) save.mutate(rows);
            }}
          >
            <Table.ScrollContainer minWidth={900} scrollAreaProps={{ viewportProps: { tabIndex: 0 } }}>
              <Table fz="sm" verticalSpacing={4} aria-label="Policies per configuration type">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Configuration type</Table.Th>
                    <Table.Th>Basis</Table.Th>
                    <Table.Th>Max age (years)</Table.Th>
                    <Table.Th>Due soon (days)</Table.Th>
                    <Table.Th>Replacement price</Table.Th>
                    <Table.Th>Excluded</Table.Th>
                    {admin && <Table.Th><span style={HIDDEN_LABEL}>Remove</span></Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {(rows ?? []).map((r, i) => {
                    const name = typeName(r, i);
                    return (
                      <Table.Tr key={r.key}>
                        <Table.Td>
                          <TextInput label={`Configuration type (${name})`} styles={hidden} value={r.type} readOnly={!admin} onChange={(e) => set(r.key, { type: e.currentTarget.value })} maxLength={100} />
                        </Table.Td>
                        <Table.Td>
                          <Select label={`Basis for ${name}`} styles={hidden} data={BASIS_OPTIONS} value={r.basis} readOnly={!admin} allowDeselect={false} onChange={(v) => set(r.key, { basis: (v ?? 'first') as LifecycleBasis })} w={160} />
                        </Table.Td>
                        <Table.Td>
                          <NumberInput label={`Max age in years for ${name}`} styles={hidden} value={r.maxAgeYears} readOnly={!admin} min={0} max={50} decimalScale={1} onChange={(v) => set(r.key, { maxAgeYears: v })} w={110} />
                        </Table.Td>
                        <Table.Td>
                          <NumberInput label={`Due soon days for ${name}`} styles={hidden} value={r.dueSoonDays} readOnly={!admin} min={0} max={3650} allowDecimal={false} onChange={(v) => set(r.key, { dueSoonDays: v })} w={110} />
                        </Table.Td>
                        <Table.Td>
                          <NumberInput label={`Replacement price for ${name}`} styles={hidden} value={r.replacementPrice} readOnly={!admin} min={0} decimalScale={2} thousandSeparator="," onChange={(v) => set(r.key, { replacementPrice: v })} w={140} />
                        </Table.Td>
                        <Table.Td>
                          <Checkbox label={`Exclude ${name}`} styles={hidden} checked={r.excluded} disabled={!admin} onChange={(e) => set(r.key, { excluded: e.currentTarget.checked })} />
                        </Table.Td>
                        {admin && (
                          <Table.Td>
                            <ActionIcon variant="subtle" color="red" aria-label={`Remove the policy for ${name}`} onClick={() => setRows((prev) => (prev ?? []).filter((x) => x.key !== r.key))}>
                              <IconTrash size={16} aria-hidden />
                            </ActionIcon>
                          </Table.Td>
                        )}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {save.error !== null && <ErrorAlert error={save.error} title="The policies were not saved" listIssues />}
            {admin ? (
              <Group mt="sm" gap="sm">
                <Button
                  variant="default"
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={() => setRows((prev) => [...(prev ?? []), toRow({ type: uncovered[0]?.type ?? '', basis: 'first', maxAgeYears: 5, dueSoonDays: 90, replacementPrice: null, excluded: false })])}
                >
                  Add policy
                </Button>
                <Button variant="default" onClick={() => setRows(data.policies.map(toRow))}>
                  Discard changes
                </Button>
                <Button type="submit" loading={save.isPending}>
                  Save policies
                </Button>
              </Group>
            ) : (
              <Badge variant="light" color="gray" mt="sm">
                Only administrators can change the policies.
              </Badge>
            )}
          </form>
        </>
      )}
    </QueryView>
  );
}
