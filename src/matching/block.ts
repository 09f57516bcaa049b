/**
 * Blocking (matching.md §8): candidates = union of hash joins on key (and alias keys), compact,
 * fingerprint, domain and phone, an inverted index over rare tokens, and the first 5 characters of
 * `compact`; each IT Glue record keeps its top candidates by score.
 */
import type { Corpus, Rec } from './corpus.js';
import { EQUALITY, F, STRONG, Scorer, THRESHOLDS } from './score.js';

/**
 * Token postings longer than this are not used for blocking (common words): ~200 on very large
 * lists, 50 around 10,000 PSA companies (where industry words sit at 50–200), never below 50.
 */
export function rareTokenMaxPostings(psaCount: number): number {
  return Math.min(200, Math.max(50, Math.round(psaCount / 200)));
}
/**
 * Light blocking (a record already locked by a unique exact key): candidates only for the runner-up
 * reason and the dropdown order, from its rarest token when at most this common.
 */
export const LIGHT_MAX_POSTINGS = 16;
/** Fallback for records whose tokens are all common: their rarest token, if at most this common. */
export const FALLBACK_MAX_POSTINGS = 2000;

/**
 * PSA record indices by a dense interned id (key id, token id), ascending, in two typed arrays:
 * those of `id` are `data[start[id] .. start[id + 1])`. Tens of thousands of lists, most of one
 * entry, without an array object each (nothing for the garbage collector to copy while they live).
 */
export class Postings {
  constructor(
    readonly start: Int32Array,
    readonly data: Int32Array,
  ) {}

  /** How many PSA records `id` has (0 for a negative or unknown id). */
  size(id: number): number {
    return id >= 0 && id + 1 < this.start.length ? this.start[id + 1] - this.start[id] : 0;
  }

  /** The list of `id` as a new array, or undefined when it has none. */
  list(id: number): number[] | undefined {
    const n = this.size(id);
    if (n === 0) return undefined;
    const s = this.start[id];
    if (n === 1) return [this.data[s]]; // most: an array of exactly that length
    const out: number[] = [];
    for (let k = s; k < s + n; k++) out.push(this.data[k]);
    return out;
  }
}

/**
 * Builds Postings in two passes over the same additions: the first counts, `fillPass` sizes the
 * data, the second fills it. An id added twice in a row for one record counts once.
 */
class PostingsBuilder {
  private readonly start: Int32Array;
  private readonly last: Int32Array;
  private data: Int32Array | null = null;
  private next: Int32Array | null = null;

  constructor(n: number) {
    this.start = new Int32Array(n + 1);
    this.last = new Int32Array(n).fill(-1);
  }

  add(id: number, j: number): void {
    if (id < 0 || this.last[id] === j) return;
    this.last[id] = j;
    if (this.data === null) this.start[id + 1]++;
    else this.data[this.next![id]++] = j;
  }

  fillPass(): void {
    const start = this.start;
    for (let i = 1; i < start.length; i++) start[i] += start[i - 1];
    this.data = new Int32Array(start[start.length - 1]);
    this.next = start.slice(0, start.length - 1);
    this.last.fill(-1);
  }

  done(): Postings {
    return new Postings(this.start, this.data ?? new Int32Array(0));
  }
}

export interface PsaIndex {
  /** By key id (Corpus.keyText): PSA records whose main key it is. */
  keyPost: Postings;
  /** By key id: PSA records that carry it as an alias key (dba / aka / formerly). */
  aliasPost: Postings;
  hasAliases: boolean;
  compactPost: Postings;
  fpPost: Postings;
  /** By prefixCode(compact). */
  prefixMap: Map<number, number[]>;
  domainMap: Map<string, number[]>;
  phoneMap: Map<string, number[]>;
  /** By token id. */
  postings: Postings;
}

function pushMap(map: Map<string, number[]>, k: string, v: number): void {
  const l = map.get(k);
  if (l === undefined) map.set(k, [v]);
  else if (l[l.length - 1] !== v) l.push(v);
}

/** The builders of buildPsaIndex's dense postings. */
interface DenseBuilders {
  key: PostingsBuilder;
  alias: PostingsBuilder | null;
  compact: PostingsBuilder;
  fp: PostingsBuilder;
  tokens: PostingsBuilder;
}

/** One pass of the dense postings over the PSA records (counting, then filling). */
function densePass(psa: Rec[], tokData: Int32Array, b: DenseBuilders): void {
  for (let q = 0; q < psa.length; q++) {
    const r = psa[q];
    if (r.keyId < 0) continue;
    const j = r.idx;
    b.key.add(r.keyId, j);
    if (b.alias !== null) for (let k = 0; k < r.variantIds.length; k++) b.alias.add(r.variantIds[k], j);
    b.compact.add(r.compactId, j);
    b.fp.add(r.fpId, j);
    for (let k = r.tokStart; k < r.tokEnd; k++) b.tokens.add(tokData[k], j);
  }
}

export function buildPsaIndex(corpus: Corpus): PsaIndex {
  const K = corpus.keyText.length;
  const psa = corpus.psa;
  let hasAliases = false;
  for (let q = 0; q < psa.length && !hasAliases; q++) hasAliases = psa[q].keyId >= 0 && psa[q].variantIds.length > 0;
  const b: DenseBuilders = {
    key: new PostingsBuilder(K),
    alias: hasAliases ? new PostingsBuilder(K) : null, // most lists have no alias at all
    compact: new PostingsBuilder(K),
    fp: new PostingsBuilder(K),
    tokens: new PostingsBuilder(corpus.tokenText.length),
  };
  densePass(psa, corpus.tokData, b);
  for (const x of [b.key, b.alias, b.compact, b.fp, b.tokens]) x?.fillPass();
  densePass(psa, corpus.tokData, b);
  const idx: PsaIndex = {
    keyPost: b.key.done(),
    aliasPost: b.alias === null ? NO_POSTINGS : b.alias.done(),
    hasAliases,
    compactPost: b.compact.done(),
    fpPost: b.fp.done(),
    prefixMap: new Map(),
    domainMap: new Map(),
    phoneMap: new Map(),
    postings: b.tokens.done(),
  };
  for (let q = 0; q < psa.length; q++) {
    const r = psa[q];
    if (r.keyId < 0) continue;
    const j = r.idx;
    if (r.prefixId >= 0) {
      const l = idx.prefixMap.get(r.prefixId);
      if (l === undefined) idx.prefixMap.set(r.prefixId, [j]);
      else l.push(j);
    }
    for (let k = 0; k < r.domains.length; k++) pushMap(idx.domainMap, r.domains[k], j);
    if (r.phone) pushMap(idx.phoneMap, r.phone, j);
  }
  return idx;
}

const NO_POSTINGS = new Postings(new Int32Array(1), new Int32Array(0));

/** Candidate edges, grouped per IT Glue record, best first. */
export interface Edges {
  /** Edges of IT Glue record i are [start[i], start[i+1]). */
  start: Int32Array;
  psa: Int32Array;
  /** Ranking score (equality floors applied). */
  score: Float64Array;
  /** Name score. */
  raw: Float64Array;
  flags: Int32Array;
  /** How many pairs were scored (blocking statistics). */
  pairsScored: number;
}

/** Adds the postings of `id` to the candidates (see addAll). */
function addPosted(post: Postings, id: number, stamp: Int32Array, cand: Int32Array, n: number, i: number): number {
  if (id < 0 || id + 1 >= post.start.length) return n;
  const data = post.data;
  for (let q = post.start[id], end = post.start[id + 1]; q < end; q++) {
    const j = data[q];
    if (stamp[j] !== i) {
      stamp[j] = i;
      cand[n++] = j;
    }
  }
  return n;
}

function addAll(list: number[] | undefined, stamp: Int32Array, cand: Int32Array, n: number, i: number): number {
  if (list === undefined) return n;
  for (let q = 0; q < list.length; q++) {
    const j = list[q];
    if (stamp[j] !== i) {
      stamp[j] = i;
      cand[n++] = j;
    }
  }
  return n;
}

/** Per IT Glue record: how much blocking it needs. */
export const BLOCK_FULL = 0;
/** A unique exact key match (locked before scoring): candidates only for the runner-up and suggestions. */
export const BLOCK_LIGHT = 1;
/** Already linked: no candidates at all. */
export const BLOCK_NONE = 2;

/** Per-record scratch of generateEdges: candidate stamps and list, the top-K buffers. */
interface EdgeScratch {
  stamp: Int32Array;
  cand: Int32Array;
  kPsa: Int32Array;
  kScore: Float64Array;
  kRaw: Float64Array;
  kFlags: Int32Array;
}

/**
 * Blocking for IT Glue record `a` (index i): its candidates into `x.cand`, how many. A function
 * called per record (hot, optimized as such) rather than the body of generateEdges' loop.
 */
function candidatesOf(corpus: Corpus, index: PsaIndex, a: Rec, i: number, m: number, rareMax: number, x: EdgeScratch): number {
  const { stamp, cand } = x;
  let n = 0;
  if (a.keyId >= 0) {
    n = addPosted(index.keyPost, a.keyId, stamp, cand, n, i);
    if (index.hasAliases) n = addPosted(index.aliasPost, a.keyId, stamp, cand, n, i);
  }
  for (let k = 0; k < a.variantIds.length; k++) {
    const v = a.variantIds[k];
    if (v < 0) continue;
    n = addPosted(index.keyPost, v, stamp, cand, n, i);
    n = addPosted(index.aliasPost, v, stamp, cand, n, i);
  }
  if (a.compactId >= 0) n = addPosted(index.compactPost, a.compactId, stamp, cand, n, i);
  if (a.fpId >= 0) n = addPosted(index.fpPost, a.fpId, stamp, cand, n, i);
  for (let k = 0; k < a.domains.length; k++) n = addAll(index.domainMap.get(a.domains[k]), stamp, cand, n, i);
  if (a.phone) n = addAll(index.phoneMap.get(a.phone), stamp, cand, n, i);
  // the record's two rarest tokens (by PSA postings), when rare enough; else its rarest one
  const post = index.postings;
  let t1 = -1;
  let t2 = -1;
  let n1 = 0;
  let n2 = 0;
  for (let k = a.tokStart; k < a.tokEnd; k++) {
    const t = corpus.tokData[k];
    const size = post.size(t);
    if (size === 0) continue;
    if (t1 < 0 || size < n1) {
      t2 = t1;
      n2 = n1;
      t1 = t;
      n1 = size;
    } else if (t !== t1 && (t2 < 0 || size < n2)) {
      t2 = t;
      n2 = size;
    }
  }
  if (m === BLOCK_LIGHT) {
    if (t1 >= 0 && n1 <= LIGHT_MAX_POSTINGS) n = addPosted(post, t1, stamp, cand, n, i);
  } else {
    if (t1 >= 0 && n1 <= FALLBACK_MAX_POSTINGS) n = addPosted(post, t1, stamp, cand, n, i);
    if (t2 >= 0 && n2 <= rareMax) n = addPosted(post, t2, stamp, cand, n, i);
  }
  if (m === BLOCK_FULL && a.prefixId >= 0) {
    const l = index.prefixMap.get(a.prefixId);
    if (l !== undefined && l.length <= rareMax) n = addAll(l, stamp, cand, n, i);
  }
  return n;
}

/** Scores the n candidates of `a` and keeps the best K in the top-K buffers of `x`; how many kept. */
function keepTop(psa: Rec[], scorer: Scorer, a: Rec, n: number, x: EdgeScratch): number {
  const { cand, kPsa, kScore, kRaw, kFlags } = x;
  const K = THRESHOLDS.topK;
  const minScore = THRESHOLDS.cappedSuggest;
  let kept = 0;
  for (let q = 0; q < n; q++) {
    const j = cand[q];
    const s = scorer.score(a, psa[j], minScore);
    if (s < 0) continue;
    const fl = scorer.flags;
    if (s < minScore && (fl & (EQUALITY | STRONG | F.CAP_SUBSET)) === 0) continue;
    // insert into the top-K buffer, ordered by score desc then PSA id asc
    let pos = kept;
    while (pos > 0) {
      const ps = kScore[pos - 1];
      if (ps > s || (ps === s && psa[kPsa[pos - 1]].id < psa[j].id)) break;
      pos--;
    }
    if (pos >= K) continue;
    const last = kept < K ? kept : K - 1;
    for (let z = last; z > pos; z--) {
      kPsa[z] = kPsa[z - 1];
      kScore[z] = kScore[z - 1];
      kRaw[z] = kRaw[z - 1];
      kFlags[z] = kFlags[z - 1];
    }
    kPsa[pos] = j;
    kScore[pos] = s;
    kRaw[pos] = scorer.raw;
    kFlags[pos] = fl;
    if (kept < K) kept++;
  }
  return kept;
}

export function generateEdges(corpus: Corpus, index: PsaIndex, scorer: Scorer, mode?: Uint8Array): Edges {
  const { itg, psa } = corpus;
  const nP = psa.length;
  const K = THRESHOLDS.topK;
  const rareMax = rareTokenMaxPostings(nP);
  const x: EdgeScratch = {
    stamp: new Int32Array(nP).fill(-1),
    cand: new Int32Array(nP),
    kPsa: new Int32Array(K),
    kScore: new Float64Array(K),
    kRaw: new Float64Array(K),
    kFlags: new Int32Array(K),
  };
  const start = new Int32Array(itg.length + 1);
  // typed arrays grown by doubling (off the garbage-collected heap), cut to length at the end
  const out = { psa: new Int32Array(0), score: new Float64Array(0), raw: new Float64Array(0), flags: new Int32Array(0), n: 0 };
  growEdges(out, Math.max(64, itg.length * 2));
  let pairsScored = 0;

  for (let i = 0; i < itg.length; i++) {
    start[i] = out.n;
    const a: Rec = itg[i];
    const m = mode === undefined ? BLOCK_FULL : mode[i];
    if (a.key === '' || m === BLOCK_NONE) continue;
    const n = candidatesOf(corpus, index, a, i, m, rareMax, x);
    pairsScored += n;
    const kept = keepTop(psa, scorer, a, n, x);
    if (out.n + kept > out.psa.length) growEdges(out, out.psa.length * 2);
    for (let z = 0; z < kept; z++) {
      out.psa[out.n] = x.kPsa[z];
      out.score[out.n] = x.kScore[z];
      out.raw[out.n] = x.kRaw[z];
      out.flags[out.n] = x.kFlags[z];
      out.n++;
    }
  }
  start[itg.length] = out.n;
  return {
    start,
    psa: out.psa.slice(0, out.n),
    score: out.score.slice(0, out.n),
    raw: out.raw.slice(0, out.n),
    flags: out.flags.slice(0, out.n),
    pairsScored,
  };
}

/** The edge buffers of generateEdges with room for `cap` edges, contents kept. */
function growEdges(out: { psa: Int32Array; score: Float64Array; raw: Float64Array; flags: Int32Array; n: number }, cap: number): void {
  const psa = new Int32Array(cap);
  psa.set(out.psa.subarray(0, out.n));
  const score = new Float64Array(cap);
  score.set(out.score.subarray(0, out.n));
  const raw = new Float64Array(cap);
  raw.set(out.raw.subarray(0, out.n));
  const flags = new Int32Array(cap);
  flags.set(out.flags.subarray(0, out.n));
  out.psa = psa;
  out.score = score;
  out.raw = raw;
  out.flags = flags;
}
