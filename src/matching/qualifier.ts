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

/** Words that say where, not who. Stripped from the end of a name only. */
const LOCATION_WORDS: ReadonlySet<string> = new Set([
  'office', 'offices', 'head', 'headquarters', 'hq', 'corporate', 'campus', 'branch', 'location', 'main',
  'downtown', 'uptown', 'midtown', 'north', 'south', 'east', 'west', 'northeast', 'northwest', 'southeast',
  'southwest', 'administration', 'admin', 'site', 'street',
]);
/** Nouns that count as location words only right after one ("Main Shop", "Main Clinic", "Branch Store"). */
const AFTER_LOCATION: ReadonlySet<string> = new Set(['shop', 'store', 'clinic', 'building', 'location', 'office']);
/** Trailing parts that are flags or aliases, not places (normalization handles those). */
const NOT_A_PLACE = /^(dba|d\/b\/a|aka|a\/k\/a|t\/a|fka|formerly|old|inactive|archived|test|closed|duplicate|do not use)\b/i;

const PAREN_TAIL = /^(.*\S)\s*\(([^()]*)\)\s*$/;
const DASH_TAIL = /^(.*\S)\s+[-–—]\s+(\S.*)$/;
/** Cheap pre-test: a name with none of these has no qualifier. */
const MAYBE = /[()–—]|\s-\s|\b(office|offices|headquarters|hq|campus|branch|location|downtown|uptown|midtown|north|south|east|west|administration|admin|site|street|shop|store|clinic|building)\s*$/i;

const word = (w: string): string => w.toLowerCase().replace(/[^a-z]/g, '');

/** The name's base key and qualifier as written, or nulls when it has none. */
export function qualifierOf(raw: string, norm: NormalizedDetail): { baseKey: string | null; qualifier: string | null } {
  const none = { baseKey: null, qualifier: null };
  if (norm.flags.length > 0 || norm.aliases.length > 0 || norm.key === '' || !MAYBE.test(raw)) return none;
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
  const b = normalizeDetailed(base);
  if (b.key === '' || b.key === norm.key || (b.tokens.length === 1 && b.tokens[0].length <= 4) || b.flags.length > 0) return none;
  return { baseKey: b.key, qualifier: parts.join(' ') };
}
