// The Lifecycle tab of a company: its devices with status and end of life, the counts, a refresh opportunity from
// the overdue and due-soon ones, and its replacement forecast.
import { useState } from 'react';
import { Tabs, Title } from '@mantine/core';
import { IconRecycle } from '@tabler/icons-react';
import type { LifecycleStatus } from '../api.js';
import { DevicesTable, RefreshOpportunity, StatusCounts, useDevices } from './lifecycle-devices.js';
import { LifecycleForecast } from './lifecycle-forecast.js';

export const LIFECYCLE_TAB = 'lifecycle';

export function CompanyLifecycleTabButton() {
  return (
    <Tabs.Tab value={LIFECYCLE_TAB} leftSection={<IconRecycle size={16} aria-hidden />}>
      Lifecycle
    </Tabs.Tab>
  );
}

export function CompanyLifecyclePanel({ companyId, companyName }: { companyId: string; companyName: string }) {
  const [status, setStatus] = useState<LifecycleStatus | null>(null);
  const counts = useDevices({ companyId, status: null }).data?.pages[0]?.counts;
  return (
    <Tabs.Panel value={LIFECYCLE_TAB}>
      <RefreshOpportunity companyId={companyId} companyName={companyName} />
      {counts !== undefined && <StatusCounts counts={counts} status={status} onStatus={setStatus} />}
      <DevicesTable filter={{ companyId, status }} showCompany={false} caption={`Devices of ${companyName}`} />
      <Title order={2} size="h4" mt="lg" mb="sm">
        Replacement forecast
      </Title>
      <LifecycleForecast companyId={companyId} />
    </Tabs.Panel>
  );
}
