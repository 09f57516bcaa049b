/**
 * Explanations (matching.md §9): short sentences for each proposal and suggestion.
 */
import { sameSpelling, type Decision } from './assign.js';
import type { Edges } from './block.js';
import type { Corpus, Rec } from './corpus.js';
import { CAPS, F, type Scorer } from './score.js';

const fmt = (x: number): string => x.toFixed(2);

/**
 * Reasons live in the result as long as the caller keeps it: a copy of exactly their length (an array
 * grown by push from empty has room for 17), so the garbage collector has less to copy.
 */
function exactLength(out: string[]): string[] {
  return out.slice();
}
const q = (s: string): string => `'${s}'`;

function legalPair(a: Rec, b: Rec): string | null {
  const la = a.norm.legalDisplays[0];
  const lb = b.norm.legalDisplays[0];
  if (!la && !lb) return null;
  return `${la ?? '—'} / ${lb ?? '—'}`;
}

/**
 * Connectors removed from a name ('&', 'and', '+', '& co' …). Helpers of this file are module-level
 * functions, not closures made per call: tsx (keepNames) names every closure it creates, which is slow.
 */
function conn(r: Rec): string[] {
  return r.norm.removed.filter((x) => x === '&' || x === 'and' || x === '+' || (x.includes(' ') && CONNECTOR_UNIT.test(x)));
}
const CONNECTOR_UNIT = /^(&|and|\+|et) (co|company|cie)$/;

function connectorNote(a: Rec, b: Rec): string | null {
  const ca = conn(a);
  const cb = conn(b);
  if (ca.length === 0 && cb.length === 0) return null;
  if (ca.some((x) => x.includes(' ')) || cb.some((x) => x.includes(' '))) return "'& Co' / 'and Company' treated as a suffix";
  return "'&' and 'and' treated alike";
}

function sharedDomains(a: Rec, b: Rec): string[] {
  return a.domains.filter((d) => b.domains.includes(d));
}

function signalReasons(a: Rec, b: Rec, flags: number): string[] {
  const out: string[] = [];
  if (flags & F.DOMAIN) for (const d of sharedDomains(a, b)) out.push(`Same domain ${d}`);
  if (flags & F.PHONE) out.push(`Same phone number ${b.phoneRaw ?? a.phoneRaw ?? ''}`.trim());
  return out;
}

function informativeToken(corpus: Corpus, token: string): number {
  return corpus.tokenInformative[Math.max(0, corpus.tokenIds.get(token))];
}

function wordReasons(scorer: Scorer, corpus: Corpus, a: Rec, b: Rec): string[] {
  const al = scorer.align(a, b);
  const out: string[] = [];
  const informative = al.matched.filter(([x]) => informativeToken(corpus, x) === 1);
  const generic = al.matched.filter(([x]) => informativeToken(corpus, x) === 0);
  informative.sort((p, r) => scorer.weightOf(r[0], corpus) - scorer.weightOf(p[0], corpus));
  const rare = informative[0];
  if (rare) {
    const ignored = generic.map(([x]) => q(x));
    out.push(
      `Rare word ${q(rare[0])} matches` + (ignored.length ? `; ${ignored.join(', ')} ignored` : ''),
    );
  }
  for (const [x, y, typo] of al.matched) if (typo) out.push(`Typo tolerated: ${q(x)} ≈ ${q(y)}`);
  return out;
}

function runnerUp(corpus: Corpus, edges: Edges, i: number, j: number): string {
  for (let e = edges.start[i]; e < edges.start[i + 1]; e++) {
    if (edges.psa[e] === j) continue;
    return `Runner-up: ${corpus.psa[edges.psa[e]].name} (${fmt(edges.score[e])})`;
  }
  return 'No other candidate';
}

export function explainDecision(
  corpus: Corpus,
  edges: Edges,
  scorer: Scorer,
  d: Decision,
  edge: number,
  aliasName: string | null,
): string[] {
  const a = corpus.itg[d.i];
  const b = corpus.psa[d.j];
  const flags = edge >= 0 ? edges.flags[edge] : 0;
  const out: string[] = [];
  switch (d.kind) {
    case 'psa-id':
      out.push(`PSA id ${b.id} is stored on the IT Glue organization`);
      break;
    case 'alias':
      out.push(
        aliasName ? `Confirmed earlier: ${q(aliasName)} is linked to this PSA company` : 'Confirmed earlier as an alias of this PSA company',
      );
      break;
    case 'key': {
      if (a.name.trim() === b.name.trim()) out.push('Same name');
      else if (!sameSpelling(a.norm.synonyms, b.norm.synonyms)) {
        const words = [...new Set([...a.norm.synonyms, ...b.norm.synonyms])].map(q).join(', ');
        out.push(`Same name once spelling variants are unified (${words}): near-exact, please check`);
      } else {
        const lp = legalPair(a, b);
        if (lp && a.norm.legalDisplays[0] !== b.norm.legalDisplays[0]) out.push(`Same name once legal suffixes are removed (${lp})`);
        else out.push('Same name once case, punctuation and accents are ignored');
        const cn = connectorNote(a, b);
        if (cn) out.push(cn);
      }
      break;
    }
    case 'variant': {
      if (a.variants.includes(b.key)) out.push(`IT Glue alias ${q(b.key)} (DBA / AKA) equals the PSA name`);
      else if (b.variants.includes(a.key)) out.push(`PSA alias ${q(a.key)} (DBA / AKA) equals the IT Glue name`);
      else out.push('Both names carry the same alias (DBA / AKA)');
      break;
    }
    case 'compact':
      out.push(`Same name ignoring spaces (${q(a.key)} / ${q(b.key)})`);
      break;
    case 'fingerprint':
      out.push(`Same words in a different order (${q(a.key)} / ${q(b.key)})`);
      break;
    case 'strong':
    case 'score': {
      out.push(`Name similarity ${fmt(edge >= 0 ? edges.raw[edge] : d.score)}`);
      out.push(...wordReasons(scorer, corpus, a, b));
      break;
    }
  }
  if (d.kind !== 'psa-id' && d.kind !== 'alias') out.push(...signalReasons(a, b, flags));
  const [ii, jj] = d.ignored;
  for (const x of ii ?? []) out.push(`Set aside IT Glue ${q(corpus.itg[x].name)} (${corpus.itg[x].norm.flags.join(', ') || 'flagged'})`);
  for (const x of jj ?? []) {
    const r = corpus.psa[x];
    out.push(`Set aside PSA ${q(r.name)} (${r.inactive ? 'inactive' : r.norm.flags.join(', ') || 'flagged'})`);
  }
  if (b.inactive) out.push('PSA company is inactive');
  if (a.norm.legalForm && b.norm.legalForm && a.norm.legalForm !== b.norm.legalForm && d.kind !== 'key')
    out.push(`Legal forms differ (${legalPair(a, b)})`);
  out.push(runnerUp(corpus, edges, d.i, d.j));
  return exactLength(out);
}

/** Short, allocation-light reasons for a suggestion (flags only; no token alignment). */
export function explainSuggestion(corpus: Corpus, edges: Edges, e: number, i: number, ambiguousHere: boolean): string[] {
  const a = corpus.itg[i];
  const b = corpus.psa[edges.psa[e]];
  const fl = edges.flags[e];
  const out: string[] = [];
  if (fl & F.KEY_EQ) out.push('Same name');
  else if (fl & F.VARIANT_EQ) out.push('Alias (DBA / AKA) matches');
  else if (fl & F.COMPACT_EQ) out.push('Same name ignoring spaces');
  else if (fl & F.FP_EQ) out.push('Same words in a different order');
  else out.push(`Name similarity ${fmt(edges.raw[e])}`);
  if (fl & F.DOMAIN) for (const d of sharedDomains(a, b)) out.push(`Same domain ${d}`);
  if (fl & F.PHONE) out.push('Same phone number');
  if (ambiguousHere) out.push('Several companies match equally: pick one');
  if (fl & F.CAP_FLAG) {
    const flags = [...a.norm.flags, ...b.norm.flags];
    out.push(`Marked ${flags.join(', ') || 'inactive'}: suggestion only`);
  }
  if (fl & F.CAP_SHORT) out.push('Short name: only an exact match is proposed');
  if (fl & F.CAP_SUBSET) out.push('Only part of the name matches');
  if (fl & F.CAP_CONFLICT) out.push('Each name has a word the other lacks');
  if (fl & F.INACTIVE) out.push('PSA company is inactive');
  if ((fl & CAPS) === 0 && !(fl & F.KEY_EQ) && !ambiguousHere && edges.raw[e] < 0.92 && !(fl & (F.DOMAIN | F.PHONE)))
    out.push('Similar, not similar enough to propose');
  return exactLength(out);
}

/** Reasons of a review item ("possible match"): which qualifier is extra, on which side. */
export function explainReview(corpus: Corpus, i: number, j: number, score: number, others: number): string[] {
  const a = corpus.itg[i];
  const b = corpus.psa[j];
  const out: string[] = [];
  if (b.qualifier !== null && b.baseKey === a.key) out.push(`Same name apart from ${q(b.qualifier)} in the PSA name`);
  else if (a.qualifier !== null && a.baseKey === b.key) out.push(`Same name apart from ${q(a.qualifier)} in the IT Glue name`);
  out.push('Possible match: the extra words look like a location or branch, so it is not selected automatically');
  out.push(`Name similarity ${fmt(score)}`);
  if (b.inactive) out.push('PSA company is inactive');
  if (others > 0) out.push(others === 1 ? 'One other possible match' : `${others} other possible matches`);
  return exactLength(out);
}
