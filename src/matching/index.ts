/**
 * Automap: proposes links between IT Glue organizations and PSA companies (matching.md).
 * Pure: no I/O; same input, same output.
 */
import { assign, blockingModes, findEdge } from './assign.js';
import { buildPsaIndex, generateEdges } from './block.js';
import { buildCorpus } from './corpus.js';
import { explainDecision, explainReview, explainSuggestion } from './explain.js';
import { normalizeDetailed } from './normalize.js';
import { CAPS, EQUALITY, F, STRONG, Scorer, THRESHOLDS } from './score.js';
import type { AutomapInput, AutomapResult, Proposal, ReviewItem, Suggestion } from './types.js';

export type {
  AutomapCounts,
  AutomapInput,
  AutomapResult,
  MatchCompany,
  Proposal,
  ProposalTier,
  ReviewItem,
  Suggestion,
} from './types.js';
export { normalizeName } from './normalize.js';
export { LEGAL_FORMS } from './legal-forms.js';
export { registrableDomain, normalizePhone } from './signals.js';
export { jaroWinkler } from './jaro-winkler.js';
export { THRESHOLDS } from './score.js';

export interface AutomapStats {
  /** Candidate pairs scored after blocking. */
  pairsScored: number;
  /** Candidate edges kept (top-K per IT Glue company). */
  edgesKept: number;
  /** Milliseconds per phase: normalize (corpus), index, score (blocking + scoring), assign, output. */
  timings: { normalize: number; index: number; score: number; assign: number; output: number };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const byId = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** Like `automap`, plus blocking statistics (bench, diagnostics). */
export function automapWithStats(input: AutomapInput): { result: AutomapResult; stats: AutomapStats } {
  const t0 = performance.now();
  const corpus = buildCorpus(input.primary ?? [], input.psa ?? [], input.ownDomains ?? []);
  const t1 = performance.now();
  const index = buildPsaIndex(corpus);
  const t2 = performance.now();
  const scorer = new Scorer(corpus);
  const edges = generateEdges(corpus, index, scorer, blockingModes(corpus, index, input));
  const t3 = performance.now();
  const asg = assign(corpus, index, edges, input);
  const t4 = performance.now();
  const { itg, psa } = corpus;

  // alias names, for explanations
  const aliasByPsa = new Map<string, { key: string; name: string }[]>();
  for (const al of input.aliases ?? []) {
    if (typeof al.name !== 'string') continue;
    let l = aliasByPsa.get(al.psaId);
    if (!l) aliasByPsa.set(al.psaId, (l = []));
    l.push({ key: normalizeDetailed(al.name).key, name: al.name });
  }

  const proposals: Proposal[] = [];
  // the PSA company proposed for each IT Glue company, or -1
  const proposedPsaOf = new Int32Array(itg.length).fill(-1);
  for (const d of asg.decisions) {
    const e = findEdge(edges, d.i, d.j);
    const aliasName =
      d.kind === 'alias' ? (aliasByPsa.get(psa[d.j].id)?.find((x) => x.key === itg[d.i].key)?.name ?? null) : null;
    proposals.push({
      itglueId: itg[d.i].id,
      psaId: psa[d.j].id,
      score: round3(d.score),
      tier: d.tier,
      reasons: explainDecision(corpus, edges, scorer, d, e, aliasName),
    });
    proposedPsaOf[d.i] = d.j;
  }
  proposals.sort((x, y) => byId(x.itglueId, y.itglueId) || byId(x.psaId, y.psaId));

  // plain loops: the spread-and-map chain handed optimized code arrays of changing shapes (deopts every run)
  const ambiguous: AutomapResult['ambiguous'] = [];
  for (const a of asg.ambiguous.values()) {
    const candidates: string[] = [];
    for (const j of a.candidates) candidates.push(psa[j].id);
    ambiguous.push({ itglueId: itg[a.i].id, candidates: candidates.sort(byId) });
  }
  ambiguous.sort((x, y) => byId(x.itglueId, y.itglueId));

  // suggestions: up to 3 per IT Glue company, to order dropdowns
  const suggestions: Suggestion[] = [];
  for (let i = 0; i < itg.length; i++) {
    if (asg.itgLinked[i]) continue;
    const own = proposedPsaOf[i];
    const amb = asg.ambiguous.get(i);
    let n = 0;
    for (let e = edges.start[i]; e < edges.start[i + 1] && n < 3; e++) {
      const j = edges.psa[e];
      if (j === own || asg.psaLinked[j] || asg.isRejected(i, j)) continue;
      const fl = edges.flags[e];
      const s = edges.score[e];
      const ok =
        s >= THRESHOLDS.suggest ||
        (fl & (STRONG | EQUALITY)) !== 0 ||
        ((fl & CAPS) !== 0 && s >= THRESHOLDS.cappedSuggest) ||
        (fl & F.CAP_SUBSET) !== 0 ||
        (amb !== undefined && amb.candidates.has(j));
      if (!ok) continue;
      suggestions.push({
        itglueId: itg[i].id,
        psaId: psa[j].id,
        score: round3(s),
        reasons: explainSuggestion(corpus, edges, e, i, amb !== undefined && amb.candidates.has(j)),
      });
      n++;
    }
  }

  suggestions.sort((x, y) => byId(x.itglueId, y.itglueId) || y.score - x.score || byId(x.psaId, y.psaId));

  // review tier: the same name apart from a location / branch qualifier, on either side
  const review: ReviewItem[] = [];
  let reviewCompanies = 0;
  // only keys that can pair: PSA names with a qualifier (by base), PSA names equal to an IT Glue base
  const psaByBase = new Map<string, number[]>();
  const wanted = new Set<string>();
  for (let j = 0; j < psa.length; j++) {
    const b = psa[j];
    if (b.baseKey === null || b.flagged) continue;
    const m = psaByBase.get(b.baseKey);
    if (m) m.push(j);
    else psaByBase.set(b.baseKey, [j]);
  }
  for (let i = 0; i < itg.length; i++) if (itg[i].baseKey !== null) wanted.add(itg[i].baseKey!);
  if (psaByBase.size > 0 || wanted.size > 0) {
    const proposedPsa = new Uint8Array(psa.length);
    for (const d of asg.decisions) proposedPsa[d.j] = 1;
    const psaByKey = new Map<string, number[]>();
    if (wanted.size > 0) {
      for (const b of psa) {
        if (b.flagged || !wanted.has(b.key)) continue;
        const l = psaByKey.get(b.key);
        if (l) l.push(b.idx);
        else psaByKey.set(b.key, [b.idx]);
      }
    }
    for (let i = 0; i < itg.length; i++) {
      const a = itg[i];
      const viaBase = a.baseKey !== null ? psaByKey.get(a.baseKey) : undefined;
      const viaKey = psaByBase.size > 0 ? psaByBase.get(a.key) : undefined;
      if (viaBase === undefined && viaKey === undefined) continue;
      if (asg.itgLinked[i] || proposedPsaOf[i] >= 0 || asg.ambiguous.has(i) || a.flagged || a.key === '') continue;
      const cands = new Set<number>([...(viaBase ?? []), ...(viaKey ?? [])]);
      const list = [...cands]
        .filter((j) => !asg.psaLinked[j] && !proposedPsa[j] && !asg.isRejected(i, j))
        .map((j) => {
          const s = scorer.score(a, psa[j], 0);
          return { j, score: round3(s < 0 ? 0 : scorer.raw) };
        })
        .sort((x, y) => y.score - x.score || byId(psa[x.j].id, psa[y.j].id))
        .slice(0, 3);
      if (list.length > 0) reviewCompanies++;
      for (const { j, score } of list)
        review.push({ itglueId: a.id, psaId: psa[j].id, score, tier: 'review', reasons: explainReview(corpus, i, j, score, list.length - 1) });
    }
    review.sort((x, y) => byId(x.itglueId, y.itglueId) || y.score - x.score || byId(x.psaId, y.psaId));
  }

  let alreadyLinked = 0;
  for (let i = 0; i < itg.length; i++) if (asg.itgLinked[i]) alreadyLinked++;
  const counts = {
    proposed: proposals.length,
    alreadyLinked,
    ambiguous: ambiguous.length,
    unmatched: itg.length - proposals.length - alreadyLinked - ambiguous.length,
  };
  return {
    result: { proposals, suggestions, counts, ambiguous, review, reviewCompanies },
    stats: {
      pairsScored: edges.pairsScored,
      edgesKept: edges.psa.length,
      timings: { normalize: t1 - t0, index: t2 - t1, score: t3 - t2, assign: t4 - t3, output: performance.now() - t4 },
    },
  };
}

/** Proposes one-to-one links (exact and near-exact tiers), suggestions, and counts. */
export function automap(input: AutomapInput): AutomapResult {
  return automapWithStats(input).result;
}
