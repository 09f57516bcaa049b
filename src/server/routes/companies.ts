import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { companiesResponse, companyDetail, externalId, ticketPage, ticketStatusFilter } from '../../shared/wire.js';
import type { LinkWithName } from '../../store/repos/links.js';
import { AppError, errors, notFound } from '../errors.js';

function encodeCursor(opened: string, id: string): string {
  return Buffer.from(JSON.stringify([opened, id])).toString('base64url');
}
function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch { /* fall through */ }
  throw new AppError(400, 'invalid_request', 'Invalid request: query.cursor is not a cursor this API returned', { issues: [{ path: 'query.cursor', message: 'unknown cursor' }] });
}

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

  app.get('/api/companies', {
    config: { access: 'user' },
    schema: { tags: ['companies'], description: 'Active IT Glue companies (the MSP\'s own organization excluded).', response: { 200: companiesResponse } },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const list = await integrations.activeCompanies(ws);
    const { kind, psaOf } = await psaLinks(ws);
    const open = kind === null ? new Map<string, number>() : await repos.psa.openTicketCounts(ws, kind);
    return {
      companies: list.map((c) => {
        const psa = psaOf(c.id);
        return { id: c.id, name: c.name, status: c.status, type: c.type, psa, openTickets: psa !== null ? (open.get(psa.id) ?? 0) : 0 };
      }),
    };
  });

  app.get('/api/companies/:id', {
    config: { access: 'user' },
    schema: {
      tags: ['companies'],
      params: z.object({ id: externalId }),
      response: { 200: companyDetail, ...errors(404) },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const org = await repos.companies.organization(ws, request.params.id);
    if (org === null) throw notFound('Company');
    const { kind, psaOf } = await psaLinks(ws);
    const psa = psaOf(org.id);
    const openTickets = psa !== null && kind !== null ? ((await repos.psa.openTicketCounts(ws, kind, psa.id)).get(psa.id) ?? 0) : 0;
    const configs = await repos.companies.configurations(ws, org.id);
    const domains = await repos.companies.domains(ws, org.id);
    return {
      company: { id: org.id, name: org.name, status: org.status, type: org.type_name, psa, openTickets },
      configurations: configs.map((c) => ({ id: c.id, name: c.name, hostname: c.hostname, typeName: c.type_name, serialNumber: c.serial_number, assetTag: c.asset_tag, manufacturerName: c.manufacturer_name, modelName: c.model_name, warrantyExpiresAt: c.warranty_expires_at, archived: c.archived === 1 })),
      domains: domains.map((d) => ({ id: d.id, name: d.name, registrarName: d.registrar_name, expiresOn: d.expires_on })),
    };
  });

  app.get('/api/companies/:id/tickets', {
    config: { access: 'user' },
    schema: {
      tags: ['tickets'],
      description: 'PSA tickets of the linked PSA company, newest first, keyset-paged.',
      params: z.object({ id: externalId }),
      querystring: z.object({ status: ticketStatusFilter.default('all'), limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().max(500).optional() }),
      response: { 200: ticketPage, ...errors(400, 404) },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    if (!(await repos.companies.exists(ws, request.params.id))) throw notFound('Company');
    const { kind, psaOf } = await psaLinks(ws);
    const psa = psaOf(request.params.id);
    if (psa === null || kind === null) return { tickets: [], nextCursor: null };
    const { status, limit, cursor } = request.query;
    const rows = await repos.psa.tickets(ws, kind, psa.id, { status, limit: limit + 1, ...(cursor !== undefined ? { after: decodeCursor(cursor) } : {}) });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const typeNames = await repos.psa.ticketTypeNames(ws, kind, [...new Set(page.map((t) => t.type_id).filter((x): x is string => x !== null))]);
    return {
      tickets: page.map((t) => ({ id: `${kind}:${t.id}`, psaId: t.id, summary: t.summary, status: t.status, closed: t.closed === 1, type: t.type_name ?? (t.type_id !== null ? (typeNames.get(t.type_id) ?? null) : null), openedAt: t.opened_at, closedAt: t.closed_at, updatedAt: t.updated_at })),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.opened_at ?? '', last.id) : null,
    };
  });
};
