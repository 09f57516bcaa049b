/**
 * Runs an entry of the compiled server (dist/server/src/<entry>.js) in this process, with plain node: what
 * `npm start` (scripts/start.js) and the `crosswalk` command (bin/crosswalk.js) do.
 *
 * When dist/server is missing or older than a file under src/ (a clone started without `npm run build`, or a
 * `git pull` since), it compiles the server first (scripts/build-server.js, a second or two) and says so in one
 * line on stderr. When that fails (no esbuild, a read-only install) it runs the TypeScript sources through tsx
 * instead, also with one line on stderr.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OUT, ROOT, buildServer, serverIsCurrent } from './build-server.js';

/** Imports `entry` ('src/main', 'src/cli/index'): compiled, after compiling it when needed; else through tsx. */
export async function launch(entry) {
  if (!serverIsCurrent()) {
    process.stderr.write('Crosswalk: compiling the server into dist/server (npm run build:server; it is missing or older than src/)…\n');
    try {
      await buildServer();
    } catch (e) {
      process.stderr.write(`Crosswalk: could not compile the server (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); running the TypeScript sources through tsx.\n`);
      const { register } = await import('tsx/esm/api');
      register();
      await import(pathToFileURL(path.join(ROOT, `${entry}.ts`)).href);
      return;
    }
  }
  await import(pathToFileURL(path.join(OUT, `${entry}.js`)).href);
}
