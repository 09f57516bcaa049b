/** Public types of the matching engine (re-exported by index.ts). */

export interface MatchCompany {
  id: string;
  name: string;
  /** IT Glue domains; PSA website / domain / customer e-mail domains. URLs and e-mail addresses are fine. */
  domains?: string[];
  phone?: string | null;
  /** IT Glue side: the PSA id stored on the organization (decisive). */
  psaId?: string | null;
  /** PSA side: an inactive company is proposed only on an exact match. */
  inactive?: boolean;
}

export interface AutomapInput {
  /** Active companies of the primary integration (the MSP's own organization already excluded). */
  primary: MatchCompany[];
  /** PSA companies, inactive ones allowed (marked `inactive`). */
  psa: MatchCompany[];
  /** Existing links: never overwritten, never re-proposed (both ends dropped). */
  existingLinks: { itglueId: string; psaId: string }[];
  /** Pairs an admin rejected: never proposed again. */
  rejected: { itglueId: string; psaId: string }[];
  /** Confirmed pairs: an IT Glue name equal (by key) to `name` is an exact match to `psaId`. */
  aliases: { itglueId?: string; name: string; psaId: string }[];
  /** The MSP's own domains, ignored as a signal. */
  ownDomains?: string[];
}

export type ProposalTier = 'exact' | 'near-exact';

export interface Proposal {
  itglueId: string;
  psaId: string;
  score: number;
  tier: ProposalTier;
  reasons: string[];
}

export interface Suggestion {
  itglueId: string;
  psaId: string;
  score: number;
  reasons: string[];
}

/**
 * Review tier ("possible match"): the same name apart from a location or branch qualifier
 * ("Bellmont Dental" / "Bellmont Dental Main Office"). Never proposed, never pre-selected.
 */
export interface ReviewItem {
  itglueId: string;
  psaId: string;
  score: number;
  tier: 'review';
  reasons: string[];
}

export interface AutomapCounts {
  proposed: number;
  alreadyLinked: number;
  ambiguous: number;
  unmatched: number;
}

export interface AutomapResult {
  proposals: Proposal[];
  /** Up to 3 per IT Glue company (not the proposed one), to order dropdowns. */
  suggestions: Suggestion[];
  counts: AutomapCounts;
  ambiguous: { itglueId: string; candidates: string[] }[];
  /** Possible matches to review (up to 3 per IT Glue company; none proposed, linked or ambiguous). */
  review: ReviewItem[];
  /** IT Glue companies with at least one review item (they are also counted in `counts.unmatched`). */
  reviewCompanies: number;
}
