/**
 * The one list of integrations. Adding a PSA means adding its folder (connector, definition, sandbox) and a
 * line here; nothing else in the core names a vendor.
 */
import { halo } from '../connectors/halo/definition.js';
import { itglue } from '../connectors/itglue/definition.js';
import { syncro } from '../connectors/syncro/definition.js';
import type { IntegrationDefinition } from './definition.js';

export const INTEGRATIONS: readonly IntegrationDefinition[] = [itglue, halo, syncro];

export const INTEGRATION_KINDS: readonly string[] = INTEGRATIONS.map((d) => d.kind);

export function definitionOf(kind: string): IntegrationDefinition | undefined {
  return INTEGRATIONS.find((d) => d.kind === kind);
}

/** The primary integration (where companies come from). */
export function primaryDefinition(): IntegrationDefinition {
  const d = INTEGRATIONS.find((x) => x.role === 'primary');
  if (d === undefined) throw new Error('the registry lists no primary integration');
  return d;
}

/** Supplemental integrations (PSAs), in registry order. */
export function supplementalDefinitions(): IntegrationDefinition[] {
  return INTEGRATIONS.filter((d) => d.role === 'supplemental');
}
