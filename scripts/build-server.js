#!/usr/bin/env node
/**
 * Compiles the server to JavaScript: every `.ts` file under src/, bench/ and test/helpers/, and the other test modules
 * the benchmarks import (test/browser/harness.ts: found by following the imports), transpiled on its
 * own by esbuild (no bundling, no type check: `npm run typecheck` does that) into dist/server/, mirroring the tree
 * (dist/server/src/main.js, dist/server/bench/sync.js, …), so the relative `.js` imports of the sources hold as they
 * are. JSON the code imports (src/sandbox/seed/words.json) is copied beside.
 *
 *   node scripts/build-server.js              (npm run build:server; part of npm run build)
 *   node scripts/build-server.js --if-stale   (only when dist/server is missing or older than a file under src/)
 *
 * Each file is written to a temporary name and renamed over the old one, so a process starting while another
 * builds never reads a half-written module. Last, dist/server/.built records when the build started: the
 * launcher (scripts/launch.js) rebuilds when a file under src/ is newer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'dist', 'server');
export const STAMP = path.join(OUT, '.built');
// test/helpers/ whole: bench:shared-limit imports processes.ts, which spawns sync-child.ts (imported for its types only).
const DIRS = ['src', 'bench', path.join('test', 'helpers')];

/** Every file below `dir` (relative to ROOT), depth first. */
export function filesBelow(dir) {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath ?? e.path, e.name)));
}

function writeAtomically(file, contents) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
}

/** Whether dist/server was built after every file under src/ last changed. */
export function serverIsCurrent() {
  let builtAt;
  try {
    builtAt = JSON.parse(fs.readFileSync(STAMP, 'utf8')).startedAt;
  } catch {
    return false;
  }
  return filesBelow('src').every((f) => fs.statSync(path.join(ROOT, f)).mtimeMs <= builtAt);
}

/** Builds dist/server; returns the number of files written. Throws (esbuild's message) when a file does not compile. */
export async function buildServer() {
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  const common = { absWorkingDir: ROOT, platform: 'node', format: 'esm', target: 'node20.19', tsconfig: path.join(ROOT, 'tsconfig.json'), write: false, logLevel: 'warning' };
  // A folder left out of a deployment (bench/, test/) is skipped.
  const sources = DIRS.filter((d) => fs.existsSync(path.join(ROOT, d))).flatMap(filesBelow).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  // Every local module the sources import, through any folder (a bundle never written: only its list of inputs).
  const { metafile } = await build({ ...common, entryPoints: sources, bundle: true, packages: 'external', outdir: OUT, splitting: true, metafile: true });
  const files = [...new Set([...sources, ...Object.keys(metafile.inputs).map((f) => path.normalize(f))])];
  const result = await build({
    ...common,
    entryPoints: files.filter((f) => f.endsWith('.ts')),
    outbase: '.',
    outdir: OUT,
    bundle: false,
  });
  for (const out of result.outputFiles) writeAtomically(out.path, out.contents);
  const assets = files.filter((f) => f.endsWith('.json'));
  for (const f of assets) writeAtomically(path.join(OUT, f), fs.readFileSync(path.join(ROOT, f)));
  // Modules whose source is gone (deleted or renamed) go too; another build's temporary files stay.
  const written = new Set([...result.outputFiles.map((o) => o.path), ...assets.map((f) => path.join(OUT, f))]);
  for (const f of filesBelow(path.relative(ROOT, OUT))) {
    if (!written.has(path.join(ROOT, f)) && !f.endsWith('.tmp') && path.join(ROOT, f) !== STAMP) fs.rmSync(path.join(ROOT, f), { force: true });
  }
  writeAtomically(STAMP, `${JSON.stringify({ startedAt })}\n`);
  return written.size;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  if (process.argv.includes('--if-stale') && serverIsCurrent()) process.exit(0);
  try {
    const n = await buildServer();
    process.stdout.write(`dist/server: ${n} files in ${Math.round(performance.now() - t0)} ms\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
