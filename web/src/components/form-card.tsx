// A form that checks its inputs in the browser before it sends them, and the card such a form stands in (a
// titled section whose heading names the form, the inputs in a grid, the error summary and the submit button).
import { useState, type FormEvent, type ReactNode } from 'react';
import { Button, Card, Group, SimpleGrid, Stack, Title } from '@mantine/core';
import { fieldErrors } from '../api.js';
import type { FieldLabels } from '../form-errors.js';
import { ErrorAlert } from './common.js';

/**
 * Submitting checks the inputs first (`validate`: a message per field name, none when all is well) and sends
 * (`mutation`) only when they pass; `errors` holds the browser's messages over the server's, per field.
 */
export function useCheckedForm(
  mutation: { error: unknown; isPending: boolean; reset: () => void; mutate: () => void },
  labels: FieldLabels,
  validate: () => Record<string, string>,
) {
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors: Record<string, string> = { ...fieldErrors(mutation.error, labels), ...local };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const found = validate();
    setLocal(found);
    mutation.reset();
    if (Object.keys(found).length === 0) mutation.mutate();
  };
  return { errors, onSubmit, mutation, labels };
}

/** A titled card holding one checked form: the inputs (`cols` a row from small screens up), its error, the submit button. */
export function FormCard({
  titleId,
  title,
  form,
  cols,
  errorTitle,
  submit,
  submitIcon,
  children,
}: {
  /** The heading's id: it names the section and the form. */
  titleId: string;
  title: string;
  form: Pick<ReturnType<typeof useCheckedForm>, 'onSubmit' | 'mutation' | 'labels'>;
  cols: number;
  errorTitle: string;
  submit: string;
  submitIcon?: ReactNode;
  children: ReactNode;
}) {
  const { mutation } = form;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={titleId}>
      <Title order={2} size="h3" mb="sm" id={titleId}>
        {title}
      </Title>
      <form onSubmit={form.onSubmit} noValidate aria-labelledby={titleId}>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: cols }} spacing="sm">
            {children}
          </SimpleGrid>
          {mutation.error !== null && <ErrorAlert error={mutation.error} title={errorTitle} labels={form.labels} />}
          <Group>
            <Button type="submit" loading={mutation.isPending} leftSection={submitIcon}>
              {submit}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
