/**
 * Syncro actions (syncro.md §5): the issue types a customer may use, creating an opportunity ticket (one POST, never
 * retried blindly) and finding it again by our marker after an ambiguous failure.
 */
import type { CreateOpportunityInput, CreatedTicket, PsaTicketType } from '../contract.js';
import { createdTicket, markerPattern, markerScanner, markerText } from '../psa.js';
import type { SyncroApi } from './client.js';
import { SyncroConnectorError, apiError, extractSyncroMessage, isJsonBody } from './errors.js';
import { issueType, lowerSet, syncroId, ticketNumber } from './mappers.js';
import type { SyncroSettings } from './spec.js';
import { loadIssueTypes } from './streams.js';

export interface SyncroActionDeps {
  api: SyncroApi;
  settings: SyncroSettings;
  now: () => number;
  /** Ticket numbers seen by the marker search (id → number), so a ticket found again shows its number too. */
  numbers?: Map<string, string>;
}

/** We write the marker text into the first comment so the ticket can be found again. */
export { markerText };

/** The web app's address of a ticket: the API base without `/api/v1`, then `/tickets/{id}`. */
export function syncroTicketUrl(baseUrl: string, ticketId: string): string | null {
  try {
    const u = new URL(baseUrl);
    const base = u.pathname.replace(/\/+$/, '').replace(/\/api\/v\d+$/i, '');
    return `${u.origin}${base}/tickets/${encodeURIComponent(ticketId)}`;
  } catch {
    return null;
  }
}

export function syncroTicketRef(baseUrl: string, ticketId: string, number?: string | null): CreatedTicket {
  const url = syncroTicketUrl(baseUrl, ticketId);
  return { ticketId, ...(number === undefined || number === null ? {} : { ticketNumber: number }), ...(url === null ? {} : { url }) };
}

/** HTML (our opportunity description) → plain text for a Syncro comment. */
export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function customerId(value: string): number {
  const id = syncroId(value);
  if (id === null) throw new SyncroConnectorError({ kind: 'config', code: 'http_error', userMessage: `Customer id "${value}" is not a Syncro id.` });
  return Number(id);
}

/**
 * No per-customer restriction of issue types is known (syncro.md §5): every customer may use every issue type. Asked
 * live, so a new issue type shows up at once; without a list endpoint, the opportunity issue types of the settings.
 */
export async function allowedTicketTypes(deps: SyncroActionDeps, companyId: string): Promise<PsaTicketType[]> {
  customerId(companyId);
  const opp = lowerSet(deps.settings.opportunityIssueTypes);
  const found = await loadIssueTypes(deps);
  const names = found?.names ?? deps.settings.opportunityIssueTypes.map((n) => n.trim()).filter((n) => n !== '');
  return names.map((n) => issueType(n, opp));
}

export async function createOpportunityTicket(deps: SyncroActionDeps, input: CreateOpportunityInput): Promise<CreatedTicket> {
  const id = customerId(input.companyId);
  const text = htmlToText(input.detailsHtml);
  const marker = markerText(input.marker);
  const body = markerPattern(input.marker).test(text) ? text : `${text}${text === '' ? '' : '\n\n'}${marker}`;
  const ticket: Record<string, unknown> = { customer_id: id, subject: input.summary, problem_type: input.ticketTypeId, status: 'New' };
  if (deps.settings.commentBody) ticket.comment_body = body;
  else ticket.comments_attributes = [{ subject: 'Opportunity', body, hidden: true, do_not_email: true }];

  // One POST, never retried (not idempotent): a timeout, reset or 5xx throws a `transient` error and the caller looks
  // for the marker before posting again. A 429 is retried by the HTTP layer: Syncro refused it unprocessed.
  const res = await deps.api.request({ method: 'POST', path: '/tickets', json: ticket, retry: false });
  return createdTicket(res, {
    vendorName: 'Syncro',
    path: '/tickets',
    created: (body) => {
      const created = unwrapTicket(body);
      const ticketId = created === null ? null : syncroId(created.id);
      return ticketId === null ? null : syncroTicketRef(deps.api.baseUrl, ticketId, ticketNumber(created?.number));
    },
    isJson: isJsonBody,
    message: (r) => extractSyncroMessage(r.body),
    error: (init) => new SyncroConnectorError(init),
    failed: (r) => apiError(r, 'POST', '/tickets', deps.api.baseUrl),
  });
}

/** A ticket reply's ticket: `{ticket: {…}}`, or the ticket itself. */
function unwrapTicket(body: unknown): Record<string, unknown> | null {
  return isRecord(body) ? (isRecord(body.ticket) ? body.ticket : body) : null;
}

/** Whether a ticket's text holds the marker: true, false, or null when the row carries no comments to tell. */
function holdsMarker(raw: Record<string, unknown>, pattern: RegExp): boolean | null {
  const texts: string[] = [];
  let sawComments = false;
  if (Array.isArray(raw.comments)) {
    sawComments = true;
    for (const c of raw.comments) if (isRecord(c) && typeof c.body === 'string') texts.push(c.body);
  }
  for (const key of ['comment_body', 'body', 'subject']) if (typeof raw[key] === 'string') texts.push(raw[key] as string);
  if (texts.some((t) => pattern.test(t))) return true;
  return sawComments ? false : null;
}

/**
 * The id of the customer's ticket carrying our marker, or null: `GET /tickets?customer_id=X&query=<marker>` first,
 * then the customer's tickets created in the last 14 days (an account whose search ignores comments); a row without
 * comments is confirmed from its detail (`GET /tickets/{id}`), newest first, 25 at most.
 */
export async function findTicketByMarker(deps: SyncroActionDeps, companyId: string, marker: string): Promise<string | null> {
  const id = customerId(companyId);
  const pattern = markerPattern(marker);
  const scan = markerScanner({
    idOf: (raw) => syncroId(raw.id),
    holdsMarker: (raw) => holdsMarker(raw, pattern),
    detail: (tid) => deps.api.getJson(`/tickets/${tid}`),
    unwrapDetail: unwrapTicket,
    seen: (tid, raw) => {
      const number = ticketNumber(raw.number);
      if (number !== null) deps.numbers?.set(tid, number);
    },
  });

  const list = async (query: Record<string, string | number>): Promise<unknown[]> => {
    const body = await deps.api.getJson('/tickets', { ...query, customer_id: id, page: 1 });
    const rows = isRecord(body) ? body.tickets : undefined;
    return Array.isArray(rows) ? rows : [];
  };

  const found = await scan(await list({ query: markerText(marker) }));
  if (found !== null) return found;
  const since = new Date(deps.now() - 14 * 86_400_000).toISOString();
  for (let page = 1; page <= 4; page++) {
    const body = await deps.api.getJson('/tickets', { customer_id: id, created_after: since, page });
    const rows = isRecord(body) && Array.isArray(body.tickets) ? body.tickets : [];
    const hit = await scan(rows);
    if (hit !== null) return hit;
    const meta = isRecord(body) && isRecord(body.meta) ? body.meta : {};
    if (rows.length === 0 || !(Number(meta.total_pages) > page)) break;
  }
  return null;
}
