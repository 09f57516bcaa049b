import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { companiesResponse, companyDetail, externalId, ticketPage, ticketStatusFilter } from '../../shared/wire.js';
import type { LinkWithName } from '../../store/repos/links.js';
import type { TicketSortKey } from '../../store/repos/psa.js';
import { AppError, errors, notFound } from '../errors.js';
import { routesTagged } from './helpers.js';

/** `sort` of the tickets list: a column, `-` first for descending. */
const TICKET_SORTS = ['-opened', 'opened', '-updated', 'updated', 'summary', '-summary', 'status', '-status'] as const;
type TicketSort = (typeof TICKET_SORTS)[number];

function parseSort(sort: TicketSort): { key: TicketSortKey; dir: 'asc' | 'desc' } {
  return { key: sort.replace(/^-/, '') as TicketSortKey, dir: sort.startsWith('-') ? 'desc' : 'asc' };
}

/** A cursor remembers its sort, so it cannot be replayed under another one. */
function encodeCursor(sort: TicketSort, value: string, id: string): string {
  return Buffer.from(JSON.stringify([sort, value, id])).toString('base64url');
}
function decodeCursor(c: string, sort: TicketSort): [string, string] {
  const bad = (message: string) =>
    new AppError(400, 'invalid_request', `Invalid request: query.cursor ${message}`, { issues: [{ path: 'query.cursor', message }] });
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw bad('is not a cursor this API returned');
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad('is not a cursor this API returned');
  // Cursors from before `sort` existed: [opened, id] of the default order.
  const [s, value, id] = v.length === 2 ? ['-opened', v[0], v[1]] : v.length === 3 ? v : [];
  if (value === undefined || id === undefined) throw bad('is not a cursor this API returned');
  if (s !== sort) throw bad('belongs to another sort order: start again without it');
  return [value as string, id as string];
}

const route = routesTagged('companies');
const ticketRoute = routesTagged('tickets');

export const companyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { integrations, repos } = app.deps.services;

  /** The linked PSA company of each primary company, for the PSA the workspace links against. */
  async function psaLinks(ws: string) {
    const kind = await integrations.currentPsaKind(ws);
    const links = kind === null ? new Map<string, LinkWithName>() : await repos.links.withNames(ws, kind);
    const psaOf = (companyId: string) => {
      const l = links.get(companyId);
      return l === undefined || kind === null ? null : { kind, id: l.psa_id, name: l.psa_name ?? `#${l.psa_id}` };
    };
    return { kind, psaOf };
  }

  app.get('/api/companies', route('user', {
    description: 'Active IT Glue companies (the MSP\'s own organization excluded).', response: { 200: companiesResponse },
  }), async (request) => {
    const ws = request.user!.workspaceId;
    const list = await integrations.activeCompanies(ws);
    const { kind, psaOf } = await psaLinks(ws);
    const open = kind === null ? new Map<string, number>() : await repos.psa.openTicketCounts(ws, kind);
    const web = await integrations.webLinks(ws, kind);
    return {
      companies: list.map((c) => {
        const psa = withUrl(psaOf(c.id), web.psaCompany);
        const webUrl = web.organization(c.id);
        return { id: c.id, name: c.name, status: c.status, type: c.type, psa, openTickets: psa !== null ? (open.get(psa.id) ?? 0) : 0, ...(webUrl === undefined ? {} : { webUrl }) };
      }),
    };
  });

  app.get('/api/companies/:id', route('user', {
    params: z.object({ id: externalId }),
    response: { 200: companyDetail, ...errors(404) },
  }), async (request) => {
    const ws = request.user!.workspaceId;
    const org = await repos.companies.organization(ws, request.params.id);
    if (org === null) throw notFound('Company');
    const { kind, psaOf } = await psaLinks(ws);
    const web = await integrations.webLinks(ws, kind);
    const psa = withUrl(psaOf(org.id), web.psaCompany);
    const webUrl = web.organization(org.id);
    const openTickets = psa !== null && kind !== null ? ((await repos.psa.openTicketCounts(ws, kind, psa.id)).get(psa.id) ?? 0) : 0;
    const configs = await repos.companies.configurations(ws, org.id);
    const domains = await repos.companies.domains(ws, org.id);
    return {
      company: { id: org.id, name: org.name, status: org.status, type: org.type_name, psa, openTickets, ...(webUrl === undefined ? {} : { webUrl }) },
      configurations: configs.map((c) => {
        const url = web.configuration({ id: c.id, organizationId: org.id });
        return { id: c.id, name: c.name, hostname: c.hostname, typeName: c.type_name, serialNumber: c.serial_number, assetTag: c.asset_tag, manufacturerName: c.manufacturer_name, modelName: c.model_name, warrantyExpiresAt: c.warranty_expires_at, archived: c.archived === 1, ...(url === undefined ? {} : { webUrl: url }) };
      }),
      domains: domains.map((d) => ({ id: d.id, name: d.name, registrarName: d.registrar_name, expiresOn: d.expires_on })),
    };
  });

  app.get('/api/companies/:id/tickets', ticketRoute('user', {
    description: 'PSA tickets of the linked PSA company, keyset-paged: newest opened first, or by `sort` (opened, updated, summary, status; '
      + 'a leading - sorts descending). `q` keeps tickets whose summary contains it (any case) or whose number it is. '
      + 'Each ticket has `url` (its page in the PSA) when the PSA settings make it known.',
    params: z.object({ id: externalId }),
    querystring: z.object({
      status: ticketStatusFilter.default('all'),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(500).optional(),
      q: z.string().trim().max(200, 'must be 200 characters at most').optional(),
      sort: z.enum(TICKET_SORTS, { error: `must be one of ${TICKET_SORTS.join(', ')}` }).default('-opened'),
    }),
    response: { 200: ticketPage, ...errors(400, 404) },
  }), async (request) => {
    const ws = request.user!.workspaceId;
    if (!(await repos.companies.exists(ws, request.params.id))) throw notFound('Company');
    const { kind, psaOf } = await psaLinks(ws);
    const psa = psaOf(request.params.id);
    if (psa === null || kind === null) return { tickets: [], nextCursor: null };
    const { status, limit, cursor, q, sort } = request.query;
    const { key, dir } = parseSort(sort);
    const rows = await repos.psa.tickets(ws, kind, psa.id, {
      status, limit: limit + 1, sort: key, dir, ...(q !== undefined && q !== '' ? { q } : {}), ...(cursor !== undefined ? { after: decodeCursor(cursor, sort) } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const typeNames = await repos.psa.ticketTypeNames(ws, kind, [...new Set(page.map((t) => t.type_id).filter((x): x is string => x !== null))]);
    const web = await integrations.webLinks(ws, kind);
    return {
      tickets: page.map((t) => {
        const url = web.psaTicket(t.id);
        return { id: `${kind}:${t.id}`, psaId: t.id, summary: t.summary, status: t.status, closed: t.closed === 1, type: t.type_name ?? (t.type_id !== null ? (typeNames.get(t.type_id) ?? null) : null), openedAt: t.opened_at, closedAt: t.closed_at, updatedAt: t.updated_at, ...(url === undefined ? {} : { url }) };
      }),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(sort, last.sort_key, last.id) : null,
    };
  });
};

/** A PSA reference with its web address, when known. */
function withUrl<T extends { id: string }>(ref: T | null, url: (id: string) => string | undefined): (T & { url?: string }) | null {
  if (ref === null) return null;
  const u = url(ref.id);
  return u === undefined ? ref : { ...ref, url: u };
}
