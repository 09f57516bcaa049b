// The signed-out pages (first-run setup, sign in): a centred card holding one form.
import type { FormEvent, ReactNode } from 'react';
import { Alert, Button, Center, Paper, Stack, Text } from '@mantine/core';
import { Heading } from './common.js';

export function AuthCard({
  id,
  eyebrow,
  title,
  subtitle,
  error,
  onSubmit,
  submitLabel,
  submitting,
  maw = 420,
  children,
}: {
  /** Prefix of the title's id (the form's accessible name). */
  id: string;
  eyebrow?: string;
  title: string;
  subtitle: string;
  /** A sentence for the alert above the inputs, or null. */
  error: ReactNode;
  onSubmit: (e: FormEvent) => void;
  submitLabel: string;
  submitting: boolean;
  maw?: number;
  children: ReactNode;
}) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={maw}>
        <form onSubmit={onSubmit} noValidate aria-labelledby={`${id}-title`}>
          <Stack>
            <div>
              {eyebrow !== undefined && (
                <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                  {eyebrow}
                </Text>
              )}
              <Heading order={1} size="h2" id={`${id}-title`} title={title} subtitle={subtitle} />
            </div>
            {error !== null && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            {children}
            <Button type="submit" loading={submitting} fullWidth>
              {submitLabel}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
