// What the UI knows about integrations comes from GET /api/integration-kinds: display names, settings fields,
// stream labels and nouns. No vendor is named in web code; a new PSA appears once the server lists it.
import { useQuery } from '@tanstack/react-query';
import { api, type IntegrationKindInfo, type IntegrationKindsResponse, type StreamInfo } from './api.js';

export interface IntegrationKinds {
  /** Every kind, in the server's (registry) order. */
  all: readonly IntegrationKindInfo[];
  /** Where companies come from. */
  primary: readonly IntegrationKindInfo[];
  /** PSAs: linked to companies, synced alongside. */
  supplemental: readonly IntegrationKindInfo[];
  get(kind: string): IntegrationKindInfo | undefined;
  /** The display name of a kind ("the kind itself" for one the server no longer lists). */
  displayName(kind: string): string;
  stream(kind: string, name: string): StreamInfo | undefined;
}

export const INTEGRATION_KINDS_KEY = ['integration-kinds'] as const;

export function indexKinds(kinds: readonly IntegrationKindInfo[]): IntegrationKinds {
  const byKind = new Map(kinds.map((k) => [k.kind, k]));
  return {
    all: kinds,
    primary: kinds.filter((k) => k.role === 'primary'),
    supplemental: kinds.filter((k) => k.role === 'supplemental'),
    get: (kind) => byKind.get(kind),
    displayName: (kind) => byKind.get(kind)?.displayName ?? kind,
    stream: (kind, name) => byKind.get(kind)?.streamInfo.find((s) => s.name === name),
  };
}

const select = (data: IntegrationKindsResponse): IntegrationKinds => indexKinds(data.kinds);

/** GET /api/integration-kinds, once per session (the list changes only with a new server version). */
export function useIntegrationKinds() {
  return useQuery({ queryKey: INTEGRATION_KINDS_KEY, queryFn: api.integrationKinds, staleTime: Infinity, select });
}

const NONE = indexKinds([]);

/** The kinds once loaded; an empty index before (names fall back to the kind). */
export function useKinds(): IntegrationKinds {
  return useIntegrationKinds().data ?? NONE;
}

/** The primary integration's display name (joined with "and" should the server ever list more than one). */
export function primaryName(kinds: IntegrationKinds): string {
  const names = kinds.primary.map((k) => k.displayName);
  return names.length === 0 ? 'the primary integration' : names.join(' and ');
}

/** What the primary integration calls a company (its first stream's noun), e.g. ["organization", "organizations"]. */
export function companyNoun(kinds: IntegrationKinds): readonly [string, string] {
  return kinds.primary[0]?.streamInfo[0]?.noun ?? ['company', 'companies'];
}

/** The Integrations page with a kind's card: `/integrations/<kind>`. */
export const settingsPath = (kind: string): string => `/integrations/${encodeURIComponent(kind)}`;
/** Link Companies for a supplemental kind: `/integrations/<kind>/links`. */
export const linksPath = (kind: string): string => `${settingsPath(kind)}/links`;
