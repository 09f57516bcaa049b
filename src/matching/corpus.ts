/**
 * Precomputation done once per run: normalized names, interned tokens, token IDF over both lists
 * combined (matching.md §3 step 8), filtered domains and phones.
 */
import { normalizeDetailed } from './normalize.js';
import { FREE_MAIL_DOMAINS, normalizePhone, registrableDomain } from './signals.js';
import type { MatchCompany } from './types.js';
import { VOCABULARY } from './vocabulary.js';

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
}

/** Normalization result of one distinct name, kept lean (the token strings live in the corpus). */
interface NameInfo {
  tok: number[];
  key: string;
  compact: string;
  fingerprint: string;
  variants: string[];
  numbers: string;
  short: boolean;
  notes: NameNotes;
}

export interface Rec {
  idx: number;
  id: string;
  name: string;
  norm: NameNotes;
  /** Interned token ids of the normalized tokens. */
  tok: number[];
  /** Character bit set of the key (see tokenMask). */
  keyMask: number;
  key: string;
  compact: string;
  fingerprint: string;
  /** Alias keys (dba / aka / formerly …), without the main key. */
  variants: string[];
  numbers: string;
  flagged: boolean;
  inactive: boolean;
  /** A single token of at most 4 characters: exact only. */
  short: boolean;
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
  tokenWeight: Float64Array;
  tokenInformative: Uint8Array;
  tokenLen: Int32Array;
  /** 1 when the token is an ordinary dictionary word (no typo tolerance between two of them). */
  tokenVocab: Uint8Array;
  /** Bit set of the characters of each token (code % 32), for a cheap necessary test before Jaro-Winkler. */
  tokenMask: Int32Array;
  tokenIds: Map<string, number>;
}

const NONE: string[] = [];
Object.freeze(NONE);
const NO_NOTES: NameNotes = Object.freeze({ flags: NONE, removed: NONE, legalDisplays: NONE, legalForm: null });

function dedupeById(list: MatchCompany[]): MatchCompany[] {
  const seen = new Set<string>();
  const out: MatchCompany[] = [];
  for (const c of list) {
    if (!c || typeof c.id !== 'string' || seen.has(c.id)) continue;
    seen.add(c.id);
    out.push(c);
  }
  return out;
}

export function buildCorpus(itgIn: MatchCompany[], psaIn: MatchCompany[], ownDomains: string[] = []): Corpus {
  const tokenIds = new Map<string, number>();
  const tokenText: string[] = [];
  const cache = new Map<string, NameInfo>();
  const notesCache = new Map<string, NameNotes>();
  const own = new Set<string>();
  for (const d of ownDomains) {
    const r = registrableDomain(d);
    if (r) own.add(r);
  }

  const intern = (t: string): number => {
    let id = tokenIds.get(t);
    if (id === undefined) {
      id = tokenText.length;
      tokenIds.set(t, id);
      tokenText.push(t);
    }
    return id;
  };

  const prep = (list: MatchCompany[], side: 'itg' | 'psa'): Rec[] => {
    const recs: Rec[] = new Array(list.length);
    const domainCount = new Map<string, number>();
    const phoneCount = new Map<string, number>();
    const rawDomains: string[][] = new Array(list.length);
    const phones: (string | null)[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      const name = typeof c.name === 'string' ? c.name : '';
      let info = cache.get(name);
      if (info === undefined) {
        const norm = normalizeDetailed(name);
        const tok: number[] = [];
        for (let k = 0; k < norm.tokens.length; k++) tok.push(intern(norm.tokens[k]));
        let notes: NameNotes;
        if (norm.flags.length === 0 && norm.removed.length === 0 && norm.legalForm === null) notes = NO_NOTES;
        else {
          const nk = `${norm.flags.join('|')}#${norm.removed.join('|')}#${norm.legalDisplays.join('|')}#${norm.legalForm ?? ''}`;
          const shared = notesCache.get(nk);
          if (shared !== undefined) notes = shared;
          else {
            notes = { flags: norm.flags, removed: norm.removed, legalDisplays: norm.legalDisplays, legalForm: norm.legalForm };
            notesCache.set(nk, notes);
          }
        }
        info = {
          tok,
          key: norm.key,
          compact: norm.compact,
          fingerprint: norm.fingerprint,
          variants: norm.aliases,
          numbers: norm.numbers,
          short: norm.tokens.length === 1 && norm.tokens[0].length <= 4,
          notes,
        };
        cache.set(name, info);
      }
      let doms: string[] = NONE;
      if (c.domains && c.domains.length > 0) {
        doms = [];
        for (const d of c.domains) {
          const r = typeof d === 'string' ? registrableDomain(d) : null;
          if (!r || FREE_MAIL_DOMAINS.has(r) || own.has(r) || doms.includes(r)) continue;
          doms.push(r);
        }
      }
      for (const d of doms) domainCount.set(d, (domainCount.get(d) ?? 0) + 1);
      rawDomains[i] = doms;
      const ph = normalizePhone(c.phone ?? null);
      phones[i] = ph;
      if (ph) phoneCount.set(ph, (phoneCount.get(ph) ?? 0) + 1);
      recs[i] = {
        idx: i,
        id: c.id,
        name,
        norm: info.notes,
        tok: info.tok,
        keyMask: 0,
        key: info.key,
        compact: info.compact,
        fingerprint: info.fingerprint,
        variants: info.variants,
        numbers: info.numbers,
        flagged: info.notes.flags.length > 0 || (side === 'itg' && c.inactive === true),
        inactive: side === 'psa' && c.inactive === true,
        short: info.short,
        domains: doms,
        phone: null,
        phoneRaw: c.phone ?? null,
        psaId: side === 'itg' && typeof c.psaId === 'string' && c.psaId !== '' ? c.psaId : null,
      };
    }
    // Domains and phones on more than one record of a side are not evidence.
    for (let i = 0; i < recs.length; i++) {
      const doms = rawDomains[i];
      if (doms.length) {
        const kept = doms.filter((d) => domainCount.get(d) === 1);
        recs[i].domains = kept.length ? kept : NONE;
      }
      const ph = phones[i];
      recs[i].phone = ph && phoneCount.get(ph) === 1 ? ph : null;
    }
    return recs;
  };

  const itg = prep(dedupeById(itgIn ?? []), 'itg');
  const psa = prep(dedupeById(psaIn ?? []), 'psa');

  const T = tokenText.length;
  const df = new Int32Array(T);
  const stamp = new Int32Array(T).fill(-1);
  let s = 0;
  for (const list of [itg, psa]) {
    for (const r of list) {
      for (let k = 0; k < r.tok.length; k++) {
        const t = r.tok[k];
        if (stamp[t] !== s) {
          stamp[t] = s;
          df[t]++;
        }
      }
      s++;
    }
  }
  const N = itg.length + psa.length;
  const tokenWeight = new Float64Array(T);
  const tokenInformative = new Uint8Array(T);
  const tokenLen = new Int32Array(T);
  const tokenVocab = new Uint8Array(T);
  const tokenMask = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const text = tokenText[t];
    const generic = GENERIC_TOKENS.has(text);
    tokenWeight[t] = Math.log(1 + N / Math.max(1, df[t])) * (generic ? GENERIC_WEIGHT : 1);
    tokenInformative[t] = generic ? 0 : 1;
    tokenLen[t] = text.length;
    tokenVocab[t] = VOCABULARY.has(text) ? 1 : 0;
    let mask = 0;
    for (let k = 0; k < text.length; k++) mask |= 1 << (text.charCodeAt(k) & 31);
    tokenMask[t] = mask;
  }
  for (const list of [itg, psa]) {
    for (const r of list) {
      let m = 0;
      for (let k = 0; k < r.tok.length; k++) m |= tokenMask[r.tok[k]];
      r.keyMask = m;
    }
  }
  return { itg, psa, tokenText, tokenWeight, tokenInformative, tokenLen, tokenVocab, tokenMask, tokenIds };
}
