/**
 * Runs one HaloPSA sandbox in its own process, so that the benchmark's RSS is Crosswalk's alone.
 *
 *   node --import tsx bench/lib/halo-sandbox-child.ts '<HaloSandboxOptions as JSON>'
 *
 * Prints one JSON line `{ url, authUrl, resourceUrl, tenant, readyMs }` on stdout once listening; control
 * goes through the sandbox's own HTTP control interface (`/_sandbox/*`). Closes on SIGTERM/SIGINT or
 * when stdin ends (the parent went away).
 */
import { startHaloSandbox, type HaloSandboxOptions } from '../../src/sandbox/halo/index.js';

const started = performance.now();
const opts = JSON.parse(process.argv[2] ?? '{}') as HaloSandboxOptions;
const sandbox = await startHaloSandbox({ port: 0, ...opts });
process.stdout.write(
  `${JSON.stringify({ url: sandbox.url, authUrl: sandbox.authUrl, resourceUrl: sandbox.resourceUrl, tenant: sandbox.tenant, readyMs: Math.round(performance.now() - started) })}\n`,
);

let closing = false;
const close = (): void => {
  if (closing) return;
  closing = true;
  sandbox.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', close);
process.once('SIGINT', close);
process.stdin.on('end', close);
process.stdin.resume();
