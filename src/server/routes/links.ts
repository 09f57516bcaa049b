import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { automap, type MatchCompany } from '../../matching/index.js';
import { nowIso } from '../../store/db.js';
import { activeCompanies, activeStatusNamesFor } from '../../store/repos/companies.js';
import { AppError, errors } from '../errors.js';

const psaKind = z.enum(['halo', 'syncro']);
const row = z.object({
  itglueId: z.string(), itglueName: z.string(), psaId: z.string().nullable(), psaName: z.string().nullable(),
  source: z.enum(['manual', 'automap']).nullable(),
});
const linksResponse = z.object({ rows: z.array(row), counts: z.object({ linked: z.number(), unlinked: z.number() }) });

export const linkRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps.store;

  async function rows(ws: string, kind: string) {
    const companies = await activeCompanies(db, ws, await activeStatusNamesFor(db, ws));
    const links = await db.selectFrom('company_links').selectAll().where('workspace_id', '=', ws).where('kind', '=', kind).execute();
    const byOrg = new Map(links.map((l) => [l.itglue_id, l]));
    const names = new Map((await db.selectFrom('psa_companies').select(['id', 'name']).where('workspace_id', '=', ws).where('kind', '=', kind).execute()).map((p) => [p.id, p.name]));
    const out = companies.map((c) => {
      const l = byOrg.get(c.id);
      return { itglueId: c.id, itglueName: c.name, psaId: l?.psa_id ?? null, psaName: l === undefined ? null : (names.get(l.psa_id) ?? `#${l.psa_id}`), source: l?.source ?? null };
    });
    const linked = out.filter((r) => r.psaId !== null).length;
    return { rows: out, counts: { linked, unlinked: out.length - linked } };
  }

  app.get('/api/integrations/:kind/companies', {
    config: { access: 'user' },
    schema: { tags: ['links'], params: z.object({ kind: psaKind }), response: { 200: z.object({ companies: z.array(z.object({ id: z.string(), name: z.string(), inactive: z.boolean() })) }), ...errors(400) } },
  }, async (request) => {
    const list = await db.selectFrom('psa_companies').select(['id', 'name', 'inactive']).where('workspace_id', '=', request.user!.workspaceId).where('kind', '=', request.params.kind).orderBy('name').execute();
    return { companies: list.map((c) => ({ id: c.id, name: c.name, inactive: c.inactive === 1 })) };
  });

  app.get('/api/integrations/:kind/links', {
    config: { access: 'admin' },
    schema: { tags: ['links'], params: z.object({ kind: psaKind }), response: { 200: linksResponse, ...errors(400) } },
  }, async (request) => rows(request.user!.workspaceId, request.params.kind));

  app.post('/api/integrations/:kind/links/automap', {
    config: { access: 'admin' },
    schema: {
      tags: ['links'],
      description: 'Propose links (not saved). Existing links are never overwritten nor re-proposed; rejected proposals never return.',
      params: z.object({ kind: psaKind }),
      body: z.object({}).passthrough().nullish(),
      response: {
        200: z.object({
          proposals: z.array(z.object({ itglueId: z.string(), psaId: z.string(), score: z.number(), tier: z.enum(['exact', 'near-exact']), reasons: z.array(z.string()) })),
          suggestions: z.array(z.object({ itglueId: z.string(), psaId: z.string(), score: z.number(), reasons: z.array(z.string()) })),
          counts: z.object({ proposed: z.number(), alreadyLinked: z.number(), ambiguous: z.number(), unmatched: z.number() }),
        }),
        ...errors(400),
      },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const kind = request.params.kind;
    const companies = await activeCompanies(db, ws, await activeStatusNamesFor(db, ws));
    const domainRows = await db.selectFrom('itg_domains').select(['organization_id', 'name']).where('workspace_id', '=', ws).execute();
    const domains = new Map<string, string[]>();
    for (const d of domainRows) domains.set(d.organization_id, [...(domains.get(d.organization_id) ?? []), d.name]);
    const primary = await db.selectFrom('itg_organizations').select('id').where('workspace_id', '=', ws).where('primary_org', '=', 1).execute();
    const ownDomains = primary.flatMap((p) => domains.get(p.id) ?? []);
    const psa = await db.selectFrom('psa_companies').selectAll().where('workspace_id', '=', ws).where('kind', '=', kind).execute();
    const links = await db.selectFrom('company_links').select(['itglue_id', 'psa_id']).where('workspace_id', '=', ws).where('kind', '=', kind).execute();
    const feedback = await db.selectFrom('link_feedback').selectAll().where('workspace_id', '=', ws).where('kind', '=', kind).execute();
    const itglue: MatchCompany[] = companies.map((c) => ({ id: c.id, name: c.name, domains: domains.get(c.id) ?? [], psaId: c.psaId }));
    const psaList: MatchCompany[] = psa.map((p) => ({
      id: p.id, name: p.name, inactive: p.inactive === 1, phone: p.phone,
      domains: [p.domain, p.website].filter((d): d is string => d !== null && d !== ''),
    }));
    const result = automap({
      itglue, psa: psaList,
      existingLinks: links.map((l) => ({ itglueId: l.itglue_id, psaId: l.psa_id })),
      rejected: feedback.filter((f) => f.verdict === 'rejected').map((f) => ({ itglueId: f.itglue_id, psaId: f.psa_id })),
      aliases: feedback.filter((f) => f.verdict === 'confirmed' && f.itglue_name !== null).map((f) => ({ itglueId: f.itglue_id, name: f.itglue_name!, psaId: f.psa_id })),
      ownDomains,
    });
    return { proposals: result.proposals, suggestions: result.suggestions, counts: result.counts };
  });

  app.put('/api/integrations/:kind/links', {
    config: { access: 'admin' },
    schema: {
      tags: ['links'],
      description: 'Set or clear links. Only the rows sent change; psaId null unlinks.',
      params: z.object({ kind: psaKind }),
      body: z.object({ links: z.array(z.object({ itglueId: z.string().min(1).max(40), psaId: z.string().min(1).max(40).nullable(), source: z.enum(['manual', 'automap']).optional() })).max(20000) }),
      response: { 200: linksResponse, ...errors(400) },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const kind = request.params.kind;
    const orgs = new Map((await db.selectFrom('itg_organizations').select(['id', 'name']).where('workspace_id', '=', ws).where('primary_org', '=', 0).execute()).map((o) => [o.id, o.name]));
    const psaIds = new Set((await db.selectFrom('psa_companies').select('id').where('workspace_id', '=', ws).where('kind', '=', kind).execute()).map((p) => p.id));
    const issues: { path: string; message: string }[] = [];
    request.body.links.forEach((l, i) => {
      if (!orgs.has(l.itglueId)) issues.push({ path: `body.links.${i}.itglueId`, message: `unknown IT Glue company ${l.itglueId}` });
      if (l.psaId !== null && !psaIds.has(l.psaId)) issues.push({ path: `body.links.${i}.psaId`, message: `unknown ${kind} company ${l.psaId}` });
    });
    if (issues.length > 0) throw new AppError(400, 'invalid_request', `Unknown ids: ${issues.map((i) => i.message).join('; ')}`, { issues });
    const now = nowIso();
    const by = request.user!.id;
    await db.transaction().execute(async (trx) => {
      for (const l of request.body.links) {
        if (l.psaId === null) {
          await trx.deleteFrom('company_links').where('workspace_id', '=', ws).where('kind', '=', kind).where('itglue_id', '=', l.itglueId).execute();
          continue;
        }
        const source = l.source ?? 'manual';
        const values = { psa_id: l.psaId, source, rule: null, created_by: by, created_at: now };
        await trx.insertInto('company_links').values({ workspace_id: ws, kind, itglue_id: l.itglueId, ...values })
          .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'itglue_id']).doUpdateSet(values)).execute();
        // A confirmed pair is remembered: an alias for the matcher, and no longer a rejection.
        await trx.deleteFrom('link_feedback').where('workspace_id', '=', ws).where('kind', '=', kind).where('itglue_id', '=', l.itglueId).where('psa_id', '=', l.psaId).execute();
        await trx.insertInto('link_feedback').values({ workspace_id: ws, kind, itglue_id: l.itglueId, psa_id: l.psaId, verdict: 'confirmed', itglue_name: orgs.get(l.itglueId) ?? null, created_by: by, created_at: now }).execute();
      }
    });
    return rows(ws, kind);
  });

  app.put('/api/integrations/:kind/links/rejections', {
    config: { access: 'admin' },
    schema: {
      tags: ['links'],
      description: 'Remember an Automap proposal the admin rejected: it is never proposed again.',
      params: z.object({ kind: psaKind }),
      body: z.object({ itglueId: z.string().min(1).max(40), psaId: z.string().min(1).max(40) }),
      response: { 204: z.null(), ...errors(400) },
    },
  }, async (request, reply) => {
    const ws = request.user!.workspaceId;
    const { itglueId, psaId } = request.body;
    const values = { verdict: 'rejected' as const, itglue_name: null, created_by: request.user!.id, created_at: nowIso() };
    await db.insertInto('link_feedback').values({ workspace_id: ws, kind: request.params.kind, itglue_id: itglueId, psa_id: psaId, ...values })
      .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'itglue_id', 'psa_id']).doUpdateSet(values)).execute();
    return reply.status(204).send(null);
  });
};
