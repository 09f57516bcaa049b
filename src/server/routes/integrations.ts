import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { INTEGRATIONS, INTEGRATION_KINDS } from '../../integrations/registry.js';
import { kindInfo } from '../../integrations/service.js';
import { settingsBodySchema } from '../../integrations/settings.js';
import { SyncInProgressError } from '../../sync/runner.js';
import { checkResult, demoHints, ownId, integrationKindsResponse, integrationsResponse, saveIntegrationResponse, syncRunResponse, syncRunsResponse } from '../../shared/wire.js';
import { AppError, errors, notFound } from '../errors.js';
import { recordAudit, routesTagged } from './helpers.js';

/** A kind from the registry, as a path parameter or filter. */
export const kindParam = z.enum(INTEGRATION_KINDS as [string, ...string[]]);
const kindPath = z.object({ kind: kindParam });
const route = routesTagged('integrations');

export const integrationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { integrations, sync } = app.deps.services;
  const allowInsecureHttp = app.deps.config.allowInsecureHttp;

  app.get('/api/integration-kinds', route('user', {
    description: 'What the UI needs to draw each integration\'s settings form. Adding a PSA adds an entry.',
    response: { 200: integrationKindsResponse },
  }), async () => ({ kinds: INTEGRATIONS.map(kindInfo) }));

  app.get('/api/demo-hints', route('user', {
    description: 'Settings-form values of the local sandboxes by integration kind when the app runs as the demo; {} otherwise.',
    response: { 200: demoHints },
  }), async () => app.deps.demoHints ?? {});

  app.get('/api/integrations', route('admin', {
    response: { 200: integrationsResponse },
  }), async (request) => ({ integrations: await integrations.list(request.user!.workspaceId) }));

  // One PUT and one Test per integration kind, each with the body schema its definition's fields describe.
  for (const def of INTEGRATIONS) {
    const body = settingsBodySchema(def, { allowInsecureHttp });
    app.put(`/api/integrations/${def.kind}`, route('admin', {
      description: `Save the ${def.displayName} settings. The first successful save starts the initial sync. Omitting a secret keeps the stored one.`,
      body,
      response: { 200: saveIntegrationResponse, ...errors(400, 409) },
    }), async (request) => {
      const { integration, syncRun, changed } = await integrations.save(request.user!.workspaceId, def.kind, request.body);
      // Secrets by name only; the other settings with their new values.
      const secretNames = new Set(def.fields.filter((f) => f.type === 'secret').map((f) => f.name));
      await recordAudit(app, request, 'integration.saved', `integration:${def.kind}`, {
        kind: def.kind, changed,
        settings: Object.fromEntries(Object.entries(integration.settings).filter(([k]) => changed.includes(k) && !secretNames.has(k))),
        ...(changed.some((k) => secretNames.has(k)) ? { secretsReplaced: changed.filter((k) => secretNames.has(k)) } : {}),
      });
      return { integration, syncRun };
    });

    app.post(`/api/integrations/${def.kind}/test`, route('admin', {
      description: `Test the ${def.displayName} settings (missing secrets come from the stored settings). 200 whenever the test ran.`,
      body,
      response: { 200: checkResult, ...errors(400) },
    }), async (request) => integrations.test(request.user!.workspaceId, def.kind, request.body));
  }

  app.delete('/api/integrations/:kind', route('admin', { params: kindPath, response: { 204: z.null(), ...errors(400) } }), async (request, reply) => {
    await integrations.remove(request.user!.workspaceId, request.params.kind);
    await recordAudit(app, request, 'integration.removed', `integration:${request.params.kind}`, { kind: request.params.kind });
    return reply.status(204).send(null);
  });

  app.post('/api/integrations/:kind/sync', route('admin', {
    params: kindPath,
    body: z.object({ mode: z.enum(['incremental', 'full']).optional() }).nullish(),
    response: { 202: syncRunResponse, ...errors(400, 409) },
  }), async (request, reply) => {
    const ws = request.user!.workspaceId;
    const k = request.params.kind;
    const s = await integrations.view(ws, k);
    if (!s.configured) throw new AppError(409, 'integration_not_configured', 'Configure and save the settings first.');
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

  app.get('/api/sync-runs', route('user', {
    querystring: z.object({ integration: kindParam.optional(), limit: z.coerce.number().int().min(1).max(200).optional() }), response: { 200: syncRunsResponse, ...errors(400) },
  }), async (request) => ({ syncRuns: await sync.listRuns(request.user!.workspaceId, request.query.integration, request.query.limit ?? 50) }));

  app.get('/api/sync-runs/:id', route('user', {
    params: z.object({ id: ownId('sync run') }), response: { 200: syncRunResponse, ...errors(404) },
  }), async (request) => {
    const run = await sync.getRun(request.params.id, request.user!.workspaceId);
    if (run === null) throw notFound('Sync run');
    return { syncRun: run };
  });
};
