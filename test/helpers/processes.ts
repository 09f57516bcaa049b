/** Several Crosswalk processes on one test database: child processes, their database URL, workspaces made directly. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { definitionOf } from '../../src/integrations/registry.js';
import { mergeSecrets, toStoredSettings } from '../../src/integrations/settings.js';
import type { Store } from '../../src/store/db.js';
import { createRepos } from '../../src/store/repos/index.js';
import type { Vault } from '../../src/store/secrets.js';
import { nodeArgsFor, ROOT, scriptBeside } from '../../src/paths.js';
import type { TestStore } from './app.js';
import type { SyncChildInput, SyncChildResult } from './sync-child.js';

/** The database URL a child process uses to reach the test's own schema (PostgreSQL: search_path in the URL). */
export function childDatabaseUrl(ts: Pick<TestStore, 'databaseUrl' | 'store'>): string {
  if (ts.store.schema === undefined) return ts.databaseUrl;
  const sep = ts.databaseUrl.includes('?') ? '&' : '?';
  return `${ts.databaseUrl}${sep}options=${encodeURIComponent(`-c search_path=${ts.store.schema}`)}`;
}

/** Runs test/helpers/sync-child.ts (compiled, when this module is: bench:shared-limit): one sync in its own process; resolves with its result line. */
export function runSyncChild(input: SyncChildInput): Promise<SyncChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgsFor(scriptBeside(import.meta.url, './sync-child.ts')), JSON.stringify(input)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as SyncChildResult);
      } catch {
        reject(new Error(`sync child exited ${String(code)} without a result: ${out} ${err}`));
      }
    });
  });
}

/** A workspace (row made directly) with one configured integration, its settings as the API would store them. */
export async function seedIntegration(store: Store, vault: Vault, workspaceId: string, kind: string, body: Record<string, unknown>): Promise<void> {
  const def = definitionOf(kind);
  if (def === undefined) throw new Error(`unknown kind ${kind}`);
  const now = new Date().toISOString();
  await store.db.insertInto('workspaces').values({ id: workspaceId, name: `MSP ${workspaceId}`, created_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
  const settings = toStoredSettings(def, body, null);
  const secrets = mergeSecrets(def, body, {});
  await createRepos(store.db).integrations.save(workspaceId, kind, JSON.stringify(settings), vault.encrypt(JSON.stringify(secrets)));
}

export interface ChildProcessHandle {
  pid: number;
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

let compiled = false;

/**
 * The node arguments of a command as users run it: `bin/crosswalk.js <args>` (the crosswalk command) or
 * `scripts/start.js` (npm start), both running the compiled server (dist/server). `npm test` builds it before the
 * tests; a test file run alone compiles it here when it is older than src/ (once per test process), so that the
 * command itself has nothing to say about compiling.
 */
export function userCommand(script: 'bin/crosswalk.js' | 'scripts/start.js', args: string[] = []): string[] {
  if (!compiled) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-server.js'), '--if-stale'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`compiling the server failed: ${r.stderr}`);
    compiled = true;
  }
  return [path.join(ROOT, script), ...args];
}

/** Starts `crosswalk <args>` (e.g. `worker`) and resolves once it printed `ready` (a pattern of its stdout). */
export async function startCli(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 120_000): Promise<ChildProcessHandle> {
  const child = spawn(process.execPath, userCommand('bin/crosswalk.js', args), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + timeoutMs;
  while (!ready.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`crosswalk ${args.join(' ')} did not get ready: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, output: () => out, exited, kill: (s) => child.kill(s) };
}
