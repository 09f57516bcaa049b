import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api, isActive, type SyncRun } from './api.js';

export const INTEGRATIONS_KEY = ['integrations'] as const;
export const syncRunKey = (id: string) => ['sync-run', id] as const;
export const syncRunsKey = (kind: string) => ['sync-runs', kind] as const;

/** GET /api/integrations (admin). Polls slowly so scheduled syncs show up. */
export function useIntegrations(enabled = true) {
  return useQuery({
    queryKey: INTEGRATIONS_KEY,
    queryFn: api.integrations,
    enabled,
    refetchInterval: 30_000,
  });
}

/** One sync run, polled every second while it is queued or running. */
export function useSyncRun(id: string | null, initial?: SyncRun | null) {
  return useQuery({
    queryKey: syncRunKey(id ?? ''),
    queryFn: () => api.syncRun(id ?? ''),
    enabled: id !== null,
    initialData: initial !== null && initial !== undefined && initial.id === id ? initial : undefined,
    initialDataUpdatedAt: 0,
    refetchInterval: (q) => (q.state.data === undefined || isActive(q.state.data) ? 1000 : false),
    staleTime: 0,
  });
}

/** Re-render every `ms` while `active` (for elapsed-time displays). */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [active, ms]);
  return now;
}
