import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, NativeSelect, PasswordInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, fieldErrors, type Account, type Role } from '../api.js';
import { useIsAdmin, useUser } from '../auth.js';
import { formatDateTime } from '../format.js';
import { AdminOnlyNote, Empty, ErrorAlert, PageHeader, QueryView } from '../components/common.js';
import { DataTable, type Column } from '../components/data-table.js';
import { useTextFields } from '../form-fields.js';

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

function UserList() {
  const me = useUser();
  const query = useQuery({ queryKey: ['users'], queryFn: api.users });
  const columns: Column<Account>[] = [
    {
      header: 'Name',
      cell: (u) => (
        <>
          {u.name ?? '—'}
          {u.id === me.id && (
            <Text span size="xs" c="dimmed" ml={6}>
              (you)
            </Text>
          )}
        </>
      ),
    },
    { header: 'Email', cell: (u) => u.email },
    {
      header: 'Role',
      cell: (u) => (
        <Badge variant="light" color={u.role === 'admin' ? 'indigo' : 'gray'}>
          {u.role === 'admin' ? 'Admin' : 'Member'}
        </Badge>
      ),
    },
    { header: 'Created', cell: (u) => formatDateTime(u.createdAt) },
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
        {({ users }) => <DataTable columns={columns} rows={users} rowKey={(u) => u.id} minWidth={520} labelledBy="user-list-title" />}
      </QueryView>
    </section>
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
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const errors = fieldErrors(create.error);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="add-user-title">
      <Title order={2} size="h3" mb="sm" id="add-user-title">
        Add user
      </Title>
      <form onSubmit={onSubmit} noValidate aria-labelledby="add-user-title">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Email" type="email" required {...bind('email')} error={errors.email} autoComplete="off" />
            <TextInput label="Name" {...bind('name')} error={errors.name} autoComplete="off" />
            <PasswordInput label="Password" required {...bind('password')} error={errors.password} autoComplete="new-password" />
            <NativeSelect
              label="Role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
              data={[
                { value: 'member', label: 'Member — read companies and tickets, create opportunities' },
                { value: 'admin', label: 'Admin — also integrations, links and users' },
              ]}
              error={errors.role}
            />
          </SimpleGrid>
          {create.error !== null && Object.keys(errors).length === 0 && <ErrorAlert error={create.error} title="Could not add the user" />}
          <Group>
            <Button type="submit" loading={create.isPending} leftSection={<IconUserPlus size={16} aria-hidden />}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
