import { useEffect } from 'react';
import { Button, Center, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, errorMessage, type User } from './api.js';
import { isSigningOut, setSigningOut, takeAfterSignIn, UserContext } from './auth.js';
import { matchPath, navigate, useLocation } from './router.js';
import { AppLayout } from './components/AppLayout.js';
import { LoginPage } from './pages/LoginPage.js';
import { SetupPage } from './pages/SetupPage.js';
import { IntegrationsPage } from './pages/IntegrationsPage.js';
import { CompaniesPage } from './pages/CompaniesPage.js';
import { CompanyDetailPage } from './pages/CompanyDetailPage.js';
import { UsersPage } from './pages/UsersPage.js';
import { OpportunitiesPage } from './pages/OpportunitiesPage.js';
import { AuditPage } from './pages/AuditPage.js';
import { LifecyclePage } from './pages/LifecyclePage.js';
import { AccountPage } from './pages/AccountPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';

export const ME_KEY = ['me'] as const;

async function fetchMe(): Promise<User | null> {
  try {
    return (await api.me()).user;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return null;
    throw e;
  }
}

const PUBLIC_PATHS = new Set(['/login', '/setup']);
const HOME = '/companies';

export function App() {
  const me = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: Infinity });

  if (me.isPending) return <FullPageLoader label="Loading Crosswalk" />;
  if (me.isError) {
    return (
      <Center mih="100vh" component="main">
        <Stack align="center" maw={420}>
          <Title order={1} size="h3">
            Crosswalk is not reachable
          </Title>
          <Text c="dimmed" ta="center">
            {errorMessage(me.error)}
          </Text>
          <Button onClick={() => void me.refetch()}>Try again</Button>
        </Stack>
      </Center>
    );
  }
  if (me.data === null) return <SignedOut />;
  return (
    <UserContext.Provider value={me.data}>
      <SignedIn />
    </UserContext.Provider>
  );
}

function FullPageLoader({ label }: { label: string }) {
  return (
    <Center mih="100vh" component="main" aria-busy="true">
      <Loader aria-label={label} />
    </Center>
  );
}

function SignedOut() {
  const { pathname, search } = useLocation();
  const setup = useQuery({ queryKey: ['setup'], queryFn: api.setupStatus, staleTime: 0, retry: 1 });
  const needed = setup.data?.needed === true;
  useEffect(() => setSigningOut(false), []);

  useEffect(() => {
    if (setup.data === undefined) return;
    const target = needed ? '/setup' : '/login';
    if (pathname !== target) {
      const next = PUBLIC_PATHS.has(pathname) || pathname === '/' ? search.get('next') : pathname;
      navigate(next !== null && next !== '' && !needed ? `${target}?next=${encodeURIComponent(next)}` : target, {
        replace: true,
        force: true,
      });
    }
  }, [setup.data, needed, pathname, search]);

  if (setup.isPending) return <FullPageLoader label="Loading" />;
  // If the setup check fails, the login page is the safe default.
  return needed ? <SetupPage /> : <LoginPage />;
}

function SignedIn() {
  const { pathname, search } = useLocation();

  useEffect(() => {
    if (isSigningOut()) return;
    if (PUBLIC_PATHS.has(pathname) || pathname === '/') {
      const next = takeAfterSignIn() ?? search.get('next');
      navigate(next !== null && next.startsWith('/') && !next.startsWith('//') ? next : HOME, {
        replace: true,
        force: true,
      });
    }
  }, [pathname, search]);

  return <AppLayout>{route(pathname)}</AppLayout>;
}

function route(pathname: string) {
  if (PUBLIC_PATHS.has(pathname) || pathname === '/') return null;
  if (pathname === '/integrations') return <IntegrationsPage kind={null} />;
  const links = matchPath('/integrations/:kind/links', pathname);
  if (links !== null) return <IntegrationsPage kind={links.kind} view="links" />;
  const integration = matchPath('/integrations/:kind', pathname);
  if (integration !== null) return <IntegrationsPage kind={integration.kind} />;
  if (pathname === '/companies') return <CompaniesPage />;
  const company = matchPath('/companies/:id', pathname);
  if (company !== null) return <CompanyDetailPage id={company.id} key={company.id} />;
  if (pathname === '/opportunities') return <OpportunitiesPage />;
  if (pathname === '/lifecycle') return <LifecyclePage />;
  if (pathname === '/users') return <UsersPage />;
  if (pathname === '/audit') return <AuditPage />;
  if (pathname === '/account') return <AccountPage />;
  return <NotFoundPage />;
}
