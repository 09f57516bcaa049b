import { INTEGRATIONS } from '../integrations/registry.js';
import type { SandboxInstance } from '../integrations/definition.js';
import type { DemoHints } from '../shared/wire.js';

export interface RunningSandboxes {
  /** By integration kind. */
  instances: Record<string, SandboxInstance>;
  /** Settings-form values per kind, as the demo passes them to the server (`demoHints`). */
  hints: DemoHints;
  close(): Promise<void>;
}

/**
 * Start the sandbox of every integration that has one (the demo and `crosswalk sandbox` on their default or
 * given ports; tests on port 0). `options` are passed to each vendor's sandbox by kind.
 */
export async function startSandboxes(opts: { ports?: Record<string, number>; host?: string; options?: Record<string, Record<string, unknown>> } = {}): Promise<RunningSandboxes> {
  const host = opts.host ?? '127.0.0.1';
  const instances: Record<string, SandboxInstance> = {};
  const close = async () => {
    await Promise.allSettled(Object.values(instances).map((s) => s.close()));
  };
  try {
    for (const def of INTEGRATIONS) {
      if (def.sandbox === undefined) continue;
      instances[def.kind] = await def.sandbox.start({ port: opts.ports?.[def.kind] ?? def.sandbox.defaultPort, host, options: opts.options?.[def.kind] });
    }
  } catch (e) {
    await close();
    throw e;
  }
  const hints: DemoHints = Object.fromEntries(Object.entries(instances).map(([kind, s]) => [kind, s.values]));
  return { instances, hints, close };
}

/** What the terminal shows: each sandbox's URL and the values to type into its settings form. */
export function describeSandboxes(running: RunningSandboxes): string {
  const lines = ['Sandboxes running (local imitations of the vendor APIs):'];
  for (const def of INTEGRATIONS) {
    const s = running.instances[def.kind];
    if (s === undefined) continue;
    lines.push(`  ${def.displayName} (${s.url})`);
    for (const f of def.fields) {
      const v = s.values[f.name];
      if (v === undefined) continue;
      lines.push(`      ${f.label}: ${v === '' ? '(leave empty)' : String(v)}`);
    }
    lines.push(`      Fault injection and data changes: ${s.url}/_sandbox`);
  }
  lines.push('');
  return lines.join('\n');
}
