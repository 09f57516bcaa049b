/**
 * Gold-set evaluation (matching.md §11): every name of the hand-built set goes into one IT Glue list
 * and one PSA list, so blocking, assignment and ambiguity work across items as they would on a real
 * install. Precision and recall of the automatic tiers are printed and asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { automap, normalizeName, type MatchCompany, type Proposal } from '../../src/matching/index.js';

interface GoldItem {
  id: string;
  kind: string;
  label: 'match' | 'no-match';
  itglue: string;
  psa: string;
  extraItglue?: string[];
  extraPsa?: string[];
  itglueDomains?: string[];
  psaDomains?: string[];
  itgluePhone?: string;
  psaPhone?: string;
}

const gold = JSON.parse(readFileSync(new URL('../fixtures/matching/gold.json', import.meta.url), 'utf8')) as {
  items: GoldItem[];
};
const items = gold.items;

function buildLists(): { itglue: MatchCompany[]; psa: MatchCompany[] } {
  const itglue: MatchCompany[] = [];
  const psa: MatchCompany[] = [];
  for (const it of items) {
    itglue.push({ id: `${it.id}-i`, name: it.itglue, domains: it.itglueDomains, phone: it.itgluePhone ?? null });
    psa.push({ id: `${it.id}-p`, name: it.psa, domains: it.psaDomains, phone: it.psaPhone ?? null });
    (it.extraItglue ?? []).forEach((n, k) => itglue.push({ id: `${it.id}-i${k + 2}`, name: n }));
    (it.extraPsa ?? []).forEach((n, k) => psa.push({ id: `${it.id}-p${k + 2}`, name: n }));
  }
  return { itglue, psa };
}

interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function evaluate(proposals: Proposal[], tier: 'exact' | 'near-exact' | 'all', subset?: (it: GoldItem) => boolean) {
  const inSubset = (it: GoldItem) => subset === undefined || subset(it);
  const selected = proposals.filter((p) => tier === 'all' || p.tier === tier);
  const itemOf = (id: string) => id.slice(0, id.indexOf('-'));
  const byItem = new Map(items.map((it) => [it.id, it]));
  let tp = 0;
  let fp = 0;
  const fpList: string[] = [];
  const hitItems = new Set<string>();
  const touchedNegative = new Set<string>();
  for (const p of selected) {
    const a = itemOf(p.itglueId);
    const b = itemOf(p.psaId);
    const it = byItem.get(a)!;
    if (!inSubset(it) && !inSubset(byItem.get(b)!)) continue;
    if (a === b && it.label === 'match' && p.itglueId === `${a}-i` && p.psaId === `${a}-p`) {
      tp++;
      hitItems.add(a);
    } else {
      fp++;
      if (a === b) touchedNegative.add(a);
      fpList.push(`${p.tier} ${JSON.stringify(it.itglue)} -> ${JSON.stringify(byItem.get(b)!.psa)} [${it.kind}] ${p.score}`);
    }
  }
  const matches = items.filter((it) => it.label === 'match' && inSubset(it));
  const negatives = items.filter((it) => it.label === 'no-match' && inSubset(it));
  const fnList = matches.filter((it) => !hitItems.has(it.id));
  const tn = negatives.filter((it) => !touchedNegative.has(it.id)).length;
  const c: Confusion = { tp, fp, fn: fnList.length, tn };
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp / matches.length;
  return { c, precision, recall, fpList, fnList };
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

test('gold set: fixture is well formed (≥ 300 pairs, both labels, no accidental key collisions across items)', () => {
  assert.ok(items.length >= 300, `only ${items.length} items`);
  assert.ok(items.filter((i) => i.label === 'match').length >= 150);
  assert.ok(items.filter((i) => i.label === 'no-match').length >= 100);
  const owner = new Map<string, string>();
  for (const it of items) {
    const names = [it.itglue, it.psa, ...(it.extraItglue ?? []), ...(it.extraPsa ?? [])];
    for (const n of names) {
      const k = normalizeName(n).key;
      const prev = owner.get(k);
      assert.ok(prev === undefined || prev === it.id, `key '${k}' used by ${prev} and ${it.id}`);
      owner.set(k, it.id);
    }
  }
});

const isHoldout = (it: GoldItem) => it.kind.startsWith('holdout-');
const isTuned = (it: GoldItem) => !isHoldout(it);

function printTable(title: string, rows: [string, ReturnType<typeof evaluate>][]): void {
  console.log(`  ${title}`);
  console.log(`    tier          TP   FP   FN   TN   precision   recall`);
  for (const [name, r] of rows) {
    console.log(
      `    ${name.padEnd(11)} ${String(r.c.tp).padStart(4)} ${String(r.c.fp).padStart(4)} ${String(r.c.fn).padStart(4)} ${String(r.c.tn).padStart(4)}   ${pct(r.precision).padStart(9)}  ${pct(r.recall).padStart(8)}`,
    );
  }
}

test('gold set: precision ≥ 99.5 % (each auto tier) and recall ≥ 95 %', () => {
  const { itglue, psa } = buildLists();
  const t0 = performance.now();
  const result = automap({ primary: itglue, psa, existingLinks: [], rejected: [], aliases: [] });
  const ms = performance.now() - t0;
  const tuned = items.filter(isTuned);
  const holdout = items.filter(isHoldout);
  const tm = tuned.filter((i) => i.label === 'match').length;
  const hm = holdout.filter((i) => i.label === 'match').length;
  console.log(
    `\nGold set: ${items.length} pairs — ${tuned.length} tuned-on (${tm} match, ${tuned.length - tm} no-match) + ` +
      `${holdout.length} holdout (${hm} match, ${holdout.length - hm} no-match); all names in one list: ` +
      `${itglue.length} IT Glue × ${psa.length} PSA; automap ${ms.toFixed(1)} ms`,
  );
  const all = evaluate(result.proposals, 'all', isTuned);
  const exact = evaluate(result.proposals, 'exact', isTuned);
  const near = evaluate(result.proposals, 'near-exact', isTuned);
  printTable('set the engine was tuned on (asserted):', [
    ['exact', exact],
    ['near-exact', near],
    ['auto (both)', all],
  ]);
  const hAll = evaluate(result.proposals, 'all', isHoldout);
  printTable('holdout written after tuning (reported, not asserted):', [
    ['exact', evaluate(result.proposals, 'exact', isHoldout)],
    ['near-exact', evaluate(result.proposals, 'near-exact', isHoldout)],
    ['auto (both)', hAll],
  ]);
  const everything = evaluate(result.proposals, 'all');
  printTable('whole file:', [['auto (both)', everything]]);
  console.log(`  counts: ${JSON.stringify(result.counts)}; suggestions: ${result.suggestions.length}`);
  if (everything.fpList.length) console.log(`  false positives:\n    ${everything.fpList.join('\n    ')}`);
  if (everything.fnList.length)
    console.log(
      `  false negatives:\n    ${everything.fnList.map((it) => `${JSON.stringify(it.itglue)} / ${JSON.stringify(it.psa)} [${it.kind}]`).join('\n    ')}`,
    );
  assert.ok(all.precision >= 0.995, `precision ${pct(all.precision)}`);
  assert.ok(exact.precision >= 0.995, `exact precision ${pct(exact.precision)}`);
  assert.ok(near.precision >= 0.995, `near-exact precision ${pct(near.precision)}`);
  assert.ok(all.recall >= 0.95, `recall ${pct(all.recall)}`);
  // the whole file, holdout included, both auto tiers together
  assert.ok(everything.precision >= 0.995, `whole-file precision ${pct(everything.precision)}`);
  assert.ok(everything.recall >= 0.95, `whole-file recall ${pct(everything.recall)}`);
});
