// The sync progress line's time-left text: never "About 0s left", nothing while retrying or stalled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etaText } from '../../web/src/eta.js';

test('an estimate while records arrive; "Finishing…" under a second', () => {
  assert.equal(etaText(125, { retrying: false, stalledSeconds: 0 }), 'About 2m 5s left');
  assert.equal(etaText(0.4, { retrying: false, stalledSeconds: 2 }), 'Finishing…');
  assert.equal(etaText(0, { retrying: false, stalledSeconds: 0 }), 'Finishing…');
  assert.equal(etaText(null, { retrying: false, stalledSeconds: 3 }), null);
});

test('retrying or stalled: no estimate', () => {
  assert.equal(etaText(0, { retrying: true, stalledSeconds: 0 }), 'Retrying…');
  assert.equal(etaText(300, { retrying: true, stalledSeconds: 40 }), 'Retrying…');
  assert.equal(etaText(0, { retrying: false, stalledSeconds: 15 }), 'Waiting for the vendor…');
});
