import type { ReactNode } from 'react';
import { Alert, EmptyState, Group, SegmentedControl, Skeleton, Stack, Text, Title, type TitleOrder, type TitleSize } from '@mantine/core';
import { IconAlertCircle, IconInbox, IconLock } from '@tabler/icons-react';
import { errorMessage, isValidationError } from '../api.js';
import { describeIssues, type FieldLabels } from '../form-errors.js';

/** Badge styles that keep a badge's whole word in a narrow table cell (Mantine clips labels with an ellipsis). */
export const UNCLIPPED = { root: { overflow: 'visible', minWidth: 'fit-content' }, label: { overflow: 'visible' } } as const;

/** A heading and, when given, the dimmed line under it. */
export function Heading({ order, size, id, title, subtitle }: { order: TitleOrder; size: TitleSize; id?: string; title: ReactNode; subtitle?: ReactNode }) {
  return (
    <>
      <Title order={order} size={size} id={id}>
        {title}
      </Title>
      {subtitle !== undefined && (
        <Text c="dimmed" size="sm">
          {subtitle}
        </Text>
      )}
    </>
  );
}

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap" gap="sm">
      <Stack gap={4}>
        <Heading order={1} size="h2" title={title} subtitle={description} />
      </Stack>
      {actions !== undefined && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}

/**
 * Shows an API error as one sentence. A 400's issues are put in words: those about the fields in `labels`
 * only named (their inputs show the message), any other spelled out — never a raw path.
 */
export function ErrorAlert({
  error,
  title = 'Something went wrong',
  labels = {},
}: {
  error: unknown;
  title?: string;
  labels?: FieldLabels;
  /** @deprecated issues are always in the sentence now */
  listIssues?: boolean;
}) {
  if (error === null || error === undefined) return null;
  const text = isValidationError(error) ? (describeIssues(error.issues, labels).summary ?? errorMessage(error)) : errorMessage(error);
  return (
    <Alert color="red" title={title} icon={<IconAlertCircle aria-hidden />} role="alert">
      <Text size="sm">{text}</Text>
    </Alert>
  );
}

export function AdminOnlyNote({ children = 'Only administrators can change integrations.' }: { children?: ReactNode }) {
  return (
    <Alert color="gray" icon={<IconLock aria-hidden />} title="Read-only">
      {children}
    </Alert>
  );
}

export function Empty({ title, description, action, icon }: { title: string; description?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <EmptyState
      py="xl"
      icon={icon ?? <IconInbox size={28} aria-hidden />}
      withIndicatorBackground
      title={title}
      description={description}
      role="status"
    >
      {action !== undefined && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}

/** A query's states in one place: a skeleton while loading, the error, an empty state, or the content. */
export function QueryView<T>({
  query,
  loadingLabel,
  loadingRows,
  errorTitle,
  empty,
  children,
}: {
  query: { isPending: boolean; error: unknown; data: T | undefined };
  loadingLabel: string;
  loadingRows?: number;
  errorTitle: string;
  /** Shown instead of the content when the data holds nothing. */
  empty?: { when: (data: T) => boolean; show: ReactNode };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <TableSkeleton rows={loadingRows} label={loadingLabel} />;
  if (query.data === undefined) return <ErrorAlert error={query.error} title={errorTitle} />;
  if (empty !== undefined && empty.when(query.data)) return empty.show;
  return children(query.data);
}

export function TableSkeleton({ rows = 6, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="xs" aria-busy="true" aria-label={label} role="status">
      <Skeleton height={36} />
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={28} />
      ))}
    </Stack>
  );
}

/** A segmented control named by the visible label above it (`id` is the label's). */
export function LabelledSegments<V extends string>({
  id,
  label,
  value,
  onChange,
  data,
}: {
  id: string;
  label: string;
  value: V;
  onChange: (value: V) => void;
  data: { value: V; label: string }[];
}) {
  return (
    <div>
      <Text size="sm" fw={600} id={id}>
        {label}
      </Text>
      <SegmentedControl aria-labelledby={id} value={value} onChange={(v) => onChange(v as V)} data={data} />
    </div>
  );
}
