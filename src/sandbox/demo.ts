import { startItGlueSandbox } from './itglue/index.js';
import { HALO_SANDBOX_DEFAULTS, startHaloSandbox } from './halo/index.js';

export interface SandboxHints {
  itglue: { baseUrl: string; apiKey: string };
  halo: { resourceServerUrl: string; authorizationServerUrl: string; tenant: string; clientId: string; clientSecret: string };
  [key: string]: unknown;
}

/** Start both vendor imitations on fixed ports (the demo and `crosswalk sandbox`). */
export async function startSandboxes(opts: { itgluePort: number; haloPort: number; host?: string }) {
  const host = opts.host ?? '127.0.0.1';
  const apiKey = 'ITG.sandbox.demo-key';
  const itglue = await startItGlueSandbox({ port: opts.itgluePort, host, apiKey });
  const halo = await startHaloSandbox({ port: opts.haloPort, host });
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
    hints,
    async close() {
      await itglue.close();
      await halo.close();
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
