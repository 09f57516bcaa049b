/**
 * Blocking (matching.md §8): candidates = union of hash joins on key (and alias keys), compact,
 * fingerprint, domain and phone, an inverted index over rare tokens, and the first 5 characters of
 * `compact`; each IT Glue record keeps its top candidates by score.
 */
import type { Corpus, Rec } from './corpus.js';
import { EQUALITY, STRONG, Scorer, THRESHOLDS } from './score.js';

/** Token postings longer than this are not used for blocking (common words). */
export const RARE_TOKEN_MAX_POSTINGS = 200;
/** Fallback for records whose tokens are all common: their rarest token, if at most this common. */
export const FALLBACK_MAX_POSTINGS = 2000;
export const PREFIX_LEN = 5;
export const PREFIX_MAX_POSTINGS = 200;

export interface PsaIndex {
  keyMap: Map<string, number[]>;
  compactMap: Map<string, number[]>;
  fpMap: Map<string, number[]>;
  domainMap: Map<string, number[]>;
  phoneMap: Map<string, number[]>;
  prefixMap: Map<string, number[]>;
  postings: (number[] | undefined)[];
}

function push(map: Map<string, number[]>, k: string, v: number): void {
  const l = map.get(k);
  if (l === undefined) map.set(k, [v]);
  else if (l[l.length - 1] !== v) l.push(v);
}

export function buildPsaIndex(corpus: Corpus): PsaIndex {
  const idx: PsaIndex = {
    keyMap: new Map(),
    compactMap: new Map(),
    fpMap: new Map(),
    domainMap: new Map(),
    phoneMap: new Map(),
    prefixMap: new Map(),
    postings: new Array(corpus.tokenText.length),
  };
  for (const r of corpus.psa) {
    if (r.key === '') continue;
    const j = r.idx;
    push(idx.keyMap, r.key, j);
    for (const v of r.variants) push(idx.keyMap, v, j);
    push(idx.compactMap, r.compact, j);
    push(idx.fpMap, r.fingerprint, j);
    for (const d of r.domains) push(idx.domainMap, d, j);
    if (r.phone) push(idx.phoneMap, r.phone, j);
    if (r.compact.length >= PREFIX_LEN) push(idx.prefixMap, r.compact.slice(0, PREFIX_LEN), j);
    for (let k = 0; k < r.tok.length; k++) {
      const t = r.tok[k];
      const l = idx.postings[t];
      if (l === undefined) idx.postings[t] = [j];
      else if (l[l.length - 1] !== j) l.push(j);
    }
  }
  return idx;
}

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

export function generateEdges(corpus: Corpus, index: PsaIndex, scorer: Scorer): Edges {
  const { itg, psa } = corpus;
  const nP = psa.length;
  const K = THRESHOLDS.topK;
  const minScore = THRESHOLDS.cappedSuggest;
  const stamp = new Int32Array(nP).fill(-1);
  const cand = new Int32Array(nP);
  const start = new Int32Array(itg.length + 1);
  const outPsa: number[] = [];
  const outScore: number[] = [];
  const outRaw: number[] = [];
  const outFlags: number[] = [];
  // top-K buffers
  const kPsa = new Int32Array(K);
  const kScore = new Float64Array(K);
  const kRaw = new Float64Array(K);
  const kFlags = new Int32Array(K);
  let pairsScored = 0;

  for (let i = 0; i < itg.length; i++) {
    start[i] = outPsa.length;
    const a: Rec = itg[i];
    if (a.key === '') continue;
    let n = 0;
    const add = (list: number[] | undefined) => {
      if (list === undefined) return;
      for (let q = 0; q < list.length; q++) {
        const j = list[q];
        if (stamp[j] !== i) {
          stamp[j] = i;
          cand[n++] = j;
        }
      }
    };
    add(index.keyMap.get(a.key));
    for (const v of a.variants) add(index.keyMap.get(v));
    add(index.compactMap.get(a.compact));
    add(index.fpMap.get(a.fingerprint));
    for (const d of a.domains) add(index.domainMap.get(d));
    if (a.phone) add(index.phoneMap.get(a.phone));
    let rareUsed = false;
    let rarest: number[] | undefined;
    for (let k = 0; k < a.tok.length; k++) {
      const l = index.postings[a.tok[k]];
      if (l === undefined) continue;
      if (l.length <= RARE_TOKEN_MAX_POSTINGS) {
        add(l);
        rareUsed = true;
      } else if (rarest === undefined || l.length < rarest.length) rarest = l;
    }
    if (!rareUsed && rarest !== undefined && rarest.length <= FALLBACK_MAX_POSTINGS) add(rarest);
    if (a.compact.length >= PREFIX_LEN) {
      const l = index.prefixMap.get(a.compact.slice(0, PREFIX_LEN));
      if (l !== undefined && l.length <= PREFIX_MAX_POSTINGS) add(l);
    }

    let kept = 0;
    for (let q = 0; q < n; q++) {
      const j = cand[q];
      const s = scorer.score(a, psa[j], minScore);
      pairsScored++;
      if (s < 0) continue;
      const fl = scorer.flags;
      if (s < minScore && (fl & (EQUALITY | STRONG)) === 0) continue;
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
    for (let z = 0; z < kept; z++) {
      outPsa.push(kPsa[z]);
      outScore.push(kScore[z]);
      outRaw.push(kRaw[z]);
      outFlags.push(kFlags[z]);
    }
  }
  start[itg.length] = outPsa.length;
  return {
    start,
    psa: Int32Array.from(outPsa),
    score: Float64Array.from(outScore),
    raw: Float64Array.from(outRaw),
    flags: Int32Array.from(outFlags),
    pairsScored,
  };
}
