import { useState } from 'react';
import { Button, Divider, Group, NativeSelect, PasswordInput, Stack, TextInput } from '@mantine/core';
import { api, type DemoHints, type Integration, type ItGlueSettings, type ItGlueSettingsInput } from '../api.js';
import { DemoHintBox } from './DemoHints.js';
import { IntegrationCard, parseList, SECRET_SAVED_PLACEHOLDER, SettingsActions, useSettingsForm } from './settings-shared.js';
import { SyncPanel } from './SyncPanel.js';

const REGIONS = [
  { value: 'us', label: 'US', url: 'https://api.itglue.com' },
  { value: 'eu', label: 'EU', url: 'https://api.eu.itglue.com' },
  { value: 'au', label: 'AU', url: 'https://api.au.itglue.com' },
  { value: 'custom', label: 'Custom', url: '' },
];

function regionOf(url: string): string {
  const clean = url.trim().replace(/\/+$/, '');
  return REGIONS.find((r) => r.url !== '' && r.url === clean)?.value ?? 'custom';
}

export function ItGlueCard({ integration, hints }: { integration: Integration | undefined; hints: DemoHints['itglue'] | undefined }) {
  const settings = (integration?.settings ?? {}) as ItGlueSettings;
  const configured = integration?.configured ?? false;
  const [baseUrl, setBaseUrl] = useState(settings.baseUrl ?? REGIONS[0].url);
  const [region, setRegion] = useState(regionOf(settings.baseUrl ?? REGIONS[0].url));
  const [apiKey, setApiKey] = useState('');
  const [statuses, setStatuses] = useState((settings.activeStatusNames ?? ['Active']).join(', '));

  const body = (): ItGlueSettingsInput => {
    const names = parseList(statuses);
    return {
      baseUrl: baseUrl.trim(),
      ...(apiKey !== '' ? { apiKey } : {}),
      activeStatusNames: names.length > 0 ? names : ['Active'],
    };
  };

  const { test, save, errors, onSubmit } = useSettingsForm({ body, test: api.testItGlue, save: api.saveItGlue, clearSecret: () => setApiKey('') });
  const keySet = settings.apiKeySet === true;

  const fill = () => {
    if (hints === undefined) return;
    setBaseUrl(hints.baseUrl);
    setRegion(regionOf(hints.baseUrl));
    setApiKey(hints.apiKey);
  };

  return (
    <IntegrationCard
      id="itglue"
      title="IT Glue"
      subtitle="Documentation: organizations (companies), configurations and domains."
      configured={configured}
    >
      <Stack gap="md">
        {hints !== undefined && (
          <DemoHintBox values={{ 'API URL': hints.baseUrl, 'API Key': hints.apiKey }} onFill={fill} />
        )}
        <form onSubmit={onSubmit} noValidate aria-label="IT Glue settings">
          <Stack gap="sm">
            <Group grow align="flex-start">
              <NativeSelect
                label="Region"
                data={REGIONS.map((r) => ({ value: r.value, label: r.label }))}
                value={region}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setRegion(v);
                  const preset = REGIONS.find((r) => r.value === v);
                  if (preset !== undefined && preset.url !== '') setBaseUrl(preset.url);
                }}
                style={{ flexGrow: 0, minWidth: 120 }}
              />
              <TextInput
                label="API URL"
                description="Base URL of the IT Glue API for your region"
                required
                value={baseUrl}
                onChange={(e) => {
                  setBaseUrl(e.currentTarget.value);
                  setRegion(regionOf(e.currentTarget.value));
                }}
                error={errors.baseUrl}
                autoComplete="off"
              />
            </Group>
            <PasswordInput
              label="API Key"
              description="IT Glue → Account → Settings → API Keys"
              required={!keySet}
              placeholder={keySet ? SECRET_SAVED_PLACEHOLDER : 'ITG.…'}
              value={apiKey}
              onChange={(e) => setApiKey(e.currentTarget.value)}
              error={errors.apiKey}
              autoComplete="new-password"
            />
            <TextInput
              label="Active status names"
              description="Organization statuses that count as active companies, separated by commas"
              value={statuses}
              onChange={(e) => setStatuses(e.currentTarget.value)}
              error={errors.activeStatusNames}
            />
            <SettingsActions test={test} save={save} />
          </Stack>
        </form>
        <Divider />
        <SyncPanel kind="itglue" configured={configured} lastRun={integration?.lastSyncRun ?? null} />
      </Stack>
    </IntegrationCard>
  );
}
