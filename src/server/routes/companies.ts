import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { activeCompanies, activeStatusNamesFor, currentPsaKind } from '../../store/repos/companies.js';
import { AppError, errors, notFound } from '../errors.js';

const psaRef = z.object({ kind: z.string(), id: z.string(), name: z.string() }).nullable();
const company = z.object({ id: z.string(), name: z.string(), status: z.string().nullable(), type: z.string().nullable(), psa: psaRef, openTickets: z.number() });
const ticket = z.object({
  id: z.string(), psaId: z.string(), summary: z.string(), status: z.string(), closed: z.boolean(), type: z.string().nullable(),
  openedAt: z.string().nullable(), closedAt: z.string().nullable(), updatedAt: z.string().nullable(),
});

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
  const { db } = app.deps.store;

  async function linksFor(workspaceId: string, kind: string) {
    const rows = await db.selectFrom('company_links as l')
      .leftJoin('psa_companies as p', (j) => j.onRef('p.workspace_id', '=', 'l.workspace_id').onRef('p.kind', '=', 'l.kind').onRef('p.id', '=', 'l.psa_id'))
      .select(['l.itglue_id', 'l.psa_id', 'l.source', 'p.name as psa_name'])
      .where('l.workspace_id', '=', workspaceId).where('l.kind', '=', kind).execute();
    return new Map(rows.map((r) => [r.itglue_id, r]));
  }

  app.get('/api/companies', {
    config: { access: 'user' },
    schema: { tags: ['companies'], description: 'Active IT Glue companies (the MSP\'s own organization excluded).', response: { 200: z.object({ companies: z.array(company) }) } },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const list = await activeCompanies(db, ws, await activeStatusNamesFor(db, ws));
    const kind = await currentPsaKind(db, ws);
    const links = kind === null ? new Map() : await linksFor(ws, kind);
    const open = new Map<string, number>();
    if (kind !== null) {
      const counts = await db.selectFrom('psa_tickets').select(['company_id', (eb) => eb.fn.countAll().as('n')])
        .where('workspace_id', '=', ws).where('kind', '=', kind).where('closed', '=', 0).groupBy('company_id').execute();
      for (const c of counts) open.set(c.company_id, Number(c.n));
    }
    return {
      companies: list.map((c) => {
        const l = links.get(c.id);
        return {
          id: c.id, name: c.name, status: c.status, type: c.type,
          psa: l !== undefined && kind !== null ? { kind, id: l.psa_id, name: l.psa_name ?? `#${l.psa_id}` } : null,
          openTickets: l !== undefined ? (open.get(l.psa_id) ?? 0) : 0,
        };
      }),
    };
  });

  app.get('/api/companies/:id', {
    config: { access: 'user' },
    schema: {
      tags: ['companies'],
      params: z.object({ id: z.string().min(1).max(40) }),
      response: {
        200: z.object({
          company,
          configurations: z.array(z.object({
            id: z.string(), name: z.string(), hostname: z.string().nullable(), typeName: z.string().nullable(), serialNumber: z.string().nullable(),
            assetTag: z.string().nullable(), manufacturerName: z.string().nullable(), modelName: z.string().nullable(), warrantyExpiresAt: z.string().nullable(), archived: z.boolean(),
          })),
          domains: z.array(z.object({ id: z.string(), name: z.string(), registrarName: z.string().nullable(), expiresOn: z.string().nullable() })),
        }),
        ...errors(404),
      },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const org = await db.selectFrom('itg_organizations').selectAll().where('workspace_id', '=', ws).where('id', '=', request.params.id).where('primary_org', '=', 0).executeTakeFirst();
    if (org === undefined) throw notFound('Company');
    const kind = await currentPsaKind(db, ws);
    const link = kind === null ? undefined : (await linksFor(ws, kind)).get(org.id);
    let openTickets = 0;
    if (link !== undefined && kind !== null) {
      const r = await db.selectFrom('psa_tickets').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', ws).where('kind', '=', kind).where('company_id', '=', link.psa_id).where('closed', '=', 0).executeTakeFirst();
      openTickets = Number(r?.n ?? 0);
    }
    const status = org.status_id === null ? org.status_name : ((await db.selectFrom('itg_statuses').select('name').where('workspace_id', '=', ws).where('id', '=', org.status_id).executeTakeFirst())?.name ?? org.status_name);
    const configs = await db.selectFrom('itg_configurations').selectAll().where('workspace_id', '=', ws).where('organization_id', '=', org.id).orderBy('name').execute();
    const domains = await db.selectFrom('itg_domains').selectAll().where('workspace_id', '=', ws).where('organization_id', '=', org.id).orderBy('name').execute();
    return {
      company: { id: org.id, name: org.name, status, type: org.type_name, psa: link !== undefined && kind !== null ? { kind, id: link.psa_id, name: link.psa_name ?? `#${link.psa_id}` } : null, openTickets },
      configurations: configs.map((c) => ({ id: c.id, name: c.name, hostname: c.hostname, typeName: c.type_name, serialNumber: c.serial_number, assetTag: c.asset_tag, manufacturerName: c.manufacturer_name, modelName: c.model_name, warrantyExpiresAt: c.warranty_expires_at, archived: c.archived === 1 })),
      domains: domains.map((d) => ({ id: d.id, name: d.name, registrarName: d.registrar_name, expiresOn: d.expires_on })),
    };
  });

  app.get('/api/companies/:id/tickets', {
    config: { access: 'user' },
    schema: {
      tags: ['tickets'],
      description: 'PSA tickets of the linked PSA company, newest first, keyset-paged.',
      params: z.object({ id: z.string().min(1).max(40) }),
      querystring: z.object({ status: z.enum(['open', 'closed', 'all']).default('all'), limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().max(500).optional() }),
      response: { 200: z.object({ tickets: z.array(ticket), nextCursor: z.string().nullable() }), ...errors(400, 404) },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const org = await db.selectFrom('itg_organizations').select('id').where('workspace_id', '=', ws).where('id', '=', request.params.id).executeTakeFirst();
    if (org === undefined) throw notFound('Company');
    const kind = await currentPsaKind(db, ws);
    const link = kind === null ? undefined : (await linksFor(ws, kind)).get(org.id);
    if (link === undefined || kind === null) return { tickets: [], nextCursor: null };
    const { status, limit, cursor } = request.query;
    const opened = sql<string>`coalesce(opened_at, '')`;
    let q = db.selectFrom('psa_tickets').selectAll().where('workspace_id', '=', ws).where('kind', '=', kind).where('company_id', '=', link.psa_id);
    if (status === 'open') q = q.where('closed', '=', 0);
    if (status === 'closed') q = q.where('closed', '=', 1);
    if (cursor !== undefined) {
      const [o, id] = decodeCursor(cursor);
      q = q.where((eb) => eb.or([eb(opened, '<', o), eb.and([eb(opened, '=', o), eb('id', '<', id)])]));
    }
    const rows = await q.orderBy(opened, 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const typeIds = [...new Set(page.map((t) => t.type_id).filter((x): x is string => x !== null))];
    const typeNames = new Map(typeIds.length === 0 ? [] : (await db.selectFrom('psa_ticket_types').select(['id', 'name']).where('workspace_id', '=', ws).where('kind', '=', kind).where('id', 'in', typeIds).execute()).map((r) => [r.id, r.name]));
    return {
      tickets: page.map((t) => ({ id: `${kind}:${t.id}`, psaId: t.id, summary: t.summary, status: t.status, closed: t.closed === 1, type: t.type_name ?? (t.type_id !== null ? (typeNames.get(t.type_id) ?? null) : null), openedAt: t.opened_at, closedAt: t.closed_at, updatedAt: t.updated_at })),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.opened_at ?? '', last.id) : null,
    };
  });
};
