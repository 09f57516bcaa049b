// Link Companies: map each active company of the primary integration to a company of one PSA (a supplemental kind).
// Local edits stay unsaved until "Save changes"; Automap proposals are applied locally for review.
// The table body is virtualized (only visible rows, and so only visible Selects, are rendered).
import { memo, useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useMediaQuery } from '@mantine/hooks';
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
  type ComboboxData,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLinkOff, IconSearch, IconSparkles, IconUnlink } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  api,
  type AutomapResponse,
  type LinkChange,
  type LinkRow,
  type LinkSource,
  type Proposal,
  type PsaCompany,
} from '../api.js';
import { useIsAdmin } from '../auth.js';
import { formatNumber } from '../format.js';
import { navigate, onLinkClick, useBlocker } from '../router.js';
import { companyNoun, primaryName, settingsPath, useIntegrationKinds, useKinds } from '../integration-kinds.js';
import { AdminOnlyNote, Empty, ErrorAlert, PageHeader, TableSkeleton } from '../components/common.js';
import { NotFoundPage } from './NotFoundPage.js';

type Filter = 'all' | 'unlinked' | 'linked' | 'proposed';

interface Edit {
  psaId: string | null;
  source: LinkSource;
}

interface Option {
  value: string;
  label: string;
}

const ROW_HEIGHT = 58;
/** On a phone a row stacks the company above its PSA picker (styles.css, .cw-link-table). */
const STACKED_ROW_HEIGHT = 104;
const STACKED_QUERY = '(max-width: 48em)';

/** Whether the table is being scrolled; rows that appear mid-scroll wait for it to stop before mounting a Select. */
interface ScrollState {
  scrolling: boolean;
  listeners: Set<() => void>;
}
function setScrolling(state: ScrollState, scrolling: boolean): void {
  if (state.scrolling === scrolling) return;
  state.scrolling = scrolling;
  for (const l of state.listeners) l();
}
const OPTION_LIMIT = 100;
const LEAVE_MESSAGE = 'You have unsaved link changes. Leave without saving them?';
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** `/integrations/<kind>/links` for any supplemental kind the server lists. */
export function LinkCompaniesPage({ kind }: { kind: string }) {
  const admin = useIsAdmin();
  const kinds = useIntegrationKinds();
  const info = kinds.data?.get(kind);
  if (kinds.isSuccess && info?.role !== 'supplemental') return <NotFoundPage />;
  return (
    <>
      <Breadcrumbs mb="sm" aria-label="Breadcrumb">
        <Anchor href={settingsPath(kind)} onClick={(e) => onLinkClick(e, settingsPath(kind))} size="sm">
          Integrations
        </Anchor>
        <Text size="sm">{info?.displayName ?? '…'}</Text>
      </Breadcrumbs>
      {admin && info === undefined ? (
        <>
          <PageHeader title="Link Companies" />
          {kinds.isError ? <ErrorAlert error={kinds.error} title="Could not load the integrations" /> : <TableSkeleton rows={12} label="Loading companies to link" />}
        </>
      ) : admin ? (
        <LinkEditor kind={kind} />
      ) : (
        <>
          <PageHeader title="Link Companies" />
          <AdminOnlyNote />
        </>
      )}
    </>
  );
}

function LinkEditor({ kind }: { kind: string }) {
  const queryClient = useQueryClient();
  const kinds = useKinds();
  const psaLabel = kinds.displayName(kind);
  const primary = primaryName(kinds);
  const linksQuery = useQuery({ queryKey: ['links', kind], queryFn: () => api.links(kind), staleTime: 0 });
  const psaQuery = useQuery({ queryKey: ['psa-companies', kind], queryFn: () => api.psaCompanies(kind), staleTime: 60_000 });

  const [edits, setEdits] = useState<ReadonlyMap<string, Edit>>(() => new Map());
  const [proposals, setProposals] = useState<ReadonlyMap<string, Proposal>>(() => new Map());
  const [automapSuggestions, setAutomapSuggestions] = useState<ReadonlyMap<string, string[]>>(() => new Map());
  const [automapResult, setAutomapResult] = useState<{ counts: AutomapResponse['counts']; applied: number; skipped: number } | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);

  // --- server state, indexed -----------------------------------------------------------------
  const rows = useMemo(
    () => [...(linksQuery.data?.rows ?? [])].sort((a, b) => collator.compare(a.itglueName, b.itglueName)),
    [linksQuery.data],
  );
  const serverById = useMemo(() => new Map(rows.map((r) => [r.itglueId, r])), [rows]);
  const psaCompanies = psaQuery.data?.companies;
  const psaById = useMemo(() => new Map((psaCompanies ?? []).map((c) => [c.id, c])), [psaCompanies]);
  // One memoized option list shared by every row's Select.
  const baseOptions = useMemo<Option[]>(
    () =>
      [...(psaCompanies ?? [])]
        .sort((a, b) => Number(a.inactive) - Number(b.inactive) || collator.compare(a.name, b.name))
        .map((c) => ({ value: c.id, label: optionLabel(c) })),
    [psaCompanies],
  );

  // --- derived local state -------------------------------------------------------------------
  const valueOf = useCallback(
    (r: LinkRow): string | null => {
      const e = edits.get(r.itglueId);
      return e !== undefined ? e.psaId : r.psaId;
    },
    [edits],
  );
  const activeProposal = useCallback(
    (r: LinkRow): Proposal | undefined => {
      const p = proposals.get(r.itglueId);
      const e = edits.get(r.itglueId);
      return p !== undefined && e !== undefined && e.psaId === p.psaId ? p : undefined;
    },
    [proposals, edits],
  );

  const changes = useMemo<LinkChange[]>(() => {
    const out: LinkChange[] = [];
    for (const [itglueId, e] of edits) {
      const server = serverById.get(itglueId);
      if (server === undefined || server.psaId === e.psaId) continue;
      out.push({ itglueId, psaId: e.psaId, source: e.psaId === null ? 'manual' : e.source });
    }
    return out;
  }, [edits, serverById]);

  // A proposal the admin cleared or replaced is a rejection (remembered by the server).
  const rejections = useMemo(() => {
    const out: { itglueId: string; psaId: string }[] = [];
    for (const [itglueId, p] of proposals) {
      const server = serverById.get(itglueId);
      if (server === undefined) continue;
      const e = edits.get(itglueId);
      const value = e !== undefined ? e.psaId : server.psaId;
      if (value !== p.psaId) out.push({ itglueId, psaId: p.psaId });
    }
    return out;
  }, [proposals, edits, serverById]);

  const changedIds = useMemo(() => new Set(changes.map((c) => c.itglueId)), [changes]);
  const pendingCount = changes.length + rejections.filter((r) => !changedIds.has(r.itglueId)).length;
  const dirty = pendingCount > 0;
  useBlocker(dirty, LEAVE_MESSAGE);

  const stats = useMemo(() => {
    let linked = 0;
    let auto = 0;
    let proposed = 0;
    for (const r of rows) {
      const e = edits.get(r.itglueId);
      const value = e !== undefined ? e.psaId : r.psaId;
      if (value === null) continue;
      linked++;
      const source = e !== undefined ? e.source : r.source;
      if (source === 'automap') auto++;
      if (activeProposal(r) !== undefined) proposed++;
    }
    return { linked, auto, proposed };
  }, [rows, edits, activeProposal]);

  const visibleRows = useMemo(() => {
    const q = deferredSearch.trim().toLowerCase();
    return rows.filter((r) => {
      const value = valueOf(r);
      if (filter === 'linked' && value === null) return false;
      if (filter === 'unlinked' && value !== null) return false;
      if (filter === 'proposed' && activeProposal(r) === undefined) return false;
      if (q === '') return true;
      if (r.itglueName.toLowerCase().includes(q)) return true;
      const name = value === null ? null : (psaById.get(value)?.name ?? (value === r.psaId ? r.psaName : null));
      return name !== null && name.toLowerCase().includes(q);
    });
  }, [rows, filter, deferredSearch, valueOf, activeProposal, psaById]);

  // --- actions -------------------------------------------------------------------------------
  const setChoice = useCallback(
    (itglueId: string, psaId: string | null) => {
      setEdits((prev) => {
        const next = new Map(prev);
        const server = serverById.get(itglueId);
        if (server !== undefined && server.psaId === psaId) next.delete(itglueId);
        else next.set(itglueId, { psaId, source: 'manual' });
        return next;
      });
    },
    [serverById],
  );
  // Choosing the proposed company again counts as accepting the proposal.
  const choose = useCallback(
    (itglueId: string, psaId: string | null) => {
      const p = proposals.get(itglueId);
      if (p !== undefined && psaId === p.psaId) {
        setEdits((prev) => new Map(prev).set(itglueId, { psaId, source: 'automap' }));
      } else {
        setChoice(itglueId, psaId);
      }
    },
    [proposals, setChoice],
  );

  const discard = () => {
    setEdits(new Map());
    setProposals(new Map());
    setAutomapSuggestions(new Map());
    setAutomapResult(null);
  };

  const automap = useMutation({
    mutationFn: () => api.automap(kind),
    onSuccess: (res) => {
      const nextEdits = new Map(edits);
      const nextProposals = new Map(proposals);
      const taken = new Set<string>();
      for (const [, e] of edits) if (e.psaId !== null) taken.add(e.psaId);
      let applied = 0;
      let skipped = 0;
      for (const p of res.proposals) {
        const server = serverById.get(p.itglueId);
        // Never overwrite an existing link or an unsaved choice; never double-assign locally.
        if (server === undefined || server.psaId !== null || edits.has(p.itglueId) || taken.has(p.psaId)) {
          skipped++;
          continue;
        }
        nextEdits.set(p.itglueId, { psaId: p.psaId, source: 'automap' });
        nextProposals.set(p.itglueId, p);
        taken.add(p.psaId);
        applied++;
      }
      const sugg = new Map<string, string[]>();
      for (const s of res.suggestions) {
        const list = sugg.get(s.itglueId) ?? [];
        if (!list.includes(s.psaId)) list.push(s.psaId);
        sugg.set(s.itglueId, list);
      }
      setEdits(nextEdits);
      setProposals(nextProposals);
      setAutomapSuggestions(sugg);
      setAutomapResult({ counts: res.counts, applied, skipped });
      if (applied > 0) setFilter((f) => (f === 'linked' || f === 'unlinked' ? 'all' : f));
    },
  });

  const save = useMutation({
    mutationFn: async () => {
      if (changes.length > 0) await api.saveLinks(kind, changes);
      for (const r of rejections) await api.rejectProposal(kind, r);
      return { links: changes.length, rejections: rejections.length };
    },
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ['links', kind] });
      void queryClient.invalidateQueries({ queryKey: ['companies'] });
      void queryClient.invalidateQueries({ queryKey: ['company'] });
      discard();
      const parts = [`${formatNumber(res.links)} link ${res.links === 1 ? 'change' : 'changes'} saved`];
      if (res.rejections > 0) parts.push(`${formatNumber(res.rejections)} rejected ${res.rejections === 1 ? 'proposal' : 'proposals'} remembered`);
      notifications.show({ color: 'green', title: 'Links saved', message: parts.join(', ') });
    },
  });

  // --- render --------------------------------------------------------------------------------
  const header = (
    <PageHeader
      title="Link Companies"
      description={`Connect each active ${primary} company to its ${psaLabel} company. Nothing changes until you save.`}
    />
  );

  if (linksQuery.isPending || psaQuery.isPending) {
    return (
      <>
        {header}
        <TableSkeleton rows={12} label="Loading companies to link" />
      </>
    );
  }
  if (linksQuery.isError || psaQuery.isError) {
    return (
      <>
        {header}
        <ErrorAlert error={linksQuery.error ?? psaQuery.error} title="Could not load the companies to link" />
      </>
    );
  }
  if ((psaCompanies ?? []).length === 0) {
    return (
      <>
        {header}
        <Empty
          title={`Run the ${psaLabel} sync first`}
          description={`There are no ${psaLabel} companies yet. Connect ${psaLabel} and let its first sync finish, then come back to link companies.`}
          action={<Button onClick={() => navigate(settingsPath(kind))}>Go to {psaLabel} settings</Button>}
        />
      </>
    );
  }
  if (rows.length === 0) {
    return (
      <>
        {header}
        <Empty
          title={`No ${primary} companies yet`}
          description={`Connect ${primary} and let its first sync finish; active ${companyNoun(kinds)[1]} appear here.`}
          action={<Button onClick={() => navigate('/integrations')}>Go to Integrations</Button>}
        />
      </>
    );
  }

  return (
    <>
      {header}
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="sm" wrap="wrap">
            <Button
              leftSection={<IconSparkles size={16} aria-hidden />}
              variant="light"
              loading={automap.isPending}
              onClick={() => automap.mutate()}
            >
              Automap
            </Button>
            <Button onClick={() => save.mutate()} disabled={!dirty} loading={save.isPending}>
              {dirty ? `Save changes (${formatNumber(pendingCount)})` : 'Save changes'}
            </Button>
            <Button variant="default" onClick={discard} disabled={!dirty || save.isPending}>
              Discard changes
            </Button>
          </Group>
          <Text size="sm" fw={600} role="status" aria-live="polite" data-testid="link-counter">
            {formatNumber(stats.linked)} of {formatNumber(rows.length)} linked · {formatNumber(stats.auto)} auto-matched
            {dirty ? ` · ${formatNumber(pendingCount)} unsaved` : ''}
          </Text>
        </Group>

        <ErrorAlert error={automap.error} title="Automap failed" />
        <ErrorAlert error={save.error} title="Could not save the links" listIssues />
        {automapResult !== null && <AutomapSummary result={automapResult} onClose={() => setAutomapResult(null)} />}

        <Group gap="sm" wrap="wrap" align="flex-end">
          <TextInput
            aria-label="Search companies"
            placeholder="Search companies"
            leftSection={<IconSearch size={16} aria-hidden />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={{ base: '100%', sm: 320 }}
            type="search"
          />
          <SegmentedControl
            aria-label="Show rows"
            value={filter}
            onChange={setFilter}
            data={[
              { value: 'all', label: 'All' },
              { value: 'unlinked', label: 'Unlinked' },
              { value: 'linked', label: 'Linked' },
              { value: 'proposed', label: 'Proposed' },
            ]}
          />
          {stats.proposed > 0 && (
            <Text size="sm" c="dimmed">
              {formatNumber(stats.proposed)} proposed, awaiting review
            </Text>
          )}
        </Group>

        <Legend />

        {visibleRows.length === 0 ? (
          <Empty
            title="No companies match"
            description={search.trim() !== '' ? `Nothing matches “${search.trim()}” with this filter.` : 'No rows in this filter.'}
          />
        ) : (
          <VirtualLinkTable
            rows={visibleRows}
            edits={edits}
            proposals={proposals}
            suggestions={automapSuggestions}
            baseOptions={baseOptions}
            psaById={psaById}
            onChoose={choose}
            psaLabel={psaLabel}
            primaryLabel={primary}
          />
        )}
        <Text size="xs" c="dimmed">
          Showing {formatNumber(visibleRows.length)} of {formatNumber(rows.length)} {primary} companies. Each dropdown lists up to{' '}
          {OPTION_LIMIT} {psaLabel} companies at a time — type to search all {formatNumber(baseOptions.length)}.
        </Text>
      </Stack>
    </>
  );
}

function optionLabel(c: PsaCompany): string {
  return c.inactive ? `${c.name} (inactive)` : c.name;
}

function AutomapSummary({
  result,
  onClose,
}: {
  result: { counts: AutomapResponse['counts']; applied: number; skipped: number };
  onClose: () => void;
}) {
  const { counts, applied } = result;
  return (
    <Alert
      color={applied > 0 ? 'green' : 'blue'}
      title={applied > 0 ? `Automap proposed ${formatNumber(applied)} ${applied === 1 ? 'link' : 'links'}` : 'Automap found nothing new to propose'}
      withCloseButton
      closeButtonLabel="Dismiss automap summary"
      onClose={onClose}
      role="status"
    >
      <Text size="sm">
        {applied > 0 ? 'Proposals are highlighted below and are not saved yet: keep, change or clear each one, then Save changes. ' : ''}
        {formatNumber(counts.alreadyLinked)} already linked.{' '}
        {counts.ambiguous > 0 && (
          <strong>
            {formatNumber(counts.ambiguous)} ambiguous left for you to decide.{' '}
          </strong>
        )}
        {counts.unmatched > 0 && `${formatNumber(counts.unmatched)} without a confident match.`}
      </Text>
    </Alert>
  );
}

function Legend() {
  return (
    <Group gap="md" aria-label="Legend">
      <Group gap={6}>
        <span className="cw-row-exact" style={{ width: 14, height: 14, borderRadius: 3, display: 'inline-block', border: '1px solid var(--mantine-color-green-4)' }} aria-hidden />
        <Text size="xs">Exact match (proposed)</Text>
      </Group>
      <Group gap={6}>
        <span className="cw-row-near" style={{ width: 14, height: 14, borderRadius: 3, display: 'inline-block', border: '1px solid var(--mantine-color-teal-3)' }} aria-hidden />
        <Text size="xs">Near-exact match (proposed, please review)</Text>
      </Group>
      <Text size="xs" c="dimmed">
        Hover a badge to see why.
      </Text>
    </Group>
  );
}

// ---------------------------------------------------------------------------------------------

function VirtualLinkTable({
  rows,
  edits,
  proposals,
  suggestions,
  baseOptions,
  psaById,
  onChoose,
  psaLabel,
  primaryLabel,
}: {
  rows: LinkRow[];
  edits: ReadonlyMap<string, Edit>;
  proposals: ReadonlyMap<string, Proposal>;
  suggestions: ReadonlyMap<string, string[]>;
  baseOptions: Option[];
  psaById: ReadonlyMap<string, PsaCompany>;
  onChoose: (itglueId: string, psaId: string | null) => void;
  psaLabel: string;
  primaryLabel: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollState] = useState<ScrollState>(() => ({ scrolling: false, listeners: new Set() }));
  const stacked = useMediaQuery(STACKED_QUERY) === true;
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => (stacked ? STACKED_ROW_HEIGHT : ROW_HEIGHT),
    overscan: 6,
    getItemKey: (i) => rows[i].itglueId,
    onChange: (instance) => setScrolling(scrollState, instance.isScrolling),
  });
  // Rows change height when the layout switches: measure them again.
  useEffect(() => virtualizer.measure(), [stacked, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length > 0 ? items[0].start : 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;

  return (
    <div
      ref={scrollRef}
      className="cw-virtual-scroll"
      style={{ height: 'max(420px, calc(100vh - 400px))' }}
      tabIndex={-1}
      data-testid="link-table-scroll"
    >
      <Table
        aria-label="Company links"
        aria-rowcount={rows.length + 1}
        className="cw-link-table"
        style={{ '--cw-row-height': `${ROW_HEIGHT}px` } as CSSProperties}
        verticalSpacing={6}
      >
        <Table.Thead>
          <Table.Tr aria-rowindex={1}>
            <Table.Th>{primaryLabel} Company (Active)</Table.Th>
            <Table.Th>PSA Company (Link)</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {paddingTop > 0 && (
            <tr aria-hidden>
              <td colSpan={2} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {items.map((item) => {
            const r = rows[item.index];
            const e = edits.get(r.itglueId);
            const value = e !== undefined ? e.psaId : r.psaId;
            const p = proposals.get(r.itglueId);
            const proposal = p !== undefined && e !== undefined && e.psaId === p.psaId ? p : undefined;
            return (
              <LinkTableRow
                key={item.key}
                index={item.index}
                measureRef={virtualizer.measureElement}
                row={r}
                value={value}
                changed={e !== undefined && e.psaId !== r.psaId}
                source={e !== undefined ? e.source : r.source}
                proposal={proposal}
                rejected={p !== undefined && proposal === undefined}
                suggested={suggestions.get(r.itglueId)}
                baseOptions={baseOptions}
                psaById={psaById}
                onChoose={onChoose}
                psaLabel={psaLabel}
                scrollState={scrollState}
              />
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden>
              <td colSpan={2} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </Table.Tbody>
      </Table>
    </div>
  );
}

const LinkTableRow = memo(function LinkTableRow({
  index,
  measureRef,
  row,
  value,
  changed,
  source,
  proposal,
  rejected,
  suggested,
  baseOptions,
  psaById,
  onChoose,
  psaLabel,
  scrollState,
}: {
  index: number;
  measureRef: (el: Element | null) => void;
  row: LinkRow;
  value: string | null;
  changed: boolean;
  source: LinkSource | null;
  proposal: Proposal | undefined;
  rejected: boolean;
  suggested: string[] | undefined;
  baseOptions: Option[];
  psaById: ReadonlyMap<string, PsaCompany>;
  onChoose: (itglueId: string, psaId: string | null) => void;
  psaLabel: string;
  scrollState: ScrollState;
}) {
  // A row that scrolls into view mid-scroll shows a light stand-in until scrolling stops; once real, it stays real.
  const [real, setReal] = useState(() => !scrollState.scrolling);
  useEffect(() => {
    if (real) return;
    const check = () => {
      if (!scrollState.scrolling) setReal(true);
    };
    scrollState.listeners.add(check);
    check();
    return () => {
      scrollState.listeners.delete(check);
    };
  }, [real, scrollState]);

  // Suggested companies first; a linked company missing from the PSA list still shows its name.
  const data = useMemo<ComboboxData>(() => {
    if (!real) return [];
    const missing =
      value !== null && !psaById.has(value)
        ? [{ value, label: value === row.psaId && row.psaName !== null ? row.psaName : `${psaLabel} #${value}` }]
        : [];
    const sugg = (suggested ?? []).filter((id) => psaById.has(id));
    if (sugg.length === 0) return missing.length > 0 ? [...missing, ...baseOptions] : baseOptions;
    const set = new Set(sugg);
    return [
      { group: 'Suggested', items: sugg.map((id) => ({ value: id, label: optionLabel(psaById.get(id)!) })) },
      { group: `All ${psaLabel} companies`, items: [...missing, ...baseOptions.filter((o) => !set.has(o.value))] },
    ];
  }, [real, value, row.psaId, row.psaName, suggested, baseOptions, psaById, psaLabel]);

  const labelId = useId();
  const current = value === null ? undefined : psaById.get(value);
  const currentLabel =
    current !== undefined ? optionLabel(current) : value === row.psaId && row.psaName !== null ? row.psaName : `${psaLabel} #${value ?? ''}`;
  const className = proposal === undefined ? undefined : proposal.tier === 'exact' ? 'cw-row-exact' : 'cw-row-near';
  const name = row.itglueName;

  return (
    <Table.Tr
      ref={measureRef}
      data-index={index}
      aria-rowindex={index + 2}
      className={[className, changed ? 'cw-row-changed' : undefined].filter(Boolean).join(' ') || undefined}
      data-proposed={proposal?.tier}
      data-changed={changed ? 'true' : undefined}
    >
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" fw={600} truncate="end" title={name}>
            {name}
          </Text>
          {changed && (
            <Badge size="xs" variant="dot" color="blue">
              Unsaved
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          {/* aria-labelledby (not aria-label) so the open listbox doesn't carry the same label. */}
          <VisuallyHidden id={labelId}>{`PSA company for ${name}`}</VisuallyHidden>
          {real ? (
            <Select
              aria-labelledby={labelId}
              placeholder="Not linked"
              searchable
              data={data}
              value={value}
              onChange={(v) => onChoose(row.itglueId, v)}
              allowDeselect={false}
              limit={OPTION_LIMIT}
              maxDropdownHeight={320}
              nothingFoundMessage={`No ${psaLabel} company matches`}
              comboboxProps={{ withinPortal: true, keepMounted: false }}
              style={{ flex: 1, minWidth: 0 }}
              size="sm"
            />
          ) : (
            <div className="cw-select-standin" aria-hidden>
              {value === null ? 'Not linked' : currentLabel}
            </div>
          )}
          <Group w={118} gap={4} wrap="nowrap" justify="flex-start" style={{ flexShrink: 0 }}>
            {proposal !== undefined && <TierBadge proposal={proposal} />}
            {proposal === undefined && value !== null && !changed && source !== null && (
              <Badge size="sm" variant="outline" color="gray">
                {source === 'automap' ? 'Automap' : 'Manual'}
              </Badge>
            )}
            {proposal === undefined && value === null && rejected && (
              <Badge size="sm" variant="outline" color="red">
                Rejected
              </Badge>
            )}
            {proposal === undefined && value === null && !rejected && suggested !== undefined && suggested.length > 0 && (
              <Badge size="sm" variant="light" color="yellow">
                {suggested.length === 1 ? '1 suggestion' : `${suggested.length} suggestions`}
              </Badge>
            )}
          </Group>
          <Tooltip label={`Unlink ${name}`} openDelay={300}>
            <ActionIcon
              variant="subtle"
              color="gray"
              aria-label={`Unlink ${name}`}
              disabled={value === null}
              onClick={() => onChoose(row.itglueId, null)}
            >
              {proposal !== undefined ? <IconLinkOff size={18} aria-hidden /> : <IconUnlink size={18} aria-hidden />}
            </ActionIcon>
          </Tooltip>
        </Group>
      </Table.Td>
    </Table.Tr>
  );
});

function TierBadge({ proposal }: { proposal: Proposal }) {
  const exact = proposal.tier === 'exact';
  const descId = useId();
  const reasons = proposal.reasons.length > 0 ? proposal.reasons : ['No explanation given'];
  return (
    <>
    <Tooltip
      multiline
      w={340}
      withArrow
      events={{ hover: true, focus: true, touch: true }}
      label={
        <Stack gap={2}>
          <Text size="xs" fw={700}>
            {exact ? 'Exact' : 'Near-exact'} match · score {proposal.score.toFixed(2)}
          </Text>
          {reasons.map((r, i) => (
            <Text size="xs" key={i}>
              • {r}
            </Text>
          ))}
        </Stack>
      }
    >
      <Badge
        size="sm"
        color={exact ? 'green' : 'teal'}
        variant={exact ? 'filled' : 'light'}
        tabIndex={0}
        aria-describedby={descId}
        style={{ cursor: 'help', flexShrink: 0 }}
        data-testid="tier-badge"
      >
        {exact ? 'Exact' : 'Near-exact'}
      </Badge>
    </Tooltip>
    <VisuallyHidden id={descId}>{reasons.join('; ')}</VisuallyHidden>
    </>
  );
}

