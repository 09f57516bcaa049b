import { Badge, Card, Group, SimpleGrid, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconPlugConnected, IconTicket } from '@tabler/icons-react';
import { useIsAdmin } from '../auth.js';
import { useIntegrations } from '../hooks.js';
import { navigate } from '../router.js';
import { AdminOnlyNote, ErrorAlert, PageHeader } from '../components/common.js';
import { useDemoHints } from '../components/DemoHints.js';
import { HaloCard } from '../components/HaloCard.js';
import { ItGlueCard } from '../components/ItGlueCard.js';

type Tab = 'primary' | 'psa';

export function IntegrationsPage({ tab }: { tab: Tab }) {
  const admin = useIsAdmin();
  return (
    <>
      <PageHeader
        title="Integrations"
        description="IT Glue is the primary integration; a PSA adds tickets and receives opportunities."
      />
      {admin ? <AdminIntegrations tab={tab} /> : <AdminOnlyNote />}
    </>
  );
}

function AdminIntegrations({ tab }: { tab: Tab }) {
  const integrations = useIntegrations();
  const hints = useDemoHints();
  const byKind = (kind: string) => integrations.data?.integrations.find((i) => i.kind === kind);
  const loading = integrations.isPending || hints.isPending;

  return (
    <Tabs
      value={tab}
      onChange={(v) => {
        if (v === 'primary') navigate('/integrations', { replace: true });
        else if (v === 'psa') navigate('/integrations/halo', { replace: true });
      }}
      keepMounted={false}
    >
      <Tabs.List mb="lg" aria-label="Integration types">
        <Tabs.Tab value="primary" leftSection={<IconPlugConnected size={16} aria-hidden />}>
          Primary integration
        </Tabs.Tab>
        <Tabs.Tab value="psa" leftSection={<IconTicket size={16} aria-hidden />}>
          PSA Integrations
        </Tabs.Tab>
      </Tabs.List>

      {integrations.isError && <ErrorAlert error={integrations.error} title="Could not load integrations" />}

      <Tabs.Panel value="primary">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            Your companies come from IT Glue: every active organization becomes a company in Crosswalk.
          </Text>
          {loading ? (
            <CardSkeleton />
          ) : (
            <ItGlueCard integration={byKind('itglue')} hints={hints.data?.itglue} />
          )}
        </Stack>
      </Tabs.Panel>

      <Tabs.Panel value="psa">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            Connect your PSA to see tickets next to documentation and to export opportunities.
          </Text>
          {loading ? <CardSkeleton /> : <HaloCard integration={byKind('halo')} hints={hints.data?.halo} />}
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder padding="lg" component="section" aria-labelledby="syncro-title" aria-disabled="true" opacity={0.6}>
              <Group justify="space-between">
                <Title order={2} size="h3" id="syncro-title">
                  Syncro
                </Title>
                <Badge color="gray" variant="outline">
                  Coming soon
                </Badge>
              </Group>
              <Text size="sm" c="dimmed" mt="xs">
                Syncro customers and tickets arrive in a later release.
              </Text>
            </Card>
          </SimpleGrid>
        </Stack>
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
