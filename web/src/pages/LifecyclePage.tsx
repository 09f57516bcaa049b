// Lifecycle: warranty and age of every device of the active companies, the replacement forecast per quarter, the
// policies (admins edit them), and a refresh opportunity from a company's overdue and due-soon devices.
import { useDeferredValue, useState } from 'react';
import { Button, Select, SimpleGrid, Tabs, TextInput } from '@mantine/core';
import { IconCalendarDollar, IconDeviceDesktop, IconDownload, IconSearch, IconSettings } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, type LifecycleStatus } from '../api.js';
import { PageHeader } from '../components/common.js';
import { DevicesTable, RefreshOpportunity, STATUS_LABEL, STATUSES, StatusCounts, useDevices } from '../components/lifecycle-devices.js';
import { LifecycleForecast } from '../components/lifecycle-forecast.js';
import { LifecyclePoliciesEditor } from '../components/lifecycle-policies-editor.js';
import { LIFECYCLE_KEY, lifecycleApi, type DeviceFilter } from '../lifecycle-api.js';

export function LifecyclePage() {
  const [tab, setTab] = useState<string | null>('devices');
  const [companyId, setCompanyId] = useState<string | null>(null);
  const [status, setStatus] = useState<LifecycleStatus | null>(null);
  const [type, setType] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const q = useDeferredValue(search);

  const companies = useQuery({ queryKey: ['companies'], queryFn: api.companies });
  const types = useQuery({ queryKey: [...LIFECYCLE_KEY, 'types'], queryFn: lifecycleApi.types });
  const company = companies.data?.companies.find((c) => c.id === companyId) ?? null;

  const filter: DeviceFilter = { companyId, status, type, q };
  // the counts cover every status of the other filters: the unfiltered-by-status query shares the page's cache
  const counts = useDevices({ companyId, status: null, type, q }).data?.pages[0]?.counts;

  return (
    <>
      <PageHeader
        title="Lifecycle"
        description="Warranty and age of every device, what is due for replacement, and the budget it takes."
        actions={
          <Button component="a" variant="default" href={lifecycleApi.csvUrl(filter)} download leftSection={<IconDownload size={16} aria-hidden />}>
            Download CSV
          </Button>
        }
      />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" mb="md">
        <Select
          label="Company"
          placeholder="All companies"
          data={(companies.data?.companies ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={companyId}
          onChange={setCompanyId}
          searchable
          clearable
          nothingFoundMessage="No company"
        />
        <Select
          label="Status"
          placeholder="Every status"
          data={STATUSES.map((s) => ({ value: s, label: STATUS_LABEL[s] }))}
          value={status}
          onChange={(v) => setStatus(v as LifecycleStatus | null)}
          clearable
        />
        <Select
          label="Type"
          placeholder="Every type"
          data={(types.data?.types ?? []).map((t) => ({ value: t.type, label: `${t.type} (${t.devices})` }))}
          value={type}
          onChange={setType}
          searchable
          clearable
        />
        <TextInput
          label="Search"
          placeholder="Name, serial, model…"
          leftSection={<IconSearch size={16} aria-hidden />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
      </SimpleGrid>
      {company !== null && <RefreshOpportunity companyId={company.id} companyName={company.name} key={company.id} />}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="devices" leftSection={<IconDeviceDesktop size={16} aria-hidden />}>
            Devices
          </Tabs.Tab>
          <Tabs.Tab value="forecast" leftSection={<IconCalendarDollar size={16} aria-hidden />}>
            Forecast
          </Tabs.Tab>
          <Tabs.Tab value="policies" leftSection={<IconSettings size={16} aria-hidden />}>
            Policies
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="devices">
          {counts !== undefined && <StatusCounts counts={counts} status={status} onStatus={setStatus} />}
          <DevicesTable filter={filter} showCompany={companyId === null} caption="Devices" />
        </Tabs.Panel>
        <Tabs.Panel value="forecast">
          <LifecycleForecast companyId={companyId} />
        </Tabs.Panel>
        <Tabs.Panel value="policies">
          <LifecyclePoliciesEditor />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
