import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config, TrustProxy } from '../config.js';
import type { Store } from '../store/db.js';
import type { Vault } from '../store/secrets.js';
import { createAuth, type Access, type Auth } from './auth.js';
import { AppError, envelope } from './errors.js';
import { clientErrorHandler, frameworkErrors, installErrorHandling } from './error-handler.js';
import { installInputHygiene } from './input-hygiene.js';
import { securityHeaders } from './security-headers.js';
import { accountRoutes } from './routes/accounts.js';
import type { Services } from '../services.js';
import type { DemoHints } from '../shared/wire.js';
import { registerFeatureRoutes } from './routes/index.js';

export interface AppDeps {
  config: Config;
  store: Store;
  vault: Vault;
  services: Services;
  /** Shown on the Integrations page by the demo (sandbox URLs and credentials). */
  demoHints?: DemoHints | null;
  logger?: FastifyServerOptions['logger'];
  /** A ready pino instance (the server's), used instead of `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** Folder with the built web UI (index.html); skipped when missing. */
  webRoot?: string | null;
}

export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    auth: Auth;
    routeTable: RouteEntry[];
  }
}

export type App = FastifyInstance;

const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'];

export function defaultLogger(level: string): FastifyServerOptions['logger'] {
  return level === 'silent' ? false : { level, redact: { paths: REDACT, censor: '[redacted]' } };
}

/** Every /api route must declare who may call it; the table feeds the authorization test. */
export function installRouteTable(app: FastifyInstance): void {
  if (!app.hasDecorator('routeTable')) app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (access === undefined) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) if (m !== 'HEAD') app.routeTable.push({ method: m, url: route.url, access });
  });
}

/** TRUST_PROXY → Fastify's trustProxy (a hop count becomes "trust the first N hops", as proxy-addr reads numbers). */
function trustProxyOption(value: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address: string, hop: number) => hop < value : value;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.loggerInstance !== undefined ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? false }),
    // Client addresses (login throttling) come from X-Forwarded-For only as far as TRUST_PROXY allows.
    trustProxy: trustProxyOption(deps.config.trustProxy),
    bodyLimit: 2 * 1024 * 1024,
    // Every error, Fastify's own and Node's HTTP parser's included, answers the contract's envelope.
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: false,
    http: { requireHostHeader: false },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('deps', deps);
  app.decorate('auth', createAuth(deps.store.db, { secureCookies: deps.config.publicUrl?.startsWith('https://') ?? false }));
  app.decorateRequest('user', null);

  installErrorHandling(app);
  await app.register(helmet, securityHeaders({ https: deps.config.publicUrl?.startsWith('https://') ?? false }));
  // Cookies are parsed before the auth hook runs.
  await app.register(cookie);
  installRouteTable(app);
  installInputHygiene(app);

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined || access === 'public') {
      // Public routes still learn who is calling when they can (e.g. /api/setup status).
      if (access === 'public') request.user = await app.auth.resolve(request).catch(() => null);
      return;
    }
    const user = await app.auth.resolve(request);
    if (user === null) throw new AppError(401, 'unauthenticated', 'Sign in first (session cookie or Authorization: Bearer token).');
    if (access === 'admin' && user.role !== 'admin') {
      throw new AppError(403, 'forbidden', 'Only administrators can do this.');
    }
    request.user = user;
  });

  const webRoot = deps.webRoot;
  const hasWeb = webRoot != null && fs.existsSync(path.join(webRoot, 'index.html'));
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.url === '/api' || !hasWeb || request.method !== 'GET') {
      return reply.status(404).send(envelope('not_found', `No route ${request.method} ${request.url.split('?')[0]}`));
    }
    return reply.type('text/html').sendFile('index.html');
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'Crosswalk API', version: '0.1.0', description: 'IT Glue + PSA, joined. See api-contract.md.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'cw_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(accountRoutes);
  await app.register(registerFeatureRoutes);

  if (hasWeb && webRoot != null) {
    await app.register(fastifyStatic, { root: path.resolve(webRoot), wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>Crosswalk</title><p>The web UI is not built. Run <code>npm run build</code>, then restart Crosswalk.</p>'),
    );
  }
  return app;
}
