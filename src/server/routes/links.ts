import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { automap, type MatchCompany } from '../../matching/index.js';
import { definitionOf, supplementalDefinitions } from '../../integrations/registry.js';
import { automapResponse, externalId, linksResponse, psaCompaniesResponse } from '../../shared/wire.js';
import { SHARED_RULE } from '../../store/repos/links.js';
import { AppError, errors } from '../errors.js';
import { recordAudit, routesTagged } from './helpers.js';

/** Links are kept per PSA: the supplemental kinds of the registry. */
const psaKind = z.enum(supplementalDefinitions().map((d) => d.kind) as [string, ...string[]]);
const companyId = externalId;
const kindPath = z.object({ kind: psaKind });
const route = routesTagged('links');

export const linkRoutes: FastifyPluginAsyncZod = async (app) => {
  const { integrations, repos } = app.deps.services;

  async function rows(ws: string, kind: string) {
    const companies = await integrations.activeCompanies(ws);
    const byOrg = await repos.links.withNames(ws, kind);
    const shortNames = await repos.links.shortNames(ws);
    const out = companies.map((c) => {
      const l = byOrg.get(c.id);
      return {
        itglueId: c.id, itglueName: c.name, shortName: shortNames.get(c.id) ?? null,
        psaId: l?.psa_id ?? null, psaName: l === undefined ? null : (l.psa_name ?? `#${l.psa_id}`), source: l?.source ?? null,
        shared: l?.rule === SHARED_RULE,
      };
    });
    const linked = out.filter((r) => r.psaId !== null).length;
    const last = await repos.links.lastSave(ws, kind);
    return {
      rows: out, counts: { linked, unlinked: out.length - linked },
      lastSave: last === null ? null : { id: last.id, savedAt: last.savedAt, changes: last.changes },
    };
  }

  app.get('/api/integrations/:kind/companies', route('user', {
    params: kindPath, response: { 200: psaCompaniesResponse, ...errors(400) },
  }), async (request) => {
    const list = await repos.psa.companies(request.user!.workspaceId, request.params.kind);
    return { companies: list.map((c) => ({ id: c.id, name: c.name, inactive: c.inactive === 1 })) };
  });

  app.get('/api/integrations/:kind/links', route('admin', {
    params: kindPath, response: { 200: linksResponse, ...errors(400) },
  }), async (request) => rows(request.user!.workspaceId, request.params.kind));

  app.post('/api/integrations/:kind/links/automap', route('admin', {
    description: 'Propose links (not saved). Existing links are never overwritten nor re-proposed; rejected proposals never return.',
    params: kindPath,
    body: z.object({}).passthrough().nullish(),
    response: { 200: automapResponse, ...errors(400) },
  }), async (request) => {
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
    return {
      proposals: result.proposals, suggestions: result.suggestions, counts: result.counts, ambiguous: result.ambiguous,
      review: result.review, reviewCounts: { companies: result.reviewCompanies, pairs: result.review.length },
    };
  });

  app.put('/api/integrations/:kind/links', route('admin', {
    description:
      'Set or clear links. Only the rows sent change; psaId null unlinks. A PSA company already linked to another company ' +
      '(or sent for several rows) is refused with 409 psa_company_already_linked, naming the other companies, unless the row ' +
      'says allowShared: true; such links are saved as shared. Every save can be undone (POST …/links/undo).',
    params: kindPath,
    body: z.object({
      links: z.array(z.object({
        itglueId: companyId, psaId: companyId.nullable(), source: z.enum(['manual', 'automap']).optional(),
        allowShared: z.boolean().optional().describe('Link this PSA company even though other companies are linked to it'),
      })).max(20000),
    }),
    response: { 200: linksResponse, ...errors(400, 409) },
  }), async (request) => {
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
    const seen = new Set<string>();
    for (const [i, l] of request.body.links.entries()) {
      if (seen.has(l.itglueId)) issues.push({ path: `body.links.${i}.itglueId`, message: `company ${l.itglueId} is sent twice` });
      seen.add(l.itglueId);
    }
    if (issues.length > 0) throw new AppError(400, 'invalid_request', issues.map((i) => i.message).join('; '), { issues });

    // Who holds each PSA company once this request is applied.
    const current = await repos.links.list(ws, kind);
    const holders = new Map<string, Set<string>>();
    const hold = (psaId: string, itglueId: string) => {
      let h = holders.get(psaId);
      if (!h) holders.set(psaId, (h = new Set()));
      h.add(itglueId);
    };
    for (const l of current) if (!seen.has(l.itglue_id)) hold(l.psa_id, l.itglue_id);
    for (const l of request.body.links) if (l.psaId !== null) hold(l.psaId, l.itglueId);
    const currentOf = new Map(current.map((l) => [l.itglue_id, l.psa_id]));
    const conflicts: { itglueId: string; psaId: string; psaName: string; linkedTo: { itglueId: string; itglueName: string }[] }[] = [];
    const psaNames = new Map<string, string>();
    for (const l of request.body.links) {
      if (l.psaId === null || l.allowShared === true || currentOf.get(l.itglueId) === l.psaId) continue;
      const others = [...(holders.get(l.psaId) ?? [])].filter((x) => x !== l.itglueId);
      if (others.length === 0) continue;
      if (psaNames.size === 0) for (const c of await repos.psa.companies(ws, kind)) psaNames.set(c.id, c.name);
      conflicts.push({
        itglueId: l.itglueId, psaId: l.psaId, psaName: psaNames.get(l.psaId) ?? `#${l.psaId}`,
        linkedTo: others.map((x) => ({ itglueId: x, itglueName: orgs.get(x) ?? `#${x}` })).sort((a, b) => a.itglueName.localeCompare(b.itglueName)),
      });
    }
    if (conflicts.length > 0) {
      const psaLabel = definitionOf(kind)?.displayName ?? kind;
      const first = conflicts.slice(0, 3).map((c) => `${c.psaName} is already linked to ${c.linkedTo.map((o) => o.itglueName).join(', ')}`);
      throw new AppError(
        409, 'psa_company_already_linked',
        `${psaLabel} company ${first.join('; ')}${conflicts.length > 3 ? ` (and ${conflicts.length - 3} more)` : ''}. ` +
          'Send allowShared: true on a row to link one company to several.',
        { conflicts },
      );
    }

    await repos.links.save(ws, kind, request.body.links.map((l) => {
      const shared = l.psaId !== null && (holders.get(l.psaId)?.size ?? 0) > 1;
      return { itglueId: l.itglueId, psaId: l.psaId, source: l.source ?? 'manual', itglueName: orgs.get(l.itglueId) ?? null, shared };
    }), request.user!.id);
    const set = request.body.links.filter((l) => l.psaId !== null);
    await recordAudit(app, request, 'links.saved', `links:${kind}`, {
      kind, linked: set.length, unlinked: request.body.links.length - set.length,
      // The first 100 changes: enough to see what happened without storing a whole Automap run twice.
      changes: request.body.links.slice(0, 100).map((l) => ({ itglueId: l.itglueId, itglueName: orgs.get(l.itglueId) ?? null, psaId: l.psaId, source: l.source ?? 'manual', ...(l.allowShared ? { allowShared: true } : {}) })),
    });
    return rows(ws, kind);
  });

  app.post('/api/integrations/:kind/links/undo', route('admin', {
    description:
      'Undo the newest save of links not undone yet: the rows it changed go back to what they were, and the pairs it newly ' +
      'confirmed are forgotten. Send the save id from GET …/links (lastSave.id) to make sure it is that save; 409 stale_undo ' +
      'otherwise, 404 nothing_to_undo when there is no save left.',
    params: kindPath,
    body: z.object({ saveId: z.string().uuid().optional() }).nullish(),
    response: { 200: linksResponse, ...errors(400, 404, 409) },
  }), async (request) => {
    const ws = request.user!.workspaceId;
    const kind = request.params.kind;
    const res = await repos.links.undoLast(ws, kind, request.body?.saveId);
    if (res === null) throw new AppError(404, 'nothing_to_undo', 'There is no saved change of links to undo.');
    if (res === 'stale') throw new AppError(409, 'stale_undo', 'The links were saved again since: reload to see the newest save before undoing it.');
    await recordAudit(app, request, 'links.undone', `links:${kind}`, {
      kind, saveId: res.save.id, savedAt: res.save.savedAt, restored: res.restored.slice(0, 100).map((r) => ({ itglueId: r.itglueId, psaId: r.psaId })),
    });
    return rows(ws, kind);
  });

  app.put('/api/integrations/:kind/links/rejections', route('admin', {
    description: 'Remember an Automap proposal the admin rejected: it is never proposed again.',
    params: kindPath,
    body: z.object({ itglueId: companyId, psaId: companyId }),
    response: { 204: z.null(), ...errors(400) },
  }), async (request, reply) => {
    await repos.links.reject(request.user!.workspaceId, request.params.kind, request.body.itglueId, request.body.psaId, request.user!.id);
    return reply.status(204).send(null);
  });
};
