// Colours that pass WCAG 2.1 AA (4.5:1 for text) in the light scheme: Mantine's palettes with the shades
// used for text and filled backgrounds darkened (same hue) until they contrast enough with what they
// sit on. Shades 0–5 (backgrounds, the dark scheme's text) stay Mantine's.
import { DEFAULT_THEME, type MantineColorsTuple } from '@mantine/core';

/** The target: AA's 4.5:1 with a little room for rounding and anti-aliasing. */
export const MIN_CONTRAST = 4.6;

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  return [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16)) as Rgb;
}

const toHex = (rgb: Rgb): string => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (#rrggbb). */
export function contrast(a: string, b: string): number {
  const la = luminance(parseHex(a));
  const lb = luminance(parseHex(b));
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** `color` mixed with black, step by step, until it reaches `min` against every background. */
export function darkenUntil(color: string, backgrounds: readonly string[], min = MIN_CONTRAST): string {
  const rgb = parseHex(color);
  for (let f = 1; f > 0; f -= 0.01) {
    const candidate = toHex(rgb.map((c) => c * f) as Rgb);
    if (backgrounds.every((bg) => contrast(candidate, bg) >= min)) return candidate;
  }
  return '#000000';
}

const WHITE = '#ffffff';
const gray = DEFAULT_THEME.colors.gray;
const blue = DEFAULT_THEME.colors.blue;
/** What text in a shade 6–8 sits on: the page, striped and hovered table rows, unread notifications. */
const SURFACES = [WHITE, gray[0], gray[1], blue[1]] as const;

function accessible(name: string, shades: MantineColorsTuple): MantineColorsTuple {
  if (name === 'dark') return shades; // the dark scheme's backgrounds
  const out = [...shades];
  // 6 = filled (white text on it) and coloured text, 7 = filled hover, 8 = outline/hover.
  for (const i of [6, 7, 8]) out[i] = darkenUntil(shades[i], SURFACES);
  // 9 = text of light variants (badges, alerts), on the colour's shade 1 (light) and 2 (light hover).
  out[9] = darkenUntil(shades[9], [shades[1], shades[2], ...SURFACES]);
  return out as unknown as MantineColorsTuple;
}

/** Every Mantine palette, text shades darkened to AA. */
export const accessibleColors: Record<string, MantineColorsTuple> = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors).map(([name, shades]) => [name, accessible(name, shades)]),
);
