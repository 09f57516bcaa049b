/**
 * The trap tables of matching.md §2, each pair run on its own (one IT Glue company, one PSA company,
 * plus the duplicate for "Contoso ×2"): every "must match" is proposed, no "must not" is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { automap, type MatchCompany } from '../../src/matching/index.js';

const run = (itg: string[], psa: string[]) =>
  automap({
    primary: itg.map((name, k): MatchCompany => ({ id: `i${k + 1}`, name })),
    psa: psa.map((name, k): MatchCompany => ({ id: `p${k + 1}`, name })),
    existingLinks: [],
    rejected: [],
    aliases: [],
  });

const mustMatch: [string, string, string][] = [
  ['Acme, Inc.', 'ACME INC', 'case, punctuation'],
  ['Contoso Ltd', 'Contoso Limited', 'legal suffix'],
  ['Fabrikam Pty Ltd', 'Fabrikam Pty Limited', 'multi-token suffix'],
  ['Smith & Sons', 'Smith and Sons', '& / and'],
  ['Johnson & Co', 'Johnson and Company', '& Co is a suffix unit'],
  ['North Star Dental', 'Northstar Dental', 'spacing'],
  ['A.B.C. Plumbing', 'A B C Plumbing', 'initials'],
  ["St. Mary's Clinic", 'Saint Marys Clinic', 'synonym, apostrophe'],
  ['Café Lumière', 'Cafe Lumiere', 'accents'],
  ['Widget Co (DBA Widgetry)', 'Widgetry', 'alias'],
];

const mustNot: [string[], string[], string][] = [
  [['Smith Dental'], ['Smith Legal'], 'each keeps an informative token'],
  [['Acme'], ['Acme Dental'], 'subset: suggestion at most'],
  [['Northstar Health'], ['Northstar Holdings'], 'different rare tokens'],
  [['Acme Site 1'], ['Acme Site 2'], 'numbers differ'],
  [['Capital One'], ['Capital Group'], 'look-alike, different second word'],
  [['ABC'], ['ABD'], 'short names: exact only'],
  [['Contoso (Old)'], ['Contoso'], 'flagged record'],
  [['Contoso', 'Contoso'], ['Contoso'], 'duplicate names: ambiguous'],
];

for (const [a, b, why] of mustMatch) {
  test(`trap must match: "${a}" ↔ "${b}" (${why})`, () => {
    const r = run([a], [b]);
    assert.equal(r.proposals.length, 1, JSON.stringify(r));
    const p = r.proposals[0];
    assert.deepEqual([p.itglueId, p.psaId], ['i1', 'p1']);
    assert.ok(p.tier === 'exact' || p.tier === 'near-exact');
    assert.ok(p.reasons.length > 0);
    assert.deepEqual(r.counts, { proposed: 1, alreadyLinked: 0, ambiguous: 0, unmatched: 0 });
  });
}

for (const [a, b, why] of mustNot) {
  test(`trap must not auto-link: ${JSON.stringify(a)} ↔ ${JSON.stringify(b)} (${why})`, () => {
    const r = run(a, b);
    assert.deepEqual(r.proposals, [], JSON.stringify(r.proposals));
    assert.equal(r.counts.proposed, 0);
  });
}

test('trap details: flagged and subset pairs come back as suggestions with the reason', () => {
  const flagged = run(['Contoso (Old)'], ['Contoso']);
  assert.equal(flagged.suggestions.length, 1);
  assert.ok(flagged.suggestions[0].reasons.some((s) => /old/i.test(s)));
  const subset = run(['Fabrikam'], ['Fabrikam Dental']);
  assert.equal(subset.proposals.length, 0);
  assert.ok(subset.suggestions.some((s) => s.reasons.some((x) => /part of the name/i.test(x))));
});

test('trap details: duplicate names are ambiguous, counted, both candidates shown', () => {
  const r = run(['Contoso', 'Contoso'], ['Contoso']);
  assert.equal(r.counts.ambiguous, 2);
  assert.deepEqual(r.ambiguous, [
    { itglueId: 'i1', candidates: ['p1'] },
    { itglueId: 'i2', candidates: ['p1'] },
  ]);
  const r2 = run(['Contoso'], ['Contoso', 'Contoso Ltd']);
  assert.deepEqual(r2.proposals, []);
  assert.deepEqual(r2.ambiguous, [{ itglueId: 'i1', candidates: ['p1', 'p2'] }]);
});

test('trap details: typo-tolerant but not across dictionary words', () => {
  assert.equal(run(['Fabrikam Plumbing'], ['Fabrikan Plumbing']).proposals.length, 1);
  assert.equal(run(['Dunmore Heating'], ['Dunmore Hearing']).proposals.length, 0);
  assert.equal(run(['Winslow Electric'], ['Winslow Electronics']).proposals.length, 0);
  assert.equal(run(['Bellingham Orthodontics'], ['Bellingham Orthodontic']).proposals.length, 1);
});
