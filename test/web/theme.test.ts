// The web UI's palettes: every shade used for text or filled backgrounds reaches WCAG AA (4.5:1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_THEME } from '@mantine/core';
import { accessibleColors, contrast, darkenUntil } from '../../web/src/theme.js';

test('contrast() is the WCAG ratio', () => {
  assert.equal(contrast('#000000', '#ffffff'), 21);
  assert.equal(contrast('#ffffff', '#ffffff'), 1);
  // Mantine's dimmed grey and indigo 6 on white: the ratios the issue measured.
  assert.equal(contrast('#868e96', '#ffffff').toFixed(2), '3.32');
  assert.equal(contrast('#4c6ef5', '#ffffff').toFixed(2), '4.32');
});

test('darkenUntil keeps a colour that already passes and darkens one that does not', () => {
  assert.equal(darkenUntil('#000000', ['#ffffff']), '#000000');
  const orange = darkenUntil(DEFAULT_THEME.colors.orange[6], ['#ffffff']);
  assert.notEqual(orange, DEFAULT_THEME.colors.orange[6]);
  assert.ok(contrast(orange, '#ffffff') >= 4.5);
});

test('every palette: text and filled shades ≥ 4.5:1 on white, striped rows and their light background', () => {
  const surfaces = ['#ffffff', DEFAULT_THEME.colors.gray[0], DEFAULT_THEME.colors.gray[1]];
  for (const [name, shades] of Object.entries(accessibleColors)) {
    if (name === 'dark') continue;
    for (const i of [6, 7, 8]) {
      for (const bg of surfaces) assert.ok(contrast(shades[i]!, bg) >= 4.5, `${name}.${i} ${shades[i]} on ${bg}: ${contrast(shades[i]!, bg).toFixed(2)}`);
    }
    for (const bg of [shades[1]!, shades[2]!]) assert.ok(contrast(shades[9]!, bg) >= 4.5, `${name}.9 on ${bg}`);
    // Backgrounds stay Mantine's.
    assert.deepEqual(shades.slice(0, 6), DEFAULT_THEME.colors[name]!.slice(0, 6));
  }
});
