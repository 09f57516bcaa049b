// Audit log (admins): who changed integration settings, links and users, and which opportunity went to which PSA
// ticket, newest first, filtered by action, a page at a time.
import { useState } from 'react';
import { Anchor, Badge, Select, Text } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, type AuditEvent } from '../api.js';
import { useIsAdmin } from '../auth.js';
import { formatDateTime, formatNumber } from '../format.js';
import { onLinkClick } from '../router.js';
import { linksPath, settingsPath, useKinds, type IntegrationKinds } from '../integration-kinds.js';
import { AdminOnlyNote, Empty, PageHeader, UNCLIPPED } from '../components/common.js';
import { PagedTable, type Column } from '../components/data-table.js';

const ACTIONS: { value: string; label: string; color: string }[] = [
  { value: 'integration.saved', label: 'Settings saved', color: 'indigo' },
  { value: 'integration.removed', label: 'Integration removed', color: 'orange' },
  { value: 'links.saved', label: 'Links saved', color: 'cyan' },
  { value: 'opportunity.exported', label: 'Opportunity exported', color: 'green' },
  { value: 'opportunity.export_failed', label: 'Export failed', color: 'red' },
  { value: 'opportunity.created', label: 'Opportunity created', color: 'gray' },
  { value: 'opportunity.updated', label: 'Opportunity changed', color: 'gray' },
  { value: 'opportunity.deleted', label: 'Opportunity deleted', color: 'gray' },
  { value: 'user.created', label: 'User added', color: 'violet' },
  { value: 'user.updated', label: 'User changed', color: 'violet' },
  { value: 'user.deleted', label: 'User deleted', color: 'violet' },
];
const byAction = new Map(ACTIONS.map((a) => [a.value, a]));

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** One sentence about what happened (never a secret: the server keeps none in `details`). */
export function describeEvent(e: AuditEvent, kinds: IntegrationKinds): string {
  const d = e.details;
  const kind = str(d.kind);
  const psa = kind === null ? '' : kinds.displayName(kind);
  const title = str(d.title);
  switch (e.action) {
    case 'integration.saved': {
      const changed = Array.isArray(d.changed) ? d.changed.filter((x): x is string => typeof x === 'string') : [];
      // Field names as the settings form labels them ("Client Secret", not clientSecret).
      const fields = kind === null ? [] : (kinds.get(kind)?.fields ?? []);
      const label = (name: string): string => fields.find((f) => f.name === name)?.label ?? (name === 'rateLimitPer5Min' ? 'Request rate' : name);
      return `${psa} settings saved${changed.length > 0 ? `; changed: ${changed.map(label).join(', ')}` : '; nothing changed'}`;
    }
    case 'integration.removed':
      return `${psa} credentials removed`;
    case 'links.saved':
      return `${psa}: ${formatNumber(num(d.linked))} linked, ${formatNumber(num(d.unlinked))} unlinked`;
    case 'opportunity.exported': {
      const t = d.psa as { kind?: string; ticketId?: string; ticketNumber?: string } | undefined;
      const company = str(d.companyName);
      return `“${title ?? ''}”${company !== null ? ` (${company})` : ''} → ${kinds.displayName(t?.kind ?? '')} ticket #${t?.ticketNumber ?? t?.ticketId ?? '?'}${d.foundByMarker === true ? ' (found by its marker after an unclear reply)' : ''}`;
    }
    case 'opportunity.export_failed':
      return `“${title ?? ''}”: ${str(d.message) ?? str(d.code) ?? 'failed'}`;
    case 'opportunity.created':
    case 'opportunity.updated':
    case 'opportunity.deleted':
      return `“${title ?? ''}”`;
    case 'user.created':
      return `${str(d.email) ?? ''} (${str(d.role) ?? 'member'})`;
    case 'user.updated': {
      const parts: string[] = [];
      if (str(d.role) !== null) parts.push(`role ${str(d.role)}`);
      if (typeof d.disabled === 'boolean') parts.push(d.disabled ? 'disabled' : 'enabled');
      if (str(d.name) !== null) parts.push(`name ${str(d.name)}`);
      if (d.passwordChanged === true) parts.push('password set');
      return `${str(d.email) ?? ''}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
    }
    case 'user.deleted':
      return str(d.email) ?? '';
    default:
      return JSON.stringify(d).slice(0, 200);
  }
}

export function AuditPage() {
  const admin = useIsAdmin();
  return (
    <>
      <PageHeader title="Audit log" description="Who changed settings, links and users, and which opportunity became which PSA ticket." />
      {admin ? <AuditTable /> : <AdminOnlyNote>Only administrators can read the audit log.</AdminOnlyNote>}
    </>
  );
}

function AuditTable() {
  const kinds = useKinds();
  const [action, setAction] = useState<string | null>(null);
  const query = useInfiniteQuery({
    queryKey: ['audit', action],
    queryFn: ({ pageParam }) => api.audit(pageParam, action),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = query.data?.pages.flatMap((p) => p.events) ?? [];
  const columns: Column<AuditEvent>[] = [
    { header: 'When', w: 190, cell: (e) => formatDateTime(e.at) },
    { header: 'Who', cell: (e) => (e.actor === null ? <Text size="sm" c="dimmed">System</Text> : e.actor.email) },
    {
      header: 'Action',
      cell: (e) => {
        const a = byAction.get(e.action);
        return (
          <Badge variant="light" color={a?.color ?? 'gray'} styles={UNCLIPPED}>
            {a?.label ?? e.action}
          </Badge>
        );
      },
    },
    {
      header: 'What',
      cell: (e) => {
        const text = describeEvent(e, kinds);
        const t = e.details.psa as { url?: string } | undefined;
        if (e.action === 'opportunity.exported' && typeof t?.url === 'string') {
          return (
            <Anchor href={t.url} target="_blank" rel="noopener noreferrer" size="sm">
              {text}
            </Anchor>
          );
        }
        if (e.target.startsWith('user:') || e.target.startsWith('opportunity:') || e.target.startsWith('integration:') || e.target.startsWith('links:')) {
          const to = e.target.startsWith('user:') ? '/users' : e.target.startsWith('opportunity:') ? '/opportunities'
            : e.target.startsWith('links:') ? linksPath(e.target.slice('links:'.length)) : settingsPath(e.target.slice('integration:'.length));
          return (
            <Anchor href={to} onClick={(ev) => onLinkClick(ev, to)} size="sm" c="var(--mantine-color-text)" underline="hover">
              {text}
            </Anchor>
          );
        }
        return text;
      },
    },
  ];

  return (
    <PagedTable
      query={query}
      noun={['event', 'events']}
      filters={
        <Select
          label="Action"
          placeholder="All actions"
          clearable
          data={ACTIONS.map((a) => ({ value: a.value, label: a.label }))}
          value={action}
          onChange={setAction}
          w={{ base: '100%', sm: 260 }}
        />
      }
      loadingLabel="Loading the audit log"
      errorTitle="Could not load the audit log"
      empty={<Empty icon={<IconHistory size={28} aria-hidden />} title={action === null ? 'Nothing recorded yet' : 'No events of this kind'} description="Saving settings or links, changing users and exporting opportunities are recorded here." />}
      columns={columns}
      rows={events}
      minWidth={820}
      label="Audit log"
    />
  );
}
