import { Card, Skeleton, Stack, Tabs, Text } from '@mantine/core';
import { IconPlugConnected, IconTicket } from '@tabler/icons-react';
import type { IntegrationRole } from '../api.js';
import { useIsAdmin } from '../auth.js';
import { useIntegrations } from '../hooks.js';
import { companyNoun, linksPath, primaryName, settingsPath, useIntegrationKinds, type IntegrationKinds } from '../integration-kinds.js';
import { navigate } from '../router.js';
import { AdminOnlyNote, Empty, ErrorAlert, PageHeader } from '../components/common.js';
import { useDemoHints } from '../components/DemoHints.js';
import { IntegrationSettingsCard } from '../components/integration-settings-card.js';
import { NotFoundPage } from './NotFoundPage.js';
import { LinkCompaniesPage } from './LinkCompaniesPage.js';

/** What the PSA integration shows: its settings, or its "Link Companies to <primary>" tab. */
export type PsaView = 'settings' | 'links';

/** `/integrations/psa` opens the PSA tab whatever the PSAs are called. */
const PSA_ALIAS = 'psa';

/**
 * `/integrations` (the primary tab) and `/integrations/<kind>` (the tab of that kind's role): one tab for
 * the primary integration, one for the supplemental ones (PSAs), each a card per kind from the server.
 * The PSA tab has two tabs of its own: Settings, and Link Companies (`/integrations/<kind>/links`;
 * `/integrations/psa/links` picks the configured PSA).
 */
export function IntegrationsPage({ kind, view = 'settings' }: { kind: string | null; view?: PsaView }) {
  const admin = useIsAdmin();
  const kinds = useIntegrationKinds();
  const role: IntegrationRole | undefined =
    kind === null ? 'primary' : kind === PSA_ALIAS ? 'supplemental' : kinds.data?.get(kind)?.role;
  if (kinds.data !== undefined && (role === undefined || (view === 'links' && role !== 'supplemental'))) return <NotFoundPage />;
  return (
    <>
      <PageHeader
        title="Integrations"
        description={
          kinds.data === undefined
            ? undefined
            : `${primaryName(kinds.data)} is the primary integration; a PSA adds tickets and receives opportunities.`
        }
      />
      {!admin ? (
        <AdminOnlyNote />
      ) : kinds.isError ? (
        <ErrorAlert error={kinds.error} title="Could not load the integrations" />
      ) : kinds.data === undefined || role === undefined ? (
        <CardSkeleton />
      ) : (
        <AdminIntegrations tab={role} kinds={kinds.data} kind={kind} view={view} />
      )}
    </>
  );
}

function AdminIntegrations({ tab, kinds, kind, view }: { tab: IntegrationRole; kinds: IntegrationKinds; kind: string | null; view: PsaView }) {
  const integrations = useIntegrations();
  // The PSA of the Link Companies tab: the one in the URL, else the first configured, else the first listed.
  const configured = kinds.supplemental.find((k) => integrations.data?.integrations.some((i) => i.kind === k.kind && i.configured));
  const psaKind = kind !== null && kind !== PSA_ALIAS && kinds.get(kind)?.role === 'supplemental' ? kind : (configured ?? kinds.supplemental[0])?.kind;
  const hints = useDemoHints();
  const loading = integrations.isPending || hints.isPending;

  const cards = (role: IntegrationRole) => {
    const list = role === 'primary' ? kinds.primary : kinds.supplemental;
    if (loading) return <CardSkeleton />;
    if (list.length === 0) return <Empty title="None available" description="This server offers no integration of this kind." />;
    return list.map((info) => (
      <IntegrationSettingsCard
        key={info.kind}
        info={info}
        integration={integrations.data?.integrations.find((i) => i.kind === info.kind)}
        hints={hints.data?.[info.kind]}
      />
    ));
  };

  return (
    <Tabs
      value={tab}
      onChange={(v) => {
        if (v === 'primary') navigate('/integrations', { replace: true });
        else if (v === 'supplemental') navigate(settingsPath(kinds.supplemental[0]?.kind ?? PSA_ALIAS), { replace: true });
      }}
      keepMounted={false}
    >
      <Tabs.List mb="lg" aria-label="Integration types">
        <Tabs.Tab value="primary" leftSection={<IconPlugConnected size={16} aria-hidden />}>
          Primary integration
        </Tabs.Tab>
        <Tabs.Tab value="supplemental" leftSection={<IconTicket size={16} aria-hidden />}>
          PSA Integrations
        </Tabs.Tab>
      </Tabs.List>

      {integrations.isError && <ErrorAlert error={integrations.error} title="Could not load integrations" />}

      <Tabs.Panel value="primary">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            Your companies come from {primaryName(kinds)}: every active {companyNoun(kinds)[0]} becomes a company in Crosswalk.
          </Text>
          {cards('primary')}
        </Stack>
      </Tabs.Panel>

      <Tabs.Panel value="supplemental">
        {psaKind === undefined ? (
          cards('supplemental')
        ) : (
          <Tabs
            value={view}
            onChange={(v) => navigate(v === 'links' ? linksPath(psaKind) : settingsPath(psaKind))}
            keepMounted={false}
            variant="pills"
          >
            <Tabs.List mb="md" aria-label={`${kinds.displayName(psaKind)} integration`}>
              <Tabs.Tab value="settings">Settings</Tabs.Tab>
              <Tabs.Tab value="links">Link Companies to {primaryName(kinds)}</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="settings">
              <Stack gap="md">
                <Text size="sm" c="dimmed">
                  Connect your PSA to see tickets next to documentation and to export opportunities.
                </Text>
                {cards('supplemental')}
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="links">
              <LinkCompaniesPage kind={psaKind} key={psaKind} />
            </Tabs.Panel>
          </Tabs>
        )}
      </Tabs.Panel>
    </Tabs>
  );
}

function CardSkeleton() {
  return (
    <Card withBorder padding="lg" aria-busy="true" aria-label="Loading settings">
      <Stack gap="sm">
        <Skeleton height={28} width="30%" />
        <Skeleton height={16} width="60%" />
        <Skeleton height={36} />
        <Skeleton height={36} />
        <Skeleton height={36} />
        <Skeleton height={36} width="40%" />
      </Stack>
    </Card>
  );
}
