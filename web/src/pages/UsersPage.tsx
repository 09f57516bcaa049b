import { useState, type FormEvent, type ReactNode } from 'react';
import {
  ActionIcon, Badge, Button, Card, Group, Menu, Modal, NativeSelect, PasswordInput, Stack, Text, TextInput, Title, VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDots, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage, fieldErrors, type Account, type Role } from '../api.js';
import { useIsAdmin, useUser } from '../auth.js';
import { formatDateTime } from '../format.js';
import { AdminOnlyNote, Empty, ErrorAlert, PageHeader, QueryView } from '../components/common.js';
import { DataTable, type Column } from '../components/data-table.js';
import { FormCard, useCheckedForm } from '../components/form-card.js';
import { useTextFields } from '../form-fields.js';

const USERS_KEY = ['users'] as const;

const ROLE_OPTIONS = [
  { value: 'member', label: 'Member — read companies and tickets, create opportunities' },
  { value: 'admin', label: 'Admin — also integrations, links and users' },
];
const USER_LABELS = { email: 'Email', name: 'Name', password: 'Password', role: 'Role' };
const roleName = (r: Role): string => (r === 'admin' ? 'Admin' : 'Member');

export function UsersPage() {
  const admin = useIsAdmin();
  return (
    <>
      <PageHeader title="Users" description="People who can sign in to Crosswalk." />
      {admin ? (
        <Stack gap="xl">
          <AddUserForm />
          <UserList />
        </Stack>
      ) : (
        <AdminOnlyNote>Only administrators can see and add users. Ask an administrator if someone needs access.</AdminOnlyNote>
      )}
    </>
  );
}

type Dialog = { kind: 'edit' | 'password' | 'delete'; user: Account } | null;

function UserList() {
  const me = useUser();
  const narrow = useMediaQuery('(max-width: 48em)');
  const query = useQuery({ queryKey: USERS_KEY, queryFn: api.users });
  const [dialog, setDialog] = useState<Dialog>(null);
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (u: Account) => api.updateUser(u.id, { disabled: !u.disabled }),
    onSuccess: ({ user }) => {
      notifications.show({
        color: 'green',
        title: user.disabled ? 'User disabled' : 'User enabled',
        message: user.disabled ? `${user.email} can no longer sign in; their sessions ended.` : `${user.email} can sign in again.`,
      });
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not change the user', message: errorMessage(e) }),
  });

  const actions = (u: Account) => (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={`Actions for ${u.email}`} title={`Actions for ${u.email}`}>
          <IconDots size={18} aria-hidden />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => setDialog({ kind: 'edit', user: u })}>Edit name and role</Menu.Item>
        <Menu.Item onClick={() => setDialog({ kind: 'password', user: u })}>Reset password</Menu.Item>
        <Menu.Item onClick={() => toggle.mutate(u)} disabled={u.id === me.id && !u.disabled}>
          {u.disabled ? 'Enable' : 'Disable'}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => setDialog({ kind: 'delete', user: u })} disabled={u.id === me.id}>
          Delete
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );

  const columns: Column<Account>[] = [
    { header: 'Name', cell: (u) => <NameCell user={u} me={me.id} /> },
    { header: 'Email', cell: (u) => u.email },
    { header: 'Role', cell: (u) => <RoleBadge role={u.role} /> },
    { header: 'Status', cell: (u) => <StatusBadge disabled={u.disabled} /> },
    { header: 'Created', cell: (u) => formatDateTime(u.createdAt) },
    { header: 'Last sign-in', cell: (u) => (u.lastLoginAt === null ? 'Never' : formatDateTime(u.lastLoginAt)) },
    { header: <VisuallyHidden>Actions</VisuallyHidden>, cell: actions, w: 56 },
  ];

  return (
    <section aria-labelledby="user-list-title">
      <Title order={2} size="h3" mb="sm" id="user-list-title">
        All users
      </Title>
      <QueryView
        query={query}
        loadingLabel="Loading users"
        loadingRows={3}
        errorTitle="Could not load users"
        empty={{ when: (d) => d.users.length === 0, show: <Empty title="No users" /> }}
      >
        {({ users }) =>
          narrow === true ? (
            // On a phone: one card per user instead of a table scrolling sideways.
            <Stack gap="sm" component="ul" aria-labelledby="user-list-title" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {users.map((u) => (
                <Card key={u.id} withBorder padding="sm" component="li">
                  <Group justify="space-between" align="flex-start" wrap="nowrap">
                    <Stack gap={2} style={{ minWidth: 0 }}>
                      <Text fw={600}>
                        <NameCell user={u} me={me.id} />
                      </Text>
                      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                        {u.email}
                      </Text>
                      <Group gap={6}>
                        <RoleBadge role={u.role} />
                        <StatusBadge disabled={u.disabled} />
                      </Group>
                      <Text size="xs" c="dimmed">
                        Created {formatDateTime(u.createdAt)} · Last sign-in {u.lastLoginAt === null ? 'never' : formatDateTime(u.lastLoginAt)}
                      </Text>
                    </Stack>
                    {actions(u)}
                  </Group>
                </Card>
              ))}
            </Stack>
          ) : (
            <DataTable columns={columns} rows={users} minWidth={760} labelledBy="user-list-title" />
          )
        }
      </QueryView>
      {dialog?.kind === 'edit' && <EditUserDialog user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'password' && <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'delete' && <DeleteUserDialog user={dialog.user} onClose={() => setDialog(null)} />}
    </section>
  );
}

function NameCell({ user, me }: { user: Account; me: string }) {
  return (
    <>
      {user.name}
      {user.id === me && (
        <Text span size="xs" c="dimmed" ml={6}>
          (you)
        </Text>
      )}
    </>
  );
}

function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge variant="light" color={role === 'admin' ? 'indigo' : 'gray'}>
      {roleName(role)}
    </Badge>
  );
}

function StatusBadge({ disabled }: { disabled: boolean }) {
  return (
    <Badge variant={disabled ? 'outline' : 'light'} color={disabled ? 'red' : 'green'}>
      {disabled ? 'Disabled' : 'Active'}
    </Badge>
  );
}

/** A dialog with a form: the error in words above the buttons. */
function FormDialog({
  title, onClose, onSubmit, error, pending, submit, children, danger = false,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => void;
  error: unknown;
  pending: boolean;
  submit: string;
  children?: ReactNode;
  danger?: boolean;
}) {
  return (
    <Modal opened onClose={onClose} title={title} centered>
      <form
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <Stack gap="sm">
          {children}
          <ErrorAlert error={error} title={`Could not ${submit.toLowerCase()}`} labels={USER_LABELS} />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={pending} color={danger ? 'red' : undefined}>
              {submit}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function useUserChange<T>(fn: (v: T) => Promise<unknown>, done: string, onClose: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      notifications.show({ color: 'green', message: done });
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
      onClose();
    },
  });
}

function EditUserDialog({ user, onClose }: { user: Account; onClose: () => void }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const save = useUserChange(() => api.updateUser(user.id, { name: name.trim(), role }), `${user.email} updated`, onClose);
  const errors = fieldErrors(save.error, USER_LABELS);
  return (
    <FormDialog title={`Edit ${user.email}`} onClose={onClose} onSubmit={() => save.mutate(undefined)} error={save.error} pending={save.isPending} submit="Save changes">
      <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} data-autofocus />
      <NativeSelect label="Role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} data={ROLE_OPTIONS} error={errors.role} />
    </FormDialog>
  );
}

function ResetPasswordDialog({ user, onClose }: { user: Account; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const [local, setLocal] = useState<string | undefined>();
  const save = useUserChange(() => api.updateUser(user.id, { password }), `New password set for ${user.email}`, onClose);
  const errors = fieldErrors(save.error, USER_LABELS);
  return (
    <FormDialog
      title={`Reset the password of ${user.email}`}
      onClose={onClose}
      onSubmit={() => {
        const problem = password.length < 8 ? 'Enter a new password of at least 8 characters' : undefined;
        setLocal(problem);
        if (problem === undefined) save.mutate(undefined);
      }}
      error={save.error}
      pending={save.isPending}
      submit="Set password"
    >
      <Text size="sm">They are signed out everywhere; tell them the new password. Their API tokens keep working.</Text>
      <PasswordInput label="New password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={local ?? errors.password} autoComplete="new-password" data-autofocus />
    </FormDialog>
  );
}

function DeleteUserDialog({ user, onClose }: { user: Account; onClose: () => void }) {
  const remove = useUserChange(() => api.deleteUser(user.id), `${user.email} deleted`, onClose);
  return (
    <FormDialog title={`Delete ${user.email}?`} onClose={onClose} onSubmit={() => remove.mutate(undefined)} error={remove.error} pending={remove.isPending} submit="Delete user" danger>
      <Text size="sm">
        {user.name} can no longer sign in; their sessions and API tokens end. The audit log keeps what they did. To keep the account but
        stop sign-ins, disable it instead.
      </Text>
    </FormDialog>
  );
}

function AddUserForm() {
  const queryClient = useQueryClient();
  const { values, bind, reset } = useTextFields({ email: '', name: '', password: '' });
  const [role, setRole] = useState<Role>('member');

  const create = useMutation({
    mutationFn: () =>
      api.createUser({ email: values.email.trim(), password: values.password, role, ...(values.name.trim() !== '' ? { name: values.name.trim() } : {}) }),
    onSuccess: ({ user }) => {
      notifications.show({ color: 'green', title: 'User added', message: `${user.email} can now sign in.` });
      reset();
      setRole('member');
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    },
  });
  const form = useCheckedForm(create, USER_LABELS, () => {
    const found: Record<string, string> = {};
    if (values.email.trim() === '') found.email = 'Enter the Email';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim())) found.email = 'Enter a valid email address, e.g. name@example.com';
    if (values.password.length < 8) found.password = 'Enter a password of at least 8 characters';
    return found;
  });
  const { errors } = form;

  return (
    <FormCard titleId="add-user-title" title="Add user" form={form} cols={2} errorTitle="Could not add the user" submit="Add user" submitIcon={<IconUserPlus size={16} aria-hidden />}>
      <TextInput label="Email" type="email" required {...bind('email')} error={errors.email} autoComplete="off" />
      <TextInput label="Name" {...bind('name')} error={errors.name} autoComplete="off" />
      <PasswordInput label="Password" required {...bind('password')} error={errors.password} autoComplete="new-password" />
      <NativeSelect label="Role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} data={ROLE_OPTIONS} error={errors.role} />
    </FormCard>
  );
}
