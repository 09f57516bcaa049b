/** Location / branch qualifiers of the review tier (src/matching/qualifier.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeDetailed } from '../../src/matching/normalize.js';
import { qualifierOf } from '../../src/matching/qualifier.js';

const q = (raw: string) => qualifierOf(raw, normalizeDetailed(raw));

test('qualifiers: parentheses, spaced dashes and trailing location words give the base key and the qualifier as written', () => {
  assert.deepEqual(q('Bellmont Dental Main Office'), { baseKey: 'bellmont dental', qualifier: 'Main Office' });
  assert.deepEqual(q('Quarry Hill Accounting LLC (Main Office)'), { baseKey: 'quarry hill accounting', qualifier: '(Main Office)' });
  assert.deepEqual(q('Pryor Realty Group - Austin'), { baseKey: 'pryor realty group', qualifier: 'Austin' });
  assert.deepEqual(q('Maplecroft Clinic – East'), { baseKey: 'maplecroft clinic', qualifier: 'East' });
  assert.deepEqual(q('Bexley Auto Body Main Shop'), { baseKey: 'bexley auto body', qualifier: 'Main Shop' });
});

test('qualifiers: none for plain names, flags, aliases, short bases and a surname that is a direction', () => {
  for (const raw of ['Bellmont Dental', 'Radley Foods (Old)', 'Sefton Electric - DO NOT USE', 'Widget Co (DBA Widgetry)', 'Acme (HQ)', 'Patterson West', 'Gorham Dental Lab', 'Fitchburg Print Shop']) {
    assert.deepEqual(q(raw), { baseKey: null, qualifier: null }, raw);
  }
});
