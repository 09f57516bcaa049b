import { useState } from 'react';
import { ActionIcon, Badge, Box, Button, Group, Indicator, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { IconBell } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Notification as AppNotification } from '../api.js';
import { formatDateTime, relativeTime } from '../format.js';
import { Link } from '../router.js';

export const NOTIFICATIONS_KEY = ['notifications'] as const;

export function NotificationsBell() {
  const queryClient = useQueryClient();
  const [opened, setOpened] = useState(false);
  const query = useQuery({
    queryKey: NOTIFICATIONS_KEY,
    queryFn: api.notifications,
    refetchInterval: 30_000,
  });
  const items: AppNotification[] = query.data?.notifications ?? [];
  const unread = items.filter((n) => !n.read);

  const markRead = useMutation({
    mutationFn: async (ids: string[]) => {
      for (const id of ids) await api.markNotificationRead(id);
    },
    onMutate: (ids) => {
      queryClient.setQueryData<{ notifications: AppNotification[] }>(NOTIFICATIONS_KEY, (old) =>
        old === undefined ? old : { notifications: old.notifications.map((n) => (ids.includes(n.id) ? { ...n, read: true } : n)) },
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });

  const label = unread.length > 0 ? `Notifications, ${unread.length} unread` : 'Notifications';

  return (
    <Indicator
      label={unread.length > 99 ? '99+' : unread.length}
      size={18}
      disabled={unread.length === 0}
      color="red"
      offset={4}
    >
      <Popover width={360} position="bottom-end" shadow="md" withArrow trapFocus opened={opened} onChange={setOpened}>
        <Popover.Target>
          <ActionIcon variant="subtle" size="lg" aria-label={label} title={label} onClick={() => setOpened((o) => !o)} aria-expanded={opened}>
            <IconBell size={20} aria-hidden />
          </ActionIcon>
        </Popover.Target>
      <Popover.Dropdown p={0} role="dialog" aria-label="Notifications">
        <Group justify="space-between" px="md" py="xs">
          <Text fw={700} component="h2" size="sm" m={0}>
            Notifications
          </Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={unread.length === 0}
            onClick={() => markRead.mutate(unread.map((n) => n.id))}
          >
            Mark all read
          </Button>
        </Group>
        <ScrollArea.Autosize mah={400}>
          {query.isPending ? (
            <Text size="sm" c="dimmed" px="md" pb="md">
              Loading…
            </Text>
          ) : items.length === 0 ? (
            <Text size="sm" c="dimmed" px="md" pb="md">
              No notifications yet. You will hear here when a sync finishes.
            </Text>
          ) : (
            <Stack gap={0} component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
              {items.map((n) => (
                <Box
                  component="li"
                  key={n.id}
                  px="md"
                  py="xs"
                  style={{
                    borderTop: '1px solid var(--mantine-color-default-border)',
                    background: n.read ? undefined : 'var(--mantine-color-blue-light)',
                  }}
                >
                  <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
                    <div style={{ flex: 1, minWidth: 0 }}>
                      {n.link != null && n.link !== '' ? (
                        // The whole message leads where it is about; opening it marks it read.
                        <Link
                          to={n.link}
                          className="cw-notification-link"
                          data-read={n.read}
                          onClick={() => {
                            if (!n.read) markRead.mutate([n.id]);
                            setOpened(false);
                          }}
                        >
                          {n.message}
                        </Link>
                      ) : (
                        <Text size="sm" fw={n.read ? 400 : 600}>
                          {n.message}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed" title={formatDateTime(n.createdAt)}>
                        {relativeTime(n.createdAt)}
                        {!n.read && (
                          <Badge ml={6} size="xs" variant="filled" color="blue">
                            New
                          </Badge>
                        )}
                      </Text>
                    </div>
                    {!n.read && (
                      <Button
                        size="compact-xs"
                        variant="light"
                        style={{ flexShrink: 0 }}
                        onClick={() => markRead.mutate([n.id])}
                        aria-label={`Mark read: ${n.message}`}
                      >
                        Mark read
                      </Button>
                    )}
                  </Group>
                </Box>
              ))}
            </Stack>
          )}
        </ScrollArea.Autosize>
      </Popover.Dropdown>
      </Popover>
    </Indicator>
  );
}
