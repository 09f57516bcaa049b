// New / edit opportunity: a modal form (company, title, description, estimated value, ticket type, expected close date,
// probability). The ticket types are the ones the company's PSA customer may use (GET …/opportunity-types), with
// "Refresh types" to ask the PSA again; "Create and export" goes on to the export and shows the ticket it became.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Modal,
  NumberInput,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCircleCheck, IconExternalLink, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, fieldErrors, type Opportunity, type OpportunityTypesResponse } from '../api.js';
import { useIsAdmin } from '../auth.js';
import { relativeTime } from '../format.js';
import { linksPath, useKinds } from '../integration-kinds.js';
import { navigate } from '../router.js';
import { ErrorAlert } from './common.js';

/** The form's labels, for messages in words. */
const OPPORTUNITY_LABELS = {
  companyId: 'Company', title: 'Title', description: 'Description', value: 'Estimated value',
  closeDate: 'Expected close date', probability: 'Probability (%)', ticketTypeId: 'Ticket type',
};

export const OPPORTUNITIES_KEY = ['opportunities'] as const;
export const opportunityTypesKey = (companyId: string) => ['opportunity-types', companyId] as const;

/** The ticket's number as the PSA shows it. */
export function ticketLabel(o: Opportunity): string {
  return o.psa === null ? '' : `#${o.psa.ticketNumber ?? o.psa.ticketId}`;
}

/** Export one opportunity; refreshes every opportunity list. */
export function useExportOpportunity() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.exportOpportunity(id),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: OPPORTUNITIES_KEY }),
  });
}

interface Values {
  companyId: string | null;
  title: string;
  description: string;
  value: number | string;
  ticketTypeId: string | null;
  closeDate: string;
  probability: number | string;
}

/** Values a caller fills in for a new opportunity (e.g. a refresh of overdue devices). */
export interface OpportunityPreset {
  title?: string;
  description?: string;
  value?: number | null;
}

function initial(existing: Opportunity | null, companyId: string | null, preset: OpportunityPreset | null = null): Values {
  return {
    companyId: existing?.companyId ?? companyId,
    title: existing?.title ?? preset?.title ?? '',
    description: existing?.description ?? preset?.description ?? '',
    value: existing?.value ?? preset?.value ?? '',
    ticketTypeId: existing?.ticketTypeId ?? null,
    closeDate: existing?.closeDate ?? '',
    probability: existing?.probability ?? '',
  };
}

const numberOrNull = (v: number | string): number | null => (typeof v === 'number' ? v : v.trim() === '' ? null : Number(v));

export function OpportunityDialog({
  opened,
  onClose,
  companyId = null,
  companyName = null,
  existing = null,
  preset = null,
}: {
  opened: boolean;
  onClose: () => void;
  /** Starting values of a new opportunity. */
  preset?: OpportunityPreset | null;
  /** A fixed company (the company page); otherwise the form asks for one. */
  companyId?: string | null;
  companyName?: string | null;
  /** Edit this draft instead of creating one. */
  existing?: Opportunity | null;
}) {
  const title = existing !== null ? 'Edit opportunity' : 'New opportunity';
  const phone = useMediaQuery('(max-width: 36em)') === true;
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg" centered fullScreen={phone}>
      {opened && <OpportunityForm onClose={onClose} fixedCompanyId={companyId} fixedCompanyName={companyName} existing={existing} preset={preset} />}
    </Modal>
  );
}

function OpportunityForm({
  onClose,
  fixedCompanyId,
  fixedCompanyName,
  existing,
  preset,
}: {
  onClose: () => void;
  fixedCompanyId: string | null;
  fixedCompanyName: string | null;
  existing: Opportunity | null;
  preset: OpportunityPreset | null;
}) {
  const queryClient = useQueryClient();
  const kinds = useKinds();
  const [values, setValues] = useState<Values>(() => initial(existing, fixedCompanyId, preset));
  const set = <K extends keyof Values>(key: K, v: Values[K]) => setValues((prev) => ({ ...prev, [key]: v }));
  const [created, setCreated] = useState<Opportunity | null>(null);
  const companyFixed = fixedCompanyId !== null || existing !== null;

  const companies = useQuery({ queryKey: ['companies'], queryFn: api.companies, enabled: !companyFixed });
  const companyOptions = useMemo(
    () => (companies.data?.companies ?? []).map((c) => ({ value: c.id, label: c.psa === null ? `${c.name} (not linked)` : c.name })),
    [companies.data],
  );

  const save = useMutation({
    mutationFn: async (andExport: boolean) => {
      const body = {
        title: values.title,
        description: values.description.trim() === '' ? null : values.description,
        value: numberOrNull(values.value),
        ticketTypeId: values.ticketTypeId,
        closeDate: values.closeDate === '' ? null : values.closeDate,
        probability: numberOrNull(values.probability),
      };
      const saved = existing !== null
        ? (await api.updateOpportunity(existing.id, body)).opportunity
        : (await api.createOpportunity({ companyId: values.companyId ?? '', ...body })).opportunity;
      return { saved, andExport };
    },
    onSuccess: ({ saved, andExport }) => {
      void queryClient.invalidateQueries({ queryKey: OPPORTUNITIES_KEY });
      if (existing !== null) {
        notifications.show({ color: 'green', title: 'Opportunity saved', message: saved.title });
        onClose();
        return;
      }
      setCreated(saved);
      if (!andExport) notifications.show({ color: 'green', title: 'Opportunity created', message: `${saved.title} is a draft until you export it.` });
    },
  });
  const errors = fieldErrors(save.error, OPPORTUNITY_LABELS);
  const typeError = save.error instanceof ApiError && save.error.code === 'ticket_type_not_allowed' ? save.error.message : undefined;

  if (created !== null) {
    return <Created opportunity={created} exportNow={save.data?.andExport === true} onClose={onClose} psaName={(k) => kinds.displayName(k)} />;
  }

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    save.mutate(submitter?.getAttribute('data-export') === 'true');
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label={existing !== null ? 'Edit opportunity' : 'New opportunity'}>
      <Stack gap="sm">
        {companyFixed ? (
          <Text size="sm">
            <Text span fw={600}>
              Company:
            </Text>{' '}
            {existing?.companyName ?? fixedCompanyName ?? existing?.companyId ?? fixedCompanyId}
          </Text>
        ) : (
          <Select
            label="Company"
            placeholder={companies.isPending ? 'Loading companies…' : 'Search companies'}
            searchable
            required
            data={companyOptions}
            value={values.companyId}
            onChange={(v) => {
              set('companyId', v);
              set('ticketTypeId', null);
            }}
            nothingFoundMessage="No company matches"
            error={errors.companyId}
            limit={100}
          />
        )}
        <TextInput
          label="Title"
          required
          maxLength={200}
          value={values.title}
          onChange={(e) => set('title', e.currentTarget.value)}
          error={errors.title}
          data-autofocus
        />
        <Textarea
          label="Description"
          autosize
          minRows={3}
          maxRows={10}
          value={values.description}
          onChange={(e) => set('description', e.currentTarget.value)}
          error={errors.description}
          description="Becomes the ticket's details."
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <NumberInput
            label="Estimated value"
            min={0}
            thousandSeparator=","
            decimalScale={2}
            value={values.value}
            onChange={(v) => set('value', v)}
            error={errors.value}
          />
          <TextInput
            label="Expected close date"
            type="date"
            value={values.closeDate}
            onChange={(e) => set('closeDate', e.currentTarget.value)}
            error={errors.closeDate}
          />
          <NumberInput
            label="Probability (%)"
            min={0}
            max={100}
            clampBehavior="strict"
            allowDecimal={false}
            value={values.probability}
            onChange={(v) => set('probability', v)}
            error={errors.probability}
          />
        </SimpleGrid>
        {values.companyId !== null && values.companyId !== '' ? (
          <TicketTypeField
            companyId={values.companyId}
            value={values.ticketTypeId}
            onChange={(v) => set('ticketTypeId', v)}
            error={errors.ticketTypeId ?? typeError}
          />
        ) : (
          <Text size="sm" c="dimmed">
            Choose a company to see the ticket types its PSA customer may use.
          </Text>
        )}
        {save.error !== null && Object.keys(errors).length === 0 && typeError === undefined && (
          <ErrorAlert error={save.error} title={existing !== null ? 'Could not save the opportunity' : 'Could not create the opportunity'} labels={OPPORTUNITY_LABELS} />
        )}
        <Group justify="flex-end" gap="sm" mt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          {existing !== null ? (
            <Button type="submit" loading={save.isPending}>
              Save changes
            </Button>
          ) : (
            <>
              <Button type="submit" variant="light" data-export="false" loading={save.isPending && save.variables === false} disabled={save.isPending}>
                Create draft
              </Button>
              <Button type="submit" data-export="true" loading={save.isPending && save.variables === true} disabled={save.isPending}>
                Create and export
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </form>
  );
}

/** The ticket types on offer for the company, "Refresh types", and what to do when none is. */
function TicketTypeField({ companyId, value, onChange, error }: { companyId: string; value: string | null; onChange: (v: string | null) => void; error?: string }) {
  const admin = useIsAdmin();
  const kinds = useKinds();
  const queryClient = useQueryClient();
  const types = useQuery({ queryKey: opportunityTypesKey(companyId), queryFn: () => api.opportunityTypes(companyId), retry: false });
  const refresh = useMutation({
    mutationFn: () => api.refreshOpportunityTypes(companyId),
    onSuccess: (data) => {
      queryClient.setQueryData<OpportunityTypesResponse>(opportunityTypesKey(companyId), data);
      notifications.show({ color: 'green', title: 'Ticket types refreshed', message: `${data.types.length} opportunity ${data.types.length === 1 ? 'type' : 'types'} on offer.` });
    },
  });
  const data = types.data;
  const list = data?.types ?? [];
  // One type on offer: take it.
  useEffect(() => {
    if (list.length === 1 && value === null) onChange(list[0]!.id);
  }, [list, value, onChange]);

  if (types.isPending) {
    return (
      <Group gap="xs" role="status">
        <Loader size="xs" />
        <Text size="sm">Loading the ticket types this customer may use…</Text>
      </Group>
    );
  }
  if (types.error instanceof ApiError && types.error.code === 'company_not_linked') {
    const kind = kinds.supplemental[0]?.kind ?? null;
    return (
      <Alert color="yellow" title="This company is not linked to a PSA company" role="alert">
        <Text size="sm">You can save the opportunity as a draft; it can be exported once the company is linked.</Text>
        {admin && kind !== null && (
          <Button size="xs" variant="light" mt="xs" onClick={() => navigate(linksPath(kind))}>
            Link Companies
          </Button>
        )}
      </Alert>
    );
  }
  const refreshButton = (
    <Button variant="subtle" size="compact-sm" leftSection={<IconRefresh size={14} aria-hidden />} loading={refresh.isPending} onClick={() => refresh.mutate()}>
      Refresh types
    </Button>
  );
  if (data === undefined) {
    return (
      <Stack gap={4}>
        <ErrorAlert error={types.error} title="Could not load the ticket types" />
        <Group>{refreshButton}</Group>
      </Stack>
    );
  }
  const psa = kinds.displayName(data.psa.kind);
  const checked = data.checkedAt === null ? null : `${data.source === 'live' ? `asked ${psa}` : 'synced'} ${relativeTime(data.checkedAt)}`;
  return (
    <Stack gap={6}>
      <Select
        label="Ticket type"
        description={`Opportunity types ${data.psa.companyName ?? 'this customer'} may use in ${psa}`}
        placeholder={list.length === 0 ? 'None on offer' : 'Choose a ticket type'}
        data={list.map((t) => ({ value: t.id, label: t.name }))}
        value={value}
        onChange={onChange}
        searchable
        clearable
        disabled={list.length === 0}
        error={error}
      />
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="xs" c="dimmed">
          {checked !== null ? `Customer's ticket types ${checked}.` : ''}
        </Text>
        {refreshButton}
      </Group>
      {refresh.error !== null && <ErrorAlert error={refresh.error} title="Could not refresh the ticket types" />}
      {list.length === 0 && (
        <Alert color="yellow" title={`${data.psa.companyName ?? 'This customer'} may use no opportunity ticket type`} role="status">
          <Text size="sm">{data.help}</Text>
        </Alert>
      )}
      {list.length > 0 && !data.exportEnabled && data.help !== null && (
        <Text size="xs" c="dimmed">
          Exporting is turned off: {data.help}
        </Text>
      )}
    </Stack>
  );
}

/** After "Create": offer the export (or run it, after "Create and export") and show the ticket it became. */
function Created({ opportunity, exportNow, onClose, psaName }: { opportunity: Opportunity; exportNow: boolean; onClose: () => void; psaName: (kind: string) => string }) {
  const exporter = useExportOpportunity();
  const kinds = useKinds();
  const started = useRef(false);
  const { mutate } = exporter;
  useEffect(() => {
    if (exportNow && !started.current) {
      started.current = true;
      mutate(opportunity.id);
    }
  }, [exportNow, mutate, opportunity.id]);
  const result = exporter.data?.opportunity ?? null;
  const target = kinds.supplemental.length === 1 ? kinds.supplemental[0]!.displayName : 'the PSA';

  return (
    <Stack gap="md">
      <Text size="sm">
        <Text span fw={600}>
          {opportunity.title}
        </Text>{' '}
        for {opportunity.companyName ?? 'the company'} is saved{result === null ? ' as a draft' : ''}.
      </Text>
      {exporter.isPending && (
        <Stack gap={6} role="status" aria-live="polite">
          <Text size="sm">Exporting to {target}…</Text>
          <Progress value={100} animated striped aria-label={`Exporting to ${target}`} />
        </Stack>
      )}
      {result !== null && result.psa !== null && (
        <Alert color="green" icon={<IconCircleCheck aria-hidden />} title={`Exported as ${psaName(result.psa.kind)} ticket ${ticketLabel(result)}`} role="status">
          {result.psa.url !== undefined && (
            <Anchor href={result.psa.url} target="_blank" rel="noopener noreferrer" size="sm">
              <Group gap={4} component="span" wrap="nowrap">
                Open ticket {ticketLabel(result)} in {psaName(result.psa.kind)}
                <IconExternalLink size={14} aria-hidden />
              </Group>
            </Anchor>
          )}
        </Alert>
      )}
      {exporter.error !== null && <ErrorAlert error={exporter.error} title="The export did not go through" />}
      {exporter.error !== null && (
        <Text size="xs" c="dimmed">
          The opportunity is kept: export it again from here or from the Opportunities page.
        </Text>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={() => navigate('/opportunities')}>
          View opportunities
        </Button>
        {result === null && (
          <Button onClick={() => exporter.mutate(opportunity.id)} loading={exporter.isPending}>
            {exporter.error !== null ? 'Try again' : `Export to ${target}`}
          </Button>
        )}
        <Button variant={result === null ? 'subtle' : 'filled'} onClick={onClose}>
          Close
        </Button>
      </Group>
    </Stack>
  );
}
