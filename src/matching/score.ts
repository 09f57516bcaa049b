/**
 * Pair scoring (matching.md §5): 0.6 × IDF-weighted token Jaccard + 0.4 × Jaro-Winkler(key), token
 * equality = identical (synonyms are canonical already) or Jaro-Winkler ≥ 0.93 with both ≥ 5
 * characters; caps and equality / signal flags. Allocation-free on the hot path.
 */
import type { Corpus, Rec } from './corpus.js';
import { jaroWinkler } from './jaro-winkler.js';
import { sameWordForm } from './vocabulary.js';

/** Starting thresholds of matching.md §6, tuned on the gold set. */
export const THRESHOLDS = {
  /** Name score for near-exact without a strong signal. */
  nearExact: 0.92,
  /** Name score that a strong signal (domain, phone) lifts to near-exact. */
  strong: 0.8,
  /** Lowest score shown as a suggestion. */
  suggest: 0.7,
  /** Lowest score of a capped pair still shown as a suggestion (and the floor of kept candidates). */
  cappedSuggest: 0.7,
  /** Margin over the runner-up, on both sides, for score-based near-exact. */
  margin: 0.08,
  /** Token typo tolerance. */
  tokenJw: 0.93,
  tokenJwMinLen: 5,
  /** Candidates kept per IT Glue company. */
  topK: 10,
  /** Score floor of compact / fingerprint / alias-key equality (for ranking and display). */
  equalityFloor: 0.95,
} as const;

export const F = {
  KEY_EQ: 1,
  COMPACT_EQ: 2,
  FP_EQ: 4,
  VARIANT_EQ: 8,
  DOMAIN: 16,
  PHONE: 32,
  CAP_CONFLICT: 64,
  CAP_SUBSET: 128,
  CAP_FLAG: 256,
  CAP_SHORT: 512,
  FUZZY: 1024,
  INACTIVE: 2048,
} as const;
export const CAPS = F.CAP_CONFLICT | F.CAP_SUBSET | F.CAP_FLAG | F.CAP_SHORT;
export const STRONG = F.DOMAIN | F.PHONE;
export const EQUALITY = F.KEY_EQ | F.COMPACT_EQ | F.FP_EQ | F.VARIANT_EQ;

export interface TokenAlignment {
  /** [IT Glue token, PSA token, typo?] */
  matched: [string, string, boolean][];
  unmatchedA: string[];
  unmatchedB: string[];
  jaccard: number;
  jw: number;
  score: number;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Necessary condition for Jaro-Winkler ≥ 0.93 (so Jaro ≥ 0.883 even with the full prefix bonus):
 * the unmatched characters satisfy x/la + y/lb ≤ 0.351, so at most 0.351 × max(la, lb) of them, and
 * each character present in one token only is unmatched. Exact, not a heuristic.
 */
export function mayBeTypo(maskA: number, maskB: number, la: number, lb: number): boolean {
  return popcount(maskA ^ maskB) <= 0.351 * (la > lb ? la : lb);
}

function hasCommonId(a: number[], b: number[]): boolean {
  for (const x of a) for (const y of b) if (x === y) return true;
  return false;
}

function hasCommon(a: string[], b: string[]): boolean {
  for (const x of a) for (const y of b) if (x === y) return true;
  return false;
}

export class Scorer {
  /** Flags of the last `score` call. */
  flags = 0;
  /** Raw name score of the last `score` call (before the equality floor). */
  raw = 0;
  private usedB = new Uint8Array(64);
  private matchA = new Uint8Array(64);
  private readonly w: Float64Array;
  private readonly inf: Uint8Array;
  private readonly len: Int32Array;
  private readonly text: string[];
  private readonly vocab: Uint8Array;
  private readonly mask: Int32Array;
  private readonly tokData: Int32Array;

  constructor(corpus: Corpus) {
    this.mask = corpus.tokenMask;
    this.tokData = corpus.tokData;
    this.vocab = corpus.tokenVocab;
    this.w = corpus.tokenWeight;
    this.inf = corpus.tokenInformative;
    this.len = corpus.tokenLen;
    this.text = corpus.tokenText;
  }

  /**
   * Scores IT Glue record `a` against PSA record `b`. Returns -1 when the pair is no candidate
   * (different numbers) or cannot reach `minScore` without equality or a strong signal. Otherwise
   * the ranking score (equality floors applied) and sets `flags` and `raw`.
   */
  score(a: Rec, b: Rec, minScore: number): number {
    if (a.numbers !== b.numbers && a.numbers !== '' && b.numbers !== '') return -1;
    if (a.key === '' || b.key === '') return -1;
    let flags = 0;
    if (a.keyId === b.keyId) flags |= F.KEY_EQ;
    else {
      if (a.compactId === b.compactId) flags |= F.COMPACT_EQ;
      if (a.fpId === b.fpId) flags |= F.FP_EQ;
    }
    if (
      (a.variantIds.length > 0 || b.variantIds.length > 0) &&
      (a.variantIds.includes(b.keyId) || b.variantIds.includes(a.keyId) || hasCommonId(a.variantIds, b.variantIds))
    )
      flags |= F.VARIANT_EQ;
    if (a.domains.length > 0 && b.domains.length > 0 && hasCommon(a.domains, b.domains)) flags |= F.DOMAIN;
    if (a.phone !== null && a.phone === b.phone) flags |= F.PHONE;
    if (a.flagged || b.flagged) flags |= F.CAP_FLAG;
    if (b.inactive) flags |= F.INACTIVE;

    let jac: number;
    if (flags & F.KEY_EQ) {
      jac = 1;
    } else {
      // token ids of a and b: td[a0 + i], td[b0 + j]
      const td = this.tokData;
      const a0 = a.tokStart;
      const b0 = b.tokStart;
      const na = a.tokEnd - a0;
      const nb = b.tokEnd - b0;
      if (na > this.matchA.length || nb > this.usedB.length) {
        const n = Math.max(na, nb) * 2;
        this.matchA = new Uint8Array(n);
        this.usedB = new Uint8Array(n);
      }
      const matchA = this.matchA;
      const usedB = this.usedB;
      for (let i = 0; i < na; i++) matchA[i] = 0;
      for (let j = 0; j < nb; j++) usedB[j] = 0;
      const w = this.w;
      let M = 0;
      let matchedCount = 0;
      for (let i = 0; i < na; i++) {
        const t = td[a0 + i];
        for (let j = 0; j < nb; j++) {
          if (usedB[j] === 0 && td[b0 + j] === t) {
            usedB[j] = 1;
            matchA[i] = 1;
            M += w[t];
            matchedCount++;
            break;
          }
        }
      }
      if (matchedCount < na && matchedCount < nb) {
        const len = this.len;
        const minLen = THRESHOLDS.tokenJwMinLen;
        for (let i = 0; i < na; i++) {
          if (matchA[i] === 1) continue;
          const t = td[a0 + i];
          if (len[t] < minLen) continue;
          let best = -1;
          let bestJw: number = THRESHOLDS.tokenJw;
          for (let j = 0; j < nb; j++) {
            if (usedB[j] === 1) continue;
            const u = td[b0 + j];
            if (len[u] < minLen) continue;
            const lt = len[t];
            const lu = len[u];
            // JW ≥ 0.93 is impossible with very different lengths; skip cheaply.
            if (lt > lu * 2 || lu > lt * 2) continue;
            if (!mayBeTypo(this.mask[t], this.mask[u], lt, lu)) continue;
            if (this.vocab[t] === 1 && this.vocab[u] === 1 && !sameWordForm(this.text[t], this.text[u])) continue;
            const s = jaroWinkler(this.text[t], this.text[u]);
            if (s >= bestJw) {
              bestJw = s;
              best = j;
            }
          }
          if (best >= 0) {
            usedB[best] = 1;
            matchA[i] = 1;
            M += (w[t] + w[td[b0 + best]]) / 2;
            matchedCount++;
            flags |= F.FUZZY;
          }
        }
      }
      let UA = 0;
      let UB = 0;
      let infA = false;
      let infB = false;
      const inf = this.inf;
      for (let i = 0; i < na; i++) {
        if (matchA[i] === 0) {
          UA += w[td[a0 + i]];
          if (inf[td[a0 + i]] === 1) infA = true;
        }
      }
      let unmatchedB = 0;
      for (let j = 0; j < nb; j++) {
        if (usedB[j] === 0) {
          UB += w[td[b0 + j]];
          unmatchedB++;
          if (inf[td[b0 + j]] === 1) infB = true;
        }
      }
      const unmatchedA = na - matchedCount;
      const denom = M + UA + UB;
      jac = denom > 0 ? M / denom : 0;
      if (infA && infB) flags |= F.CAP_CONFLICT;
      if ((unmatchedA === 0 && unmatchedB > 0) || (unmatchedB === 0 && unmatchedA > 0)) flags |= F.CAP_SUBSET;
      if (a.short || b.short) flags |= F.CAP_SHORT;
      // subset pairs ("Acme" / "Acme Dental") are kept whatever their score: useful suggestions
      if ((flags & (EQUALITY | STRONG | F.CAP_SUBSET)) === 0) {
        if (0.6 * jac + 0.4 < minScore) return -1;
        // Upper bound of Jaro-Winkler(key) from the characters present on one side only.
        const la = a.key.length;
        const lb = b.key.length;
        const mx = Math.min(la, lb, (la + lb - popcount(a.keyMask ^ b.keyMask)) / 2);
        const jaroUb = (mx / la + mx / lb + 1) / 3;
        const jwUb = jaroUb <= 0.7 ? jaroUb : 0.6 * jaroUb + 0.4;
        if (0.6 * jac + 0.4 * jwUb < minScore) return -1;
      }
    }
    const jw = flags & F.KEY_EQ ? 1 : jaroWinkler(a.key, b.key);
    const raw = 0.6 * jac + 0.4 * jw;
    this.raw = raw;
    this.flags = flags;
    if (flags & F.KEY_EQ) return 1;
    if (flags & (F.COMPACT_EQ | F.FP_EQ | F.VARIANT_EQ)) return raw > THRESHOLDS.equalityFloor ? raw : THRESHOLDS.equalityFloor;
    return raw;
  }

  /** The token-level detail of a pair, for explanations (allocates; call for shown pairs only). */
  align(a: Rec, b: Rec): TokenAlignment {
    const ta = Array.from(this.tokData.subarray(a.tokStart, a.tokEnd));
    const tb = Array.from(this.tokData.subarray(b.tokStart, b.tokEnd));
    const usedB = new Array<boolean>(tb.length).fill(false);
    const matchA = new Array<number>(ta.length).fill(-1);
    const fuzzy = new Array<boolean>(ta.length).fill(false);
    const w = this.w;
    let M = 0;
    for (let i = 0; i < ta.length; i++) {
      const j = tb.findIndex((u, k) => !usedB[k] && u === ta[i]);
      if (j >= 0) {
        usedB[j] = true;
        matchA[i] = j;
        M += w[ta[i]];
      }
    }
    for (let i = 0; i < ta.length; i++) {
      if (matchA[i] >= 0 || this.len[ta[i]] < THRESHOLDS.tokenJwMinLen) continue;
      let best = -1;
      let bestJw: number = THRESHOLDS.tokenJw;
      for (let j = 0; j < tb.length; j++) {
        if (usedB[j] || this.len[tb[j]] < THRESHOLDS.tokenJwMinLen) continue;
        if (this.vocab[ta[i]] === 1 && this.vocab[tb[j]] === 1 && !sameWordForm(this.text[ta[i]], this.text[tb[j]])) continue;
        const s = jaroWinkler(this.text[ta[i]], this.text[tb[j]]);
        if (s >= bestJw) {
          bestJw = s;
          best = j;
        }
      }
      if (best >= 0) {
        usedB[best] = true;
        matchA[i] = best;
        fuzzy[i] = true;
        M += (w[ta[i]] + w[tb[best]]) / 2;
      }
    }
    let U = 0;
    const matched: [string, string, boolean][] = [];
    const unmatchedA: string[] = [];
    const unmatchedB: string[] = [];
    for (let i = 0; i < ta.length; i++) {
      if (matchA[i] >= 0) matched.push([this.text[ta[i]], this.text[tb[matchA[i]]], fuzzy[i]]);
      else {
        unmatchedA.push(this.text[ta[i]]);
        U += w[ta[i]];
      }
    }
    for (let j = 0; j < tb.length; j++) {
      if (!usedB[j]) {
        unmatchedB.push(this.text[tb[j]]);
        U += w[tb[j]];
      }
    }
    const jaccard = a.key === b.key ? 1 : M + U > 0 ? M / (M + U) : 0;
    const jw = a.key === b.key ? 1 : jaroWinkler(a.key, b.key);
    return { matched, unmatchedA, unmatchedB, jaccard, jw, score: 0.6 * jaccard + 0.4 * jw };
  }

  weightOf(token: string, corpus: Corpus): number {
    const id = corpus.tokenIds.get(token);
    return id < 0 ? 0 : this.w[id];
  }
}
