import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditResponse } from '../../shared/wire.js';
import { AppError, errors } from '../errors.js';
import { routesTagged } from './helpers.js';

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}
function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch { /* fall through */ }
  throw new AppError(400, 'invalid_request', 'Invalid request: query.cursor is not a cursor this API returned', { issues: [{ path: 'query.cursor', message: 'unknown cursor' }] });
}

function details(json: string): Record<string, unknown> {
  try {
    const v = JSON.parse(json) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const route = routesTagged('audit');

/** The audit log (admins): who changed settings, links and users, and which opportunity went to which PSA ticket. */
export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const { audit } = app.deps.services.repos;

  app.get('/api/audit', route('admin', {
    description: 'Audit events, newest first, keyset-paged (`nextCursor`). Secrets never appear in `details`.',
    querystring: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      cursor: z.string().max(500).optional(),
      action: z.string().min(1).max(60).regex(/^[a-z_.]+$/, 'must be an action name such as opportunity.exported').optional(),
    }),
    response: { 200: auditResponse, ...errors(400) },
  }), async (request) => {
    const { limit, cursor, action } = request.query;
    const rows = await audit.list(request.user!.workspaceId, {
      limit: limit + 1, ...(cursor !== undefined ? { before: decodeCursor(cursor) } : {}), ...(action !== undefined ? { action } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map((e) => ({
        id: e.id, at: e.at, actor: e.actor_id !== null ? { id: e.actor_id, email: e.actor_email ?? '' } : null, action: e.action, target: e.target,
        details: details(e.details_json),
      })),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.at, last.id) : null,
    };
  });
};
