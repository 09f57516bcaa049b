// Watches running sync runs anywhere in the app (admins) and announces when one finishes.
import { useEffect, useRef, useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { isActive } from '../api.js';
import { INTEGRATIONS_KEY, syncRunsKey, useIntegrations, useSyncRun } from '../hooks.js';
import { useIntegrationKinds, useKinds } from '../integration-kinds.js';
import { runFinishedMessage } from '../sync-format.js';
import { NOTIFICATIONS_KEY } from './NotificationsBell.js';

const announced = new Set<string>();

export function SyncWatcher() {
  const integrations = useIntegrations();
  const [watched, setWatched] = useState<string[]>([]);

  useEffect(() => {
    const active = (integrations.data?.integrations ?? [])
      .map((i) => i.lastSyncRun)
      .filter((r) => r !== null && isActive(r))
      .map((r) => r!.id)
      .filter((id) => !announced.has(id));
    if (active.some((id) => !watched.includes(id))) {
      setWatched((w) => [...w, ...active.filter((id) => !w.includes(id))]);
    }
  }, [integrations.data, watched]);

  return (
    <>
      {watched.map((id) => (
        <RunWatcher key={id} id={id} onDone={() => setWatched((w) => w.filter((x) => x !== id))} />
      ))}
    </>
  );
}

function RunWatcher({ id, onDone }: { id: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const run = useSyncRun(id);
  // Announce with the integration's name and nouns: wait for them (they come once per session).
  const kindsPending = useIntegrationKinds().isPending;
  const kinds = useKinds();
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;

  useEffect(() => {
    const data = run.data;
    if (data === undefined || isActive(data) || kindsPending) return;
    if (!announced.has(id)) {
      announced.add(id);
      notifications.show({
        id: `sync-${id}`,
        color: data.status === 'succeeded' ? 'green' : data.status === 'partial' ? 'orange' : 'red',
        title: kinds.displayName(data.integration),
        message: runFinishedMessage(data, kinds),
        autoClose: 8000,
      });
      void queryClient.invalidateQueries({ queryKey: INTEGRATIONS_KEY });
      void queryClient.invalidateQueries({ queryKey: syncRunsKey(data.integration) });
      void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
      void queryClient.invalidateQueries({ queryKey: ['companies'] });
      void queryClient.invalidateQueries({ queryKey: ['company'] });
      void queryClient.invalidateQueries({ queryKey: ['links'] });
      void queryClient.invalidateQueries({ queryKey: ['psa-companies'] });
    }
    onDoneRef.current();
  }, [run.data, id, queryClient, kinds, kindsPending]);

  return null;
}
