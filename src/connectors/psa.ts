/**
 * What the PSA connectors do alike around their own API code: the HTTP options of their API clients, the opportunity
 * actions bound to their dependencies, the marker that finds an exported ticket again, and reading the answer to the
 * one POST that creates it.
 */
import { asRecord } from './coerce.js';
import type { ConnectorRuntime, CreateOpportunityInput, CreatedTicket, PsaConnector, PsaTicketType } from './contract.js';
import type { HttpClientOptions, HttpResponse } from './http/client.js';
import { isConnectorError, type ConnectorError, type ConnectorErrorInit } from './http/errors.js';

/** The HTTP options every client of a connector takes from its runtime and settings (tests shorten the waits). */
export function runtimeHttpOptions(
  runtime: Pick<ConnectorRuntime, 'onEvent' | 'sleep'>,
  settings: { backoffBaseMs?: number | undefined },
): Pick<HttpClientOptions, 'onEvent' | 'sleep' | 'backoffBaseMs'> {
  return {
    ...(runtime.onEvent === undefined ? {} : { onEvent: runtime.onEvent }),
    ...(runtime.sleep === undefined ? {} : { sleep: runtime.sleep }),
    ...(settings.backoffBaseMs === undefined ? {} : { backoffBaseMs: settings.backoffBaseMs }),
  };
}

export type ApiProfile = Pick<HttpClientOptions, 'timeoutMs' | 'maxRetries' | 'maxRetryWaitMs'>;

/**
 * The patience of a PSA connector's three API clients (one limiter serves them all): the sync's (the settings' timeout
 * and retries); the Test's, which answers quickly (one retry, no wait above 5 s: a 429 is reported as rate_limited
 * instead); the opportunity actions', which answer a person waiting in the browser (two retries, no wait above 20 s:
 * a longer 429 wait fails as rate_limited and the export can be tried again).
 */
export function psaApiProfiles(settings: { timeoutMs: number; maxRetries?: number | undefined }): Record<'sync' | 'check' | 'action', ApiProfile> {
  return {
    sync: { timeoutMs: settings.timeoutMs, ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }) },
    check: { timeoutMs: Math.min(settings.timeoutMs, 20_000), maxRetries: 1, maxRetryWaitMs: 5_000 },
    action: { timeoutMs: settings.timeoutMs, maxRetries: Math.min(2, settings.maxRetries ?? 2), maxRetryWaitMs: 20_000 },
  };
}

/** A vendor's opportunity actions, each taking its dependencies first. */
export interface PsaActionFunctions<D> {
  allowedTicketTypes(deps: D, companyId: string): Promise<PsaTicketType[]>;
  createOpportunityTicket(deps: D, input: CreateOpportunityInput): Promise<CreatedTicket>;
  findTicketByMarker(deps: D, companyId: string, marker: string): Promise<string | null>;
}

export type PsaActionMethods = Pick<PsaConnector, 'allowedTicketTypes' | 'createOpportunityTicket' | 'findTicketByMarker'>;

/** The connector's action methods: the vendor's actions with their dependencies bound. */
export function bindPsaActions<D>(deps: D, actions: PsaActionFunctions<D>): PsaActionMethods {
  return {
    allowedTicketTypes: (companyId) => actions.allowedTicketTypes(deps, companyId),
    createOpportunityTicket: (input) => actions.createOpportunityTicket(deps, input),
    findTicketByMarker: (companyId, marker) => actions.findTicketByMarker(deps, companyId, marker),
  };
}

/** The text we write into a ticket so it can be found again. */
export function markerText(marker: string): string {
  return `crosswalk:${marker}`;
}

/** Our marker text, not followed by more of a marker (`crosswalk:ab` does not find `crosswalk:abc`). */
export function markerPattern(marker: string): RegExp {
  const escaped = markerText(marker).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${escaped}(?![A-Za-z0-9_-])`);
}

export interface MarkerScanOptions {
  /** The ticket id of a list row (null: the row is skipped). */
  idOf(raw: Record<string, unknown>): string | null;
  /** Whether a ticket holds our marker: true, false, or null when the row does not carry the text to tell. */
  holdsMarker(raw: Record<string, unknown>): boolean | null;
  /** Reads a ticket's detail (a `not_found` error counts as no ticket). */
  detail(id: string): Promise<unknown>;
  /** The ticket in a detail reply (default: the reply itself, when it is an object). */
  unwrapDetail?(body: unknown): Record<string, unknown> | null;
  /** Called with every row and detail read (e.g. to remember ticket numbers). */
  seen?(id: string, raw: Record<string, unknown>): void;
}

/** Detail lookups a marker search makes at most, over all its scans. */
const MAX_DETAIL_LOOKUPS = 25;

/**
 * Scans lists of a company's tickets for the one carrying our marker; returns its id, or null. A row that holds the
 * marker is the answer; rows that cannot tell are confirmed from their detail, newest (highest id) first, 25 lookups
 * at most over every scan of the search. A ticket once checked is not checked again.
 */
export function markerScanner(opts: MarkerScanOptions): (rows: unknown[]) => Promise<string | null> {
  const checked = new Set<string>();
  const unwrapDetail = opts.unwrapDetail ?? asRecord;
  let lookups = 0;
  return async (rows) => {
    const unknownIds: string[] = [];
    for (const row of rows) {
      const raw = asRecord(row);
      if (raw === null) continue;
      const id = opts.idOf(raw);
      if (id === null || checked.has(id)) continue;
      opts.seen?.(id, raw);
      const verdict = opts.holdsMarker(raw);
      if (verdict === true) return id;
      if (verdict === null) unknownIds.push(id);
      else checked.add(id);
    }
    // Newest first: the ticket we look for was created recently.
    unknownIds.sort((a, b) => Number(b) - Number(a));
    for (const id of unknownIds) {
      if (lookups >= MAX_DETAIL_LOOKUPS) break;
      lookups++;
      checked.add(id);
      const body = await opts.detail(id).catch((err: unknown) => {
        if (isConnectorError(err) && err.code === 'not_found') return null;
        throw err;
      });
      const ticket = unwrapDetail(body);
      if (ticket === null) continue;
      opts.seen?.(id, ticket);
      if (opts.holdsMarker(ticket) === true) return id;
    }
    return null;
  };
}

/** How a PSA's answer to the opportunity POST reads. */
export interface CreateAnswer {
  /** The vendor as people call it ("the vendor accepted the ticket…"). */
  vendorName: string;
  /** The path posted to, for `detail`. */
  path: string;
  /** The created ticket a 2xx reply names, or null when it names none. */
  created(body: unknown): CreatedTicket | null;
  /** Whether a 2xx body is JSON (as the vendor sends it). */
  isJson(res: HttpResponse): boolean;
  /** The vendor's message in a refusal, if any. */
  message(res: HttpResponse): string | null;
  /** The vendor's error. */
  error(init: ConnectorErrorInit): ConnectorError;
  /** The error for any other failed reply. */
  failed(res: HttpResponse): ConnectorError;
}

/**
 * The ticket the one (never blindly retried) opportunity POST created, or the error to throw: a 2xx reply without an
 * id is transient (the caller looks the ticket up by its marker); a 400 or 422 is the vendor refusing the ticket.
 */
export function createdTicket(res: HttpResponse, answer: CreateAnswer): CreatedTicket {
  if (res.status >= 200 && res.status < 300) {
    const ticket = answer.created(res.body);
    if (ticket !== null) return ticket;
    throw answer.error({
      kind: 'transient',
      code: 'unexpected_response',
      status: res.status,
      userMessage: `${answer.vendorName} accepted the ticket but did not return its id; it will be looked up by its marker.`,
      detail: `POST ${answer.path} → ${res.status} without id${answer.isJson(res) ? '' : ' (not JSON)'}`,
    });
  }
  if (res.status === 400 || res.status === 422) {
    throw answer.error({
      kind: 'config',
      code: 'http_error',
      status: res.status,
      userMessage: answer.message(res) ?? `${answer.vendorName} refused the ticket.`,
      detail: `POST ${answer.path} → ${res.status}`,
    });
  }
  throw answer.failed(res);
}
