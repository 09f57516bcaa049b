/**
 * Operations: Prometheus metrics (GET /metrics, outside /api, only when METRICS_TOKEN is set, with its own
 * bearer check). GET /api/health (liveness) stays in accounts.ts with the contract's answer.
 */
import crypto from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope } from '../errors.js';

function sameToken(sent: string, expected: string): boolean {
  // Digests have equal length whatever was sent, so the comparison takes the same time.
  const a = crypto.createHash('sha256').update(sent).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export const opsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { services, config } = app.deps;
  app.get('/metrics', {
    config: { access: 'public' },
    schema: { hide: true },
  }, async (request, reply) => {
    const token = config.metricsToken;
    if (token === null) return reply.status(404).send(envelope('not_found', 'No route GET /metrics (set METRICS_TOKEN to serve metrics).'));
    const header = request.headers.authorization;
    const sent = typeof header === 'string' && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '').trim() : null;
    if (sent === null || !sameToken(sent, token)) {
      return reply.status(401).header('www-authenticate', 'Bearer realm="metrics"').send(envelope('unauthenticated', 'Send Authorization: Bearer <METRICS_TOKEN>.'));
    }
    const text = await services.metrics.text();
    return reply.header('content-type', services.metrics.contentType).header('cache-control', 'no-store').send(text);
  });
};
