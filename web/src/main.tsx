import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MantineProvider, NativeSelect, Notification, PasswordInput, Select, TextInput, createTheme } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryCache, QueryClient, QueryClientProvider, MutationCache } from '@tanstack/react-query';
import { ApiError } from './api.js';
import { App } from './App.js';
import { accessibleColors } from './theme.js';

const theme = createTheme({
  primaryColor: 'indigo',
  // WCAG AA text contrast (theme.ts); focus rings on keyboard focus (styles.css draws inputs' too).
  colors: accessibleColors,
  focusRing: 'auto',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  // No " *" inside labels: keeps each label's text exactly its name (required stays on the input).
  components: {
    TextInput: TextInput.extend({ defaultProps: { withAsterisk: false } }),
    // The toggle's default name ("Toggle password visibility") would also match a "Password" label search.
    PasswordInput: PasswordInput.extend({
      defaultProps: { withAsterisk: false, visibilityToggleButtonProps: { 'aria-label': 'Show or hide the characters' } },
    }),
    NativeSelect: NativeSelect.extend({ defaultProps: { withAsterisk: false } }),
    Select: Select.extend({ defaultProps: { withAsterisk: false } }),
    // Toasts' close button is an icon only: give it a name (axe button-name).
    Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close notification' } } }),
  },
});

function onUnauthorized(error: unknown): void {
  // The session ended (expired or logged out elsewhere): go back to the sign-in flow.
  if (error instanceof ApiError && error.status === 401 && queryClient.getQueryData(['me']) != null) {
    queryClient.setQueryData(['me'], null);
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthorized }),
  mutationCache: new MutationCache({ onError: onUnauthorized }),
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 10_000,
    },
  },
});

const root = document.getElementById('root');
if (root === null) throw new Error('#root missing');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      {/* Top centre: away from the cards' Sync and Save buttons and the tables' pagination. */}
      <Notifications position="top-center" zIndex={400} />
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
