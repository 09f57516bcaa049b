/**
 * Precomputation done once per run: normalized names, interned tokens, token IDF over both lists
 * combined (matching.md §3 step 8), filtered domains and phones.
 */
import { normalizeDetailed, type NormalizedDetail } from './normalize.js';
import { FREE_MAIL_DOMAINS, normalizePhone, registrableDomain } from './signals.js';
import type { MatchCompany } from './types.js';
import { VOCABULARY } from './vocabulary.js';
import { qualifierOf } from './qualifier.js';
import { StringCounter, StringTable } from './string-table.js';

/** Words that say almost nothing about which company it is ("services", "solutions", "group"). */
export const GENERIC_TOKENS: ReadonlySet<string> = new Set([
  'services', 'service', 'solutions', 'solution', 'group', 'enterprises', 'enterprise', 'systems', 'industries',
  'co', 'of', 'the', 'de', 'la', 'le', 'el', 'du', 'des', 'der', 'die', 'das', 'van', 'von', 'for', 'a', 'an', 'at',
  'on', 'in', 'y', 'und', 'et', 'inc', 'llc', 'ltd',
]);
/** Weight multiplier of a generic token. */
export const GENERIC_WEIGHT = 0.15;

/** What explanations need from normalization (shared between records where equal). */
export interface NameNotes {
  flags: string[];
  removed: string[];
  legalDisplays: string[];
  legalForm: string | null;
  /** Spelling variants replaced by a canonical token ('centre' → 'center'): equal keys, not the same spelling. */
  synonyms: string[];
}

/** Normalization result of one distinct name, kept lean (the token strings live in the corpus). */
interface NameInfo {
  norm: NameNotes;
  /** Interned token ids of the normalized tokens: `Corpus.tokData[tokStart .. tokEnd)`. */
  tokStart: number;
  tokEnd: number;
  /**
   * Interned ids (one id space, `Corpus.keyText`) of key, compact, fingerprint and alias keys; PSA
   * strings are interned, IT Glue ones only looked up (ABSENT when no PSA record has it); EMPTY_KEY
   * for an empty name. `prefixId` is `prefixCode(compact)`.
   */
  keyId: number;
  compactId: number;
  fpId: number;
  variantIds: number[];
  prefixId: number;
  key: string;
  /** Alias keys (dba / aka / formerly …), without the main key. */
  variants: string[];
  numbers: string;
  /** A single token of at most 4 characters: exact only. */
  short: boolean;
  /**
   * Key of the name without a location / branch qualifier ("Acme Dental - Denver", "Acme Dental Main
   * Office" → "acme dental"), and the qualifier as written; null when the name has none (review tier).
   */
  baseKey: string | null;
  qualifier: string | null;
}

/** One company of either side: its name's NameInfo, and what belongs to the record itself. */
export interface Rec extends NameInfo {
  idx: number;
  id: string;
  name: string;
  /** Character bit set of the key (see tokenMask). */
  keyMask: number;
  flagged: boolean;
  inactive: boolean;
  /** Registrable domains that count as a signal (free-mail, own and shared domains removed). */
  domains: string[];
  /** Phone that counts as a signal (shared numbers removed). */
  phone: string | null;
  /** Raw phone for explanations. */
  phoneRaw: string | null;
  psaId: string | null;
}

export interface Corpus {
  itg: Rec[];
  psa: Rec[];
  tokenText: string[];
  /**
   * Token ids of every record's name, one run per distinct name (see `NameInfo.tokStart`): one typed
   * array instead of an array per record, nothing for the garbage collector to copy.
   */
  tokData: Int32Array;
  tokenWeight: Float64Array;
  tokenInformative: Uint8Array;
  tokenLen: Int32Array;
  /** 1 when the token is an ordinary dictionary word (no typo tolerance between two of them). */
  tokenVocab: Uint8Array;
  /** Bit set of the characters of each token (code % 32), for a cheap necessary test before Jaro-Winkler. */
  tokenMask: Int32Array;
  /** Token text -> id (`get` gives -1 for a token no name has). */
  tokenIds: StringTable;
  /** Interned key strings (keys, compacts, fingerprints, alias keys, prefixes): id -> text. */
  keyText: string[];
}

/** Key id of an empty name. */
export const EMPTY_KEY = -1;
/** Key id of an IT Glue key that no PSA record has (matches nothing by equality). */
export const ABSENT = -2;

/** Length of the `compact` prefix used for blocking. */
export const PREFIX_LEN = 5;

/**
 * The first PREFIX_LEN characters of `compact` as a number (base 37 over a–z, 0–9: a small integer,
 * cheap as a Map key), or ABSENT when the compact is shorter or has other characters.
 */
export function prefixCode(compact: string): number {
  if (compact.length < PREFIX_LEN) return ABSENT;
  let code = 0;
  for (let i = 0; i < PREFIX_LEN; i++) {
    const c = compact.charCodeAt(i);
    let v: number;
    if (c >= 97 && c <= 122) v = c - 96;
    else if (c >= 48 && c <= 57) v = c - 48 + 27;
    else return ABSENT;
    code = code * 37 + v;
  }
  return code;
}

const NONE: string[] = [];
Object.freeze(NONE);
const NO_IDS: number[] = [];
Object.freeze(NO_IDS);
const NO_NOTES: NameNotes = Object.freeze({ flags: NONE, removed: NONE, legalDisplays: NONE, legalForm: null, synonyms: NONE });

function dedupeById(list: MatchCompany[]): MatchCompany[] {
  const seen = new StringTable(list.length);
  const out: MatchCompany[] = [];
  for (const c of list) {
    if (!c || typeof c.id !== 'string') continue;
    const before = seen.size;
    if (seen.add(c.id) < before) continue; // seen before
    out.push(c);
  }
  return out;
}

/**
 * An empty array that already holds objects (elements kind): the first push of a record into an
 * array made by `[]` changed its kind and threw the caller's optimized code away, once per run.
 */
function objectArray<T extends object>(): T[] {
  const a: T[] = [NO_NOTES as unknown as T];
  a.length = 0;
  return a;
}

/**
 * A Rec built by one constructor, so every record has the same hidden class from the start. Its
 * fields are Rec's, by declaration merging: listed once (in Rec), assigned here.
 */
interface CompanyRecord extends Rec {}
class CompanyRecord {
  constructor(c: MatchCompany, i: number, psaSide: boolean, name: string, info: NameInfo, doms: string[], ph: string | null) {
    this.idx = i;
    this.id = c.id;
    this.name = name;
    this.norm = info.norm;
    this.tokStart = info.tokStart;
    this.tokEnd = info.tokEnd;
    this.keyMask = 0;
    this.keyId = info.keyId;
    this.compactId = info.compactId;
    this.fpId = info.fpId;
    this.variantIds = info.variantIds;
    this.prefixId = info.prefixId;
    this.key = info.key;
    this.variants = info.variants;
    this.numbers = info.numbers;
    this.flagged = info.norm.flags.length > 0 || (!psaSide && c.inactive === true);
    this.inactive = psaSide && c.inactive === true;
    this.short = info.short;
    this.baseKey = info.baseKey;
    this.qualifier = info.qualifier;
    this.domains = doms;
    this.phone = ph;
    this.phoneRaw = c.phone ?? null;
    this.psaId = !psaSide && typeof c.psaId === 'string' && c.psaId !== '' ? c.psaId : null;
  }
}

/**
 * What buildCorpus accumulates over both lists. The per-record work lives in methods called once per
 * record (hot, optimized like any hot function) rather than in a loop body of a closure run twice
 * per call, which spent much of its time unoptimized.
 */
class CorpusBuilder {
  readonly tokenIds: StringTable;
  readonly keyIds: StringTable;
  /** Token ids of the names, see Corpus.tokData. */
  tokData: Int32Array;
  tokLen = 0;
  /** Records already built, by raw name (id in `names` -> its record): a Rec carries every NameInfo field. */
  private readonly names: StringTable;
  private readonly named: NameInfo[] = objectArray();
  private readonly notesCache = new Map<string, NameNotes>();
  private readonly own = new Set<string>();
  /** What newInfo returns: one object, overwritten per new name (see there). */
  private readonly scratch: NameInfo = {
    norm: NO_NOTES, tokStart: 0, tokEnd: 0, keyId: EMPTY_KEY, compactId: EMPTY_KEY, fpId: EMPTY_KEY, variantIds: NO_IDS,
    prefixId: ABSENT, key: '', variants: NONE, numbers: '', short: false, baseKey: null, qualifier: null,
  };

  constructor(nIn: number, nPsa: number, ownDomains: string[]) {
    this.tokenIds = new StringTable(nIn);
    this.keyIds = new StringTable(3 * nPsa);
    this.names = new StringTable(nIn);
    this.tokData = new Int32Array(Math.max(64, nIn * 4));
    for (const d of ownDomains) {
      const r = registrableDomain(d);
      if (r) this.own.add(r);
    }
  }

  /**
   * Key id: PSA strings are interned, IT Glue ones only looked up (a key no PSA record has can match
   * nothing: ABSENT).
   */
  private idOf(k: string, psaSide: boolean): number {
    if (psaSide) return this.keyIds.add(k);
    const id = this.keyIds.get(k);
    return id < 0 ? ABSENT : id;
  }

  private notesOf(norm: NormalizedDetail): NameNotes {
    if (norm.flags.length === 0 && norm.removed.length === 0 && norm.legalForm === null && norm.synonyms.length === 0) return NO_NOTES;
    // most names only lose one legal form: share their notes per form
    const nk =
      norm.flags.length === 0 && norm.removed.length === 1 && norm.legalDisplays.length === 1 && norm.synonyms.length === 0
        ? norm.legalDisplays[0]
        : `${norm.flags.join('|')}#${norm.removed.join('|')}#${norm.legalDisplays.join('|')}#${norm.legalForm ?? ''}#${norm.synonyms.join('|')}`;
    const shared = this.notesCache.get(nk);
    if (shared !== undefined) return shared;
    const notes = { flags: norm.flags, removed: norm.removed, legalDisplays: norm.legalDisplays, legalForm: norm.legalForm, synonyms: norm.synonyms };
    this.notesCache.set(nk, notes);
    return notes;
  }

  /** NameInfo of a name met for the first time, valid until the next call (the caller copies it). */
  private newInfo(name: string, psaSide: boolean): NameInfo {
    const norm = normalizeDetailed(name);
    const tokStart = this.tokLen;
    for (let k = 0; k < norm.tokens.length; k++) {
      if (this.tokLen === this.tokData.length) {
        const grown = new Int32Array(this.tokData.length * 2);
        grown.set(this.tokData);
        this.tokData = grown;
      }
      this.tokData[this.tokLen++] = this.tokenIds.add(norm.tokens[k]);
    }
    const notes = this.notesOf(norm);
    const keyId = norm.key === '' ? EMPTY_KEY : this.idOf(norm.key, psaSide);
    const compactId = norm.compact === norm.key ? keyId : this.idOf(norm.compact, psaSide);
    const fpId = norm.fingerprint === norm.key ? keyId : this.idOf(norm.fingerprint, psaSide);
    // filled in place: the record copies these fields, so a fresh object per name would only be garbage
    const info = this.scratch;
    info.tokStart = tokStart;
    info.tokEnd = this.tokLen;
    info.keyId = keyId;
    info.compactId = compactId;
    info.fpId = fpId;
    info.variantIds = norm.aliases.length ? norm.aliases.map((k) => this.idOf(k, psaSide)) : NO_IDS;
    info.prefixId = prefixCode(norm.compact);
    info.key = norm.key;
    info.variants = norm.aliases;
    info.numbers = norm.numbers;
    info.short = norm.tokens.length === 1 && norm.tokens[0].length <= 4;
    info.norm = notes;
    const qual = qualifierOf(name, norm);
    info.baseKey = qual.baseKey;
    info.qualifier = qual.baseKey !== null ? qual.qualifier : null;
    return info;
  }

  /**
   * The registrable domains of a company that count as a signal (free-mail and own domains dropped,
   * each once, in order). Most companies list domains that are registrable already: then their own
   * array is used as it is rather than copied (one array less per record for the collector).
   */
  private signalDomains(src: string[] | null | undefined): string[] {
    if (!src || src.length === 0) return NONE;
    let out: string[] | null = null; // set once the result stops being src[0 .. k)
    for (let k = 0; k < src.length; k++) {
      const d = src[k];
      const r = typeof d === 'string' ? registrableDomain(d) : null;
      let seen = false;
      if (r !== null) {
        if (out === null) {
          const at = src.indexOf(r);
          seen = at >= 0 && at < k;
        } else seen = out.includes(r);
      }
      if (!r || FREE_MAIL_DOMAINS.has(r) || this.own.has(r) || seen) {
        if (out === null) out = src.slice(0, k);
        continue;
      }
      if (out === null && r === d) continue;
      if (out === null) out = src.slice(0, k);
      out.push(r);
    }
    if (out === null) return src;
    return out.length > 0 ? out : NONE;
  }

  /**
   * The record of company `c` (index `i` on its side). Its `domains` and `phone` are still unfiltered
   * (every signal domain, the normalized phone); `domainCount` and `phoneCount` tally them for the side.
   */
  record(c: MatchCompany, i: number, side: 'itg' | 'psa', domainCount: StringCounter, phoneCount: StringCounter): Rec {
    const name = typeof c.name === 'string' ? c.name : '';
    const nameId = this.names.add(name);
    const cached = nameId < this.named.length;
    const info = cached ? this.named[nameId] : this.newInfo(name, side === 'psa');
    const doms = this.signalDomains(c.domains);
    for (let k = 0; k < doms.length; k++) domainCount.add(doms[k]);
    const ph = normalizePhone(c.phone ?? null);
    if (ph) phoneCount.add(ph);
    const rec = new CompanyRecord(c, i, side === 'psa', name, info, doms, ph);
    if (!cached) this.named.push(rec);
    return rec;
  }
}

export function buildCorpus(itgIn: MatchCompany[], psaIn: MatchCompany[], ownDomains: string[] = []): Corpus {
  const b = new CorpusBuilder((itgIn ?? []).length + (psaIn ?? []).length, (psaIn ?? []).length, ownDomains);
  const prep = (list: MatchCompany[], side: 'itg' | 'psa'): Rec[] => {
    const domainCount = new StringCounter();
    const phoneCount = new StringCounter();
    const recs = buildRecs(b, list, side, domainCount, phoneCount);
    keepUniqueSignals(recs, domainCount, phoneCount);
    return recs;
  };

  const psa = prep(dedupeById(psaIn ?? []), 'psa');
  const itg = prep(dedupeById(itgIn ?? []), 'itg');
  const { tokenIds, tokData } = b;
  const tokenText = tokenIds.text;
  const keyText = b.keyIds.text;

  const T = tokenText.length;
  const df = documentFrequency([itg, psa], tokData, T);
  const N = itg.length + psa.length;
  const tokenWeight = new Float64Array(T);
  const tokenInformative = new Uint8Array(T);
  const tokenLen = new Int32Array(T);
  const tokenVocab = new Uint8Array(T);
  const tokenMask = new Int32Array(T);
  for (let t = 0; t < T; t++) tokenStats(t, tokenText[t], N, df, tokenWeight, tokenInformative, tokenLen, tokenVocab, tokenMask);
  setKeyMasks([itg, psa], tokData, tokenMask);
  return { itg, psa, tokenText, tokData, tokenWeight, tokenInformative, tokenLen, tokenVocab, tokenMask, tokenIds, keyText };
}

// The passes below are functions of their own, each a loop and a return: V8 optimizes a long loop
// of a function called once per run by on-stack replacement, and code compiled so for one loop of a
// longer function stopped at the next statement after it (no type feedback there yet) on every run.

/** The records of one side (see CorpusBuilder.record). */
function buildRecs(b: CorpusBuilder, list: MatchCompany[], side: 'itg' | 'psa', domainCount: StringCounter, phoneCount: StringCounter): Rec[] {
  const recs: Rec[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) recs[i] = b.record(list[i], i, side, domainCount, phoneCount);
  return recs;
}

/** Domains and phones on more than one record of a side are not evidence: dropped from those records. */
function keepUniqueSignals(recs: Rec[], domainCount: StringCounter, phoneCount: StringCounter): void {
  for (let i = 0; i < recs.length; i++) {
    const doms = recs[i].domains;
    if (doms.length) {
      let shared = 0;
      for (let k = 0; k < doms.length; k++) if (domainCount.count(doms[k]) !== 1) shared++;
      if (shared > 0) {
        const kept = shared < doms.length ? doms.filter((d) => domainCount.count(d) === 1) : NONE;
        recs[i].domains = kept.length ? kept : NONE;
      }
    }
    const ph = recs[i].phone;
    recs[i].phone = ph && phoneCount.count(ph) === 1 ? ph : null;
  }
}

/** Per token: how many records (of both lists) have it. */
function documentFrequency(lists: Rec[][], tokData: Int32Array, T: number): Int32Array {
  const df = new Int32Array(T);
  const stamp = new Int32Array(T).fill(-1);
  let s = 0;
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    for (let q = 0; q < list.length; q++) {
      const r = list[q];
      for (let k = r.tokStart; k < r.tokEnd; k++) {
        const t = tokData[k];
        if (stamp[t] !== s) {
          stamp[t] = s;
          df[t]++;
        }
      }
      s++;
    }
  }
  return df;
}

/** IDF weight, informative flag, length, dictionary flag and character mask of token t. */
function tokenStats(
  t: number,
  text: string,
  N: number,
  df: Int32Array,
  tokenWeight: Float64Array,
  tokenInformative: Uint8Array,
  tokenLen: Int32Array,
  tokenVocab: Uint8Array,
  tokenMask: Int32Array,
): void {
  const generic = GENERIC_TOKENS.has(text);
  tokenWeight[t] = Math.log(1 + N / Math.max(1, df[t])) * (generic ? GENERIC_WEIGHT : 1);
  tokenInformative[t] = generic ? 0 : 1;
  tokenLen[t] = text.length;
  tokenVocab[t] = VOCABULARY.has(text) ? 1 : 0;
  let mask = 0;
  for (let k = 0; k < text.length; k++) mask |= 1 << (text.charCodeAt(k) & 31);
  tokenMask[t] = mask;
}

/** Each record's keyMask: the character bits of its tokens. */
function setKeyMasks(lists: Rec[][], tokData: Int32Array, tokenMask: Int32Array): void {
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    for (let q = 0; q < list.length; q++) {
      const r = list[q];
      let m = 0;
      for (let k = r.tokStart; k < r.tokEnd; k++) m |= tokenMask[tokData[k]];
      r.keyMask = m;
    }
  }
}
