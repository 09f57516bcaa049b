/**
 * Parts of the vendors' integration definitions that are the same for every vendor (the sandbox launcher) or for
 * every PSA (what Test Settings checks, the tickets at the end of the sync plan).
 */
import type { IntegrationConnector, PlanContext, PlanStep, SandboxLauncher, StreamSpec } from '../integrations/definition.js';
import type { PsaConnector, PsaStreams } from './contract.js';

/** A started vendor sandbox and the settings-form values that point at it. */
export interface StartedSandbox<S extends { url: string; close(): Promise<void> }> {
  sandbox: S;
  values: Record<string, string | boolean>;
}

/** The launcher of a vendor's sandbox; `start` loads the sandbox code only when called. */
export function sandboxLauncher<S extends { url: string; close(): Promise<void> }>(
  defaultPort: number,
  start: (opts: { port: number; host: string; options?: Record<string, unknown> }) => Promise<StartedSandbox<S>>,
): SandboxLauncher {
  return {
    defaultPort,
    async start(opts) {
      const { sandbox, values } = await start(opts);
      return { url: sandbox.url, handle: sandbox, values, close: () => sandbox.close() };
    },
  };
}

/**
 * A PSA's streams as shown: its companies first (stored as PSA companies), those only it reads in between, its
 * tickets last; companies and tickets count in summaries.
 */
export function psaStreamSpecs(companies: Pick<StreamSpec, 'name' | 'label' | 'noun'>, between: StreamSpec[] = []): StreamSpec[] {
  return [
    { ...companies, target: 'psaCompanies', summary: true },
    ...between,
    { name: 'tickets', label: 'Tickets', noun: ['ticket', 'tickets'], target: 'psaTickets', summary: true },
  ];
}

/** What to do after a PSA's first sync: link its companies (as people call them) to those of the primary integration. */
export function psaNextStep(companies: string, primaryName: string): string {
  return `Next step: open Link Companies and run Automap to attach ${companies} to your ${primaryName} companies.`;
}

/** The stored settings every PSA has: whether tickets are pulled and opportunities exported. */
export interface PsaSwitches {
  pullTickets: boolean;
  opportunityExport: boolean;
}

/**
 * A PSA connector as the core uses it. Test Settings checks what the settings turn on; the sync plan is the vendor's
 * steps (`plan` also returns its streams), then the tickets when the settings pull them (their sweep on a full pull
 * is the stream's: a window or every ticket).
 */
export function psaIntegrationConnector(
  c: PsaConnector,
  settings: PsaSwitches,
  plan: (ctx: PlanContext) => { streams: PsaStreams; steps: PlanStep[] },
): IntegrationConnector {
  return {
    http: c.http,
    psa: c,
    check: () => c.check({ pullTickets: settings.pullTickets, opportunityExport: settings.opportunityExport }),
    plan(ctx) {
      const { streams, steps } = plan(ctx);
      if (settings.pullTickets) steps.push({ progressName: 'tickets', stream: streams.tickets, target: 'psaTickets', sweepOnFull: true });
      return steps;
    },
  };
}
