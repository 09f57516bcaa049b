import { useState, type FormEvent } from 'react';
import { Badge, Button, Card, Group, NativeSelect, PasswordInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, fieldErrors, type Role } from '../api.js';
import { useIsAdmin, useUser } from '../auth.js';
import { formatDateTime } from '../format.js';
import { AdminOnlyNote, Empty, ErrorAlert, PageHeader, TableSkeleton } from '../components/common.js';

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
  const users = query.data?.users ?? [];
  return (
    <section aria-labelledby="user-list-title">
      <Title order={2} size="h3" mb="sm" id="user-list-title">
        All users
      </Title>
      {query.isPending ? (
        <TableSkeleton rows={3} label="Loading users" />
      ) : query.isError ? (
        query.error instanceof ApiError && query.error.status === 404 ? (
          <Text size="sm" c="dimmed">
            The user list is not available on this server.
          </Text>
        ) : (
          <ErrorAlert error={query.error} title="Could not load users" />
        )
      ) : users.length === 0 ? (
        <Empty title="No users" />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped aria-labelledby="user-list-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.map((u) => (
                <Table.Tr key={u.id}>
                  <Table.Td>
                    {u.name ?? '—'}
                    {u.id === me.id && (
                      <Text span size="xs" c="dimmed" ml={6}>
                        (you)
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={u.role === 'admin' ? 'indigo' : 'gray'}>
                      {u.role === 'admin' ? 'Admin' : 'Member'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{formatDateTime(u.createdAt ?? null)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </section>
  );
}

function AddUserForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('member');

  const create = useMutation({
    mutationFn: () =>
      api.createUser({ email: email.trim(), password, role, ...(name.trim() !== '' ? { name: name.trim() } : {}) }),
    onSuccess: ({ user }) => {
      notifications.show({ color: 'green', title: 'User added', message: `${user.email} can now sign in.` });
      setEmail('');
      setName('');
      setPassword('');
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
            <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={errors.email} autoComplete="off" />
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} autoComplete="off" />
            <PasswordInput label="Password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errors.password} autoComplete="new-password" />
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
