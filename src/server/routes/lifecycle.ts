import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { devicesCsv } from '../../lifecycle/csv.js';
import {
  companyLifecyclePoliciesResponse, externalId, lifecycleDevicesResponse, lifecycleForecastResponse, lifecyclePoliciesInput,
  lifecyclePoliciesResponse, lifecycleStatus, lifecycleTypesResponse,
} from '../../shared/wire.js';
import { errors } from '../errors.js';
import { actorOf, definedFields, routesTagged, sendCsv, wantsCsv } from './helpers.js';

const companyParam = z.object({ id: externalId });
const route = routesTagged('lifecycle');

/** Lifecycle: devices with their end of life, the policies (admins change them), the replacement forecast. */
export const lifecycleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { lifecycle } = app.deps.services;

  app.get('/api/lifecycle/devices', route('user', {
    description: 'Configurations of the active companies with their end of life and status under the lifecycle policies, by name, '
      + 'keyset-paged (`nextCursor`). `counts` cover the company, type and search filters. `format=csv` (or `Accept: text/csv`) returns '
      + 'the same rows as CSV; without `limit`, the CSV holds every matching row.',
    querystring: z.object({
      companyId: externalId.optional(),
      status: lifecycleStatus.optional(),
      type: z.string().trim().min(1).max(100).optional(),
      q: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
      cursor: z.string().max(500).optional(),
      format: z.enum(['json', 'csv']).optional(),
    }),
    response: { 200: lifecycleDevicesResponse.describe('The devices (JSON), or text/csv'), ...errors(400, 404) },
  }), async (request, reply) => {
    const { companyId, status, type, q, limit, cursor, format } = request.query;
    const csv = wantsCsv(format, request);
    const result = await lifecycle.devices(
      request.user!.workspaceId, definedFields({ organizationId: companyId, status, type, q }), { limit: limit ?? (csv ? null : 100), ...definedFields({ cursor }) },
    );
    if (!csv) return result;
    return sendCsv(reply, 'devices', devicesCsv(result.devices, result.currency));
  });

  app.get('/api/lifecycle/forecast', route('user', {
    description: 'Replacement spend per calendar quarter from the current one: the replacement price of the devices whose end of life '
      + 'falls in it (overdue devices in the first). Unknown and excluded devices are not counted.',
    querystring: z.object({ quarters: z.coerce.number().int().min(1).max(40).default(8), companyId: externalId.optional() }),
    response: { 200: lifecycleForecastResponse, ...errors(400, 404) },
  }), async (request) => {
    const { quarters, companyId } = request.query;
    return lifecycle.forecast(request.user!.workspaceId, { quarters, ...definedFields({ companyId }) });
  });

  app.get('/api/lifecycle/types', route('user', {
    description: 'Configuration types and how many configurations each has.', response: { 200: lifecycleTypesResponse },
  }), async (request) => lifecycle.types(request.user!.workspaceId));

  app.get('/api/lifecycle/policies', route('user', {
    description: 'The workspace\'s policies, one per configuration type (`*`: every other type); the built-in defaults until an admin saves some.',
    response: { 200: lifecyclePoliciesResponse },
  }), async (request) => lifecycle.policies(request.user!.workspaceId));

  app.put('/api/lifecycle/policies', route('admin', {
    description: 'Replace the workspace\'s policies.',
    body: lifecyclePoliciesInput,
    response: { 200: lifecyclePoliciesResponse, ...errors(400) },
  }), async (request) => lifecycle.savePolicies(request.user!.workspaceId, request.body.policies, actorOf(request)));

  app.get('/api/companies/:id/lifecycle-policies', route('user', {
    description: 'The company\'s policy overrides and the policies in effect for it.',
    params: companyParam,
    response: { 200: companyLifecyclePoliciesResponse, ...errors(400, 404) },
  }), async (request) => lifecycle.companyPolicies(request.user!.workspaceId, request.params.id));

  app.put('/api/companies/:id/lifecycle-policies', route('admin', {
    description: 'Replace the company\'s overrides (an empty list removes them): per type, they win over the workspace\'s policy.',
    params: companyParam,
    body: lifecyclePoliciesInput,
    response: { 200: companyLifecyclePoliciesResponse, ...errors(400, 404) },
  }), async (request) => lifecycle.saveCompanyPolicies(request.user!.workspaceId, request.params.id, request.body.policies, actorOf(request)));
};
