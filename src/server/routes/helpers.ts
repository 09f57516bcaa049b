/**
 * What the route plugins share: the options of a route (who may call it, its schema under an OpenAPI tag),
 * the caller as the actor of an audit event, and CSV answers of list routes.
 */
import type { FastifyInstance, FastifyReply, FastifySchema } from 'fastify';
import type { Access, AuthUser } from '../auth.js';

/**
 * Route options under one OpenAPI tag: `const route = routesTagged('links')`, then
 * `app.get(url, route('admin', { params, response }), handler)` declares `config.access` and `schema.tags`.
 */
export function routesTagged(tag: string) {
  return <S extends FastifySchema>(access: Access, schema: S) => ({ config: { access }, schema: { tags: [tag], ...schema } });
}

/** A request of a signed-in caller (routes with access 'user' or 'admin'). */
type SignedIn = { user: Pick<AuthUser, 'id' | 'email' | 'workspaceId'> | null };

/** The caller, as the actor of an audit event. */
export const actorOf = (request: SignedIn): { id: string; email: string } => ({ id: request.user!.id, email: request.user!.email });

/** Records an audit event by the caller in the caller's workspace. */
export function recordAudit(
  app: Pick<FastifyInstance, 'deps'>, request: SignedIn, action: string, target: string, details: Record<string, unknown>,
): Promise<void> {
  return app.deps.services.repos.audit.record(request.user!.workspaceId, { actor: actorOf(request), action, target, details });
}

/** The fields of `o` that are set: those that are undefined (an optional field not sent) are left out. */
export function definedFields<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Whether a list route answers CSV: `format=csv`, or no `format` and `Accept: text/csv`. */
export function wantsCsv(format: 'json' | 'csv' | undefined, request: { headers: { accept?: string | undefined } }): boolean {
  return format === 'csv' || (format === undefined && /\btext\/csv\b/i.test(request.headers.accept ?? ''));
}

/** Answers `csv` as a download named `<name>-<today>.csv`. */
export function sendCsv(reply: FastifyReply, name: string, csv: string): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}-${new Date().toISOString().slice(0, 10)}.csv"`)
    .send(csv as never);
}
