/**
 * Where Crosswalk's files are, the same whether a module runs from the TypeScript sources (through tsx) or compiled
 * (`npm run build` → dist/server/src/…, dist/server/bench/…, run by plain node).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest directory at or above `dir` holding Crosswalk's package.json. */
export function findPackageRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')) as { name?: unknown }).name === 'crosswalk') return d;
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (path.dirname(d) === d) throw new Error(`Crosswalk's package.json not found above ${dir}`);
  }
}

/** The package root: the folder of package.json, src/, web/, dist/. */
export const ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/**
 * A script beside the module at `moduleUrl` (its `import.meta.url`), named by its source (`./floor.ts`), as this
 * process runs it: the `.js` when that module runs compiled, the `.ts` otherwise.
 */
export function scriptBeside(moduleUrl: string, source: string): string {
  const file = fileURLToPath(new URL(source, moduleUrl));
  return moduleUrl.endsWith('.js') ? file.replace(/\.ts$/, '.js') : file;
}

/** The node arguments that run `script`: a compiled `.js` as it is, a `.ts` through tsx. */
export function nodeArgsFor(script: string): string[] {
  return script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
}
