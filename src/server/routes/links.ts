import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { automap, type MatchCompany } from '../../matching/index.js';
import { supplementalDefinitions } from '../../integrations/registry.js';
import { automapResponse, externalId, linksResponse, psaCompaniesResponse } from '../../shared/wire.js';
import { AppError, errors } from '../errors.js';

/** Links are kept per PSA: the supplemental kinds of the registry. */
const psaKind = z.enum(supplementalDefinitions().map((d) => d.kind) as [string, ...string[]]);
const companyId = externalId;

export const linkRoutes: FastifyPluginAsyncZod = async (app) => {
  const { integrations, repos } = app.deps.services;

  async function rows(ws: string, kind: string) {
    const companies = await integrations.activeCompanies(ws);
    const byOrg = await repos.links.withNames(ws, kind);
    const out = companies.map((c) => {
      const l = byOrg.get(c.id);
      return { itglueId: c.id, itglueName: c.name, psaId: l?.psa_id ?? null, psaName: l === undefined ? null : (l.psa_name ?? `#${l.psa_id}`), source: l?.source ?? null };
    });
    const linked = out.filter((r) => r.psaId !== null).length;
    return { rows: out, counts: { linked, unlinked: out.length - linked } };
  }

  app.get('/api/integrations/:kind/companies', {
    config: { access: 'user' },
    schema: { tags: ['links'], params: z.object({ kind: psaKind }), response: { 200: psaCompaniesResponse, ...errors(400) } },
  }, async (request) => {
    const list = await repos.psa.companies(request.user!.workspaceId, request.params.kind);
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
      response: { 200: automapResponse, ...errors(400) },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const kind = request.params.kind;
    const companies = await integrations.activeCompanies(ws);
    const domains = await repos.companies.domainsByOrganization(ws);
    const ownDomains = (await repos.companies.primaryIds(ws)).flatMap((id) => domains.get(id) ?? []);
    const psa = await repos.psa.companies(ws, kind);
    const links = await repos.links.list(ws, kind);
    const feedback = await repos.links.feedback(ws, kind);
    const primary: MatchCompany[] = companies.map((c) => ({ id: c.id, name: c.name, domains: domains.get(c.id) ?? [], psaId: c.psaId }));
    const psaList: MatchCompany[] = psa.map((p) => ({
      id: p.id, name: p.name, inactive: p.inactive === 1, phone: p.phone,
      domains: [p.domain, p.website].filter((d): d is string => d !== null && d !== ''),
    }));
    const result = automap({
      primary, psa: psaList,
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
      body: z.object({ links: z.array(z.object({ itglueId: companyId, psaId: companyId.nullable(), source: z.enum(['manual', 'automap']).optional() })).max(20000) }),
      response: { 200: linksResponse, ...errors(400) },
    },
  }, async (request) => {
    const ws = request.user!.workspaceId;
    const kind = request.params.kind;
    const orgs = await repos.companies.names(ws);
    const psaIds = await repos.psa.companyIds(ws, kind);
    const issues: { path: string; message: string }[] = [];
    request.body.links.forEach((l, i) => {
      if (!orgs.has(l.itglueId)) issues.push({ path: `body.links.${i}.itglueId`, message: `unknown IT Glue company ${l.itglueId}` });
      if (l.psaId !== null && !psaIds.has(l.psaId)) issues.push({ path: `body.links.${i}.psaId`, message: `unknown ${kind} company ${l.psaId}` });
    });
    if (issues.length > 0) throw new AppError(400, 'invalid_request', `Unknown ids: ${issues.map((i) => i.message).join('; ')}`, { issues });
    await repos.links.save(ws, kind, request.body.links.map((l) => ({ itglueId: l.itglueId, psaId: l.psaId, source: l.source ?? 'manual', itglueName: orgs.get(l.itglueId) ?? null })), request.user!.id);
    const set = request.body.links.filter((l) => l.psaId !== null);
    await repos.audit.record(ws, {
      actor: { id: request.user!.id, email: request.user!.email }, action: 'links.saved', target: `links:${kind}`,
      details: {
        kind, linked: set.length, unlinked: request.body.links.length - set.length,
        // The first 100 changes: enough to see what happened without storing a whole Automap run twice.
        changes: request.body.links.slice(0, 100).map((l) => ({ itglueId: l.itglueId, itglueName: orgs.get(l.itglueId) ?? null, psaId: l.psaId, source: l.source ?? 'manual' })),
      },
    });
    return rows(ws, kind);
  });

  app.put('/api/integrations/:kind/links/rejections', {
    config: { access: 'admin' },
    schema: {
      tags: ['links'],
      description: 'Remember an Automap proposal the admin rejected: it is never proposed again.',
      params: z.object({ kind: psaKind }),
      body: z.object({ itglueId: companyId, psaId: companyId }),
      response: { 204: z.null(), ...errors(400) },
    },
  }, async (request, reply) => {
    await repos.links.reject(request.user!.workspaceId, request.params.kind, request.body.itglueId, request.body.psaId, request.user!.id);
    return reply.status(204).send(null);
  });
};
