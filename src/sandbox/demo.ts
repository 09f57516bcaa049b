import { startItGlueSandbox, type StartItGlueSandboxOptions } from './itglue/index.js';
import { HALO_SANDBOX_DEFAULTS, startHaloSandbox } from './halo/index.js';
import type { HaloSandboxOptions } from './halo/types.js';

export interface SandboxHints {
  itglue: { baseUrl: string; apiKey: string };
  halo: { resourceServerUrl: string; authorizationServerUrl: string; tenant: string; clientId: string; clientSecret: string };
  [key: string]: unknown;
}

/** Start both vendor imitations (the demo and `crosswalk sandbox` on fixed ports; tests on port 0). */
export async function startSandboxes(opts: { itgluePort: number; haloPort: number; host?: string; apiKey?: string; itglue?: StartItGlueSandboxOptions; halo?: HaloSandboxOptions }) {
  const host = opts.host ?? '127.0.0.1';
  const apiKey = opts.apiKey ?? 'ITG.sandbox.demo-key';
  const itglue = await startItGlueSandbox({ ...opts.itglue, port: opts.itgluePort, host, apiKey });
  let halo: Awaited<ReturnType<typeof startHaloSandbox>>;
  try {
    halo = await startHaloSandbox({ ...opts.halo, port: opts.haloPort, host });
  } catch (e) {
    await itglue.close();
    throw e;
  }
  const hints: SandboxHints = {
    itglue: { baseUrl: itglue.url, apiKey },
    halo: {
      resourceServerUrl: halo.resourceUrl,
      authorizationServerUrl: halo.authUrl,
      tenant: '',
      clientId: HALO_SANDBOX_DEFAULTS.clientId,
      clientSecret: HALO_SANDBOX_DEFAULTS.clientSecret,
    },
  };
  return {
    itglue,
    halo,
    hints,
    async close() {
      await Promise.allSettled([itglue.close(), halo.close()]);
    },
  };
}

export function describeSandboxes(h: SandboxHints): string {
  return [
    'Sandboxes running (local imitations of the vendor APIs):',
    `  IT Glue   API URL ${h.itglue.baseUrl}   API key ${h.itglue.apiKey}`,
    `  HaloPSA   Resource Server URL ${h.halo.resourceServerUrl}   Authorization Server URL ${h.halo.authorizationServerUrl}`,
    `            Client ID ${h.halo.clientId}   Client Secret ${h.halo.clientSecret}   (Tenant Name: leave empty)`,
    `  Fault injection and data changes: ${h.itglue.baseUrl}/_sandbox and ${h.halo.resourceServerUrl.replace(/\/api$/, '')}/_sandbox`,
    '',
  ].join('\n');
}
