/**
 * Operations: readiness (GET /api/health/ready: the database and the job queue) and Prometheus metrics
 * (GET /metrics, outside /api, only when METRICS_TOKEN is set, with its own bearer check).
 * GET /api/health (liveness) stays in accounts.ts with the contract's answer.
 */
import crypto from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { envelope } from '../errors.js';
import { routesTagged } from './helpers.js';

const CHECK_TIMEOUT_MS = 3000;
const route = routesTagged('process');

const check = z.object({ ok: z.boolean(), message: z.string().optional() });
const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  /** The parts that are not ready. */
  failing: z.array(z.enum(['database', 'queue'])),
  checks: z.object({ database: check, queue: check }),
});

/** A sentence for a failed check, from the error's code only (messages could name hosts or users). */
function describe(part: 'database' | 'queue', err: unknown): string {
  if (err instanceof CheckTimeout) return `The ${part === 'database' ? 'database' : 'job queue'} did not answer within ${CHECK_TIMEOUT_MS / 1000} s.`;
  const code = (err as { code?: unknown }).code;
  const why = typeof code === 'string' && /^[A-Z0-9_]{2,32}$/i.test(code) ? ` (${code})` : '';
  if (part === 'database') return `The database is not reachable${why}.`;
  const msg = err instanceof Error && /^the job queue [a-z ,()]+$/i.test(err.message) ? err.message : `the job queue is not reachable${why}`;
  return `${msg.charAt(0).toUpperCase()}${msg.slice(1)}.`;
}

class CheckTimeout extends Error {}

async function probe(fn: () => Promise<void>): Promise<{ ok: true } | { ok: false; err: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([fn(), new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new CheckTimeout()), CHECK_TIMEOUT_MS); })]);
    return { ok: true };
  } catch (err) {
    return { ok: false, err };
  } finally {
    clearTimeout(timer);
  }
}

function sameToken(sent: string, expected: string): boolean {
  // Digests have equal length whatever was sent, so the comparison takes the same time.
  const a = crypto.createHash('sha256').update(sent).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export const opsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { services, config } = app.deps;

  app.get('/api/health/ready', route('public', {
    description: 'Readiness: 200 when the database and the job queue answer; 503 naming the failing part otherwise.',
    response: { 200: readiness, 503: readiness },
  }), async (_request, reply) => {
    const [db, queue] = await Promise.all([probe(() => services.repos.health.ping()), probe(() => services.queue.check())]);
    const failing = [...(db.ok ? [] : ['database' as const]), ...(queue.ok ? [] : ['queue' as const])];
    for (const [part, r] of [['database', db], ['queue', queue]] as const) {
      if (!r.ok) app.log.warn({ part, err: r.err }, 'readiness check failed');
    }
    const body = {
      status: failing.length === 0 ? 'ready' as const : 'unavailable' as const,
      failing,
      checks: {
        database: db.ok ? { ok: true } : { ok: false, message: describe('database', db.err) },
        queue: queue.ok ? { ok: true } : { ok: false, message: describe('queue', queue.err) },
      },
    };
    return reply.status(failing.length === 0 ? 200 : 503).send(body);
  });

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
