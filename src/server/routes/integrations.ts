import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { haloBody, itglueBody, type IntegrationKind } from '../../integrations/specs.js';
import { SyncInProgressError } from '../../sync/runner.js';
import { AppError, errors, notFound } from '../errors.js';

const kind = z.enum(['itglue', 'halo', 'syncro']);

export const syncRunSchema = z.object({
  id: z.string(),
  integration: z.string(),
  mode: z.enum(['initial', 'incremental', 'full']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'partial']),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progress: z.record(z.string(), z.object({ fetched: z.number(), total: z.number().nullable(), done: z.boolean() })),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  requestCount: z.number(),
  retries: z.number(),
  rateLimited: z.number(),
  estimatedSecondsLeft: z.number().nullable(),
  notes: z.array(z.string()),
});

const integrationSchema = z.object({
  kind,
  role: z.enum(['primary', 'supplemental']),
  configured: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
  lastSyncRun: syncRunSchema.nullable(),
});

const checkSchema = z.union([
  z.object({ ok: z.literal(true), message: z.literal('Connection Successful'), details: z.record(z.string(), z.unknown()) }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(['unreachable', 'tls_error', 'not_found', 'invalid_credentials', 'invalid_tenant', 'missing_permissions', 'rate_limited', 'unexpected_response']),
      message: z.string(),
      hint: z.string().optional(),
      missingPermissions: z.array(z.string()).optional(),
    }),
  }),
]);

const saveResponse = z.object({ integration: integrationSchema, syncRun: syncRunSchema.nullable() });

export const integrationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { integrations, sync } = app.deps.services;
  const insecure = app.deps.config.allowInsecureHttp;
  const bodies = { itglue: itglueBody(insecure), halo: haloBody(insecure) };

  app.get('/api/integrations', {
    config: { access: 'admin' },
    schema: { tags: ['integrations'], response: { 200: z.object({ integrations: z.array(integrationSchema) }) } },
  }, async (request) => ({ integrations: await integrations.list(request.user!.workspaceId) }));

  for (const k of ['itglue', 'halo'] as const) {
    app.put(`/api/integrations/${k}`, {
      config: { access: 'admin' },
      schema: {
        tags: ['integrations'],
        description: `Save the ${k} settings. The first successful save starts the initial sync. Omitting the secret keeps the stored one.`,
        body: bodies[k],
        response: { 200: saveResponse, ...errors(400, 409) },
      },
    }, async (request) => integrations.save(request.user!.workspaceId, k, request.body));

    app.post(`/api/integrations/${k}/test`, {
      config: { access: 'admin' },
      schema: {
        tags: ['integrations'],
        description: 'Test the settings (missing secrets come from the stored settings). 200 whenever the test ran.',
        body: bodies[k],
        response: { 200: checkSchema, ...errors(400) },
      },
    }, async (request) => integrations.test(request.user!.workspaceId, k, request.body));
  }

  app.put('/api/integrations/syncro', {
    config: { access: 'admin' },
    schema: {
      tags: ['integrations'],
      body: z.object({ subdomain: z.string().optional(), baseUrl: z.string().optional(), apiToken: z.string().optional(), pullTickets: z.boolean(), opportunityExport: z.boolean() }),
      response: { ...errors(400, 409) },
    },
  }, async () => {
    throw new AppError(409, 'not_available', 'The Syncro integration is not available yet.');
  });

  app.delete('/api/integrations/:kind', {
    config: { access: 'admin' },
    schema: { tags: ['integrations'], params: z.object({ kind }), response: { 204: z.null(), ...errors(400) } },
  }, async (request, reply) => {
    await integrations.remove(request.user!.workspaceId, request.params.kind);
    return reply.status(204).send(null);
  });

  app.post('/api/integrations/:kind/sync', {
    config: { access: 'admin' },
    schema: {
      tags: ['integrations'],
      params: z.object({ kind }),
      body: z.object({ mode: z.enum(['incremental', 'full']).optional() }).nullish(),
      response: { 202: z.object({ syncRun: syncRunSchema }), ...errors(400, 409) },
    },
  }, async (request, reply) => {
    const ws = request.user!.workspaceId;
    const k = request.params.kind as IntegrationKind;
    const s = await integrations.view(ws, k);
    if (!s.configured) throw new AppError(409, 'integration_not_configured', `Configure and save the ${k} settings first.`);
    const last = await sync.lastRun(ws, k);
    const mode = last === null ? 'initial' : (request.body?.mode ?? 'incremental');
    try {
      const run = await sync.start(ws, k, mode);
      return reply.status(202).send({ syncRun: run });
    } catch (e) {
      if (e instanceof SyncInProgressError) throw new AppError(409, 'sync_in_progress', e.message, { syncRun: e.run });
      throw e;
    }
  });

  app.get('/api/sync-runs', {
    config: { access: 'user' },
    schema: { tags: ['integrations'], querystring: z.object({ integration: kind.optional(), limit: z.coerce.number().int().min(1).max(200).optional() }), response: { 200: z.object({ syncRuns: z.array(syncRunSchema) }), ...errors(400) } },
  }, async (request) => ({ syncRuns: await sync.listRuns(request.user!.workspaceId, request.query.integration, request.query.limit ?? 50) }));

  app.get('/api/sync-runs/:id', {
    config: { access: 'user' },
    schema: { tags: ['integrations'], params: z.object({ id: z.string().min(1).max(100) }), response: { 200: z.object({ syncRun: syncRunSchema }), ...errors(404) } },
  }, async (request) => {
    const run = await sync.getRun(request.params.id, request.user!.workspaceId);
    if (run === null) throw notFound('Sync run');
    return { syncRun: run };
  });
};
