import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors, notFound } from '../errors.js';

const notification = z.object({ id: z.string(), kind: z.string(), message: z.string(), createdAt: z.string(), read: z.boolean() });

export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps.store;
  app.get('/api/notifications', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], response: { 200: z.object({ notifications: z.array(notification) }) } },
  }, async (request) => {
    const u = request.user!;
    const rows = await db.selectFrom('notifications').selectAll().where('workspace_id', '=', u.workspaceId)
      .where((eb) => eb.or([eb('user_id', 'is', null), eb('user_id', '=', u.id)]))
      .orderBy('created_at', 'desc').limit(100).execute();
    return { notifications: rows.map((r) => ({ id: r.id, kind: r.kind, message: r.message, createdAt: r.created_at, read: r.read === 1 })) };
  });

  app.post('/api/notifications/:id/read', {
    config: { access: 'user' },
    schema: { tags: ['notifications'], params: z.object({ id: z.string().min(1).max(100) }), response: { 204: z.null(), ...errors(404) } },
  }, async (request, reply) => {
    const res = await db.updateTable('notifications').set({ read: 1 }).where('id', '=', request.params.id).where('workspace_id', '=', request.user!.workspaceId).executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw notFound('Notification');
    return reply.status(204).send(null);
  });
};
