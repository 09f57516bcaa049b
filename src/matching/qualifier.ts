/**
 * Location and branch qualifiers (review tier, issue 12): "Bellmont Dental Main Office",
 * "X LLC (Main Office)", "Granger Insurance (Denver)", "Pryor Realty Group - Austin" name the same
 * customer as "Bellmont Dental", "X LLC", … or one of its sites. Such pairs are never proposed, only
 * offered for review as a possible match.
 *
 * A qualifier is (1) a trailing parenthesised part or the part after a spaced dash (" - ", " – ",
 * " — "), whatever its words, and/or (2) trailing location words ("Main Office", "HQ", "Downtown",
 * "Main Campus"). The base is what remains; it must keep a name that is not short.
 */
import type { NormalizedDetail } from './normalize.js';
import { normalizeDetailed } from './normalize.js';

/** Words that say where, not who. Stripped from the end of a name only (see AFTER_LOCATION for "office"). */
const LOCATION_WORDS: ReadonlySet<string> = new Set([
  'head', 'headquarters', 'hq', 'corporate', 'campus', 'branch', 'main',
  'downtown', 'uptown', 'midtown', 'north', 'south', 'east', 'west', 'northeast', 'northwest', 'southeast',
  'southwest', 'administration', 'admin', 'site', 'street',
]);
/**
 * Nouns that count as location words only right after one ("Main Office", "Head Office", "Main Clinic"):
 * "Smith Law Office" is a name, "Smith Law Main Office" a place.
 */
const AFTER_LOCATION: ReadonlySet<string> = new Set(['office', 'offices', 'location', 'shop', 'store', 'clinic', 'building']);
/** Trailing parts that are flags or aliases, not places (normalization handles those). */
const NOT_A_PLACE = /^(dba|d\/b\/a|aka|a\/k\/a|t\/a|fka|formerly|old|inactive|archived|test|closed|duplicate|do not use)\b/i;

const PAREN_TAIL = /^(.*\S)\s*\(([^()]*)\)\s*$/;
const DASH_TAIL = /^(.*\S)\s+[-–—]\s+(\S.*)$/;
/** Cheap pre-test (no regex on the hot path): a name with none of these has no qualifier. */
function maybeQualified(raw: string): boolean {
  if (raw.includes(')') || raw.includes(' - ') || raw.includes('–') || raw.includes('—')) return true;
  const t = raw.trimEnd();
  let w = t.slice(t.lastIndexOf(' ') + 1).toLowerCase();
  if (LOCATION_WORDS.has(w) || AFTER_LOCATION.has(w)) return true;
  const c = w.charCodeAt(w.length - 1);
  if (c >= 97 && c <= 122) return false;
  w = word(w);
  return LOCATION_WORDS.has(w) || AFTER_LOCATION.has(w);
}

const word = (w: string): string => w.toLowerCase().replace(/[^a-z]/g, '');

/** The name's base key and qualifier as written, or nulls when it has none. */
const NONE: { baseKey: null; qualifier: null } = Object.freeze({ baseKey: null, qualifier: null });

export function qualifierOf(raw: string, norm: NormalizedDetail): { baseKey: string | null; qualifier: string | null } {
  const none = NONE;
  if (norm.flags.length > 0 || norm.aliases.length > 0 || norm.key === '' || !maybeQualified(raw)) return none;
  let base = raw.trim();
  const parts: string[] = [];
  const paren = PAREN_TAIL.exec(base);
  const m = paren ?? DASH_TAIL.exec(base);
  if (m !== null) {
    const tail = m[2].trim();
    if (tail === '' || NOT_A_PLACE.test(tail)) return none;
    base = m[1].trim().replace(/[,\s]+$/, '');
    parts.unshift(paren !== null ? `(${tail})` : tail);
  }
  const words = base.split(/\s+/);
  let cut = words.length;
  while (cut > 1) {
    const w = word(words[cut - 1]);
    if (LOCATION_WORDS.has(w) || (AFTER_LOCATION.has(w) && cut > 2 && LOCATION_WORDS.has(word(words[cut - 2])))) cut--;
    else break;
  }
  if (cut < words.length) {
    parts.unshift(words.slice(cut).join(' '));
    base = words.slice(0, cut).join(' ').replace(/[,\s-]+$/, '');
  }
  if (parts.length === 0) return none;
  // without a separator, a stripped location word must leave at least two words ("Patterson West" is a name)
  if (m === null && cut < 2) return none;
  const b = normalizeDetailed(base);
  if (b.key === '' || b.key === norm.key || (b.tokens.length === 1 && b.tokens[0].length <= 4) || b.flags.length > 0) return none;
  return { baseKey: b.key, qualifier: parts.join(' ') };
}
