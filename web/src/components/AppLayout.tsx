import type { ReactNode } from 'react';
import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconBuildingSkyscraper, IconBulb, IconHistory, IconLink, IconLogout, IconPlugConnected, IconRecycle, IconUserCircle, IconUsers } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api.js';
import { setSigningOut, useUser } from '../auth.js';
import { canLeave, navigate, onLinkClick, useLocation } from '../router.js';
import { NotificationsBell } from './NotificationsBell.js';
import { SyncWatcher } from './SyncWatcher.js';

// Members see only what they can use: settings, links, users and the audit log are for administrators.
/** Link Companies lives under the PSA integration (`/integrations/<kind>/links`); `psa` picks the configured one. */
const LINKS_PATH = /^\/integrations\/[^/]+\/links$/;

const NAV = [
  { to: '/integrations', label: 'Integrations', icon: IconPlugConnected, adminOnly: true },
  { to: '/integrations/psa/links', label: 'Link Companies', icon: IconLink, adminOnly: true },
  { to: '/companies', label: 'Companies', icon: IconBuildingSkyscraper },
  { to: '/opportunities', label: 'Opportunities', icon: IconBulb },
  { to: '/lifecycle', label: 'Lifecycle', icon: IconRecycle },
  { to: '/users', label: 'Users', icon: IconUsers, adminOnly: true },
  { to: '/audit', label: 'Audit log', icon: IconHistory, adminOnly: true },
  { to: '/account', label: 'My account', icon: IconUserCircle },
];

export function AppLayout({ children }: { children: ReactNode }) {
  const user = useUser();
  const { pathname } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);
  const queryClient = useQueryClient();

  const logout = useMutation({
    mutationFn: api.logout,
    onSuccess: () => {
      setSigningOut(true);
      navigate('/login', { replace: true, force: true });
      // Set "signed out" on the live query first, then drop everything cached for this user.
      queryClient.setQueryData(['me'], null);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
    },
    onError: (e) => notifications.show({ color: 'red', title: 'Could not log out', message: errorMessage(e) }),
  });

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="lg">
      <a className="cw-skip-link" href="#main-content">
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text
              component="a"
              href="/companies"
              onClick={(e) => onLinkClick(e, '/companies')}
              fw={800}
              size="lg"
              c="var(--mantine-color-text)"
              style={{ textDecoration: 'none' }}
            >
              Crosswalk
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            {user.role === 'admin' && <SyncWatcher />}
            <NotificationsBell />
            <Tooltip label={user.email}>
              <Group gap={6} wrap="nowrap" visibleFrom="xs" aria-label={`Signed in as ${user.name ?? user.email}`}>
                <VisuallyHidden>Signed in as</VisuallyHidden>
                <Text size="sm" fw={600} data-testid="current-user">
                  {user.name !== null && user.name !== '' ? user.name : user.email}
                </Text>
                <Badge variant="light" color={user.role === 'admin' ? 'indigo' : 'gray'}>
                  {user.role === 'admin' ? 'Admin' : 'Member'}
                </Badge>
              </Group>
            </Tooltip>
            <Button
              variant="subtle"
              size="sm"
              leftSection={<IconLogout size={16} aria-hidden />}
              loading={logout.isPending}
              onClick={() => {
                if (canLeave()) logout.mutate();
              }}
            >
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label="Main navigation">
        {NAV.filter((item) => item.adminOnly !== true || user.role === 'admin').map((item) => {
          const active =
            item.to === '/integrations/psa/links'
              ? LINKS_PATH.test(pathname)
              : (pathname === item.to || pathname.startsWith(`${item.to}/`)) && !(item.to === '/integrations' && LINKS_PATH.test(pathname));
          return (
            <NavLink
              key={item.to}
              component="a"
              href={item.to}
              label={item.label}
              leftSection={<item.icon size={18} stroke={1.6} aria-hidden />}
              active={active}
              aria-current={active ? 'page' : undefined}
              onClick={(e) => {
                onLinkClick(e, item.to);
                close();
              }}
            />
          );
        })}
      </AppShell.Navbar>

      <AppShell.Main id="main-content" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
