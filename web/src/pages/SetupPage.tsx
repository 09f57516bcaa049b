import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, fieldErrors } from '../api.js';
import { setAfterSignIn } from '../auth.js';

export function SetupPage() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});

  const setup = useMutation({
    mutationFn: async () => {
      const body = { email: email.trim(), password, ...(name.trim() !== '' ? { name: name.trim() } : {}) };
      await api.setup(body);
      try {
        await api.login({ email: body.email, password });
      } catch (e) {
        // The account exists now; the sign-in page takes over.
        void queryClient.invalidateQueries({ queryKey: ['setup'] });
        throw e;
      }
    },
    onSuccess: async () => {
      setAfterSignIn('/integrations');
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.code === 'setup_already_done') void queryClient.invalidateQueries({ queryKey: ['setup'] });
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (email.trim() === '') errs.email = 'Enter an email address';
    else if (!/^\S+@\S+\.\S+$/.test(email.trim())) errs.email = 'Enter a valid email address';
    if (password === '') errs.password = 'Choose a password';
    if (confirm !== password) errs.confirm = 'Passwords do not match';
    setLocal(errs);
    if (Object.keys(errs).length === 0) setup.mutate();
  };

  const server = fieldErrors(setup.error);

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={460}>
        <form onSubmit={onSubmit} noValidate aria-labelledby="setup-title">
          <Stack>
            <div>
              <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                First-run setup
              </Text>
              <Title order={1} size="h2" id="setup-title">
                Create the administrator account
              </Title>
              <Text c="dimmed" size="sm">
                This account manages integrations, company links and users.
              </Text>
            </div>
            {setup.error !== null && Object.keys(server).length === 0 && (
              <Alert color="red" role="alert">
                {errorMessage(setup.error)}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
              error={local.email ?? server.email}
              autoFocus
            />
            <TextInput
              label="Name"
              autoComplete="name"
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={server.name}
            />
            <PasswordInput
              label="Password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={local.password ?? server.password}
            />
            <PasswordInput
              label="Confirm password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.currentTarget.value)}
              error={local.confirm}
            />
            <Button type="submit" loading={setup.isPending} fullWidth>
              Create administrator account
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
