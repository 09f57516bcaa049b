/**
 * Tiers (matching.md §6) and one-to-one assignment (§7):
 *  1. drop records already linked (both ends) and rejected pairs;
 *  2. lock decisive pairs (PSA id stored on the organization, confirmed aliases);
 *  3. equality classes in order — key, alias key, compact, fingerprint — each only when unique on
 *     both sides (over the full lists; flagged records and inactive PSA duplicates do not compete);
 *  4. score-based edges (strong signal + score ≥ 0.80, or score ≥ 0.92), uncapped, taken only when
 *     the mutual best of both ends with the margin;
 *  5. ties and duplicate keys are ambiguous: counted, left unmapped, candidates shown.
 * Same input, same output: nothing depends on iteration order except through sorted ids.
 */
import { BLOCK_FULL, BLOCK_LIGHT, BLOCK_NONE, type Edges, type PsaIndex } from './block.js';
import type { Corpus, Rec } from './corpus.js';
import { normalizeDetailed } from './normalize.js';
import { CAPS, F, STRONG, THRESHOLDS } from './score.js';
import type { AutomapInput, ProposalTier } from './types.js';

export type EvidenceKind = 'psa-id' | 'alias' | 'key' | 'variant' | 'compact' | 'fingerprint' | 'strong' | 'score';

export interface Decision {
  i: number;
  j: number;
  kind: EvidenceKind;
  tier: ProposalTier;
  score: number;
  /** Records of the same key set aside because flagged / inactive (explanations). */
  ignored: number[][]; // [itg indices, psa indices]
}

export interface Ambiguity {
  i: number;
  candidates: Set<number>;
  kind: EvidenceKind | 'decisive';
}

export interface Assignment {
  decisions: Decision[];
  ambiguous: Map<number, Ambiguity>;
  itgLinked: Uint8Array;
  psaLinked: Uint8Array;
  isRejected: (i: number, j: number) => boolean;
}

const FREE = 0;
const TAKEN = 1;
const BLOCKED = 2;
const LINKED = 3;

interface Group {
  /** The key id the group shares. */
  key: number;
  itg: number[];
  psa: number[];
}

/** `ignored` of a decision that set nothing aside (shared, never mutated). */
const NO_IGNORED: number[][] = [[], []];

/** Groups in the order they were created (`list`), and by key id (`byKey`: index in `list` + 1, 0 for none). */
interface Groups {
  byKey: Int32Array;
  list: Group[];
}

function newGroups(keyCount: number): Groups {
  return { byKey: new Int32Array(keyCount), list: [] };
}

/**
 * Groups of IT Glue records and PSA records sharing a key id, for keys present on both sides. With
 * `state`, only keys that have an IT Glue member still FREE or BLOCKED (members of every state are
 * kept in those groups): runClass passes over the other groups without a look, and most IT Glue
 * records were taken by an earlier class.
 */
function groupsFrom(
  itg: Rec[],
  idOf: (r: Rec) => number,
  psaOf: (id: number) => number[] | undefined,
  groups: Groups,
  state?: Uint8Array,
): Groups {
  const byKey = groups.byKey;
  let open: Uint8Array | null = null;
  if (state !== undefined) {
    open = new Uint8Array(byKey.length);
    for (let i = 0; i < itg.length; i++) {
      const k = idOf(itg[i]);
      if (k >= 0 && (state[i] === FREE || state[i] === BLOCKED)) open[k] = 1;
    }
  }
  for (let i = 0; i < itg.length; i++) {
    const k = idOf(itg[i]);
    if (k < 0 || (open !== null && open[k] === 0)) continue;
    const at = byKey[k];
    if (at === 0) {
      const p = psaOf(k);
      if (p === undefined) continue;
      // most groups keep their one first member: an array of exactly that length
      groups.list.push({ key: k, itg: [i], psa: p });
      byKey[k] = groups.list.length;
    } else {
      const g = groups.list[at - 1];
      if (g.itg[g.itg.length - 1] !== i) g.itg.push(i);
    }
  }
  return groups;
}

export function assign(corpus: Corpus, index: PsaIndex, edges: Edges, input: AutomapInput): Assignment {
  const { itg, psa } = corpus;
  const nI = itg.length;
  const nP = psa.length;
  const { itgIdx, psaIdx } = idIndex(corpus, input);

  const itgState = new Uint8Array(nI);
  const psaState = new Uint8Array(nP);
  const itgLinked = new Uint8Array(nI);
  const psaLinked = new Uint8Array(nP);
  for (const l of input.existingLinks ?? []) {
    const i = itgIdx.get(l.itglueId);
    const j = psaIdx.get(l.psaId);
    if (i !== undefined) {
      itgState[i] = LINKED;
      itgLinked[i] = 1;
    }
    if (j !== undefined) {
      psaState[j] = LINKED;
      psaLinked[j] = 1;
    }
  }
  const rejected = new Set<number>();
  for (const r of input.rejected ?? []) {
    const i = itgIdx.get(r.itglueId);
    const j = psaIdx.get(r.psaId);
    if (i !== undefined && j !== undefined) rejected.add(i * nP + j);
  }
  const isRejected = (i: number, j: number): boolean => rejected.has(i * nP + j);

  const decisions: Decision[] = [];
  const ambiguous = new Map<number, Ambiguity>();
  const markAmbiguous = (i: number, cands: Iterable<number>, kind: Ambiguity['kind']): void => {
    let a = ambiguous.get(i);
    if (!a) ambiguous.set(i, (a = { i, candidates: new Set(), kind }));
    for (const j of cands) a.candidates.add(j);
    if (itgState[i] === FREE) itgState[i] = BLOCKED;
  };
  const take = (d: Decision): void => {
    decisions.push(d);
    itgState[d.i] = TAKEN;
    psaState[d.j] = TAKEN;
  };

  // ---- 2. decisive pairs -------------------------------------------------------------------
  // Groups of equal keys: built from the PSA index, IT Glue records added for keys present there.
  const K = corpus.keyText.length;
  const itgByKey = new Map<string, number[]>();
  if ((input.aliases ?? []).length > 0) {
    for (const r of itg) {
      if (r.key === '') continue;
      const l = itgByKey.get(r.key);
      if (l) l.push(r.idx);
      else itgByKey.set(r.key, [r.idx]);
    }
  }

  const decisive = new Map<number, Map<number, 'psa-id' | 'alias'>>(); // i -> j -> kind
  const addDecisive = (i: number, j: number, kind: 'psa-id' | 'alias'): void => {
    if (itgState[i] !== FREE || psaState[j] !== FREE || isRejected(i, j)) return;
    let m = decisive.get(i);
    if (!m) decisive.set(i, (m = new Map()));
    if (!m.has(j) || kind === 'psa-id') m.set(j, kind);
  };
  for (const r of itg) {
    if (r.psaId === null) continue;
    const j = psaIdx.get(r.psaId);
    if (j !== undefined) addDecisive(r.idx, j, 'psa-id');
  }
  for (const al of input.aliases ?? []) {
    const j = psaIdx.get(al.psaId);
    if (j === undefined || typeof al.name !== 'string') continue;
    const k = normalizeDetailed(al.name).key;
    if (k === '') continue;
    const members = itgByKey.get(k);
    if (!members) continue;
    const pinned = al.itglueId !== undefined ? itgIdx.get(al.itglueId) : undefined;
    const targets = pinned !== undefined && members.includes(pinned) ? [pinned] : members.filter((i) => !itg[i].flagged);
    for (const i of targets) addDecisive(i, j, 'alias');
  }
  if (decisive.size > 0) {
    const byPsa = new Map<number, number[]>();
    for (const [i, m] of decisive) {
      for (const j of m.keys()) {
        let l = byPsa.get(j);
        if (!l) byPsa.set(j, (l = []));
        l.push(i);
      }
    }
    for (const [i, m] of decisive) {
      const js = [...m.keys()];
      const conflict = js.length > 1 || (byPsa.get(js[0])?.length ?? 0) > 1;
      if (conflict) {
        markAmbiguous(i, js, 'decisive');
        for (const j of js) for (const i2 of byPsa.get(j) ?? []) if (i2 !== i) markAmbiguous(i2, [j], 'decisive');
        for (const j of js) if (psaState[j] === FREE) psaState[j] = BLOCKED;
      }
    }
    for (const [i, m] of decisive) {
      if (itgState[i] !== FREE) continue;
      const [j, kind] = [...m.entries()][0];
      if (psaState[j] !== FREE) continue;
      take({ i, j, kind, tier: 'exact', score: 1, ignored: [[], []] });
    }
  }

  // ---- 3. equality classes -----------------------------------------------------------------
  const hasVariants = index.hasAliases || itg.some((r) => r.variants.length > 0);
  const anyPsaKey = (k: number): number[] | undefined => {
    const a = index.keyPost.list(k);
    const b = index.aliasPost.list(k);
    if (!b) return a;
    if (!a) return b;
    return [...new Set([...a, ...b])];
  };
  let variantGroups = newGroups(0);
  if (hasVariants) {
    variantGroups = groupsFrom(itg, (r) => r.keyId, anyPsaKey, newGroups(K));
    const maxV = itg.reduce((m, r) => Math.max(m, r.variantIds.length), 0);
    for (let v = 0; v < maxV; v++) groupsFrom(itg, (r) => r.variantIds[v] ?? -1, anyPsaKey, variantGroups);
  }

  const runClass = (groups: Groups, kind: 'key' | 'variant' | 'compact' | 'fingerprint'): void => {
    const tentative: { i: number; j: number; ignored: number[][]; inactive: boolean }[] = [];
    // indexed loops here and in the other per-record passes: for…of allocated an iterator result per step
    const list = groups.list;
    for (let q = 0; q < list.length; q++) {
      const g = list[q];
      const kid = g.key;
      const k = corpus.keyText[kid];
      if (g.itg.length === 0 || g.psa.length === 0) continue;
      // nothing left to decide when every IT Glue member is already taken or linked
      let open = false;
      for (let q2 = 0; q2 < g.itg.length; q2++) {
        const st = itgState[g.itg[q2]];
        if (st === FREE || st === BLOCKED) open = true;
      }
      if (!open) continue;
      if (kind !== 'key' && k.length - countSpaces(k) <= 4) continue; // short names: exact only
      if (kind === 'variant') {
        // only groups where an alias key is involved (plain key equality was class 'key')
        const viaAlias = g.itg.some((i) => itg[i].keyId !== kid) || g.psa.some((j) => psa[j].keyId !== kid);
        if (!viaAlias) continue;
      }
      if (g.itg.length === 1 && g.psa.length === 1) {
        // one record on each side (most groups): the general case below without its filtered copies
        const i = g.itg[0];
        const j = g.psa[0];
        if (itg[i].flagged || psa[j].flagged || (psa[j].inactive && kind !== 'key')) continue;
        if (itgState[i] !== FREE || psaState[j] !== FREE || isRejected(i, j)) continue;
        tentative.push({ i, j, ignored: NO_IGNORED, inactive: psa[j].inactive });
        continue;
      }
      const itgS = g.itg.filter((i) => !itg[i].flagged);
      if (itgS.length === 0) continue;
      const active = g.psa.filter((j) => !psa[j].flagged && !psa[j].inactive);
      // an inactive PSA company is proposed only on an exact (key) match
      const pool = active.length > 0 || kind !== 'key' ? active : g.psa.filter((j) => !psa[j].flagged);
      if (pool.length === 0) continue;
      if (itgS.length === 1 && pool.length === 1) {
        const i = itgS[0];
        const j = pool[0];
        if (itgState[i] !== FREE || psaState[j] !== FREE || isRejected(i, j)) continue;
        const ignored = [g.itg.filter((x) => x !== i), g.psa.filter((x) => x !== j)];
        tentative.push({ i, j, ignored, inactive: psa[j].inactive });
      } else {
        for (const i of itgS) {
          if (itgState[i] !== FREE && itgState[i] !== BLOCKED) continue;
          const cands = pool.filter((j) => (psaState[j] === FREE || psaState[j] === BLOCKED) && !isRejected(i, j));
          if (cands.length === 0) continue;
          markAmbiguous(i, cands, kind);
          for (const j of cands) if (psaState[j] === FREE) psaState[j] = BLOCKED;
        }
      }
    }
    const cntI = new Uint32Array(nI);
    const cntJ = new Uint32Array(nP);
    for (let q = 0; q < tentative.length; q++) {
      cntI[tentative[q].i]++;
      cntJ[tentative[q].j]++;
    }
    for (let q = 0; q < tentative.length; q++) {
      const t = tentative[q];
      if (cntI[t.i] > 1 || cntJ[t.j] > 1) {
        const cands = tentative.filter((u) => u.i === t.i || u.j === t.j).map((u) => u.j);
        markAmbiguous(t.i, cands, kind);
        if (psaState[t.j] === FREE) psaState[t.j] = BLOCKED;
      }
    }
    for (let q = 0; q < tentative.length; q++) {
      const t = tentative[q];
      if (itgState[t.i] !== FREE || psaState[t.j] !== FREE) continue;
      const weak = t.ignored[0].length > 0 || t.ignored[1].length > 0;
      // Equal keys reached through spelling variants (Centre / Center, Mt / Mount) are near-exact.
      const spelled = sameSpelling(itg[t.i].norm.synonyms, psa[t.j].norm.synonyms);
      const tier: ProposalTier = kind === 'key' && !weak && spelled ? 'exact' : 'near-exact';
      const e = findEdge(edges, t.i, t.j);
      const score = kind === 'key' ? 1 : e >= 0 ? edges.score[e] : THRESHOLDS.equalityFloor;
      take({ i: t.i, j: t.j, kind, tier, score, ignored: t.ignored });
    }
  };
  // key, compact and fingerprint groups are built when their class runs, with open keys only (see groupsFrom)
  runClass(groupsFrom(itg, (r) => r.keyId, (k) => index.keyPost.list(k), newGroups(K), itgState), 'key');
  if (hasVariants) runClass(variantGroups, 'variant');
  runClass(groupsFrom(itg, (r) => r.compactId, (k) => index.compactPost.list(k), newGroups(K), itgState), 'compact');
  const fpOf = (r: Rec): number => (r.tokEnd - r.tokStart > 1 ? r.fpId : -1);
  runClass(groupsFrom(itg, fpOf, (k) => index.fpPost.list(k), newGroups(K), itgState), 'fingerprint');

  // ---- 4. score-based near-exact: mutual best with margin ---------------------------------
  const valid = (i: number, j: number): boolean =>
    (psaState[j] === FREE || psaState[j] === BLOCKED) && !isRejected(i, j);
  // incoming edges per PSA record, from IT Glue records still in play
  const inStart = new Int32Array(nP + 1);
  for (let i = 0; i < nI; i++) {
    if (itgState[i] !== FREE && itgState[i] !== BLOCKED) continue;
    for (let e = edges.start[i]; e < edges.start[i + 1]; e++) inStart[edges.psa[e] + 1]++;
  }
  for (let j = 0; j < nP; j++) inStart[j + 1] += inStart[j];
  const inEdges = new Int32Array(inStart[nP]);
  const fill = inStart.slice(0, nP);
  for (let i = 0; i < nI; i++) {
    if (itgState[i] !== FREE && itgState[i] !== BLOCKED) continue;
    for (let e = edges.start[i]; e < edges.start[i + 1]; e++) inEdges[fill[edges.psa[e]]++] = e;
  }
  const edgeItg = new Int32Array(edges.psa.length);
  for (let i = 0; i < nI; i++) for (let e = edges.start[i]; e < edges.start[i + 1]; e++) edgeItg[e] = i;

  const eligible = (e: number): 'strong' | 'score' | null => {
    const fl = edges.flags[e];
    if (fl & CAPS || fl & F.INACTIVE) return null;
    const raw = edges.raw[e];
    if (fl & STRONG && raw >= THRESHOLDS.strong) return 'strong';
    if (raw >= THRESHOLDS.nearExact) return 'score';
    return null;
  };

  const taken: Decision[] = [];
  for (let i = 0; i < nI; i++) {
    if (itgState[i] !== FREE) continue;
    // best and runner-up at i among edges to PSA records still in play
    let best = -1;
    let runner = -1;
    for (let e = edges.start[i]; e < edges.start[i + 1]; e++) {
      if (!valid(i, edges.psa[e])) continue;
      if (best < 0) best = e;
      else {
        runner = e;
        break;
      }
    }
    if (best < 0) continue;
    const kind = eligible(best);
    if (kind === null) continue;
    const j = edges.psa[best];
    if (psaState[j] !== FREE) continue;
    const s = edges.score[best];
    const close: number[] = [];
    if (runner >= 0 && s - edges.score[runner] < THRESHOLDS.margin) close.push(edges.psa[runner]);
    // best and runner-up at j among IT Glue records still in play
    let bestJ = -1;
    let runnerJ = -1;
    for (let q = inStart[j]; q < inStart[j + 1]; q++) {
      const e = inEdges[q];
      const i2 = edgeItg[e];
      if (isRejected(i2, j)) continue;
      if (
        bestJ < 0 ||
        edges.score[e] > edges.score[bestJ] ||
        (edges.score[e] === edges.score[bestJ] && itg[i2].id < itg[edgeItg[bestJ]].id)
      ) {
        runnerJ = bestJ;
        bestJ = e;
      } else if (
        runnerJ < 0 ||
        edges.score[e] > edges.score[runnerJ] ||
        (edges.score[e] === edges.score[runnerJ] && itg[i2].id < itg[edgeItg[runnerJ]].id)
      ) {
        runnerJ = e;
      }
    }
    let closeAtJ = false;
    if (bestJ !== best) {
      // j prefers another IT Glue company: ambiguous only when it is a close call
      if (bestJ >= 0 && edges.score[bestJ] - s < THRESHOLDS.margin) closeAtJ = true;
      else continue;
    } else if (runnerJ >= 0 && s - edges.score[runnerJ] < THRESHOLDS.margin) closeAtJ = true;
    if (close.length > 0 || closeAtJ) {
      const cands = [j, ...close];
      markAmbiguous(i, cands, kind);
      continue;
    }
    taken.push({ i, j, kind, tier: 'near-exact', score: s, ignored: [[], []] });
  }
  for (const d of taken) take(d);

  return { decisions, ambiguous, itgLinked, psaLinked, isRejected };
}

/** Whether two names used the same spelling variants (both none, or the same words in order). */
export function sameSpelling(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

function countSpaces(k: string): number {
  let n = 0;
  for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) === 32) n++;
  return n;
}

/**
 * Blocking mode per IT Glue record, decided before scoring: linked records need no candidates; a
 * record whose key is equal and unique on both sides (all records of the key unflagged and active,
 * nothing decisive, rejected or linked around it) will be locked in the key class whatever its
 * other candidates are, so it only needs light blocking (runner-up, suggestions).
 */
export function blockingModes(corpus: Corpus, index: PsaIndex, input: AutomapInput): Uint8Array {
  const { itg, psa } = corpus;
  const mode = new Uint8Array(itg.length);
  const { itgIdx, psaIdx } = idIndex(corpus, input);
  const touchedPsa = new Set<number>();
  for (const l of input.existingLinks ?? []) {
    const i = itgIdx.get(l.itglueId);
    if (i !== undefined) mode[i] = BLOCK_NONE;
    const j = psaIdx.get(l.psaId);
    if (j !== undefined) touchedPsa.add(j);
  }
  const touchedItg = new Set<number>();
  for (const r of input.rejected ?? []) {
    const i = itgIdx.get(r.itglueId);
    if (i !== undefined) touchedItg.add(i);
  }
  for (const r of itg) {
    if (r.psaId === null) continue;
    touchedItg.add(r.idx);
    const j = psaIdx.get(r.psaId);
    if (j !== undefined) touchedPsa.add(j);
  }
  const aliasKeys = new Set<string>();
  for (const al of input.aliases ?? []) {
    if (typeof al.name === 'string') aliasKeys.add(normalizeDetailed(al.name).key);
    const j = psaIdx.get(al.psaId);
    if (j !== undefined) touchedPsa.add(j);
  }
  const itgCount = new Int32Array(corpus.keyText.length);
  for (let i = 0; i < itg.length; i++) if (itg[i].keyId >= 0) itgCount[itg[i].keyId]++;
  for (let i = 0; i < itg.length; i++) {
    const r = itg[i];
    if (mode[r.idx] !== BLOCK_FULL || r.flagged || r.keyId < 0 || touchedItg.has(r.idx)) continue;
    if (itgCount[r.keyId] !== 1 || (aliasKeys.size > 0 && aliasKeys.has(r.key))) continue;
    if (index.keyPost.size(r.keyId) !== 1) continue;
    const b = psa[index.keyPost.data[index.keyPost.start[r.keyId]]];
    if (b.flagged || b.inactive || touchedPsa.has(b.idx)) continue;
    mode[r.idx] = BLOCK_LIGHT;
  }
  return mode;
}

const idIndexCache = new WeakMap<Corpus, { itgIdx: Map<string, number>; psaIdx: Map<string, number> }>();
const EMPTY_IDX: ReadonlyMap<string, number> = new Map();

/** id -> index maps, built once per corpus and only when links, rejections, aliases or PSA ids need them. */
function idIndex(corpus: Corpus, input: AutomapInput): { itgIdx: ReadonlyMap<string, number>; psaIdx: ReadonlyMap<string, number> } {
  const needed =
    (input.existingLinks ?? []).length > 0 ||
    (input.rejected ?? []).length > 0 ||
    (input.aliases ?? []).length > 0 ||
    corpus.itg.some((r) => r.psaId !== null);
  if (!needed) return { itgIdx: EMPTY_IDX, psaIdx: EMPTY_IDX };
  let m = idIndexCache.get(corpus);
  if (!m) {
    m = { itgIdx: new Map(), psaIdx: new Map() };
    for (const r of corpus.itg) m.itgIdx.set(r.id, r.idx);
    for (const r of corpus.psa) m.psaIdx.set(r.id, r.idx);
    idIndexCache.set(corpus, m);
  }
  return m;
}

export function findEdge(edges: Edges, i: number, j: number): number {
  for (let e = edges.start[i]; e < edges.start[i + 1]; e++) if (edges.psa[e] === j) return e;
  return -1;
}
