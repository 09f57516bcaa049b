/**
 * Starts `halo-sandbox-child.ts` in a child process and talks to it over the sandbox's HTTP control
 * interface (`/_sandbox/*`, which does not count against the sandbox's API rate limit).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { HaloSandboxData, HaloSandboxOptions, HaloSandboxStats } from '../../src/sandbox/halo/types.js';
import type { RequestLogEntry } from '../../src/sandbox/shared/request-log.js';
import { nodeArgsFor, scriptBeside } from '../../src/paths.js';

const CHILD = scriptBeside(import.meta.url, './halo-sandbox-child.ts');

export interface SandboxProcess {
  url: string;
  authUrl: string;
  resourceUrl: string;
  tenant: string;
  /** the child reuses its last ticket query (see halo-sandbox-child.ts) */
  memo: boolean;
  pid: number;
  /** ms from spawn to listening (includes generating the data). */
  readyMs: number;
  stats(): Promise<HaloSandboxStats>;
  data(tickets?: boolean): Promise<HaloSandboxData>;
  /** The sandbox's request log (API and token requests; the control interface is not logged). */
  requests(): Promise<RequestLogEntry[]>;
  /** Sets (or with null lifts) the sandbox's rate limit. */
  setRateLimit(limit: { limit: number; windowMs: number } | null): Promise<void>;
  /** Peak and current RSS of the child in KB (Linux /proc; null elsewhere). */
  rss(): { peakKb: number; currentKb: number } | null;
  /** CPU time the child has used so far, in ms (Linux /proc; null elsewhere). */
  cpuMs(): number | null;
  close(): Promise<void>;
}

export async function startSandboxProcess(opts: HaloSandboxOptions, flags: { memo?: boolean } = {}): Promise<SandboxProcess> {
  const spawnedAt = performance.now();
  // BENCH_SANDBOX_NODE_ARGS: extra node flags for the child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  const extra = (process.env.BENCH_SANDBOX_NODE_ARGS ?? '').split(' ').filter((x) => x !== '');
  const child: ChildProcess = spawn(process.execPath, [...extra, ...nodeArgsFor(CHILD), JSON.stringify(opts), ...(flags.memo === true ? ['memo'] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const info = await new Promise<{ url: string; authUrl: string; resourceUrl: string; tenant: string; memo: boolean }>((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer): void => {
      buf += c.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as never);
      } catch (e) {
        reject(new Error(`sandbox child printed something unexpected: ${buf.slice(0, 200)} (${String(e)})`));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`sandbox child exited early (code ${String(code)})`)));
  });
  const readyMs = Math.round(performance.now() - spawnedAt);
  const pid = child.pid!;

  const control = async <T>(p: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${info.url}/_sandbox/${p}`, init);
    if (!res.ok) throw new Error(`sandbox control ${p}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };

  return {
    ...info,
    pid,
    readyMs,
    stats: () => control<HaloSandboxStats>('stats'),
    data: (tickets = true) => control<HaloSandboxData>(`data?tickets=${String(tickets)}`),
    requests: async () => (await control<{ requests: RequestLogEntry[] }>('requests')).requests,
    async setRateLimit(limit) {
      await control('rate-limit', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(limit) });
    },
    rss() {
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
        return { peakKb: kb('VmHWM'), currentKb: kb('VmRSS') };
      } catch {
        return null;
      }
    },
    cpuMs() {
      try {
        // fields 14 and 15 of /proc/<pid>/stat: utime, stime in clock ticks (100 per second on Linux)
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return null;
      }
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin!.end();
        child.kill('SIGTERM');
      }
      await exited;
    },
  };
}
