import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jaroWinkler, normalizePhone, registrableDomain } from '../../src/matching/index.js';
import { mayBeTypo } from '../../src/matching/score.js';

test('registrable domain of URLs, hosts and e-mail addresses', () => {
  const cases: [string, string | null][] = [
    ['contoso.com', 'contoso.com'],
    ['https://www.contoso.com/about?x=1', 'contoso.com'],
    ['http://shop.contoso.com:8080', 'contoso.com'],
    ['jane.doe@mail.contoso.com', 'contoso.com'],
    ['WWW.Fabrikam.CO.UK', 'fabrikam.co.uk'],
    ['fabrikam.com.au', 'fabrikam.com.au'],
    ['contoso.onmicrosoft.com', 'contoso.onmicrosoft.com'],
    ['springfield.k12.il.us', 'springfield.k12.il.us'],
    ['localhost', null],
    ['not a domain', null],
    ['', null],
  ];
  for (const [raw, want] of cases) assert.equal(registrableDomain(raw), want, raw);
});

test('phone numbers are compared on their digits', () => {
  assert.equal(normalizePhone('+1 (316) 555-0142'), normalizePhone('316.555.0142'));
  assert.equal(normalizePhone('+44 20 7946 0958'), normalizePhone('020 7946 0958'));
  assert.equal(normalizePhone('0044 20 7946 0958'), normalizePhone('+44 20 7946 0958'));
  assert.equal(normalizePhone('316-555-0142 ext. 12'), normalizePhone('3165550142'));
  assert.equal(normalizePhone('123'), null);
  assert.equal(normalizePhone('000-000-0000'), null);
  assert.equal(normalizePhone(null), null);
});

test('Jaro-Winkler reference values', () => {
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-3;
  assert.ok(close(jaroWinkler('martha', 'marhta'), 0.961));
  assert.ok(close(jaroWinkler('dwayne', 'duane'), 0.84));
  assert.ok(close(jaroWinkler('dixon', 'dicksonx'), 0.813));
  assert.equal(jaroWinkler('same', 'same'), 1);
  assert.equal(jaroWinkler('', 'x'), 0);
  assert.equal(jaroWinkler('abc', 'xyz'), 0);
  // long strings grow the buffers
  const long = 'a'.repeat(400);
  assert.equal(jaroWinkler(long, `${long}b`) > 0.99, true);
});

test('the character-set pre-test never rejects a pair with Jaro-Winkler ≥ 0.93', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = 'abcdeilmnorst';
  const mask = (s: string) => {
    let m = 0;
    for (let i = 0; i < s.length; i++) m |= 1 << (s.charCodeAt(i) & 31);
    return m;
  };
  let checked = 0;
  for (let n = 0; n < 200_000; n++) {
    const len = 5 + Math.floor(rnd() * 8);
    let a = '';
    for (let i = 0; i < len; i++) a += alphabet[Math.floor(rnd() * alphabet.length)];
    // mutate 1–3 times
    let b = a;
    const edits = 1 + Math.floor(rnd() * 3);
    for (let e = 0; e < edits; e++) {
      const p = Math.floor(rnd() * b.length);
      const k = rnd();
      const c = alphabet[Math.floor(rnd() * alphabet.length)];
      b = k < 0.33 ? b.slice(0, p) + b.slice(p + 1) : k < 0.66 ? b.slice(0, p) + c + b.slice(p) : b.slice(0, p) + c + b.slice(p + 1);
    }
    if (b.length < 5) continue;
    if (jaroWinkler(a, b) >= 0.93) {
      checked++;
      assert.ok(mayBeTypo(mask(a), mask(b), a.length, b.length), `${a} / ${b}`);
    }
  }
  assert.ok(checked > 1000, `only ${checked} close pairs`);
});
