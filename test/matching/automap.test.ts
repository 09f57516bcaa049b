/**
 * Behaviour of automap(): links, rejections, aliases, decisive ids, one-to-one, determinism,
 * ambiguity, signals, counts, suggestions and reasons.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { automap, type AutomapInput, type MatchCompany } from '../../src/matching/index.js';

const co = (id: string, name: string, extra: Partial<MatchCompany> = {}): MatchCompany => ({ id, name, ...extra });
const input = (itglue: MatchCompany[], psa: MatchCompany[], more: Partial<AutomapInput> = {}): AutomapInput => ({
  primary: itglue,
  psa,
  existingLinks: [],
  rejected: [],
  aliases: [],
  ...more,
});
const pairs = (r: ReturnType<typeof automap>) => r.proposals.map((p) => `${p.itglueId}->${p.psaId}`);

const ITG = [
  co('i1', 'Contoso Ltd'),
  co('i2', 'Fabrikam Pty Ltd'),
  co('i3', 'Northwind Traders'),
  co('i4', 'Tailspin Toys'),
  co('i5', 'Wingtip Dental'),
];
const PSA = [
  co('p1', 'Contoso Limited'),
  co('p2', 'Fabrikam Pty Limited'),
  co('p3', 'Northwind Traders Inc'),
  co('p4', 'Tailspin Toys LLC'),
  co('p5', 'Wingtip Dental'),
  co('p6', 'Adventure Works'),
];

test('baseline: the five pairs are proposed, counts add up', () => {
  const r = automap(input(ITG, PSA));
  assert.deepEqual(pairs(r), ['i1->p1', 'i2->p2', 'i3->p3', 'i4->p4', 'i5->p5']);
  assert.deepEqual(r.counts, { proposed: 5, alreadyLinked: 0, ambiguous: 0, unmatched: 0 });
  for (const p of r.proposals) assert.equal(p.tier, 'exact');
});

test('existing links are never overwritten nor re-proposed (both ends dropped)', () => {
  // i1 is manually linked to p6 (a "wrong" link): automap must keep it and not propose p1 for i1
  const r = automap(input(ITG, PSA, { existingLinks: [{ itglueId: 'i1', psaId: 'p6' }] }));
  assert.ok(!r.proposals.some((p) => p.itglueId === 'i1'));
  assert.ok(!r.proposals.some((p) => p.psaId === 'p6'));
  assert.equal(r.counts.alreadyLinked, 1);
  // the PSA end of a link is dropped too: i2's exact partner p2 is linked to i5
  const r2 = automap(input(ITG, PSA, { existingLinks: [{ itglueId: 'i5', psaId: 'p2' }] }));
  assert.ok(!r2.proposals.some((p) => p.psaId === 'p2'));
  assert.ok(!r2.proposals.some((p) => p.itglueId === 'i5'));
  assert.ok(!r2.suggestions.some((s) => s.psaId === 'p2'));
  // a re-run with the proposals saved as links proposes nothing new
  const first = automap(input(ITG, PSA));
  const links = first.proposals.map((p) => ({ itglueId: p.itglueId, psaId: p.psaId }));
  const again = automap(input(ITG, PSA, { existingLinks: links }));
  assert.deepEqual(again.proposals, []);
  assert.deepEqual(again.counts, { proposed: 0, alreadyLinked: 5, ambiguous: 0, unmatched: 0 });
});

test('a rejected pair is never proposed again (nor suggested)', () => {
  const r = automap(input(ITG, PSA, { rejected: [{ itglueId: 'i3', psaId: 'p3' }] }));
  assert.ok(!pairs(r).includes('i3->p3'));
  assert.ok(!r.suggestions.some((s) => s.itglueId === 'i3' && s.psaId === 'p3'));
  assert.equal(r.counts.proposed, 4);
});

test('an alias from a confirmed correction makes an exact match', () => {
  const itg = [co('i1', 'Big Blue Consulting')];
  const psa = [co('p1', 'Contoso Advisory Group'), co('p2', 'Big Blue Holdings')];
  const without = automap(input(itg, psa));
  assert.deepEqual(without.proposals, []);
  const r = automap(input(itg, psa, { aliases: [{ name: 'BIG BLUE CONSULTING, LLC', psaId: 'p1' }] }));
  assert.deepEqual(pairs(r), ['i1->p1']);
  assert.equal(r.proposals[0].tier, 'exact');
  assert.ok(r.proposals[0].reasons[0].startsWith('Confirmed earlier'));
});

test('a PSA id stored on the IT Glue organization is decisive', () => {
  const r = automap(input([co('i1', 'Totally Different Name', { psaId: 'p2' })], [co('p1', 'Totally Different Name'), co('p2', 'Other')]));
  assert.deepEqual(pairs(r), ['i1->p2']);
  assert.equal(r.proposals[0].tier, 'exact');
  // conflicting decisive evidence is ambiguous, not guessed
  const c = automap(input([co('i1', 'A Corp', { psaId: 'p1' }), co('i2', 'B Corp', { psaId: 'p1' })], [co('p1', 'X')]));
  assert.deepEqual(c.proposals, []);
  assert.equal(c.counts.ambiguous, 2);
});

test('one-to-one: no PSA company is proposed twice', () => {
  const itg = [co('i1', 'Contoso'), co('i2', 'Contoso Inc'), co('i3', 'Contoso (Old)'), co('i4', 'Fabrikam Medical'), co('i5', 'Fabrikam Medicl')];
  const psa = [co('p1', 'Contoso'), co('p2', 'Fabrikam Medical')];
  const r = automap(input(itg, psa));
  const psaIds = r.proposals.map((p) => p.psaId);
  assert.equal(new Set(psaIds).size, psaIds.length);
  const itgIds = r.proposals.map((p) => p.itglueId);
  assert.equal(new Set(itgIds).size, itgIds.length);
  assert.equal(r.counts.proposed + r.counts.alreadyLinked + r.counts.ambiguous + r.counts.unmatched, itg.length);
});

test('determinism: same input, same output, whatever the input order', () => {
  const itg = [...ITG, co('i6', 'Contoso Labs'), co('i7', 'Wingtip Dental'), co('i8', 'Northwind Traders Ltd')];
  const psa = [...PSA, co('p7', 'Contoso Lab'), co('p8', 'Wingtip Dental Care')];
  const a = automap(input(itg, psa));
  const b = automap(input(itg, psa));
  assert.deepEqual(a, b);
  const rev = automap(input([...itg].reverse(), [...psa].reverse()));
  assert.deepEqual(rev, a);
});

test('duplicate names are ambiguous: counted, left unmapped, candidates shown', () => {
  const r = automap(input([co('i1', 'Harbor Pharmacy'), co('i2', 'Harbor Pharmacy Inc.'), co('i3', 'Lakeside Dental')], [co('p1', 'Harbor Pharmacy'), co('p2', 'Lakeside Dental')]));
  assert.deepEqual(pairs(r), ['i3->p2']);
  assert.equal(r.counts.ambiguous, 2);
  assert.deepEqual(r.ambiguous.map((a) => a.itglueId), ['i1', 'i2']);
  assert.deepEqual(r.ambiguous[0].candidates, ['p1']);
  // both candidates appear as suggestions to order the dropdown
  assert.ok(r.suggestions.some((s) => s.itglueId === 'i1' && s.psaId === 'p1'));
});

test('a flagged or inactive duplicate does not make the active pair ambiguous (near-exact, for review)', () => {
  const r = automap(input([co('i1', 'Harbor Pharmacy'), co('i2', 'Harbor Pharmacy (old)')], [co('p1', 'Harbor Pharmacy'), co('p2', 'Harbor Pharmacy', { inactive: true })]));
  assert.deepEqual(pairs(r), ['i1->p1']);
  assert.equal(r.proposals[0].tier, 'near-exact');
  assert.ok(r.proposals[0].reasons.some((s) => s.startsWith('Set aside')));
});

test('an inactive PSA company is proposed only on an exact match', () => {
  const exact = automap(input([co('i1', 'Quimby Hardware')], [co('p1', 'Quimby Hardware Inc', { inactive: true })]));
  assert.deepEqual(pairs(exact), ['i1->p1']);
  assert.ok(exact.proposals[0].reasons.includes('PSA company is inactive'));
  const fuzzy = automap(input([co('i1', 'Quimby Hardware Supply')], [co('p1', 'Quimby Hardware Suply', { inactive: true })]));
  assert.deepEqual(fuzzy.proposals, []);
});

test('a strong signal lifts a good name score to near-exact; on its own it is only a suggestion', () => {
  const itg = [co('i1', 'Lakeland Pediatric Services', { domains: ['lakelandpeds.com'] })];
  const psaNoSignal = [co('p1', 'Lakeland Pediatric Solutions')];
  assert.deepEqual(automap(input(itg, psaNoSignal)).proposals, []);
  const psa = [co('p1', 'Lakeland Pediatric Solutions', { domains: ['https://www.lakelandpeds.com/contact'] })];
  const r = automap(input(itg, psa));
  assert.deepEqual(pairs(r), ['i1->p1']);
  assert.equal(r.proposals[0].tier, 'near-exact');
  assert.ok(r.proposals[0].reasons.includes('Same domain lakelandpeds.com'));
  // renamed company: same domain, different name -> suggestion with the reason
  const renamed = automap(input([co('i1', 'Blackstone Dental', { domains: ['ivorysmiles.com'] })], [co('p1', 'Ivory Smiles', { domains: ['ivorysmiles.com'] })]));
  assert.deepEqual(renamed.proposals, []);
  assert.ok(renamed.suggestions[0].reasons.includes('Same domain ivorysmiles.com'));
});

test('free-mail, own and shared domains are not evidence', () => {
  const itg = [co('i1', 'Lakeland Pediatric Services', { domains: ['gmail.com'] }), co('i2', 'Harbor Pediatric Services', { domains: ['our-msp.com'] })];
  const psa = [
    co('p1', 'Lakeland Pediatric Solutions', { domains: ['someone@gmail.com'] }),
    co('p2', 'Harbor Pediatric Solutions', { domains: ['our-msp.com'] }),
  ];
  const r = automap(input(itg, psa, { ownDomains: ['our-msp.com'] }));
  assert.deepEqual(r.proposals, []);
  // a domain on two PSA records is not evidence either
  const shared = automap(
    input([co('i1', 'Lakeland Pediatric Services', { domains: ['lakeland.org'] })], [
      co('p1', 'Lakeland Pediatric Solutions', { domains: ['lakeland.org'] }),
      co('p2', 'Lakeland Library', { domains: ['lakeland.org'] }),
    ]),
  );
  assert.deepEqual(shared.proposals, []);
});

test('phone numbers: digits-normalized, shared numbers ignored', () => {
  // a few unrelated companies so that token rarity (IDF over both lists) means something
  const others = ['Bayside Services', 'Keystone Solutions', 'Apex Services', 'Summit Solutions'].map((n, k) => co(`o${k}`, n));
  const itg = [co('i1', 'Tallgrass Services', { phone: '+1 (316) 555-0142' }), ...others.map((o) => co(`i-${o.id}`, `${o.name} East`))];
  const r = automap(input(itg, [co('p1', 'Tallgrass Solutions', { phone: '316.555.0142' }), ...others]));
  assert.deepEqual(pairs(r), ['i1->p1']);
  assert.ok(r.proposals[0].reasons.some((s) => s.startsWith('Same phone number')));
  const shared = automap(
    input(itg, [co('p1', 'Tallgrass Solutions', { phone: '316.555.0142' }), co('p2', 'Other Co', { phone: '3165550142' }), ...others]),
  );
  assert.ok(!pairs(shared).includes('i1->p1'));
});

test('score-based near-exact needs the margin over the runner-up on both sides', () => {
  const one = automap(input([co('i1', 'Hollingsworth Plumbing')], [co('p1', 'Hollingworth Plumbing')]));
  assert.deepEqual(pairs(one), ['i1->p1']);
  assert.equal(one.proposals[0].tier, 'near-exact');
  const two = automap(input([co('i1', 'Hollingsworth Plumbing')], [co('p1', 'Hollingworth Plumbing'), co('p2', 'Hollinsworth Plumbing')]));
  assert.deepEqual(two.proposals, []);
  assert.equal(two.counts.ambiguous, 1);
  assert.deepEqual(two.ambiguous[0].candidates, ['p1', 'p2']);
});

test('reasons are short sentences naming what matched', () => {
  const r = automap(
    input(
      [co('i1', 'Contoso Ltd'), co('i2', 'North Star Dental'), co('i3', 'Fabrikam Manufacturing Services'), co('i4', 'Widget Co (DBA Widgetry)')],
      [co('p1', 'Contoso Limited'), co('p2', 'Northstar Dental'), co('p3', 'Fabrikan Manufacturing Services'), co('p4', 'Widgetry'), co('p5', 'Contoso Labs')],
    ),
  );
  const reasons = Object.fromEntries(r.proposals.map((p) => [p.itglueId, p.reasons]));
  assert.ok(reasons.i1.includes('Same name once legal suffixes are removed (Ltd / Limited)'), JSON.stringify(reasons.i1));
  assert.ok(reasons.i1.some((s) => /^Runner-up: Contoso Labs \(0\.\d\d\)$/.test(s)), JSON.stringify(reasons.i1));
  assert.ok(reasons.i2[0].startsWith('Same name ignoring spaces'));
  assert.ok(reasons.i3.some((s) => s.startsWith("Rare word 'fabrikam'") || s.startsWith('Rare word')), JSON.stringify(reasons.i3));
  assert.ok(reasons.i3.some((s) => s.includes("'services' ignored")), JSON.stringify(reasons.i3));
  assert.ok(reasons.i3.some((s) => s.startsWith('Typo tolerated')), JSON.stringify(reasons.i3));
  assert.ok(reasons.i4[0].includes('widgetry'));
  for (const p of r.proposals) for (const s of p.reasons) assert.ok(s.length < 120, s);
});

test('suggestions: at most 3 per IT Glue company, never the proposed one, ordered by score', () => {
  const itg = [co('i1', 'Contoso Dental')];
  const psa = [co('p1', 'Contoso Dental'), co('p2', 'Contoso Dental Lab'), co('p3', 'Contoso Dentistry'), co('p4', 'Contoso Dental Care'), co('p5', 'Contoso Dental Group'), co('p6', 'Contoso')];
  const r = automap(input(itg, psa));
  assert.deepEqual(pairs(r), ['i1->p1']);
  const s = r.suggestions.filter((x) => x.itglueId === 'i1');
  assert.ok(s.length > 0 && s.length <= 3);
  assert.ok(!s.some((x) => x.psaId === 'p1'));
  for (let k = 1; k < s.length; k++) assert.ok(s[k - 1].score >= s[k].score);
});

test('empty and odd input', () => {
  assert.deepEqual(automap(input([], [])), { proposals: [], suggestions: [], counts: { proposed: 0, alreadyLinked: 0, ambiguous: 0, unmatched: 0 }, ambiguous: [], review: [], reviewCompanies: 0 });
  const r = automap(input([co('i1', ''), co('i2', '   '), co('i1', 'Duplicate id')], [co('p1', ''), co('p2', 'Inc')]));
  assert.deepEqual(r.proposals, []);
  assert.equal(r.counts.unmatched, 2);
});

test('an inactive PSA company is not proposed on a spacing (compact) match', () => {
  const r = automap(input([co('i1', 'North Star Dental')], [co('p1', 'Northstar Dental', { inactive: true })]));
  assert.deepEqual(r.proposals, []);
  assert.ok(r.suggestions.some((s) => s.psaId === 'p1' && s.reasons.includes('PSA company is inactive')));
});

test('spelling variants (Centre / Center, Mt / Mount) are near-exact, with the reason; identical spellings stay exact', () => {
  const r = automap(input(
    [co('i1', 'Crestview Medical Centre'), co('i2', 'Mt. Hollis Ski Shop'), co('i3', 'Harbour Light Centre')],
    [co('p1', 'Crestview Medical Center'), co('p2', 'Mount Hollis Ski Shop'), co('p3', 'HARBOUR LIGHT CENTRE')],
  ));
  const tier = Object.fromEntries(r.proposals.map((p) => [p.itglueId, p.tier]));
  assert.deepEqual(tier, { i1: 'near-exact', i2: 'near-exact', i3: 'exact' });
  const why = r.proposals.find((p) => p.itglueId === 'i1')!.reasons.join(' | ');
  assert.match(why, /spelling variants.*'centre'/);
});

test('review tier: an extra location word or a branch suffix on either side is a possible match, never a proposal', () => {
  const r = automap(input(
    [co('i1', 'Bellmont Dental'), co('i2', 'Quarry Hill Accounting LLC'), co('i3', 'Pryor Realty Group - Austin'), co('i4', 'Granger Insurance'), co('i5', 'Harlan Law')],
    [co('p1', 'Bellmont Dental Main Office'), co('p2', 'Quarry Hill Accounting LLC (Main Office)'), co('p3', 'Pryor Realty Group'), co('p4', 'Granger Insurance (Denver)'), co('p5', 'Harlan Lawn Care')],
  ));
  assert.deepEqual(r.proposals, []);
  assert.deepEqual(r.review.map((x) => `${x.itglueId}->${x.psaId}`), ['i1->p1', 'i2->p2', 'i3->p3', 'i4->p4']);
  assert.equal(r.reviewCompanies, 4);
  for (const x of r.review) assert.equal(x.tier, 'review');
  assert.match(r.review[0].reasons[0], /apart from 'Main Office' in the PSA name/);
  assert.match(r.review[2].reasons[0], /apart from 'Austin' in the IT Glue name/);
  assert.match(r.review[3].reasons[0], /apart from '\(Denver\)'/);
  // counts are unchanged: review companies are still unmatched
  assert.deepEqual(r.counts, { proposed: 0, alreadyLinked: 0, ambiguous: 0, unmatched: 5 });
});

test('review tier: two branches of one name are not each other\'s possible match; a taken or linked PSA company is not offered', () => {
  const r2 = automap({
    primary: [co('i1', 'Trowbridge Pharmacy Downtown'), co('i2', 'Whitby Clinic'), co('i3', 'Whitby Clinic - North'), co('i4', 'Sefton Electric'), co('i9', 'Sefton Old Name')],
    psa: [co('p1', 'Trowbridge Pharmacy Uptown'), co('p2', 'Whitby Clinic'), co('p4', 'Sefton Electric (Main Office)')],
    existingLinks: [{ itglueId: 'i9', psaId: 'p4' }],
    rejected: [],
    aliases: [],
  });
  assert.deepEqual(r2.proposals.map((p) => `${p.itglueId}->${p.psaId}`), ['i2->p2']);
  assert.deepEqual(r2.review, [], 'p2 is proposed for i2, p4 is linked, the pharmacies are two branches');
});

test('review tier: a rejected pair is not offered again', () => {
  const r = automap(input([co('i1', 'Bellmont Dental')], [co('p1', 'Bellmont Dental Main Office')], { rejected: [{ itglueId: 'i1', psaId: 'p1' }] }));
  assert.deepEqual(r.review, []);
});
