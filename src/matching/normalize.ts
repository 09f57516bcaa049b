/**
 * Company-name normalization, matching.md §3 steps 1–8 (IDF, the rest of step 8, lives in corpus.ts).
 */
import { stripLegalForms, type LegalForm } from './legal-forms.js';

export interface NormalizedName {
  /** Tokens space-joined. */
  key: string;
  /** Tokens joined without spaces. */
  compact: string;
  /** Sorted unique tokens, space-joined. */
  fingerprint: string;
  tokens: string[];
  /** Flags set aside: 'old', 'inactive', 'do not use', 'archived', 'test', 'closed', 'duplicate', … */
  flags: string[];
  /** Keys of the alternative names (dba X, t/a X, aka X, fka X, formerly X). */
  aliases: string[];
  /** Class of the outermost legal form removed (e.g. 'ltd' for Ltd / Limited), or null. */
  legalForm: string | null;
  /** Parts removed from the name, normalized, in order: legal forms, '& co', '&', 'and', 'the', flag and alias parts. */
  removed: string[];
}

/** Internal superset used by the engine and the explanations. */
export interface NormalizedDetail extends NormalizedName {
  /** Display forms of the legal forms removed, outermost first ("Ltd", "Pty Ltd"). */
  legalDisplays: string[];
  /** Digit runs (and roman numerals) of the key, sorted, comma-joined; '' when none. */
  numbers: string;
  /** Spelling variants replaced by their canonical token (step 6), as written: ['centre'], ['mount']. */
  synonyms: string[];
}

// ---------------------------------------------------------------------------------------------
// Step 1–2: folding

const FOLD_MAP: ReadonlyMap<string, string> = new Map(Object.entries({
  ß: 'ss', ẞ: 'ss', ø: 'o', Ø: 'o', æ: 'ae', Æ: 'ae', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd', ð: 'd', Ð: 'd',
  þ: 'th', Þ: 'th', œ: 'oe', Œ: 'oe', ı: 'i', ħ: 'h', Ħ: 'h', ŀ: 'l', Ŀ: 'l', ĸ: 'k',
}));
const FOLD_RE = /[ßẞøØæÆłŁđĐðÐþÞœŒıħĦŀĿĸ]/g;
const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;
const APOS_DOTS = /['’‘`´ʼʹ′.·]/g;

/** NFKD, drop combining marks, map what doesn't decompose, casefold, delete apostrophes and dots. */
export function foldText(raw: string): string {
  let s = raw;
  if (NON_ASCII.test(s)) {
    s = s.normalize('NFKD').replace(MARKS, '');
    s = s.replace(FOLD_RE, (c) => FOLD_MAP.get(c) ?? c);
  }
  s = s.toLowerCase();
  if (s.includes('&amp;')) s = s.replace(/&amp;/g, '&');
  return s.replace(APOS_DOTS, '');
}

// ---------------------------------------------------------------------------------------------
// Step 3: flags and aliases

/** Whole segments (in parentheses/brackets, after a dash, or the whole name) that flag a record. */
const FLAG_PHRASES: ReadonlyMap<string, string> = new Map(Object.entries({
  old: 'old',
  inactive: 'inactive',
  'inactive client': 'inactive',
  'inactive customer': 'inactive',
  'do not use': 'do not use',
  'dont use': 'do not use',
  donotuse: 'do not use',
  dnu: 'do not use',
  archived: 'archived',
  archive: 'archived',
  test: 'test',
  testing: 'test',
  'test account': 'test',
  'test company': 'test',
  closed: 'closed',
  'out of business': 'closed',
  defunct: 'closed',
  cancelled: 'closed',
  canceled: 'closed',
  terminated: 'closed',
  duplicate: 'duplicate',
  dup: 'duplicate',
  dupe: 'duplicate',
  deleted: 'deleted',
  delete: 'deleted',
  'to be deleted': 'deleted',
  former: 'former client',
  'former client': 'former client',
  'former customer': 'former client',
  'ex client': 'former client',
  'no longer a client': 'former client',
  'no longer client': 'former client',
  'not a client': 'former client',
  obsolete: 'old',
  deprecated: 'old',
  legacy: 'old',
  'old account': 'old',
  'old record': 'old',
  'old name': 'old',
}));
/** Flag phrases that also count when they start a side segment, e.g. "(inactive - merged)". */
const FLAG_LEADS = ['do not use', 'dont use', 'dnu', 'inactive', 'archived', 'closed', 'duplicate', 'deleted', 'former client', 'no longer'];
/** Words that flag a record wherever they appear in the name. */
const FLAG_WORDS: ReadonlyMap<string, string> = new Map(Object.entries({
  inactive: 'inactive',
  archived: 'archived',
  donotuse: 'do not use',
  dnu: 'do not use',
  deprecated: 'old',
  obsolete: 'old',
  defunct: 'closed',
  duplicate: 'duplicate',
}));
const FLAG_WORD_SEQS: [string[], string][] = [
  [['do', 'not', 'use'], 'do not use'],
  [['dont', 'use'], 'do not use'],
  [['out', 'of', 'business'], 'closed'],
  [['no', 'longer', 'a', 'client'], 'former client'],
  [['no', 'longer', 'client'], 'former client'],
  [['former', 'client'], 'former client'],
  [['to', 'be', 'deleted'], 'deleted'],
];

const FLAG_PHRASE_FIRST: ReadonlySet<string> = new Set([...FLAG_PHRASES.keys()].map((p) => p.split(' ')[0]));
const FLAG_FIRST_WORDS: ReadonlySet<string> = new Set([
  ...FLAG_WORDS.keys(),
  ...FLAG_WORD_SEQS.map(([seq]) => seq[0]),
  'test',
  'testing',
]);

/** Alias markers: what follows is another name of the same business. */
const ALIAS_MARKERS: string[][] = [
  ['doing', 'business', 'as'],
  ['formerly', 'known', 'as'],
  ['also', 'known', 'as'],
  ['trading', 'as'],
  ['operating', 'as'],
  ['dba'],
  ['aka'],
  ['fka'],
  ['formerly'],
];

const ALIAS_FIRST: ReadonlySet<string> = new Set(ALIAS_MARKERS.map((m) => m[0]));

const SP_ALIAS = 1;
const SP_FLAG_PHRASE = 2;
const SP_FLAG_WORD = 4;
/** Per token: may it start an alias marker, start a flag phrase, or be a flag word? One lookup each. */
const NAME_SPECIAL: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  const add = (k: string, b: number) => m.set(k, (m.get(k) ?? 0) | b);
  for (const k of ALIAS_FIRST) add(k, SP_ALIAS);
  for (const k of FLAG_PHRASE_FIRST) add(k, SP_FLAG_PHRASE);
  for (const k of FLAG_FIRST_WORDS) add(k, SP_FLAG_WORD);
  return m;
})();

const SLASH_FIXES: [RegExp, string][] = [
  [/\bd\s*\/\s*b\s*\/\s*a\b/g, ' dba '],
  [/\ba\s*\/\s*k\s*\/\s*a\b/g, ' aka '],
  [/\bf\s*\/\s*k\s*\/\s*a\b/g, ' fka '],
  [/\bt\s*\/\s*a\b/g, ' trading as '],
];

const TOKEN_SPLIT = /[^\p{L}\p{N}&+]+/u;
const SEGMENT_CHARS = /[([{|*;:\-–—]/;
const SEGMENT_SPLIT = /\s[-–—|:]+\s|\s[-–—]+$|^[-–—]+\s|[|*;]|\s--+|--+\s/;

function tokenize(s: string): string[] {
  if (!NON_ASCII.test(s)) return tokenizeAscii(s);
  if (s.includes('&') || s.includes('+')) s = s.replace(/[&+]/g, (c) => ` ${c} `);
  const parts = s.split(TOKEN_SPLIT);
  // a regex split leaves empty strings only at the ends
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length > 0 && parts[0] === '') parts.shift();
  return parts;
}

/** The same split for ASCII text without a regular expression: runs of [a-z0-9], and '&' / '+' alone. */
function tokenizeAscii(s: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const word = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
    if (word) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0) {
      out.push(s.slice(start, i));
      start = -1;
    }
    if (c === 38) out.push('&');
    else if (c === 43) out.push('+');
  }
  if (start >= 0) out.push(start === 0 ? s : s.slice(start));
  return out;
}

function startsWithSeq(tokens: string[], at: number, seq: string[]): boolean {
  if (at + seq.length > tokens.length) return false;
  for (let k = 0; k < seq.length; k++) if (tokens[at + k] !== seq[k]) return false;
  return true;
}

interface Segment {
  tokens: string[];
  side: boolean; // in parentheses/brackets or after a separator
}

/**
 * The one segment of a plain name (most names), reused: normalizeDetailed reads it before it could call
 * splitSegments again, and takes its token array, not the segment.
 */
const PLAIN: Segment = { tokens: [], side: false };
const PLAIN_LIST: readonly Segment[] = [PLAIN];
const NO_SEGMENTS: readonly Segment[] = [];

function splitSegments(s: string): readonly Segment[] {
  if (!SEGMENT_CHARS.test(s)) {
    const t = tokenize(s);
    if (t.length === 0) return NO_SEGMENTS;
    PLAIN.tokens = t;
    return PLAIN_LIST;
  }
  const segs: Segment[] = [];
  let outer = '';
  const hasParen = /[([{]/.test(s);
  if (hasParen) {
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      if (c === '(' || c === '[' || c === '{') {
        const close = c === '(' ? ')' : c === '[' ? ']' : '}';
        let j = s.indexOf(close, i + 1);
        if (j < 0) j = s.length;
        const inner = s.slice(i + 1, j);
        const t = tokenize(inner);
        if (t.length) segs.push({ tokens: t, side: true });
        outer += ' \u0000 ';
        i = j + 1;
      } else {
        outer += c;
        i++;
      }
    }
  } else {
    outer = s;
  }
  const pieces = outer.split('\u0000').flatMap((p) => p.split(SEGMENT_SPLIT));
  const main: Segment[] = [];
  let count = 0;
  for (const p of pieces) {
    const t = tokenize(p);
    if (t.length) {
      main.push({ tokens: t, side: count > 0 });
      count++;
    }
  }
  return main.concat(segs);
}

// ---------------------------------------------------------------------------------------------
// Steps 4–7

const CONNECTORS = new Set(['&', '+', 'and', 'und', 'et', 'of']);
const SUFFIX_UNIT_HEAD = new Set(['&', '+', 'and', 'et']);
const SUFFIX_UNIT_TAIL = new Set(['co', 'company', 'cie', 'compagnie']);

/** Synonyms to one canonical token (step 6). 'saint'/'st' are handled separately (leading only). */
const SYNONYMS: ReadonlyMap<string, string> = new Map(Object.entries({
  mount: 'mt',
  brothers: 'bros',
  bro: 'bros',
  company: 'co',
  cmpny: 'co',
  international: 'intl',
  technology: 'tech',
  technologies: 'tech',
  manufacturing: 'mfg',
  centre: 'center',
  ctr: 'center',
  associates: 'assoc',
  assocs: 'assoc',
  grp: 'group',
  svcs: 'services',
  svc: 'services',
  management: 'mgmt',
  mgt: 'mgmt',
  laboratories: 'labs',
  laboratory: 'labs',
  vet: 'veterinary',
  vets: 'veterinary',
  jewellers: 'jewelers',
  jeweller: 'jeweler',
  jewellery: 'jewelry',
  theatre: 'theater',
  orthopaedic: 'orthopedic',
  orthopaedics: 'orthopedics',
  paediatric: 'pediatric',
  paediatrics: 'pediatrics',
}));
/** Street words, only after the first position ("Main St" is a street, "St Mary" a saint). */
const STREET_SYNONYMS: ReadonlyMap<string, string> = new Map(Object.entries({
  st: 'street',
  str: 'street',
  ave: 'avenue',
  av: 'avenue',
  rd: 'road',
  blvd: 'boulevard',
  hwy: 'highway',
  pkwy: 'parkway',
  ln: 'lane',
  dr: 'drive',
  mtn: 'mountain',
  sq: 'square',
}));
const LEADING_SAINT = new Set(['saint', 'st', 'sainte', 'ste']);
const LEADING_SAINT_MAP: ReadonlyMap<string, string> = new Map(Object.entries({ saint: 'st', st: 'st', sainte: 'st', ste: 'st' }));

const ROMAN: ReadonlyMap<string, number> = new Map(Object.entries({
  ii: 2, iii: 3, iv: 4, vi: 6, vii: 7, viii: 8, ix: 9, xi: 11, xii: 12, xiii: 13, xiv: 14, xv: 15, xx: 20,
}));
const DIGIT_RUNS = /\d+/g;

const SINGLE_LETTER = /^\p{L}$/u;

interface CanonResult {
  tokens: string[];
  legal: LegalForm[];
  synonyms: string[];
}

/** Tokens that steps 4–6 may change: one lookup per token decides whether they have anything to do. */
const CANON_TOKENS: ReadonlySet<string> = new Set([
  ...CONNECTORS,
  ...SUFFIX_UNIT_HEAD,
  ...SUFFIX_UNIT_TAIL,
  ...LEADING_SAINT,
  ...SYNONYMS.keys(),
  ...STREET_SYNONYMS.keys(),
  'y',
]);

const SPA_ALLOWED = Object.freeze({ allowSpa: true });
const SPA_NOT_ALLOWED = Object.freeze({ allowSpa: false });

/** Steps 4–7 on a token list. Pushes what it removes onto `removed`. */
function canonicalize(input: string[], removed: string[], allowSpa: boolean): CanonResult {
  let t = input;
  let work = false;
  for (let i = 0; i < t.length; i++) {
    const x = t[i];
    if (x.length === 1 || CANON_TOKENS.has(x)) {
      work = true;
      break;
    }
  }
  if (!work) {
    // nothing for steps 4–6 (most names): legal forms and 'the' only
    const legal = stripLegalForms(t, allowSpa ? SPA_ALLOWED : SPA_NOT_ALLOWED);
    for (let i = 0; i < legal.length; i++) removed.push(legal[i].text);
    stripThe(t, removed);
    return { tokens: t, legal, synonyms: EMPTY };
  }
  // Step 4: suffix units at the end ('& co', 'and company', 'et cie'), then drop connectors.
  while (t.length > 2) {
    const a = t[t.length - 2];
    const b = t[t.length - 1];
    if (SUFFIX_UNIT_HEAD.has(a) && SUFFIX_UNIT_TAIL.has(b)) {
      removed.push(`${a} ${b}`);
      t.length -= 2;
    } else break;
  }
  // Spanish "y" (and) between two words; a "y" among initials ("Y M C A") stays
  for (let i = 1; i < t.length - 1; i++) {
    if (t[i] === 'y' && t[i - 1].length > 1 && t[i + 1].length > 1) t[i] = 'and';
  }
  if (t.some((x) => CONNECTORS.has(x))) {
    const kept = t.filter((x) => !CONNECTORS.has(x));
    if (kept.length > 0) {
      for (let i = 0; i < t.length; i++) if (CONNECTORS.has(t[i])) removed.push(t[i]);
      t = kept;
    }
  }
  // Step 5: join runs of single letters ("a b c" -> "abc").
  let hasSingle = false;
  for (let i = 0; i < t.length; i++) if (t[i].length === 1 && SINGLE_LETTER.test(t[i])) hasSingle = true;
  if (hasSingle) {
    const out: string[] = [];
    let run = '';
    for (const x of t) {
      if (x.length === 1 && SINGLE_LETTER.test(x)) {
        run += x;
      } else {
        if (run !== '') out.push(run);
        run = '';
        out.push(x);
      }
    }
    if (run !== '') out.push(run);
    t = out;
  }
  // Step 6: synonyms; saint/st only in leading position ("Main St" is a street).
  let synonyms: string[] | null = null;
  for (let i = 0; i < t.length; i++) {
    const x = t[i];
    if (i === 0 && t.length > 1 && LEADING_SAINT.has(x)) {
      const m = LEADING_SAINT_MAP.get(x);
      if (m) {
        if (m !== x) (synonyms ??= []).push(x);
        t[i] = m;
      }
      continue;
    }
    const s = SYNONYMS.get(x) ?? (i > 0 ? STREET_SYNONYMS.get(x) : undefined);
    if (s !== undefined) {
      if (s !== x) (synonyms ??= []).push(x);
      t[i] = s;
    }
  }
  // Step 7: trailing legal forms, longest first, never to empty; then a leading 'the'.
  const legal = stripLegalForms(t, allowSpa ? SPA_ALLOWED : SPA_NOT_ALLOWED);
  for (let i = 0; i < legal.length; i++) removed.push(legal[i].text);
  stripThe(t, removed);
  return { tokens: t, legal, synonyms: synonyms ?? EMPTY };
}

/** A leading 'the', or a trailing one ("Village Bakery, The"); never to empty. */
function stripThe(t: string[], removed: string[]): void {
  if (t.length > 1 && t[0] === 'the') {
    removed.push('the');
    t.shift();
  }
  if (t.length > 1 && t[t.length - 1] === 'the') {
    removed.push('the');
    t.length -= 1;
  }
}

const MAY_HAVE_NUMBER = /\d|(?:^| )[ivx]{2,4}(?: |$)/;

function numbersOf(tokens: string[], key: string): string {
  if (!MAY_HAVE_NUMBER.test(key)) return '';
  let nums: string[] | null = null;
  for (const tok of tokens) {
    const r = ROMAN.get(tok);
    if (r !== undefined) {
      (nums ??= []).push(String(r));
      continue;
    }
    if (/\d/.test(tok)) {
      const m = tok.match(DIGIT_RUNS);
      if (m) for (const d of m) (nums ??= []).push(String(Number.parseInt(d, 10)));
    }
  }
  if (!nums) return '';
  return sortStrings(nums).join(',');
}

/**
 * Sorts a short string array in place, in the order of Array.prototype.sort() without a comparator
 * (UTF-16 code units), by insertion: names have a handful of tokens, and the built-in sort allocates
 * a work array per call.
 */
function sortStrings(xs: string[]): string[] {
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= 0 && xs[j] > x) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = x;
  }
  return xs;
}

function keysOf(tokens: string[]): { key: string; compact: string; fingerprint: string } {
  const key = tokens.join(' ');
  const compact = tokens.join('');
  if (tokens.length === 1) return { key, compact: key, fingerprint: key };
  let fingerprint: string;
  if (tokens.length < 2) fingerprint = key;
  else if (tokens.length === 2) fingerprint = tokens[0] <= tokens[1] ? (tokens[0] === tokens[1] ? tokens[0] : key) : `${tokens[1]} ${tokens[0]}`;
  else {
    const sorted = sortStrings(tokens.slice());
    // unique in place, then one flat string (no chain of concatenations to flatten on lookup)
    let n = 1;
    for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i];
    sorted.length = n;
    fingerprint = sorted.join(' ');
  }
  return { key, compact, fingerprint };
}

const UMLAUT = /[äöüÄÖÜ]/;
const UMLAUT_ALL = /[äöüÄÖÜ]/g;
const UMLAUT_MAP: ReadonlyMap<string, string> = new Map(Object.entries({ ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' }));
const SPA_DOTTED = /\bs\.\s*p\.\s*a\.?\s*$/i;
const SPA_CASED = /\bSpA\s*$/;

/** Normalizes an alias name (no flags or further aliases). */
function aliasKey(tokens: string[]): string {
  const scratch: string[] = [];
  const { tokens: t } = canonicalize(tokens, scratch, false);
  return t.join(' ');
}

const EMPTY: string[] = [];
Object.freeze(EMPTY);

/**
 * Adds a flag once. A module-level function, not a closure in normalizeDetailed: tsx (keepNames)
 * names every closure it creates, which costs more than the rest of a short name's normalization.
 */
function addFlag(flags: string[], f: string): void {
  if (!flags.includes(f)) flags.push(f);
}

/** Full normalization with the engine's extra fields. */
export function normalizeDetailed(raw: string, germanAlt = false): NormalizedDetail {
  const removed: string[] = [];
  // flags, aliases and flag words are rare: allocated when a name has a word that may start one
  let flags: string[] = EMPTY;
  let aliases: string[] = EMPTY;
  if (typeof raw !== 'string') raw = '';
  let s = foldText(raw);
  if (s.includes('/')) for (const [re, rep] of SLASH_FIXES) s = s.replace(re, rep);

  const segments = splitSegments(s);
  let mainTokens: string[] = EMPTY; // a plain name's tokens become the main tokens as they are
  let flagTokens: string[] = EMPTY;

  const single = segments.length === 1;
  let anySpecial = 0;
  for (const seg of segments) {
    const t = seg.tokens;
    let bits = 0;
    for (let k = 0; k < t.length; k++) {
      const b = NAME_SPECIAL.get(t[k]);
      if (b !== undefined) bits |= k === 0 ? b : b & ~SP_FLAG_PHRASE;
    }
    anySpecial |= bits;
    const maybeFlag = (bits & SP_FLAG_PHRASE) !== 0 && t.length <= 5;
    const maybeAlias = (bits & SP_ALIAS) !== 0;
    if (!maybeFlag && !maybeAlias) {
      if (single) mainTokens = t;
      else {
        if (mainTokens === EMPTY) mainTokens = [];
        for (const x of t) mainTokens.push(x);
      }
      continue;
    }
    if (flags === EMPTY) {
      flags = [];
      aliases = [];
      flagTokens = [];
    }
    if (mainTokens === EMPTY) mainTokens = [];
    const joined = t.join(' ');
    const whole = maybeFlag ? FLAG_PHRASES.get(joined) : undefined;
    if (whole !== undefined && (seg.side || segments.length > 1 || whole !== 'old')) {
      addFlag(flags, whole);
      removed.push(joined);
      flagTokens.push(...t);
      continue;
    }
    if (seg.side && maybeFlag) {
      const lead = FLAG_LEADS.find((p) => startsWithSeq(t, 0, p.split(' ')));
      if (lead !== undefined) {
        addFlag(flags, FLAG_PHRASES.get(lead) ?? lead);
        removed.push(joined);
        flagTokens.push(...t);
        continue;
      }
    }
    // Alias marker at the start of a side segment, or inside a segment after some name.
    let handled = false;
    for (let at = 0; at < t.length && !handled; at++) {
      if (at === 0 && !seg.side && mainTokens.length === 0) continue;
      for (const m of ALIAS_MARKERS) {
        if (startsWithSeq(t, at, m)) {
          const rest = t.slice(at + m.length);
          const before = t.slice(0, at);
          if (rest.length) {
            const k = aliasKey(rest);
            if (k && !aliases.includes(k)) aliases.push(k);
            removed.push(t.slice(at).join(' '));
            mainTokens.push(...before);
            handled = true;
          }
          break;
        }
      }
    }
    if (!handled) for (const x of t) mainTokens.push(x);
  }

  PLAIN.tokens = EMPTY; // not kept alive until the next name

  // Word-level flags inside the main name.
  let mayFlag = (anySpecial & SP_FLAG_WORD) !== 0;
  if (!mayFlag && mainTokens.length > 1) {
    const x = mainTokens[0];
    if (x.startsWith('zz') || x.startsWith('xx')) mayFlag = true;
  }
  if (mayFlag) {
    if (flags === EMPTY) {
      flags = [];
      aliases = [];
      flagTokens = [];
    }
    const kept: string[] = [];
    for (let i = 0; i < mainTokens.length; i++) {
      const x = mainTokens[i];
      let seqHit = false;
      for (const [seq, f] of FLAG_WORD_SEQS) {
        if (x === seq[0] && startsWithSeq(mainTokens, i, seq)) {
          addFlag(flags, f);
          removed.push(seq.join(' '));
          flagTokens.push(...seq);
          i += seq.length - 1;
          seqHit = true;
          break;
        }
      }
      if (seqHit) continue;
      const w = FLAG_WORDS.get(x);
      if (w !== undefined) {
        addFlag(flags, w);
        removed.push(x);
        flagTokens.push(x);
        continue;
      }
      if ((x === 'test' || x === 'testing') && (i === 0 || i === mainTokens.length - 1) && mainTokens.length > 1) {
        addFlag(flags, 'test');
        removed.push(x);
        flagTokens.push(x);
        continue;
      }
      if (i === 0 && mainTokens.length > 1 && /^(z{2,}|x{2,})$/.test(x)) {
        addFlag(flags, x[0] === 'z' ? 'zz' : 'xx');
        removed.push(x);
        flagTokens.push(x);
        continue;
      }
      kept.push(x);
    }
    mainTokens = kept;
  }
  if (mainTokens.length === 0) {
    // Never to empty: a name that is only a flag ("Test") keeps its words, still flagged.
    if (flagTokens.length) {
      mainTokens = flagTokens.slice();
      removed.length = 0;
    } else if (aliases.length) {
      mainTokens = aliases[0].split(' ');
    }
  }

  // German transliteration (ä -> ae): "Bäckerei" is also written "Baeckerei"; keep it as an alias key.
  if (!germanAlt && NON_ASCII.test(raw) && UMLAUT.test(raw)) {
    const alt = normalizeDetailed(raw.replace(UMLAUT_ALL, (c) => UMLAUT_MAP.get(c) ?? c), true).key;
    if (alt) {
      if (aliases === EMPTY) aliases = [];
      aliases.push(alt);
    }
  }
  if (mainTokens === EMPTY) mainTokens = []; // canonicalize works in place
  const allowSpa = mainTokens.includes('spa') && (SPA_DOTTED.test(raw) || SPA_CASED.test(raw));
  const { tokens, legal, synonyms } = canonicalize(mainTokens, removed, allowSpa);
  const { key, compact, fingerprint } = keysOf(tokens);
  return {
    key,
    compact,
    fingerprint,
    tokens,
    flags: flags.length ? flags : EMPTY,
    aliases: aliases.length ? aliases.filter((a, k) => a !== key && aliases.indexOf(a) === k) : EMPTY,
    legalForm: legal.length ? legal[0].cls : null,
    removed: removed.length ? removed : EMPTY,
    legalDisplays: legal.length ? legal.map((f) => f.display) : EMPTY,
    numbers: numbersOf(tokens, key),
    synonyms,
  };
}

/** Normalizes a company name into matching keys (matching.md §3). Pure and deterministic. */
export function normalizeName(raw: string): NormalizedName {
  const d = normalizeDetailed(raw);
  return {
    key: d.key,
    compact: d.compact,
    fingerprint: d.fingerprint,
    tokens: d.tokens,
    flags: d.flags,
    aliases: d.aliases,
    legalForm: d.legalForm,
    removed: d.removed,
  };
}
