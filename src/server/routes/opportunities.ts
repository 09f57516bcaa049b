import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { definitionOf } from '../../integrations/registry.js';
import { opportunitiesCsv } from '../../opportunities/csv.js';
import {
  bulkExportResponse, opportunitiesResponse, opportunityInput, opportunityPatch, opportunityResponse, opportunityStatus, opportunityTypesResponse,
} from '../../shared/wire.js';
import { errors } from '../errors.js';
import { actorOf, definedFields, routesTagged, sendCsv, wantsCsv } from './helpers.js';

const opportunityId = z.object({ id: z.uuid('must be an opportunity id (a UUID)') });
const companyParam = z.object({ id: z.string().min(1).max(40) });
const route = routesTagged('opportunities');
const nullIfAbsent = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);

/** Opportunities (any signed-in user, members too): drafts, the ticket types on offer, and the export to the PSA. */
export const opportunityRoutes: FastifyPluginAsyncZod = async (app) => {
  const { opportunities } = app.deps.services;

  app.get('/api/opportunities', route('user', {
    description: 'Opportunities, newest first, with count and value per status over the same filter (`totals`). '
      + '`format=csv` (or `Accept: text/csv`) returns the same rows as CSV.',
    querystring: z.object({
      companyId: z.string().min(1).max(40).optional(),
      status: opportunityStatus.optional(),
      q: z.string().max(200).optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
    response: { 200: opportunitiesResponse.describe('The list (JSON), or text/csv'), ...errors(400) },
  }), async (request, reply) => {
    const { companyId, status, q, format } = request.query;
    const result = await opportunities.list(request.user!.workspaceId, definedFields({ companyId, status, q }));
    if (!wantsCsv(format, request)) return result;
    return sendCsv(reply, 'opportunities', opportunitiesCsv(result.opportunities, (kind) => definitionOf(kind)?.displayName ?? kind));
  });

  app.post('/api/opportunities', route('user', {
    description: 'Create a draft. A ticket type the linked PSA company may not use → 422 ticket_type_not_allowed with `details.allowed`.',
    body: opportunityInput,
    response: { 201: opportunityResponse, ...errors(400, 404, 409, 422, 502) },
  }), async (request, reply) => {
    const b = request.body;
    const opportunity = await opportunities.create(request.user!.workspaceId, actorOf(request), {
      companyId: b.companyId, title: b.title, description: nullIfAbsent(b.description), value: nullIfAbsent(b.value),
      ticketTypeId: nullIfAbsent(b.ticketTypeId), closeDate: nullIfAbsent(b.closeDate), probability: nullIfAbsent(b.probability),
    });
    return reply.status(201).send({ opportunity });
  });

  app.post('/api/opportunities/export', route('user', {
    description: 'Export several opportunities, one after another: each id\'s outcome (the opportunity, or the error a single export would answer).',
    body: z.object({ ids: z.array(z.uuid('must be an opportunity id (a UUID)')).min(1, 'send at least one id').max(100, '100 at most') }),
    response: { 200: bulkExportResponse, ...errors(400) },
  }), async (request) => opportunities.exportMany(request.user!.workspaceId, actorOf(request), [...new Set(request.body.ids)]));

  app.get('/api/opportunities/:id', route('user', {
    params: opportunityId, response: { 200: opportunityResponse, ...errors(400, 404) },
  }), async (request) => ({ opportunity: await opportunities.get(request.user!.workspaceId, request.params.id) }));

  app.patch('/api/opportunities/:id', route('user', {
    description: 'Change a draft (or a failed export). Exported → 409 opportunity_exported.',
    params: opportunityId,
    body: opportunityPatch,
    response: { 200: opportunityResponse, ...errors(400, 404, 409, 422, 502) },
  }), async (request) => {
    const { title, description, value, ticketTypeId, closeDate, probability } = request.body;
    const patch = definedFields({ title, description, value, ticketTypeId, closeDate, probability });
    return { opportunity: await opportunities.update(request.user!.workspaceId, actorOf(request), request.params.id, patch) };
  });

  app.delete('/api/opportunities/:id', route('user', {
    description: 'Delete a draft (or a failed export). Exported → 409 opportunity_exported.',
    params: opportunityId,
    response: { 204: z.null().describe('Deleted'), ...errors(400, 404, 409) },
  }), async (request, reply) => {
    await opportunities.remove(request.user!.workspaceId, actorOf(request), request.params.id);
    return reply.status(204).send(null);
  });

  app.post('/api/opportunities/:id/export', route('user', {
    description: 'Create the PSA ticket, exactly once: exporting again returns the same ticket. 409 company_not_linked, '
      + '409 opportunity_export_disabled, 422 ticket_type_not_allowed (details.allowed), 422 psa_rejected, 502 psa_unavailable '
      + '(the opportunity is then failed with the reason and can be exported again).',
    params: opportunityId,
    body: z.object({}).passthrough().nullish(),
    response: { 200: opportunityResponse, ...errors(400, 404, 409, 422, 502) },
  }), async (request) => ({ opportunity: await opportunities.exportOne(request.user!.workspaceId, actorOf(request), request.params.id) }));

  app.get('/api/companies/:id/opportunity-types', route('user', {
    description: 'The PSA ticket types that are opportunity types and that the linked PSA company may use. Not linked → 409 company_not_linked.',
    params: companyParam,
    response: { 200: opportunityTypesResponse, ...errors(404, 409, 502) },
  }), async (request) => opportunities.typesFor(request.user!.workspaceId, request.params.id, { refresh: false }));

  app.post('/api/companies/:id/opportunity-types/refresh', route('user', {
    description: 'Ask the PSA now which ticket types the linked company may use ("Refresh types"), keep the answer, and return the types on offer.',
    params: companyParam,
    body: z.object({}).passthrough().nullish(),
    response: { 200: opportunityTypesResponse, ...errors(404, 409, 502) },
  }), async (request) => opportunities.typesFor(request.user!.workspaceId, request.params.id, { refresh: true }));
};
