import { Alert, Code, Group, List, Text } from '@mantine/core';
import { IconCircleCheck, IconPlugConnectedX } from '@tabler/icons-react';
import type { CheckResult } from '../api.js';

function detailValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(detailValue).join(', ');
  return JSON.stringify(v);
}

export function TestResultAlert({ result }: { result: CheckResult }) {
  if (result.ok) {
    const details = Object.entries(result.details).filter(
      ([k, v]) => k !== 'notes' && v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v)),
    );
    const notes = Array.isArray(result.details.notes) ? result.details.notes.filter((n): n is string => typeof n === 'string') : [];
    return (
      <Alert color="green" icon={<IconCircleCheck aria-hidden />} title="Connection Successful" role="status">
        {notes.map((n) => (
          <Text size="sm" key={n} mb={4}>
            {n}
          </Text>
        ))}
        {details.length > 0 && (
          <List size="sm" spacing={2}>
            {details.slice(0, 8).map(([k, v]) => (
              <List.Item key={k}>
                {k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase())}: {detailValue(v)}
              </List.Item>
            ))}
          </List>
        )}
      </Alert>
    );
  }
  const { message, hint, missingPermissions, code } = result.error;
  return (
    <Alert color="red" icon={<IconPlugConnectedX aria-hidden />} title="Connection failed" role="alert">
      <Text size="sm" fw={600}>
        {message}
      </Text>
      {hint !== undefined && hint !== '' && (
        <Text size="sm" mt={4}>
          {hint}
        </Text>
      )}
      {missingPermissions !== undefined && missingPermissions.length > 0 && (
        <div>
          <Text size="sm" mt="xs" fw={600} id="missing-permissions-title">
            Missing permissions
          </Text>
          <List size="sm" aria-labelledby="missing-permissions-title">
            {missingPermissions.map((p) => (
              <List.Item key={p}>
                <Code>{p}</Code>
              </List.Item>
            ))}
          </List>
        </div>
      )}
      <Group mt={6}>
        <Text size="xs" c="dimmed">
          Error code: {code}
        </Text>
      </Group>
    </Alert>
  );
}
