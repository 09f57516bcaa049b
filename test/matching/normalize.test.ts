import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LEGAL_FORMS, normalizeName } from '../../src/matching/index.js';
import { expectCases } from '../helpers/cases.js';

const key = (s: string) => normalizeName(s).key;

type Normalized = ReturnType<typeof normalizeName>;

/** Each pair of names has one key. */
function expectSameKey(pairs: [string, string][]): void {
  for (const [a, b] of pairs) assert.equal(key(a), key(b), `${a} ~ ${b}`);
}

/** For each `[raw, key, value]`: normalizeName(raw) has that key, and that value in `field`. */
function expectKeyAnd<F extends 'aliases' | 'legalForm'>(field: F, cases: [string, string, Normalized[F]][]): void {
  for (const [raw, k, want] of cases) {
    const n = normalizeName(raw);
    assert.equal(n.key, k, raw);
    assert.deepEqual(n[field], want, raw);
  }
}

test('normalize: steps 1–2 fold accents, case, apostrophes and dots', () => {
  expectCases(key, [
    ['Café Lumière', 'cafe lumiere'],
    ['ACME INC', 'acme'],
    ['Acme, Inc.', 'acme'],
    ["St. Mary's Clinic", 'st marys clinic'],
    ['Straße Bau', 'strasse bau'],
    ['Øresund Shipping', 'oresund shipping'],
    ['Ærø Fisk', 'aero fisk'],
    ['Łódź Imports', 'lodz imports'],
    ['D’Angelo’s Pizzeria', 'dangelos pizzeria'],
    ['Smith &amp; Sons', 'smith sons'],
    ['Tri-County Electric', 'tri county electric'],
    ['Ｆｕｌｌｗｉｄｔｈ Dental', 'fullwidth dental'],
  ]);
});

test('normalize: step 3 flags are set aside', () => {
  // each flag, as the names spell it: the flag is set aside and the key of every one is 'contoso'
  const spellings: Record<string, string[]> = {
    old: ['Contoso (Old)', 'Contoso [old]'],
    'do not use': ['Contoso - DO NOT USE', 'Contoso (do not use)'],
    inactive: ['Inactive - Contoso', 'Contoso INACTIVE'],
    archived: ['Contoso (Archived)'],
    test: ['TEST - Contoso', 'Contoso Test'],
    zz: ['zz Contoso'],
    closed: ['Contoso (closed)'],
    duplicate: ['Contoso [duplicate]'],
    'former client': ['Contoso (former client)'],
  };
  for (const [flag, names] of Object.entries(spellings)) {
    for (const raw of names) {
      const n = normalizeName(raw);
      assert.equal(n.key, 'contoso', raw);
      assert.ok(n.flags.includes(flag), `${raw}: ${JSON.stringify(n.flags)}`);
    }
  }
  // not flags
  for (const raw of ['Old Town Dental', 'Contest Dental', 'Precision Test Labs', 'Closed Loop Recycling', 'Oldcastle Materials']) {
    assert.deepEqual(normalizeName(raw).flags, [], raw);
  }
  // a name that is only a flag is never emptied
  assert.equal(key('Test'), 'test');
  assert.deepEqual(normalizeName('Test').flags, ['test']);
});

test('normalize: step 3 dba / t/a / aka / formerly add an alias', () => {
  expectKeyAnd('aliases', [
    ['Widget Co (DBA Widgetry)', 'widget', ['widgetry']],
    ['Harmon Enterprises LLC dba Harmon Heating', 'harmon enterprises', ['harmon heating']],
    ['R.T. Mendez Inc. d/b/a Mendez Auto Glass', 'rt mendez', ['mendez auto glass']],
    ['Blue Heron Ventures LLC t/a Heron Coffee', 'blue heron ventures', ['heron coffee']],
    ['Greystone Medical aka Greystone Clinic', 'greystone medical', ['greystone clinic']],
    ['Pinnacle Fitness (formerly Iron Temple Gym)', 'pinnacle fitness', ['iron temple gym']],
    ['Elm Street Partners, LLC (d.b.a. Elm Street Diner)', 'elm street partners', ['elm street diner']],
  ]);
  // a name that starts with "DBA" is a name, not an alias marker
  assert.equal(key('DBA Consulting'), 'dba consulting');
});

test('normalize: step 4 "& co" units and &/+/and connectors', () => {
  expectCases(key, [
    ['Johnson & Co', 'johnson'],
    ['Johnson and Company', 'johnson'],
    ['Johnson & Co. Ltd', 'johnson'],
    ['Fairweather et Cie', 'fairweather'],
    ['Fenwick&Lowe', 'fenwick lowe'],
    ['And', 'and'], // never to empty
  ]);
  expectSameKey([
    ['Smith & Sons', 'Smith and Sons'],
    ['Bishop + Crane', 'Bishop & Crane'],
  ]);
});

test('normalize: step 5 single-letter runs are joined', () => {
  expectCases(key, [
    ['A.B.C. Plumbing', 'abc plumbing'],
    ['A B C Plumbing', 'abc plumbing'],
    ['ABC Plumbing', 'abc plumbing'],
    ['A & M Auto', 'am auto'],
    ['J.R. Watkins', 'jr watkins'],
    ['Acme Site A', 'acme site a'], // a single letter alone stays
  ]);
});

test('normalize: step 6 synonyms; saint/st only leading, street words only after', () => {
  expectCases(key, [
    ['Main St Pharmacy', 'main street pharmacy'],
    ['Main Street Pharmacy', 'main street pharmacy'],
  ]);
  expectSameKey([
    ['Saint Marys Clinic', "St. Mary's Clinic"],
    ['Mount Hood', 'Mt. Hood'],
    ['Harper Brothers', 'Harper Bros.'],
    ['Atlas International', "Atlas Int'l"],
    ['Keller Technologies', 'Keller Tech'],
    ['Keller Technology', 'Keller Tech'],
    ['Coastal Manufacturing', 'Coastal Mfg'],
    ['Westfield Centre', 'Westfield Center'],
    ['Doyle Associates', 'Doyle Assoc'],
    ['Smith Company', 'Smith Co'],
  ]);
});

test('normalize: step 7 trailing legal forms, longest first, repeatedly, never to empty', () => {
  expectKeyAnd('legalForm', [
    ['Contoso Ltd', 'contoso', 'ltd'],
    ['Contoso Limited', 'contoso', 'ltd'],
    ['Fabrikam Pty Ltd', 'fabrikam', 'pty ltd'],
    ['Fabrikam Pty. Limited', 'fabrikam', 'pty ltd'],
    ['Müller GmbH & Co. KG', 'muller', 'gmbh co kg'],
    ['Haruna Shoji Co., Ltd.', 'haruna shoji', 'ltd'],
    ['Brennan Dental Co., Inc.', 'brennan dental', 'inc'],
    ['Distribuidora Alvarez S.A. de C.V.', 'distribuidora alvarez', 'sa de cv'],
    ['Kowalski Sp. z o.o.', 'kowalski', 'sp z oo'],
    ['Smith A/S', 'smith', 'as'],
    ['Smith L.L.C.', 'smith', 'llc'],
    ['Inc', 'inc', null],
    ['Limited', 'limited', null],
    ['The Company', 'the', 'co'],
    ['The Learning Tree', 'learning tree', null],
    ['Village Bakery, The', 'village bakery', null],
    ['Ferrari S.p.A.', 'ferrari', 'spa'],
    ['Serenity Day Spa', 'serenity day spa', null],
  ]);
  // word-like short forms only from the last position
  assert.equal(key('AB Volvo Parts'), 'ab volvo parts');
  assert.equal(key('As You Like It Salon'), 'as you like it salon');
  assert.equal(key('Sa Pa Noodles'), 'sa pa noodles');
  assert.equal(key('Co Op Market'), 'co op market');
});

test('normalize: every legal form of the matching.md §3 table is stripped', () => {
  const table: Record<string, string[]> = {
    US: ['Inc', 'Incorporated', 'Corp', 'Corporation', 'Co', 'Company', 'LLC', 'PLLC', 'LLP', 'LP', 'Ltd', 'PC'],
    'UK, IE': ['Ltd', 'Limited', 'PLC', 'LLP', 'LP', 'CIC'],
    CA: ['Inc', 'Ltd', 'Ltée', 'Corp', 'ULC'],
    'AU, NZ': ['Pty Ltd', 'Pty Limited', 'Pty', 'Ltd', 'Limited'],
    'DE, AT, CH': ['GmbH', 'AG', 'KG', 'OHG', 'GbR', 'UG', 'e.V.', 'GmbH & Co. KG'],
    'NL, BE': ['B.V.', 'N.V.', 'BVBA'],
    FR: ['SA', 'SAS', 'SASU', 'SARL', 'EURL'],
    'IT / ES': ['S.p.A.', 'S.r.l.', 'S.A.', 'S.L.'],
    'SE, NO, DK, FI': ['AB', 'AS', 'ASA', 'A/S', 'ApS', 'Oy', 'Oyj'],
    'SG, MY, IN': ['Pte. Ltd.', 'Sdn. Bhd.', 'Pvt. Ltd.'],
    JP: ['K.K.', 'G.K.'],
    'MX, BR': ['S.A. de C.V.', 'S. de R.L.', 'Ltda.'],
    'PL, CZ, HU, RU': ['Sp. z o.o.', 's.r.o.', 'Kft.', 'OOO'],
  };
  for (const [country, forms] of Object.entries(table)) {
    for (const f of forms) {
      const n = normalizeName(`Nordwind Logistik ${f}`);
      assert.equal(n.key, 'nordwind logistik', `${country}: ${f} -> ${n.key}`);
      assert.ok(n.legalForm, `${country}: ${f} has a legal-form class`);
    }
  }
  assert.ok(LEGAL_FORMS.length > 100);
});

test('normalize: keys, numbers and never-empty', () => {
  const n = normalizeName('North Star Dental');
  assert.equal(n.key, 'north star dental');
  assert.equal(n.compact, 'northstardental');
  assert.equal(n.fingerprint, 'dental north star');
  assert.deepEqual(n.tokens, ['north', 'star', 'dental']);
  assert.equal(normalizeName('Northstar Dental').compact, n.compact);
  assert.equal(normalizeName('Jones Smith Law').fingerprint, normalizeName('Smith Jones Law').fingerprint);
  assert.equal(key(''), '');
  assert.equal(key('   '), '');
  assert.equal(key('!!!'), '');
});

test('normalize: property names of Object.prototype are ordinary words', () => {
  for (const w of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    const n = normalizeName(`${w} Plumbing`);
    assert.equal(n.key, `${w.toLowerCase().replace(/_/g, ' ').trim().replace(/\s+/g, ' ')} plumbing`.replace(/^ /, ''));
    assert.deepEqual(n.flags, []);
  }
});

test('normalize: German transliteration adds an alias key', () => {
  const n = normalizeName('Bäckerei Hoffmann');
  assert.equal(n.key, 'backerei hoffmann');
  assert.deepEqual(n.aliases, ['baeckerei hoffmann']);
});

test('normalize: professional designations, "of", Spanish "y", spelling variants', () => {
  expectCases(key, [
    ['Sarah Kim DDS', 'sarah kim'],
    ['Cornerstone Bank, N.A.', 'cornerstone bank'],
    ['Y M C A of Dayton', 'ymca dayton'],
    ['MD', 'md'], // never to empty
  ]);
  expectSameKey([
    ['Pruitt Accounting and Tax, CPAs', 'Pruitt Accounting & Tax'],
    ['Ace Hardware of Springfield', 'Ace Hardware Springfield'],
    ['Jimenez y Asociados', 'Jiménez & Asociados'],
    ['Heartland Vet Hospital', 'Heartland Veterinary Hospital'],
    ['Sterling Silver Jewellers', 'Sterling Silver Jewelers'],
  ]);
});

test('normalize: "co" before another legal form; non-word forms in any round', () => {
  assert.equal(key('Synic Title Company, LLP'), 'synic title');
  assert.equal(key('Morton Veterinary Clinic, Pty P.C.'), 'morton veterinary clinic');
  assert.equal(key('Lindqvist Bygg AB Ltd'), 'lindqvist bygg ab'); // 'ab' only from the last position
});
