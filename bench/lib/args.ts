/** Command-line options of the benchmarks: `--name value`. */

/** The string after `--name`, or undefined when the option is absent. */
export function stringArg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** The number after `--name`; `def` when absent or not a valid value (positive, or ≥ 0 with `allowZero`). */
export function numberArg(name: string, def: number, opts: { allowZero?: boolean } = {}): number {
  const raw = stringArg(name);
  if (raw === undefined) return def;
  const v = Number(raw);
  return Number.isFinite(v) && (opts.allowZero === true ? v >= 0 : v > 0) ? v : def;
}
