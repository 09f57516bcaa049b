import { useState, type FormEvent } from 'react';
import { PasswordInput, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, fieldErrors } from '../api.js';
import { setAfterSignIn } from '../auth.js';
import { AuthCard } from '../components/auth-card.js';
import { useTextFields } from '../form-fields.js';

export function SetupPage() {
  const queryClient = useQueryClient();
  const { values, bind } = useTextFields({ email: '', name: '', password: '', confirm: '' });
  const [local, setLocal] = useState<Record<string, string>>({});

  const setup = useMutation({
    mutationFn: async () => {
      const email = values.email.trim();
      const name = values.name.trim();
      const body = { email, password: values.password, ...(name !== '' ? { name } : {}) };
      await api.setup(body);
      try {
        await api.login({ email, password: values.password });
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
    const email = values.email.trim();
    const errs: Record<string, string> = {};
    if (email === '') errs.email = 'Enter an email address';
    else if (!/^\S+@\S+\.\S+$/.test(email)) errs.email = 'Enter a valid email address';
    if (values.password === '') errs.password = 'Choose a password';
    if (values.confirm !== values.password) errs.confirm = 'Passwords do not match';
    setLocal(errs);
    if (Object.keys(errs).length === 0) setup.mutate();
  };

  const labels = { email: 'Email', name: 'Name', password: 'Password' };
  const server = fieldErrors(setup.error, labels);

  return (
    <AuthCard
      id="setup"
      eyebrow="First-run setup"
      title="Create the administrator account"
      subtitle="This account manages integrations, company links and users."
      error={setup.error !== null && Object.keys(server).length === 0 ? errorMessage(setup.error) : null}
      onSubmit={onSubmit}
      submitLabel="Create administrator account"
      submitting={setup.isPending}
      maw={460}
    >
      <TextInput label="Email" type="email" autoComplete="username" required {...bind('email')} error={local.email ?? server.email} autoFocus />
      <TextInput label="Name" autoComplete="name" {...bind('name')} error={server.name} />
      <PasswordInput label="Password" autoComplete="new-password" required {...bind('password')} error={local.password ?? server.password} />
      <PasswordInput label="Confirm password" autoComplete="new-password" required {...bind('confirm')} error={local.confirm} />
    </AuthCard>
  );
}
