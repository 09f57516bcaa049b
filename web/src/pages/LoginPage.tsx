import type { FormEvent } from 'react';
import { PasswordInput, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, errorMessage, fieldErrors, isValidationError } from '../api.js';
import { describeIssues } from '../form-errors.js';
import { AuthCard } from '../components/auth-card.js';
import { useTextFields } from '../form-fields.js';

export function LoginPage() {
  const queryClient = useQueryClient();
  const { values, bind } = useTextFields({ email: '', password: '' });

  const login = useMutation({
    mutationFn: () => api.login({ email: values.email.trim(), password: values.password }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };

  const err = login.error;
  const labels = { email: 'Email', password: 'Password' };
  const fields = fieldErrors(err, labels);

  return (
    <AuthCard
      id="login"
      title="Sign in to Crosswalk"
      subtitle="Your documentation and your PSA, side by side."
      error={err === null ? null : err instanceof ApiError && err.status === 401 ? 'Wrong email or password' : isValidationError(err) ? describeIssues(err.issues, labels).summary : errorMessage(err)}
      onSubmit={onSubmit}
      submitLabel="Sign in"
      submitting={login.isPending}
    >
      <TextInput label="Email" type="email" autoComplete="username" required {...bind('email')} error={fields.email} data-autofocus autoFocus />
      <PasswordInput label="Password" autoComplete="current-password" required {...bind('password')} error={fields.password} />
    </AuthCard>
  );
}
