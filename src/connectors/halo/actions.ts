/**
 * Halo actions (halo.md §8): allowed ticket types per client, creating an opportunity ticket (one POST,
 * never retried blindly), and finding a ticket by our marker after an ambiguous failure.
 */
import type { CreateOpportunityInput, CreatedTicket, PsaTicketType } from '../contract.js';
import { isConnectorError } from '../http/errors.js';
import { createdTicket, markerPattern, markerScanner, markerText } from '../psa.js';
import type { HaloApi } from './client.js';
import { extractHaloMessage } from './error-message.js';
import { HaloConnectorError, apiError, isJsonBody } from './halo-error.js';
import { haloId, haloNaiveUtc, haloQueryDate, mapTicketType, unwrapList, type OpportunityTypeRule } from './mappers.js';

export interface HaloActionDeps {
  api: HaloApi;
  opportunityTypeIds: OpportunityTypeRule | ReadonlySet<string>;
  now: () => number;
}

/**
 * Halo's opportunity fields on a ticket (halo.md §6). The close date: Halo keeps an opportunity's target date in
 * `FOppTargetDate`, which its API names `opptargetdate` (the API drops the column's leading F, as with `oppvalue`).
 */
const OPP_TARGET_DATE = 'opptargetdate';

/** The agent web app's address: the Resource Server URL (`https://<host>/api`) without `/api`. */
export function haloWebBase(resourceServerUrl: string): string | null {
  try {
    const u = new URL(resourceServerUrl);
    return `${u.origin}${u.pathname.replace(/\/+$/, '').replace(/\/api$/i, '')}`;
  } catch {
    return null;
  }
}

/** The web app's address of a ticket: `https://<host>/ticket?id=N`, from the Resource Server URL (`https://<host>/api`). */
export function haloTicketUrl(resourceServerUrl: string, ticketId: string): string | null {
  const base = haloWebBase(resourceServerUrl);
  return base === null ? null : `${base}/ticket?id=${encodeURIComponent(ticketId)}`;
}

/** The web app's address of a client (customer): `https://<host>/customers?clientid=N`. */
export function haloClientUrl(resourceServerUrl: string, clientId: string): string | null {
  const base = haloWebBase(resourceServerUrl);
  return base === null ? null : `${base}/customers?clientid=${encodeURIComponent(clientId)}`;
}

/** A Halo ticket's number is its id. */
export function haloTicketRef(resourceServerUrl: string, ticketId: string): CreatedTicket {
  const url = haloTicketUrl(resourceServerUrl, ticketId);
  return { ticketId, ticketNumber: ticketId, ...(url === null ? {} : { url }) };
}

function numericId(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new HaloConnectorError({ kind: 'config', code: 'http_error', userMessage: `${what} "${value}" is not a Halo id.` });
  }
  return n;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export { markerText };

/** The `details_html` footer carrying the marker. */
export function markerFooter(marker: string): string {
  return `<p>${escapeHtml(markerText(marker))}</p>`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function allowedTicketTypes(deps: HaloActionDeps, companyId: string): Promise<PsaTicketType[]> {
  const clientId = numericId(companyId, 'Company id');
  const [typesBody, detail] = await Promise.all([
    deps.api.getJson('/TicketType', { client_id: clientId }),
    // The client detail says whether all types are allowed; a failure here only loses the cross-check.
    deps.api.getJson(`/Client/${clientId}`, { getavailablerts: true }).catch((err: unknown) => {
      if (isConnectorError(err) && (err.code === 'not_found' || err.code === 'http_error')) return null;
      throw err;
    }),
  ]);
  const list = unwrapList(typesBody, 'tickettypes');
  if (list === null) {
    throw new HaloConnectorError({
      kind: 'system',
      code: 'unexpected_response',
      userMessage: "Halo's reply to GET /TicketType was not a list of ticket types.",
    });
  }
  let types = list.records
    .map((raw) => mapTicketType(raw, deps.opportunityTypeIds))
    .filter((t): t is PsaTicketType => t !== null && !t.inactive);
  if (isRecord(detail) && detail.allowall_tickettypes === false && Array.isArray(detail.allowed_tickettypes) && detail.allowed_tickettypes.length > 0) {
    // Cross-check in case this Halo ignores `client_id` on /TicketType.
    const allowed = new Set(
      detail.allowed_tickettypes.map((t) => (isRecord(t) ? haloId(t.id) : haloId(t))).filter((id): id is string => id !== null),
    );
    types = types.filter((t) => allowed.has(t.id));
  }
  return types;
}

/** The client's main site and name (GET /Client/{id}); nulls when Halo does not say (the ticket then gets Halo's default site). */
async function clientDetail(deps: HaloActionDeps, clientId: number): Promise<{ mainSiteId: number | null; name: string | null }> {
  const detail = await deps.api.getJson(`/Client/${clientId}`).catch((err: unknown) => {
    // Halo refused the read (unknown client, a missing read:customers…): the POST says what matters. Down: give up.
    if (isConnectorError(err) && err.kind === 'config') return null;
    throw err;
  });
  if (!isRecord(detail)) return { mainSiteId: null, name: null };
  const site = haloId(detail.main_site_id);
  return { mainSiteId: site === null ? null : Number(site), name: typeof detail.name === 'string' && detail.name.trim() !== '' ? detail.name.trim() : null };
}

export async function createOpportunityTicket(deps: HaloActionDeps, input: CreateOpportunityInput): Promise<CreatedTicket> {
  const clientId = numericId(input.companyId, 'Company id');
  const typeId = numericId(input.ticketTypeId, 'Ticket type id');
  const footer = markerFooter(input.marker);
  const detailsHtml = markerPattern(input.marker).test(input.detailsHtml) ? input.detailsHtml : `${input.detailsHtml}${footer}`;
  // The customer's main site (halo.md §8: site_id with the customer); read before the POST, never after it.
  const client = await clientDetail(deps, clientId);
  const ticket: Record<string, unknown> = {
    client_id: clientId,
    summary: input.summary,
    details_html: detailsHtml,
    tickettype_id: typeId,
    dateoccurred: haloNaiveUtc(new Date(deps.now())),
  };
  if (client.mainSiteId !== null) ticket.site_id = client.mainSiteId;
  if (client.name !== null) ticket.oppcompanyname = client.name;
  if (input.value !== null && Number.isFinite(input.value)) ticket.oppvalue = input.value;
  if (input.probability !== undefined && input.probability !== null && Number.isFinite(input.probability)) ticket.oppconversionprobability = input.probability;
  if (input.closeDate !== undefined && input.closeDate !== null && /^\d{4}-\d{2}-\d{2}$/.test(input.closeDate)) {
    ticket[OPP_TARGET_DATE] = `${input.closeDate}T00:00:00`;
  }

  // One POST, never retried blindly (no idempotency key): a timeout or 5xx throws a `transient` error and the
  // caller searches for the marker (findTicketByMarker) before posting again. A 401 is retried once with a new
  // token by the HTTP layer (Halo refused it unprocessed), a 429 likewise after the wait.
  const res = await deps.api.request({ method: 'POST', path: '/Tickets', json: [ticket], retry: false });
  return createdTicket(res, {
    vendorName: 'Halo',
    path: '/Tickets',
    created: (reply) => {
      const body: unknown = Array.isArray(reply) ? reply[0] : reply;
      const id = isRecord(body) ? haloId(body.id) : null;
      return id === null ? null : haloTicketRef(deps.api.baseUrl, id);
    },
    isJson: isJsonBody,
    message: (r) => extractHaloMessage(r.body, r.text),
    error: (init) => new HaloConnectorError(init),
    failed: (r) => apiError(r, 'POST', '/Tickets', deps.api.baseUrl),
  });
}

function containsMarker(raw: Record<string, unknown>, pattern: RegExp): boolean | null {
  let sawText = false;
  for (const key of ['details_html', 'details', 'summary']) {
    const value = raw[key];
    if (typeof value === 'string') {
      if (key !== 'summary') sawText = true;
      if (pattern.test(value)) return true;
    }
  }
  return sawText ? false : null;
}

/**
 * The id of the client's ticket carrying our marker, or null. Searches `search=<marker>` first, then the
 * client's tickets updated in the last 14 days; a list row without details is confirmed from its detail.
 */
export async function findTicketByMarker(deps: HaloActionDeps, companyId: string, marker: string): Promise<string | null> {
  const clientId = numericId(companyId, 'Company id');
  const pattern = markerPattern(marker);
  const scan = markerScanner({
    idOf: (raw) => haloId(raw.id),
    holdsMarker: (raw) => containsMarker(raw, pattern),
    detail: (id) => deps.api.getJson(`/Tickets/${id}`),
  });

  const list = async (query: Record<string, string | number | boolean>): Promise<unknown[]> => {
    const res = await deps.api.request({ method: 'GET', path: '/Tickets', query: { ...query, client_id: clientId, pageinate: true, page_size: 100, page_no: 1 } });
    if (res.status < 200 || res.status >= 300) throw apiError(res, 'GET', '/Tickets', deps.api.baseUrl);
    return unwrapList(res.body, 'tickets')?.records ?? [];
  };

  const found = await scan(await list({ search: marker }));
  if (found !== null) return found;
  const since = new Date(deps.now() - 14 * 86_400_000);
  return scan(await list({ lastupdatefromdate: haloQueryDate(since), order: 'id', orderdesc: true }));
}
