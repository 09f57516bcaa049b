/**
 * Holdout 2 (issue 12): a labelled set written before the review tier existed and not tuned on.
 * All names go into one IT Glue list and one PSA list. Reported apart from the gold set:
 *  - auto tiers (exact, near-exact): precision and recall over the pairs expected to be proposed;
 *  - review tier ("possible match"): how many extra-word / branch pairs it catches, that none of them
 *    is auto-linked, and what share of review items are real matches.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { automap, type AutomapResult, type MatchCompany } from '../../src/matching/index.js';

interface Item {
  id: string;
  kind: string;
  label: 'match' | 'no-match';
  expect: 'auto' | 'review' | 'none';
  itglue: string;
  psa: string;
  extraItglue?: string[];
  extraPsa?: string[];
}

const items = (JSON.parse(readFileSync(new URL('../fixtures/matching/holdout-2.json', import.meta.url), 'utf8')) as { items: Item[] }).items;
const byId = new Map(items.map((it) => [it.id, it]));
const itemOf = (id: string) => id.slice(0, id.indexOf('-'));
const isPair = (x: { itglueId: string; psaId: string }) => {
  const a = itemOf(x.itglueId);
  return a === itemOf(x.psaId) && x.itglueId === `${a}-i` && x.psaId === `${a}-p`;
};
const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

function run(): AutomapResult {
  const primary: MatchCompany[] = [];
  const psa: MatchCompany[] = [];
  for (const it of items) {
    primary.push({ id: `${it.id}-i`, name: it.itglue });
    psa.push({ id: `${it.id}-p`, name: it.psa });
    (it.extraItglue ?? []).forEach((n, k) => primary.push({ id: `${it.id}-i${k + 2}`, name: n }));
    (it.extraPsa ?? []).forEach((n, k) => psa.push({ id: `${it.id}-p${k + 2}`, name: n }));
  }
  return automap({ primary, psa, existingLinks: [], rejected: [], aliases: [] });
}

function autoFigures(result: AutomapResult, tier: 'exact' | 'near-exact' | 'all') {
  const sel = result.proposals.filter((p) => tier === 'all' || p.tier === tier);
  const tp = sel.filter((p) => isPair(p) && byId.get(itemOf(p.itglueId))!.label === 'match').length;
  const fpList = sel.filter((p) => !(isPair(p) && byId.get(itemOf(p.itglueId))!.label === 'match'));
  const expected = items.filter((it) => it.expect === 'auto');
  const hit = new Set(sel.filter(isPair).map((p) => itemOf(p.itglueId)));
  const recall = expected.filter((it) => hit.has(it.id)).length / expected.length;
  const precision = sel.length === 0 ? 1 : tp / sel.length;
  return { n: sel.length, tp, fp: fpList.length, precision, recall, fpList };
}

test('holdout 2: well formed (≥ 150 labelled pairs, extra-word, branch and trap cases)', () => {
  assert.ok(items.length >= 150, `${items.length} items`);
  assert.ok(items.filter((i) => i.kind === 'extra-word').length >= 25);
  assert.ok(items.filter((i) => i.kind === 'branch').length >= 20);
  assert.ok(items.filter((i) => i.label === 'no-match').length >= 40);
  assert.equal(new Set(items.map((i) => i.id)).size, items.length);
});

test('holdout 2: auto tiers stay precise, the review tier catches extra-word and branch names', () => {
  const result = run();
  const review = result.review;
  const exact = autoFigures(result, 'exact');
  const near = autoFigures(result, 'near-exact');
  const all = autoFigures(result, 'all');
  const reviewExpected = items.filter((it) => it.expect === 'review');
  const inReview = new Set(review.filter(isPair).map((r) => itemOf(r.itglueId)));
  const autoPairs = new Set(result.proposals.filter(isPair).map((p) => itemOf(p.itglueId)));
  const caughtBy = (kind: string) => {
    const l = reviewExpected.filter((it) => it.kind === kind);
    return { caught: l.filter((it) => inReview.has(it.id)).length, of: l.length, missed: l.filter((it) => !inReview.has(it.id)) };
  };
  const extra = caughtBy('extra-word');
  const branch = caughtBy('branch');
  const reviewAuto = reviewExpected.filter((it) => autoPairs.has(it.id));
  const reviewTrue = review.filter((r) => isPair(r) && byId.get(itemOf(r.itglueId))!.label === 'match').length;
  const trapsInReview = review.filter((r) => !(isPair(r) && byId.get(itemOf(r.itglueId))!.label === 'match'));
  const inSuggestions = new Set(result.suggestions.filter(isPair).map((s) => itemOf(s.itglueId)));

  console.log(`\nHoldout 2: ${items.length} pairs (${reviewExpected.length} extra-word/branch, ${items.filter((i) => i.expect === 'auto').length} auto, ${items.filter((i) => i.expect === 'none').length} traps)`);
  for (const [name, f] of [['exact', exact], ['near-exact', near], ['auto (both)', all]] as const)
    console.log(`  ${name.padEnd(11)} proposed ${String(f.n).padStart(3)}  TP ${String(f.tp).padStart(3)}  FP ${f.fp}  precision ${pct(f.precision)}  recall ${pct(f.recall)}`);
  console.log(`  review tier: ${review.length} items, ${reviewTrue} real matches (precision ${pct(review.length ? reviewTrue / review.length : 1)})`);
  console.log(`    extra-word caught ${extra.caught}/${extra.of}, branch caught ${branch.caught}/${branch.of}; auto-linked instead: ${reviewAuto.length}`);
  console.log(`    (dropdown suggestions list holds ${reviewExpected.filter((it) => inSuggestions.has(it.id)).length}/${reviewExpected.length} of them)`);
  if (all.fpList.length) console.log(`  auto false positives: ${all.fpList.map((p) => `${p.itglueId}->${p.psaId} ${p.tier}`).join(', ')}`);
  if (trapsInReview.length) console.log(`  review items that are no match: ${trapsInReview.map((r) => `${byId.get(itemOf(r.itglueId))!.itglue} / ${byId.get(itemOf(r.psaId))?.psa}`).join('; ')}`);
  for (const it of [...extra.missed, ...branch.missed]) console.log(`  missed: ${it.itglue} / ${it.psa}`);

  assert.ok(exact.precision >= 0.995, `exact precision ${pct(exact.precision)}`);
  assert.ok(near.precision >= 0.995, `near-exact precision ${pct(near.precision)}`);
  assert.equal(reviewAuto.length, 0, `auto-linked: ${reviewAuto.map((it) => it.itglue).join(', ')}`);
  assert.ok(extra.caught / extra.of >= 0.9, `extra-word caught ${extra.caught}/${extra.of}`);
  assert.ok(branch.caught / branch.of >= 0.9, `branch caught ${branch.caught}/${branch.of}`);
  for (const r of review) {
    assert.equal(r.tier, 'review');
    assert.ok(r.reasons.length > 0, 'every review item explains itself');
  }
  // a review item is never also a proposal
  const proposed = new Set(result.proposals.map((p) => p.itglueId));
  for (const r of review) assert.ok(!proposed.has(r.itglueId), `${r.itglueId} both proposed and in review`);
});
