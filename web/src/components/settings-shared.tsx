import { useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Badge, Button, Card, Group, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, fieldErrors, type Integration, type SettingsInput, type SyncRun } from '../api.js';
import { ErrorAlert, Heading } from './common.js';
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
          <Heading order={2} size="h3" id={`${id}-title`} title={title} subtitle={subtitle} />
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
 * The Test Settings / Save Settings pair of an integration card: both check the form first (`validate`:
 * required fields, URLs), then send its body; field errors from either land next to the inputs in words
 * named by the fields' labels, and a save clears the secret inputs (a secret is never shown again).
 */
export function useSettingsForm(
  kind: string,
  opts: {
    body: () => SettingsInput;
    clearSecrets: () => void;
    validate: () => Record<string, string>;
    labels: Record<string, string>;
    types: Record<string, string>;
  },
) {
  const afterSave = useAfterSave();
  const [local, setLocal] = useState<Record<string, string>>({});
  const test = useMutation({ mutationFn: () => api.testIntegration(kind, opts.body()) });
  const save = useMutation({
    mutationFn: () => api.saveIntegration(kind, opts.body()),
    onSuccess: ({ integration, syncRun }) => {
      opts.clearSecrets();
      afterSave(integration, syncRun);
    },
  });
  const errors = { ...fieldErrors(test.error, opts.labels, opts.types), ...fieldErrors(save.error, opts.labels, opts.types), ...local };
  /** Checks the form; true when it may be sent. */
  const check = (): boolean => {
    test.reset();
    save.reset();
    const found = opts.validate();
    setLocal(found);
    return Object.keys(found).length === 0;
  };
  const runTest = () => {
    if (check()) test.mutate();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (check()) save.mutate();
  };
  // One summary for the form: what the browser found, else the server's answer (the inputs say the rest).
  const localNames = Object.keys(local).map((n) => opts.labels[n] ?? n);
  const summary =
    localNames.length === 0 ? null : localNames.length === 1 ? `Check the ${localNames[0]} field.` : `Check these fields: ${localNames.join(', ')}.`;
  return { test, save, errors, onSubmit, runTest, summary, labels: opts.labels };
}

/** The result of the last test, one error summary, and the two buttons the vendor guides name. */
export function SettingsActions({ test, save, runTest, summary, labels }: Pick<ReturnType<typeof useSettingsForm>, 'test' | 'save' | 'runTest' | 'summary' | 'labels'>) {
  return (
    <>
      {test.data !== undefined && <TestResultAlert result={test.data} />}
      {summary !== null ? (
        <Alert color="red" title="Some settings need a look" icon={<IconAlertCircle aria-hidden />} role="alert">
          <Text size="sm">{summary}</Text>
        </Alert>
      ) : (
        <>
          <ErrorAlert error={test.error} title="Could not test the settings" labels={labels} />
          <ErrorAlert error={save.error} title="Could not save the settings" labels={labels} />
        </>
      )}
      <Group gap="sm">
        <Button variant="default" loading={test.isPending} onClick={runTest}>
          Test Settings
        </Button>
        <Button type="submit" loading={save.isPending}>
          Save Settings
        </Button>
      </Group>
    </>
  );
}
