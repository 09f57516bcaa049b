import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notificationsResponse, ownId } from '../../shared/wire.js';
import { errors, notFound } from '../errors.js';
import { routesTagged } from './helpers.js';

const route = routesTagged('notifications');

export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { notifications } = app.deps.services.repos;
  app.get('/api/notifications', route('user', { response: { 200: notificationsResponse } }), async (request) => {
    const u = request.user!;
    const rows = await notifications.forUser(u.workspaceId, u.id);
    return { notifications: rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, createdAt: r.created_at, read: r.read === 1, link: r.link })) };
  });

  app.post('/api/notifications/:id/read', route('user', {
    params: z.object({ id: ownId('notification') }), response: { 204: z.null(), ...errors(404) },
  }), async (request, reply) => {
    if (!(await notifications.markRead(request.user!.workspaceId, request.params.id))) throw notFound('Notification');
    return reply.status(204).send(null);
  });
};
