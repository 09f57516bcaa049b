/**
 * Halo's value shapes (halo.md §5): mixed datetime strings, date sentinels, ids that arrive as doubles.
 */

export const DATE_SENTINEL = '1900-01-01T00:00:00';

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function base(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function millis(ms: number): number {
  return ((ms % 1000) + 1000) % 1000;
}

/** `2024-06-20T14:45:15.9746271Z` (7 fractional digits, UTC) */
export function fmtZ7(ms: number, subMs = 0): string {
  return `${base(ms)}.${pad(millis(ms), 3)}${pad(subMs % 10000, 4)}Z`;
}

/** `2022-09-26T16:15:38.897` (naive, UTC, trailing zeros trimmed like .NET) */
export function fmtNaive(ms: number): string {
  const frac = pad(millis(ms), 3).replace(/0+$/, '');
  return frac ? `${base(ms)}.${frac}` : base(ms);
}

/** `2024-06-20T14:45:17.47Z` (trailing zeros trimmed, UTC) */
export function fmtZTrim(ms: number): string {
  const frac = pad(millis(ms), 3).replace(/0+$/, '');
  return frac ? `${base(ms)}.${frac}Z` : `${base(ms)}Z`;
}

export function fmtShape(ms: number, subMs: number, shape: number): string {
  return shape === 1 ? fmtNaive(ms) : shape === 2 ? fmtZTrim(ms) : fmtZ7(ms, subMs);
}

/**
 * Parse a datetime from a query or body the way Halo does: naive strings are UTC.
 * Returns epoch ms or null.
 */
export function parseHaloDate(s: string | undefined | null): number | null {
  if (s == null) return null;
  const v = String(s).trim();
  if (!v) return null;
  let iso = v;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso = iso.replace(' ', 'T') + 'Z';
  // JavaScript accepts at most millisecond precision reliably; trim longer fractions
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

const DBL = '~~halo-dbl~~';

/** A number serialized with a decimal point (`12` → `12.0`), as Halo's .NET doubles are. */
export class Double {
  constructor(readonly value: number) {}
  toJSON(): string {
    return DBL + String(this.value);
  }
}

export function dbl(n: number): Double {
  return new Double(n);
}

const DBL_RE = /"~~halo-dbl~~([^"]*)"/g;

/** JSON.stringify, turning Double markers into literal doubles (`12.0`). */
export function toHaloJson(value: unknown): string {
  const s = JSON.stringify(value);
  if (s === undefined) return '';
  if (!s.includes(DBL)) return s;
  return s.replace(DBL_RE, (_m, num: string) => (/[.eE]/.test(num) || !/^-?\d+$/.test(num) ? num : `${num}.0`));
}
