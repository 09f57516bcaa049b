import { useState } from 'react';
import { Button, Checkbox, Code, Divider, Group, List, PasswordInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconLink } from '@tabler/icons-react';
import { api, type DemoHints, type HaloSettings, type HaloSettingsInput, type Integration } from '../api.js';
import { navigate } from '../router.js';
import { DemoHintBox } from './DemoHints.js';
import { IntegrationCard, SECRET_SAVED_PLACEHOLDER, SettingsActions, useSettingsForm } from './settings-shared.js';
import { SyncPanel } from './SyncPanel.js';

export const HALO_LINKS_PATH = '/integrations/halo/links';

export function HaloPermissionsGuide() {
  return (
    <div>
      <Text size="sm" fw={600} id="halo-permissions-title">
        Permissions to grant the Halo API application
      </Text>
      <Text size="xs" c="dimmed" mb={4}>
        Halo → Configuration → Integrations → Halo API → View Applications → your application → Permissions.
      </Text>
      <List size="sm" spacing={2} aria-labelledby="halo-permissions-title">
        <List.Item>
          <Code>read:customers</Code> — clients and sites
        </List.Item>
        <List.Item>
          <Code>read:tickets</Code> — ticket history (Pull Tickets from Halo)
        </List.Item>
        <List.Item>
          <Code>edit:tickets</Code> and <Code>read:crm</Code> — opportunity export
        </List.Item>
        <List.Item>
          or <Code>all</Code>, which covers everything above
        </List.Item>
      </List>
      <Text size="xs" c="dimmed" mt={4}>
        Use an application with the “Client ID and Secret (Services)” authentication method.
      </Text>
    </div>
  );
}

export function HaloCard({ integration, hints }: { integration: Integration | undefined; hints: DemoHints['halo'] | undefined }) {
  const settings = (integration?.settings ?? {}) as HaloSettings;
  const configured = integration?.configured ?? false;
  const [resourceServerUrl, setResourceServerUrl] = useState(settings.resourceServerUrl ?? '');
  const [authorizationServerUrl, setAuthorizationServerUrl] = useState(settings.authorizationServerUrl ?? '');
  const [tenant, setTenant] = useState(settings.tenant ?? '');
  const [clientId, setClientId] = useState(settings.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [pullTickets, setPullTickets] = useState(settings.pullTickets ?? true);
  const [opportunityExport, setOpportunityExport] = useState(settings.opportunityExport ?? false);

  const body = (): HaloSettingsInput => ({
    resourceServerUrl: resourceServerUrl.trim(),
    authorizationServerUrl: authorizationServerUrl.trim(),
    tenant: tenant.trim(),
    clientId: clientId.trim(),
    ...(clientSecret !== '' ? { clientSecret } : {}),
    pullTickets,
    opportunityExport,
  });

  const { test, save, errors, onSubmit } = useSettingsForm({ body, test: api.testHalo, save: api.saveHalo, clearSecret: () => setClientSecret('') });
  const secretSet = settings.clientSecretSet === true;

  const fill = () => {
    if (hints === undefined) return;
    setResourceServerUrl(hints.resourceServerUrl);
    setAuthorizationServerUrl(hints.authorizationServerUrl);
    setTenant(hints.tenant);
    setClientId(hints.clientId);
    setClientSecret(hints.clientSecret);
  };

  return (
    <IntegrationCard
      id="halo"
      title="HaloPSA"
      subtitle="PSA: clients, ticket types and tickets; opportunities go back as tickets."
      configured={configured}
      extra={
        <Button
          onClick={() => navigate(HALO_LINKS_PATH)}
          size="xs"
          variant="light"
          leftSection={<IconLink size={14} aria-hidden />}
        >
          Link Companies
        </Button>
      }
    >
      <Stack gap="md">
        {hints !== undefined && (
          <DemoHintBox
            values={{
              'Resource Server URL': hints.resourceServerUrl,
              'Authorization Server URL': hints.authorizationServerUrl,
              'Tenant Name': hints.tenant,
              'Client ID': hints.clientId,
              'Client Secret': hints.clientSecret,
            }}
            onFill={fill}
          />
        )}
        <form onSubmit={onSubmit} noValidate aria-label="Halo settings">
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
              <TextInput
                label="Resource Server URL"
                description="e.g. https://yourcompany.halopsa.com/api"
                required
                value={resourceServerUrl}
                onChange={(e) => setResourceServerUrl(e.currentTarget.value)}
                error={errors.resourceServerUrl}
                autoComplete="off"
              />
              <TextInput
                label="Authorization Server URL"
                description="e.g. https://yourcompany.halopsa.com/auth"
                required
                value={authorizationServerUrl}
                onChange={(e) => setAuthorizationServerUrl(e.currentTarget.value)}
                error={errors.authorizationServerUrl}
                autoComplete="off"
              />
              <TextInput
                label="Tenant Name"
                description="Needed for Halo-hosted instances"
                value={tenant}
                onChange={(e) => setTenant(e.currentTarget.value)}
                error={errors.tenant}
                autoComplete="off"
              />
              <TextInput
                label="Client ID"
                required
                value={clientId}
                onChange={(e) => setClientId(e.currentTarget.value)}
                error={errors.clientId}
                autoComplete="off"
              />
            </SimpleGrid>
            <PasswordInput
              label="Client Secret"
              required={!secretSet}
              placeholder={secretSet ? SECRET_SAVED_PLACEHOLDER : undefined}
              value={clientSecret}
              onChange={(e) => setClientSecret(e.currentTarget.value)}
              error={errors.clientSecret}
              autoComplete="new-password"
            />
            <Checkbox
              label="Pull Tickets from Halo"
              description="Show each company's Halo tickets in Crosswalk"
              checked={pullTickets}
              onChange={(e) => setPullTickets(e.currentTarget.checked)}
              error={errors.pullTickets}
            />
            <Checkbox
              label="Enable Halo Opportunity Integration"
              description="Export opportunities to Halo as tickets of an opportunity type"
              checked={opportunityExport}
              onChange={(e) => setOpportunityExport(e.currentTarget.checked)}
              error={errors.opportunityExport}
            />
            <HaloPermissionsGuide />
            <SettingsActions test={test} save={save} />
          </Stack>
        </form>
        <Divider />
        <SyncPanel kind="halo" configured={configured} lastRun={integration?.lastSyncRun ?? null} />
      </Stack>
    </IntegrationCard>
  );
}
