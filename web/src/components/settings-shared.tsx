import type { FormEvent, ReactNode } from 'react';
import { Badge, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, fieldErrors, type Integration, type SettingsInput, type SyncRun } from '../api.js';
import { ErrorAlert } from './common.js';
import { TestResultAlert } from './TestResultAlert.js';
import { INTEGRATIONS_KEY, syncRunKey, syncRunsKey } from '../hooks.js';
import { useKinds } from '../integration-kinds.js';

export const SECRET_SAVED_PLACEHOLDER = 'Saved — leave empty to keep';

export function IntegrationCard({
  id,
  title,
  subtitle,
  configured,
  children,
  extra,
}: {
  id: string;
  title: string;
  subtitle: ReactNode;
  configured: boolean | null;
  children: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={`${id}-title`}>
      <Group justify="space-between" align="flex-start" mb="md">
        <Stack gap={2}>
          <Title order={2} size="h3" id={`${id}-title`}>
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {subtitle}
          </Text>
        </Stack>
        <Group gap="xs">
          {extra}
          {configured !== null && (
            <Badge color={configured ? 'green' : 'gray'} variant="light">
              {configured ? 'Configured' : 'Not configured'}
            </Badge>
          )}
        </Group>
      </Group>
      {children}
    </Card>
  );
}

/** After a successful PUT: update the cached integration, follow a started initial sync, tell the user. */
export function useAfterSave() {
  const queryClient = useQueryClient();
  const kinds = useKinds();
  return (integration: Integration, syncRun: SyncRun | null) => {
    queryClient.setQueryData<{ integrations: Integration[] }>(INTEGRATIONS_KEY, (old) => {
      if (old === undefined) return old;
      const next = { ...integration, lastSyncRun: syncRun ?? integration.lastSyncRun };
      const found = old.integrations.some((i) => i.kind === integration.kind);
      return {
        integrations: found
          ? old.integrations.map((i) => (i.kind === integration.kind ? { ...i, ...next, lastSyncRun: next.lastSyncRun ?? i.lastSyncRun } : i))
          : [...old.integrations, next],
      };
    });
    if (syncRun !== null) queryClient.setQueryData(syncRunKey(syncRun.id), syncRun);
    void queryClient.invalidateQueries({ queryKey: INTEGRATIONS_KEY });
    void queryClient.invalidateQueries({ queryKey: syncRunsKey(integration.kind) });
    notifications.show({
      color: 'green',
      title: `${kinds.displayName(integration.kind)} settings saved`,
      message: syncRun !== null ? 'The initial sync has started. You will be notified when it finishes.' : 'Your changes are in effect.',
    });
  };
}

/**
 * The Test Settings / Save Settings pair of an integration card: both send the form's body, field errors
 * from either land next to the inputs, and a save clears the secret inputs (a secret is never shown again).
 */
export function useSettingsForm(kind: string, opts: { body: () => SettingsInput; clearSecrets: () => void }) {
  const afterSave = useAfterSave();
  const test = useMutation({ mutationFn: () => api.testIntegration(kind, opts.body()) });
  const save = useMutation({
    mutationFn: () => api.saveIntegration(kind, opts.body()),
    onSuccess: ({ integration, syncRun }) => {
      opts.clearSecrets();
      afterSave(integration, syncRun);
    },
  });
  const errors = { ...fieldErrors(test.error), ...fieldErrors(save.error) };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    test.reset();
    save.mutate();
  };
  return { test, save, errors, onSubmit };
}

/** The result of the last test, errors of either call, and the two buttons the vendor guides name. */
export function SettingsActions({ test, save }: Pick<ReturnType<typeof useSettingsForm>, 'test' | 'save'>) {
  return (
    <>
      {test.data !== undefined && <TestResultAlert result={test.data} />}
      <ErrorAlert error={test.error} title="Could not test the settings" listIssues />
      <ErrorAlert error={save.error} title="Could not save the settings" listIssues />
      <Group gap="sm">
        <Button variant="default" loading={test.isPending} onClick={() => { save.reset(); test.mutate(); }}>
          Test Settings
        </Button>
        <Button type="submit" loading={save.isPending}>
          Save Settings
        </Button>
      </Group>
    </>
  );
}
