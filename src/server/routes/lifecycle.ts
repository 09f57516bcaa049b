import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { devicesCsv } from '../../lifecycle/csv.js';
import {
  companyLifecyclePoliciesResponse, externalId, lifecycleDevicesResponse, lifecycleForecastResponse, lifecyclePoliciesInput,
  lifecyclePoliciesResponse, lifecycleStatus, lifecycleTypesResponse,
} from '../../shared/wire.js';
import { errors } from '../errors.js';

const companyParam = z.object({ id: externalId });

/** Lifecycle: devices with their end of life, the policies (admins change them), the replacement forecast. */
export const lifecycleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { lifecycle } = app.deps.services;
  const actor = (request: { user: { id: string; email: string } | null }) => ({ id: request.user!.id, email: request.user!.email });

  app.get('/api/lifecycle/devices', {
    config: { access: 'user' },
    schema: {
      tags: ['lifecycle'],
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
    },
  }, async (request, reply) => {
    const { companyId, status, type, q, limit, cursor, format } = request.query;
    const wantsCsv = format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(request.headers.accept ?? ''));
    const result = await lifecycle.devices(request.user!.workspaceId, {
      ...(companyId !== undefined ? { organizationId: companyId } : {}), ...(status !== undefined ? { status } : {}),
      ...(type !== undefined ? { type } : {}), ...(q !== undefined ? { q } : {}),
    }, { limit: limit ?? (wantsCsv ? null : 100), ...(cursor !== undefined ? { cursor } : {}) });
    if (!wantsCsv) return result;
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="devices-${new Date().toISOString().slice(0, 10)}.csv"`)
      .send(devicesCsv(result.devices, result.currency) as never);
  });

  app.get('/api/lifecycle/forecast', {
    config: { access: 'user' },
    schema: {
      tags: ['lifecycle'],
      description: 'Replacement spend per calendar quarter from the current one: the replacement price of the devices whose end of life '
        + 'falls in it (overdue devices in the first). Unknown and excluded devices are not counted.',
      querystring: z.object({ quarters: z.coerce.number().int().min(1).max(40).default(8), companyId: externalId.optional() }),
      response: { 200: lifecycleForecastResponse, ...errors(400, 404) },
    },
  }, async (request) => {
    const { quarters, companyId } = request.query;
    return lifecycle.forecast(request.user!.workspaceId, { quarters, ...(companyId !== undefined ? { companyId } : {}) });
  });

  app.get('/api/lifecycle/types', {
    config: { access: 'user' },
    schema: { tags: ['lifecycle'], description: 'Configuration types and how many configurations each has.', response: { 200: lifecycleTypesResponse } },
  }, async (request) => lifecycle.types(request.user!.workspaceId));

  app.get('/api/lifecycle/policies', {
    config: { access: 'user' },
    schema: {
      tags: ['lifecycle'],
      description: 'The workspace\'s policies, one per configuration type (`*`: every other type); the built-in defaults until an admin saves some.',
      response: { 200: lifecyclePoliciesResponse },
    },
  }, async (request) => lifecycle.policies(request.user!.workspaceId));

  app.put('/api/lifecycle/policies', {
    config: { access: 'admin' },
    schema: {
      tags: ['lifecycle'],
      description: 'Replace the workspace\'s policies.',
      body: lifecyclePoliciesInput,
      response: { 200: lifecyclePoliciesResponse, ...errors(400) },
    },
  }, async (request) => lifecycle.savePolicies(request.user!.workspaceId, request.body.policies, actor(request)));

  app.get('/api/companies/:id/lifecycle-policies', {
    config: { access: 'user' },
    schema: {
      tags: ['lifecycle'],
      description: 'The company\'s policy overrides and the policies in effect for it.',
      params: companyParam,
      response: { 200: companyLifecyclePoliciesResponse, ...errors(400, 404) },
    },
  }, async (request) => lifecycle.companyPolicies(request.user!.workspaceId, request.params.id));

  app.put('/api/companies/:id/lifecycle-policies', {
    config: { access: 'admin' },
    schema: {
      tags: ['lifecycle'],
      description: 'Replace the company\'s overrides (an empty list removes them): per type, they win over the workspace\'s policy.',
      params: companyParam,
      body: lifecyclePoliciesInput,
      response: { 200: companyLifecyclePoliciesResponse, ...errors(400, 404) },
    },
  }, async (request) => lifecycle.saveCompanyPolicies(request.user!.workspaceId, request.params.id, request.body.policies, actor(request)));
};
