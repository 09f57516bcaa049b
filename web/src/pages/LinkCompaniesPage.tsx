// Link Companies: map each active company of the primary integration to a company of one PSA (a supplemental kind).
// Shown as the "Link Companies to <primary>" tab of the PSA integration (IntegrationsPage).
// Local edits stay unsaved until "Save changes"; Automap proposals are applied locally for review. Suggestions and
// possible matches (review tier) are asked of the server when the page opens and after every save, so they stay
// until decided. The rows follow the page's own scroll (a window virtualizer: no nested scroll box).
import { memo, useCallback, useDeferredValue, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { useMediaQuery } from '@mantine/hooks';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Tooltip,
  VisuallyHidden,
  type ComboboxData,
  type ComboboxItem,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp, IconChecks, IconLinkOff, IconSearch, IconSparkles, IconUnlink, IconX } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import {
  api,
  type AutomapResponse,
  type LinkChange,
  type LinkRow,
  type LinkSource,
  type Proposal,
  type PsaCompany,
  type ReviewItem,
  type Suggestion,
} from '../api.js';
import { useIsAdmin } from '../auth.js';
import { formatDateTime, formatNumber } from '../format.js';
import { navigate, useBlocker } from '../router.js';
import { companyNoun, primaryName, settingsPath, useIntegrationKinds, useKinds } from '../integration-kinds.js';
import { AdminOnlyNote, Empty, ErrorAlert, Heading, TableSkeleton } from '../components/common.js';

type Filter = 'all' | 'unlinked' | 'linked' | 'proposed' | 'suggestions' | 'ambiguous';

interface Edit {
  psaId: string | null;
  source: LinkSource;
  /** The admin confirmed linking a PSA company that other companies already use. */
  allowShared?: boolean;
}

interface Option {
  value: string;
  label: string;
}

/** A suggestion for one row, whatever its tier: an Automap proposal not applied, a possible match, or a suggestion. */
interface Hint {
  psaId: string;
  kind: 'proposal' | 'review' | 'suggestion';
  score: number;
  reasons: string[];
}

const ROW_HEIGHT = 76;
/** On a phone a row stacks the company above its PSA picker (styles.css, .cw-link-table). */
const STACKED_ROW_HEIGHT = 168;
const STACKED_QUERY = '(max-width: 48em)';

/** Whether the page is being scrolled; rows that appear mid-scroll wait for it to stop before mounting a Select. */
interface ScrollState {
  scrolling: boolean;
  listeners: Set<() => void>;
}
function setScrolling(state: ScrollState, scrolling: boolean): void {
  if (state.scrolling === scrolling) return;
  state.scrolling = scrolling;
  for (const l of state.listeners) l();
}
/**
 * What every row of the table shares, in one object the page memoizes: a memoized row re-renders when its own
 * props or one of these change.
 */
interface RowContext {
  holders: ReadonlyMap<string, LinkRow[]>;
  baseOptions: Option[];
  psaById: ReadonlyMap<string, PsaCompany>;
  onChoose: (itglueId: string, psaId: string | null) => void;
  psaLabel: string;
  stacked: boolean;
}
const OPTION_LIMIT = 100;
const LEAVE_MESSAGE = 'You have unsaved link changes. Leave without saving them?';
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The Link Companies tab of a supplemental kind (`/integrations/<kind>/links`). */
export function LinkCompaniesPage({ kind }: { kind: string }) {
  const admin = useIsAdmin();
  const kinds = useIntegrationKinds();
  const info = kinds.data?.get(kind);
  if (!admin) return <AdminOnlyNote />;
  if (info === undefined) {
    return kinds.isError ? <ErrorAlert error={kinds.error} title="Could not load the integrations" /> : <TableSkeleton rows={12} label="Loading companies to link" />;
  }
  return <LinkEditor kind={kind} />;
}

/** "<short name> Company (Link)": the PSA's short name from the kinds API. */
export function psaColumnTitle(shortName: string): string {
  return `${shortName} Company (Link)`;
}

function LinkEditor({ kind }: { kind: string }) {
  const queryClient = useQueryClient();
  const kinds = useKinds();
  const psaLabel = kinds.displayName(kind);
  const psaShort = kinds.get(kind)?.shortName ?? psaLabel;
  const primary = primaryName(kinds);
  const linksQuery = useQuery({ queryKey: ['links', kind], queryFn: () => api.links(kind), staleTime: 0 });
  const psaQuery = useQuery({ queryKey: ['psa-companies', kind], queryFn: () => api.psaCompanies(kind), staleTime: 60_000 });

  const [edits, setEdits] = useState<ReadonlyMap<string, Edit>>(() => new Map());
  const [proposals, setProposals] = useState<ReadonlyMap<string, Proposal>>(() => new Map());
  const [hints, setHints] = useState<ReadonlyMap<string, Hint[]>>(() => new Map());
  const [ambiguous, setAmbiguous] = useState<ReadonlySet<string>>(() => new Set());
  const [automapResult, setAutomapResult] = useState<{ counts: AutomapResponse['counts']; applied: number; skipped: number; review: number } | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [search, setSearch] = useState('');
  const [confirm, setConfirm] = useState<{ itglueId: string; psaId: string; others: string[] } | null>(null);
  // Bumped to re-apply the filter: rows edited in a filtered view stay until then.
  const [filterEpoch, setFilterEpoch] = useState(0);
  const deferredSearch = useDeferredValue(search);
  const stacked = useMediaQuery(STACKED_QUERY) === true;

  // --- server state, indexed -----------------------------------------------------------------
  const rows = useMemo(
    () => [...(linksQuery.data?.rows ?? [])].sort((a, b) => collator.compare(a.itglueName, b.itglueName) || collator.compare(a.itglueId, b.itglueId)),
    [linksQuery.data],
  );
  const serverById = useMemo(() => new Map(rows.map((r) => [r.itglueId, r])), [rows]);
  const duplicateNames = useMemo(() => {
    const count = new Map<string, number>();
    for (const r of rows) count.set(r.itglueName.trim().toLowerCase(), (count.get(r.itglueName.trim().toLowerCase()) ?? 0) + 1);
    return new Set([...count].filter(([, n]) => n > 1).map(([k]) => k));
  }, [rows]);
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
  // Which companies hold each PSA company right now (saved links and unsaved choices).
  const holders = useMemo(() => {
    const m = new Map<string, LinkRow[]>();
    for (const r of rows) {
      const v = valueOf(r);
      if (v === null) continue;
      const l = m.get(v);
      if (l) l.push(r);
      else m.set(v, [r]);
    }
    return m;
  }, [rows, valueOf]);

  const changes = useMemo<LinkChange[]>(() => {
    const out: LinkChange[] = [];
    for (const [itglueId, e] of edits) {
      const server = serverById.get(itglueId);
      if (server === undefined || server.psaId === e.psaId) continue;
      out.push({ itglueId, psaId: e.psaId, source: e.psaId === null ? 'manual' : e.source, ...(e.allowShared ? { allowShared: true } : {}) });
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

  const activeProposal = useCallback(
    (itglueId: string): Proposal | undefined => {
      const p = proposals.get(itglueId);
      const e = edits.get(itglueId);
      return p !== undefined && e !== undefined && e.psaId === p.psaId ? p : undefined;
    },
    [proposals, edits],
  );

  const stats = useMemo(() => {
    let linked = 0;
    let auto = 0;
    let exact = 0;
    let near = 0;
    let review = 0;
    let suggested = 0;
    for (const r of rows) {
      const e = edits.get(r.itglueId);
      const value = e !== undefined ? e.psaId : r.psaId;
      const p = activeProposal(r.itglueId);
      if (p?.tier === 'exact') exact++;
      if (p?.tier === 'near-exact') near++;
      if (value === null) {
        const h = hints.get(r.itglueId);
        if (h !== undefined && h.length > 0) {
          suggested++;
          if (h.some((x) => x.kind === 'review')) review++;
        }
        continue;
      }
      linked++;
      const source = e !== undefined ? e.source : r.source;
      if (source === 'automap') auto++;
    }
    return { linked, auto, exact, near, proposed: exact + near, review, suggested };
  }, [rows, edits, hints, activeProposal]);

  // The filter is applied when it (or the search) changes, after Automap and after a save — not on every edit,
  // so a row edited in a filtered view stays where it is until the filter is applied again.
  const editsRef = useRef(edits);
  editsRef.current = edits;
  const proposalsRef = useRef(proposals);
  proposalsRef.current = proposals;
  const visibleRows = useMemo(() => {
    const q = deferredSearch.trim().toLowerCase();
    const ed = editsRef.current;
    const pr = proposalsRef.current;
    return rows.filter((r) => {
      const e = ed.get(r.itglueId);
      const value = e !== undefined ? e.psaId : r.psaId;
      const p = pr.get(r.itglueId);
      const proposed = p !== undefined && e !== undefined && e.psaId === p.psaId;
      if (filter === 'linked' && value === null) return false;
      if (filter === 'unlinked' && value !== null) return false;
      if (filter === 'proposed' && !proposed) return false;
      if (filter === 'suggestions' && (value !== null || (hints.get(r.itglueId)?.length ?? 0) === 0)) return false;
      if (filter === 'ambiguous' && (value !== null || !ambiguous.has(r.itglueId))) return false;
      if (q === '') return true;
      if (r.itglueName.toLowerCase().includes(q) || (r.shortName ?? '').toLowerCase().includes(q)) return true;
      const name = value === null ? null : (psaById.get(value)?.name ?? (value === r.psaId ? r.psaName : null));
      return name !== null && name.toLowerCase().includes(q);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- edits and proposals are read through refs on purpose
  }, [rows, filter, deferredSearch, hints, ambiguous, psaById, filterEpoch]);
  const stale = useMemo(() => {
    if (filter === 'all' && deferredSearch.trim() === '') return false;
    return visibleRows.some((r) => edits.has(r.itglueId));
  }, [filter, deferredSearch, visibleRows, edits]);

  // --- actions -------------------------------------------------------------------------------
  const apply = useCallback(
    (itglueId: string, psaId: string | null, allowShared: boolean) => {
      const p = proposals.get(itglueId);
      setEdits((prev) => {
        const next = new Map(prev);
        const server = serverById.get(itglueId);
        if (server !== undefined && server.psaId === psaId) next.delete(itglueId);
        else next.set(itglueId, { psaId, source: p !== undefined && p.psaId === psaId ? 'automap' : 'manual', ...(allowShared ? { allowShared } : {}) });
        return next;
      });
    },
    [proposals, serverById],
  );
  // Choosing a PSA company another company already uses asks first.
  const choose = useCallback(
    (itglueId: string, psaId: string | null) => {
      if (psaId !== null) {
        const others = (holders.get(psaId) ?? []).filter((r) => r.itglueId !== itglueId);
        if (others.length > 0) {
          setConfirm({ itglueId, psaId, others: others.map((r) => r.itglueName) });
          return;
        }
      }
      apply(itglueId, psaId, false);
    },
    [holders, apply],
  );
  const rowContext = useMemo<RowContext>(
    () => ({ holders, baseOptions, psaById, onChoose: choose, psaLabel, stacked }),
    [holders, baseOptions, psaById, choose, psaLabel, stacked],
  );

  const discard = () => {
    setEdits(new Map());
    setProposals(new Map());
    setAutomapResult(null);
  };

  /** Suggestions, possible matches and ambiguous rows from an Automap run (the server recomputes them the same way). */
  const learn = useCallback((res: AutomapResponse, applied: ReadonlySet<string>) => {
    const next = new Map<string, Hint[]>();
    const add = (itglueId: string, h: Hint) => {
      const l = next.get(itglueId) ?? [];
      if (!l.some((x) => x.psaId === h.psaId)) l.push(h);
      next.set(itglueId, l);
    };
    for (const p of res.proposals) if (!applied.has(p.itglueId)) add(p.itglueId, { psaId: p.psaId, kind: 'proposal', score: p.score, reasons: [`${p.tier === 'exact' ? 'Exact' : 'Near-exact'} match`, ...p.reasons] });
    for (const r of res.review as ReviewItem[]) add(r.itglueId, { psaId: r.psaId, kind: 'review', score: r.score, reasons: r.reasons });
    for (const s of res.suggestions as Suggestion[]) add(s.itglueId, { psaId: s.psaId, kind: 'suggestion', score: s.score, reasons: s.reasons });
    setHints(next);
    setAmbiguous(new Set(res.ambiguous.map((a) => a.itglueId)));
  }, []);

  // Suggestions when the page opens and after every save: they stay until decided.
  const refresh = useMutation({ mutationFn: () => api.automap(kind), onSuccess: (res) => learn(res, new Set()) });
  const refreshMutate = refresh.mutate;
  const linksLoaded = linksQuery.isSuccess;
  useEffect(() => {
    if (linksLoaded) refreshMutate();
  }, [linksLoaded, refreshMutate]);

  const automap = useMutation({
    mutationFn: () => api.automap(kind),
    onSuccess: (res) => {
      const nextEdits = new Map(edits);
      const nextProposals = new Map(proposals);
      const taken = new Set<string>();
      for (const [, e] of edits) if (e.psaId !== null) taken.add(e.psaId);
      let applied = 0;
      let skipped = 0;
      const appliedIds = new Set<string>();
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
        appliedIds.add(p.itglueId);
        applied++;
      }
      setEdits(nextEdits);
      setProposals(nextProposals);
      learn(res, appliedIds);
      setAutomapResult({ counts: res.counts, applied, skipped, review: res.reviewCounts.companies });
      if (applied > 0) setFilter((f) => (f === 'linked' || f === 'unlinked' ? 'all' : f));
      setFilterEpoch((n) => n + 1);
    },
  });

  const afterSave = async () => {
    await queryClient.invalidateQueries({ queryKey: ['links', kind] });
    void queryClient.invalidateQueries({ queryKey: ['companies'] });
    void queryClient.invalidateQueries({ queryKey: ['company'] });
    refresh.mutate();
    setFilterEpoch((n) => n + 1);
  };

  const save = useMutation({
    mutationFn: async () => {
      if (changes.length > 0) await api.saveLinks(kind, changes);
      for (const r of rejections) await api.rejectProposal(kind, r);
      return { links: changes.length, rejections: rejections.length };
    },
    onSuccess: async (res) => {
      discard();
      await afterSave();
      const parts = [`${formatNumber(res.links)} link ${res.links === 1 ? 'change' : 'changes'} saved`];
      if (res.rejections > 0) parts.push(`${formatNumber(res.rejections)} rejected ${res.rejections === 1 ? 'proposal' : 'proposals'} remembered`);
      notifications.show({ color: 'green', title: 'Links saved', message: `${parts.join(', ')}. Undo last save reverts them.` });
    },
  });

  // Bulk: save every exact proposal now; the rest stays for review.
  const exactIds = useMemo(() => [...proposals.values()].filter((p) => p.tier === 'exact' && activeProposal(p.itglueId) !== undefined).map((p) => p.itglueId), [proposals, activeProposal]);
  const acceptExact = useMutation({
    mutationFn: async () => {
      const list = exactIds.map((id) => ({ itglueId: id, psaId: proposals.get(id)!.psaId, source: 'automap' as const }));
      await api.saveLinks(kind, list);
      return list.length;
    },
    onSuccess: async (n) => {
      const done = new Set(exactIds);
      setEdits((prev) => new Map([...prev].filter(([id]) => !done.has(id))));
      setProposals((prev) => new Map([...prev].filter(([id]) => !done.has(id))));
      await afterSave();
      notifications.show({ color: 'green', title: 'Exact matches saved', message: `${formatNumber(n)} exact ${n === 1 ? 'match' : 'matches'} linked. Undo last save reverts them.` });
    },
  });
  // Bulk: drop every unsaved proposal (not remembered as rejected: Automap may propose them again).
  const clearProposals = () => {
    const ids = new Set(proposals.keys());
    setEdits((prev) => new Map([...prev].filter(([id, e]) => !(ids.has(id) && e.psaId === proposals.get(id)!.psaId))));
    setProposals(new Map());
    setAutomapResult(null);
  };

  const lastSave = linksQuery.data?.lastSave ?? null;
  const undo = useMutation({
    mutationFn: () => api.undoLinks(kind, lastSave?.id),
    onSuccess: async () => {
      await afterSave();
      notifications.show({ color: 'green', title: 'Save undone', message: 'The links are back to what they were before the last save.' });
    },
  });

  // --- render --------------------------------------------------------------------------------
  const title = `Link Companies to ${primary}`;
  const header = (
    <Stack gap={4} mb="md">
      <Heading order={2} size="h3" title={title} subtitle={`Connect each active ${primary} company to its ${psaLabel} company. Nothing changes until you save.`} />
    </Stack>
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

  const busy = save.isPending || acceptExact.isPending || undo.isPending;
  const confirmRow = confirm === null ? undefined : serverById.get(confirm.itglueId);
  const confirmPsa = confirm === null ? undefined : psaById.get(confirm.psaId);

  return (
    <>
      {header}
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Group gap="sm" wrap="wrap">
            <Button leftSection={<IconSparkles size={16} aria-hidden />} variant="light" loading={automap.isPending} onClick={() => automap.mutate()}>
              Automap
            </Button>
            <Button onClick={() => save.mutate()} disabled={!dirty || busy} loading={save.isPending}>
              {dirty ? `Save changes (${formatNumber(pendingCount)})` : 'Save changes'}
            </Button>
            <Button variant="default" onClick={discard} disabled={!dirty || busy}>
              Discard changes
            </Button>
            <Tooltip label={dirty ? 'Save or discard your changes first' : lastSave === null ? 'Nothing saved yet' : `Saved ${formatDateTime(lastSave.savedAt)}`} openDelay={300}>
              <Button
                variant="default"
                leftSection={<IconArrowBackUp size={16} aria-hidden />}
                onClick={() => undo.mutate()}
                disabled={lastSave === null || dirty || busy}
                loading={undo.isPending}
              >
                Undo last save
              </Button>
            </Tooltip>
          </Group>
          <Text size="sm" fw={600} role="status" aria-live="polite" data-testid="link-counter">
            {formatNumber(stats.linked)} of {formatNumber(rows.length)} linked · {formatNumber(stats.auto)} auto-matched
            {dirty ? ` · ${formatNumber(pendingCount)} unsaved` : ''}
          </Text>
        </Group>

        <ErrorAlert error={automap.error} title="Automap failed" />
        <ErrorAlert error={save.error} title="Could not save the links" listIssues />
        <ErrorAlert error={acceptExact.error} title="Could not save the exact matches" />
        <ErrorAlert error={undo.error} title="Could not undo the last save" />
        {automapResult !== null && <AutomapSummary result={automapResult} onClose={() => setAutomapResult(null)} />}

        {stats.proposed > 0 && (
          <Group gap="sm" wrap="wrap" data-testid="proposal-bar">
            <Text size="sm" fw={600} data-testid="proposal-counter">
              {formatNumber(stats.proposed)} {stats.proposed === 1 ? 'proposal' : 'proposals'} to review ({formatNumber(stats.exact)} exact, {formatNumber(stats.near)} near-exact)
            </Text>
            <Button size="xs" leftSection={<IconChecks size={14} aria-hidden />} onClick={() => acceptExact.mutate()} disabled={exactIds.length === 0 || busy} loading={acceptExact.isPending}>
              {`Accept all exact (${formatNumber(exactIds.length)})`}
            </Button>
            <Button size="xs" variant="default" leftSection={<IconX size={14} aria-hidden />} onClick={clearProposals} disabled={busy}>
              Clear proposals
            </Button>
          </Group>
        )}

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
            onChange={(v) => {
              setFilter(v as Filter);
              setFilterEpoch((n) => n + 1);
            }}
            orientation={stacked ? 'vertical' : 'horizontal'}
            fullWidth={stacked}
            w={stacked ? '100%' : undefined}
            data={[
              { value: 'all', label: 'All' },
              { value: 'unlinked', label: 'Unlinked' },
              { value: 'linked', label: 'Linked' },
              { value: 'proposed', label: 'Proposed' },
              { value: 'suggestions', label: `Suggestions (${formatNumber(stats.suggested)})` },
              { value: 'ambiguous', label: `Ambiguous (${formatNumber(ambiguous.size)})` },
            ]}
          />
          {stale && (
            <Button size="xs" variant="subtle" onClick={() => setFilterEpoch((n) => n + 1)}>
              Re-apply filter
            </Button>
          )}
        </Group>

        <Legend reviewCount={stats.review} />

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
            hints={hints}
            ambiguous={ambiguous}
            duplicateNames={duplicateNames}
            context={rowContext}
            psaHeader={psaColumnTitle(psaShort)}
            primaryLabel={primary}
          />
        )}
        <Text size="xs" c="dimmed">
          Showing {formatNumber(visibleRows.length)} of {formatNumber(rows.length)} {primary} companies. Each dropdown lists up to {OPTION_LIMIT}{' '}
          {psaLabel} companies at a time — type to search all {formatNumber(baseOptions.length)}.
        </Text>
      </Stack>

      <Modal opened={confirm !== null} onClose={() => setConfirm(null)} title={`Link ${confirmPsa?.name ?? 'this company'} again?`} centered>
        {confirm !== null && (
          <Stack gap="md">
            <Text size="sm">
              {confirmPsa?.name ?? `${psaLabel} #${confirm.psaId}`} is already linked to {confirm.others.join(', ')}. Linking it to {confirmRow?.itglueName ?? 'this company'} as well
              means both companies show the same tickets and receive the same opportunities.
            </Text>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" onClick={() => setConfirm(null)}>
                Cancel
              </Button>
              <Button
                onClick={() => {
                  apply(confirm.itglueId, confirm.psaId, true);
                  setConfirm(null);
                }}
              >
                Link to both
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
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
  result: { counts: AutomapResponse['counts']; applied: number; skipped: number; review: number };
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
        {counts.ambiguous > 0 && <strong>{formatNumber(counts.ambiguous)} ambiguous left for you to decide. </strong>}
        {result.review > 0 && `${formatNumber(result.review)} possible ${result.review === 1 ? 'match' : 'matches'} to review (Suggestions). `}
        {counts.unmatched > 0 && `${formatNumber(counts.unmatched)} without a confident match.`}
      </Text>
    </Alert>
  );
}

function Legend({ reviewCount }: { reviewCount: number }) {
  const swatch = (className: string, border: string) => (
    <span className={className} style={{ width: 14, height: 14, borderRadius: 3, display: 'inline-block', border: `1px solid var(--mantine-color-${border})` }} aria-hidden />
  );
  return (
    <Group gap="md" aria-label="Legend" wrap="wrap">
      <Group gap={6}>
        {swatch('cw-row-exact', 'green-6')}
        <Text size="xs">Exact match (proposed)</Text>
      </Group>
      <Group gap={6}>
        {swatch('cw-row-near', 'green-4')}
        <Text size="xs">Near-exact match (proposed, please review)</Text>
      </Group>
      <Group gap={6}>
        {swatch('cw-row-review', 'yellow-6')}
        <Text size="xs">Possible match (not selected{reviewCount > 0 ? `; ${formatNumber(reviewCount)} shown` : ''})</Text>
      </Group>
    </Group>
  );
}

// ---------------------------------------------------------------------------------------------

function VirtualLinkTable({
  rows,
  edits,
  proposals,
  hints,
  ambiguous,
  duplicateNames,
  context,
  psaHeader,
  primaryLabel,
}: {
  rows: LinkRow[];
  edits: ReadonlyMap<string, Edit>;
  proposals: ReadonlyMap<string, Proposal>;
  hints: ReadonlyMap<string, Hint[]>;
  ambiguous: ReadonlySet<string>;
  duplicateNames: ReadonlySet<string>;
  context: RowContext;
  psaHeader: string;
  primaryLabel: string;
}) {
  const { stacked } = context;
  const wrapRef = useRef<HTMLDivElement>(null);
  const [scrollState] = useState<ScrollState>(() => ({ scrolling: false, listeners: new Set() }));
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const el = wrapRef.current;
    if (el) setMargin(el.getBoundingClientRect().top + window.scrollY);
  });
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => (stacked ? STACKED_ROW_HEIGHT : ROW_HEIGHT),
    overscan: 6,
    scrollMargin: margin,
    getItemKey: (i) => rows[i].itglueId,
    onChange: (instance) => setScrolling(scrollState, instance.isScrolling),
  });
  // Rows change height when the layout switches: measure them again.
  useEffect(() => virtualizer.measure(), [stacked, virtualizer]);
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length > 0 ? items[0].start - margin : 0;
  const paddingBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1].end - margin) : 0;

  return (
    <div ref={wrapRef} className="cw-link-wrap" data-testid="link-table">
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
            <Table.Th>{psaHeader}</Table.Th>
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
                shared={e !== undefined ? e.allowShared === true : r.shared}
                source={e !== undefined ? e.source : r.source}
                proposal={proposal}
                rejected={p !== undefined && proposal === undefined}
                hints={hints.get(r.itglueId)}
                ambiguous={ambiguous.has(r.itglueId)}
                duplicate={duplicateNames.has(r.itglueName.trim().toLowerCase())}
                context={context}
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
  shared,
  source,
  proposal,
  rejected,
  hints,
  ambiguous,
  duplicate,
  context,
  scrollState,
}: {
  index: number;
  measureRef: (el: Element | null) => void;
  row: LinkRow;
  value: string | null;
  changed: boolean;
  shared: boolean;
  source: LinkSource | null;
  proposal: Proposal | undefined;
  rejected: boolean;
  hints: Hint[] | undefined;
  ambiguous: boolean;
  duplicate: boolean;
  context: RowContext;
  scrollState: ScrollState;
}) {
  const { holders, baseOptions, psaById, onChoose, psaLabel, stacked } = context;
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

  const open = hints?.filter((h) => psaById.has(h.psaId)) ?? [];
  // Suggested companies first; a linked company missing from the PSA list still shows its name.
  const data = useMemo<ComboboxData>(() => {
    if (!real) return [];
    const missing =
      value !== null && !psaById.has(value)
        ? [{ value, label: value === row.psaId && row.psaName !== null ? row.psaName : `${psaLabel} #${value}` }]
        : [];
    const sugg = (hints ?? []).map((h) => h.psaId).filter((id) => psaById.has(id));
    if (sugg.length === 0) return missing.length > 0 ? [...missing, ...baseOptions] : baseOptions;
    const set = new Set(sugg);
    return [
      { group: 'Suggested', items: sugg.map((id) => ({ value: id, label: optionLabel(psaById.get(id)!) })) },
      { group: `All ${psaLabel} companies`, items: [...missing, ...baseOptions.filter((o) => !set.has(o.value))] },
    ];
  }, [real, value, row.psaId, row.psaName, hints, baseOptions, psaById, psaLabel]);

  // Taken companies say by whom ("linked to Acme Dental"), except for this row itself.
  const renderOption = useCallback(
    ({ option }: { option: ComboboxItem }) => {
      const others = (holders.get(option.value) ?? []).filter((r) => r.itglueId !== row.itglueId);
      return (
        <Stack gap={0}>
          <Text size="sm">{option.label}</Text>
          {others.length > 0 && (
            <Text size="xs" c="orange.9">
              linked to {others[0].itglueName}
              {others.length > 1 ? ` and ${others.length - 1} more` : ''}
            </Text>
          )}
        </Stack>
      );
    },
    [holders, row.itglueId],
  );

  const labelId = useId();
  const current = value === null ? undefined : psaById.get(value);
  const currentLabel =
    current !== undefined ? optionLabel(current) : value === row.psaId && row.psaName !== null ? row.psaName : `${psaLabel} #${value ?? ''}`;
  const review = value === null && open.some((h) => h.kind === 'review');
  const className = proposal !== undefined ? (proposal.tier === 'exact' ? 'cw-row-exact' : 'cw-row-near') : review ? 'cw-row-review' : undefined;
  const name = row.itglueName;
  const others = value === null ? [] : (holders.get(value) ?? []).filter((r) => r.itglueId !== row.itglueId);
  const top = value === null ? open[0] : undefined;

  return (
    <Table.Tr
      ref={measureRef}
      data-index={index}
      aria-rowindex={index + 2}
      className={[className, changed ? 'cw-row-changed' : undefined].filter(Boolean).join(' ') || undefined}
      data-proposed={proposal?.tier}
      data-review={review ? 'true' : undefined}
      data-changed={changed ? 'true' : undefined}
    >
      <Table.Td>
        <Stack gap={0}>
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
          {duplicate && (
            <Text size="xs" c="dimmed" data-testid="duplicate-note">
              {row.shortName !== null ? `Short name ${row.shortName} · ` : ''}ID {row.itglueId}
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {/* On a phone the picker takes the whole line; badges and the unlink button go below it. */}
          <Group gap={6} wrap={stacked ? 'wrap' : 'nowrap'}>
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
                renderOption={renderOption}
                comboboxProps={{ withinPortal: true, keepMounted: false }}
                style={stacked ? { flex: '1 1 100%', minWidth: 0 } : { flex: 1, minWidth: 0 }}
                size="sm"
              />
            ) : (
              <div className="cw-select-standin" aria-hidden style={stacked ? { flex: '1 1 100%' } : undefined}>
                {value === null ? 'Not linked' : currentLabel}
              </div>
            )}
            <Group miw={118} gap={4} wrap="nowrap" justify="flex-start" style={{ flexShrink: 0 }}>
              {proposal !== undefined && <TierBadge tier={proposal.tier} score={proposal.score} reasons={proposal.reasons} />}
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
              {proposal === undefined && value === null && !rejected && ambiguous && (
                <Badge size="sm" variant="outline" color="orange">
                  Ambiguous
                </Badge>
              )}
              {proposal === undefined && value === null && !rejected && !ambiguous && top !== undefined && (
                <TierBadge tier={top.kind === 'review' ? 'review' : 'suggestion'} score={top.score} reasons={top.reasons} />
              )}
            </Group>
            <Tooltip label={`Unlink ${name}`} openDelay={300}>
              <ActionIcon variant="subtle" color="gray" aria-label={`Unlink ${name}`} disabled={value === null} onClick={() => onChoose(row.itglueId, null)}>
                {proposal !== undefined ? <IconLinkOff size={18} aria-hidden /> : <IconUnlink size={18} aria-hidden />}
              </ActionIcon>
            </Tooltip>
          </Group>
          {proposal !== undefined && (
            <Text size="xs" c="dimmed" lineClamp={1} data-testid="row-reason">
              {proposal.reasons.slice(0, 2).join(' · ')}
            </Text>
          )}
          {top !== undefined && (
            <Group gap={6} wrap="nowrap" data-testid="row-suggestion">
              <Text size="xs" lineClamp={2} style={{ minWidth: 0, flex: 1 }}>
                {top.kind === 'review' ? 'Possible match' : top.kind === 'proposal' ? 'Automap proposes' : 'Suggestion'}: {psaById.get(top.psaId)?.name} — {top.reasons.slice(0, 2).join(' · ')}
              </Text>
              <Button size="compact-xs" variant="default" onClick={() => onChoose(row.itglueId, top.psaId)} aria-label={`Use ${psaById.get(top.psaId)?.name ?? top.psaId} for ${name}`}>
                Use
              </Button>
            </Group>
          )}
          {others.length > 0 && (
            <Text size="xs" c="orange.9">
              {shared ? 'Shared: ' : ''}also linked to {others.map((o) => o.itglueName).join(', ')}
            </Text>
          )}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
});

const TIER_TEXT = { exact: 'Exact', 'near-exact': 'Near-exact', review: 'Possible match', suggestion: 'Suggestion' } as const;

function TierBadge({ tier, score, reasons: given }: { tier: keyof typeof TIER_TEXT; score: number; reasons: string[] }) {
  const descId = useId();
  const reasons = given.length > 0 ? given : ['No explanation given'];
  // amber for a possible match: a filled yellow badge with dark text (readable on the amber row)
  const color = tier === 'exact' ? 'green' : tier === 'near-exact' ? 'green' : tier === 'review' ? 'yellow.5' : 'gray';
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
              {TIER_TEXT[tier]} · score {score.toFixed(2)}
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
          color={color}
          variant={tier === 'exact' || tier === 'review' ? 'filled' : 'light'}
          autoContrast
          tabIndex={0}
          aria-describedby={descId}
          style={{ cursor: 'help', flexShrink: 0 }}
          data-testid="tier-badge"
          data-tier={tier}
        >
          {TIER_TEXT[tier]}
        </Badge>
      </Tooltip>
      <VisuallyHidden id={descId}>{reasons.join('; ')}</VisuallyHidden>
    </>
  );
}
