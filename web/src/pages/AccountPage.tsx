// My account: who you are, your password, and your API tokens (any role).
import { useState } from 'react';
import { Alert, Badge, Button, Card, Code, CopyButton, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, type ApiToken } from '../api.js';
import { useUser } from '../auth.js';
import { formatDate, formatDateTime } from '../format.js';
import { Empty, ErrorAlert, PageHeader, QueryView } from '../components/common.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FormCard, useCheckedForm } from '../components/form-card.js';

const TOKENS_KEY = ['tokens'] as const;
const PASSWORD_LABELS = { currentPassword: 'Current password', newPassword: 'New password' };
const TOKEN_LABELS = { name: 'Token name', expiresAt: 'Expires on' };

export function AccountPage() {
  const user = useUser();
  return (
    <>
      <PageHeader title="My account" description="Your sign-in details and API tokens." />
      <Stack gap="xl">
        <Card withBorder padding="lg" component="section" aria-labelledby="profile-title">
          <Title order={2} size="h3" mb="sm" id="profile-title">
            Profile
          </Title>
          <dl className="cw-hints">
            <div>
              <dt>Name</dt>
              <dd>{user.name}</dd>
            </div>
            <div>
              <dt>Email</dt>
              <dd>{user.email}</dd>
            </div>
            <div>
              <dt>Role</dt>
              <dd>
                <Badge variant="light" color={user.role === 'admin' ? 'indigo' : 'gray'}>
                  {user.role === 'admin' ? 'Admin' : 'Member'}
                </Badge>
              </dd>
            </div>
          </dl>
          {user.role !== 'admin' && (
            <Text size="sm" c="dimmed">
              An administrator can change your name or role.
            </Text>
          )}
        </Card>
        <ChangePasswordForm />
        <Tokens />
      </Stack>
    </>
  );
}

function ChangePasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const change = useMutation({
    mutationFn: () => api.changePassword({ currentPassword: current, newPassword: next }),
    onSuccess: () => {
      notifications.show({ color: 'green', title: 'Password changed', message: 'Your other sessions were signed out.' });
      setCurrent('');
      setNext('');
      setConfirm('');
    },
  });
  const form = useCheckedForm(change, PASSWORD_LABELS, () => {
    const found: Record<string, string> = {};
    if (current === '') found.currentPassword = 'Enter your Current password';
    if (next.length < 8) found.newPassword = 'Enter a New password of at least 8 characters';
    else if (confirm !== next) found.confirm = 'The two new passwords differ: type the same one twice';
    return found;
  });
  const { errors } = form;
  if (errors.currentPassword?.endsWith('is not your current password') === true) errors.currentPassword = 'This is not your current password';
  return (
    <FormCard titleId="password-title" title="Change password" form={form} cols={3} errorTitle="Could not change the password" submit="Change password">
      <PasswordInput label="Current password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={errors.currentPassword} autoComplete="current-password" />
      <PasswordInput label="New password" value={next} onChange={(e) => setNext(e.currentTarget.value)} error={errors.newPassword} autoComplete="new-password" />
      <PasswordInput label="Confirm new password" value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} error={errors.confirm} autoComplete="new-password" />
    </FormCard>
  );
}

function Tokens() {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: TOKENS_KEY, queryFn: api.tokens });
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation({
    mutationFn: () => api.createToken({ name: name.trim(), expiresAt: expires === '' ? null : new Date(`${expires}T23:59:59Z`).toISOString() }),
    onSuccess: ({ token }) => {
      setCreated({ name: name.trim(), token });
      setName('');
      setExpires('');
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (t: ApiToken) => api.revokeToken(t.id),
    onSuccess: (_v, t) => {
      notifications.show({ color: 'green', message: `Token “${t.name}” revoked.` });
      void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not revoke the token', message: errorMessage(e) }),
  });
  const { errors, onSubmit } = useCheckedForm(create, TOKEN_LABELS, () => {
    const found: Record<string, string> = {};
    if (name.trim() === '') found.name = 'Enter the Token name';
    return found;
  });

  const columns: Column<ApiToken>[] = [
    { header: 'Name', cell: (t) => t.name },
    { header: 'Created', cell: (t) => formatDateTime(t.createdAt) },
    { header: 'Last used', cell: (t) => (t.lastUsedAt === null ? 'Never' : formatDateTime(t.lastUsedAt)) },
    { header: 'Expires', cell: (t) => (t.expiresAt === null ? 'Never' : formatDate(t.expiresAt)) },
    {
      header: 'Revoke',
      cell: (t) => (
        <Button size="xs" variant="light" color="red" onClick={() => revoke.mutate(t)} aria-label={`Revoke ${t.name}`}>
          Revoke
        </Button>
      ),
    },
  ];

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="tokens-title">
      <Title order={2} size="h3" mb={4} id="tokens-title">
        API tokens
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        For scripts: send <Code>Authorization: Bearer TOKEN</Code>. A token acts as you, with your role.
      </Text>
      <form onSubmit={onSubmit} noValidate aria-label="New API token">
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput label="Token name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} autoComplete="off" style={{ flex: '1 1 200px' }} />
          <TextInput label="Expires on" type="date" description="Optional" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} error={errors.expiresAt} inputWrapperOrder={['label', 'input', 'description', 'error']} style={{ flex: '0 1 180px' }} />
          <Button type="submit" mt={25} loading={create.isPending} leftSection={<IconKey size={16} aria-hidden />}>
            Create token
          </Button>
        </Group>
      </form>
      {create.error !== null && <ErrorAlert error={create.error} title="Could not create the token" labels={TOKEN_LABELS} />}
      {created !== null && (
        <Alert color="green" title={`Token “${created.name}” created`} mt="sm" role="status">
          <Text size="sm">Copy it now: it is not shown again.</Text>
          <Group gap="xs" mt={4} wrap="nowrap">
            <Code style={{ overflowWrap: 'anywhere', flex: 1, minWidth: 0 }} data-testid="new-token">
              {created.token}
            </Code>
            <CopyButton value={created.token}>
              {({ copied, copy }) => (
                <Button size="xs" variant="light" onClick={copy} style={{ flexShrink: 0 }}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <Stack mt="md">
        <QueryView query={query} loadingLabel="Loading tokens" loadingRows={2} errorTitle="Could not load your tokens" empty={{ when: (d) => d.tokens.length === 0, show: <Empty title="No API tokens" /> }}>
          {({ tokens }) => <DataTable columns={columns} rows={tokens} minWidth={600} labelledBy="tokens-title" stackOnPhone />}
        </QueryView>
      </Stack>
    </Card>
  );
}
