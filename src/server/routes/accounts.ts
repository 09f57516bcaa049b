import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createSessionsRepo } from '../../store/repos/sessions.js';
import { createTokensRepo } from '../../store/repos/tokens.js';
import { createUsersRepo, type UserRecord } from '../../store/repos/users.js';
import { hashPassword } from '../passwords.js';
import { AppError, errors, notFound } from '../errors.js';
import { recordAudit, routesTagged } from './helpers.js';
import { account, apiToken, ownId, setupStatus, user, userRole } from '../../shared/wire.js';

const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(8, 'must be at least 8 characters').max(200);
const name = z.string().trim().min(1).max(120);
const role = userRole;

const userSchema = user;
const accountSchema = account;
const tokenSchema = apiToken;

const toUser = (u: UserRecord) => ({ id: u.id, email: u.email, name: u.name, role: u.role });
const toAccount = (u: UserRecord) => ({ ...toUser(u), disabled: u.disabled, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt });
const defaultName = (mail: string): string => mail.split('@')[0] || mail;

const route = routesTagged('accounts');
const userId = z.object({ id: ownId('user') });
const processRoute = routesTagged('process');

const lastAdmin = (): AppError => new AppError(409, 'last_admin', 'This is the last enabled administrator: make another user an administrator first.');

export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps.store;
  const users = createUsersRepo(db);
  const sessions = createSessionsRepo(db);
  const tokens = createTokensRepo(db);

  app.get('/api/health', processRoute('public', {
    response: { 200: z.object({ status: z.literal('ok') }) },
  }), async () => ({ status: 'ok' as const }));

  app.get('/api/setup', route('public', {
    description: 'Whether first-run setup is still needed.', response: { 200: setupStatus },
  }), async () => ({ needed: !(await users.setupDone()) }));

  app.post('/api/setup', {
    ...route('public', {
      description: 'First-run setup: creates the workspace and its first administrator. Only while no user exists.',
      body: z.object({ email, password, name: name.optional() }),
      response: { 201: z.object({ user: userSchema, token: z.string() }), ...errors(400, 409) },
    }),
    // Answers 409 before reading the body (whatever it is) and before any password hashing.
    onRequest: async () => {
      if (await users.setupDone()) throw new AppError(409, 'setup_already_done', 'Setup is already done: sign in instead.');
    },
  }, async (request, reply) => {
    const { email: mail, password: pw, name: display } = request.body;
    const user = await users.createFirstAdmin({ email: mail, name: display ?? defaultName(mail), passwordHash: await hashPassword(pw) });
    if (user === null) throw new AppError(409, 'setup_already_done', 'Setup is already done: sign in instead.');
    const { token } = await app.auth.createApiToken(user, 'setup');
    return reply.status(201).send({ user: toUser(user), token });
  });

  app.post('/api/session', route('public', {
    description: 'Sign in: sets an httpOnly session cookie and a readable CSRF cookie (send it back as x-csrf-token on writes). '
      + 'Repeated failures pause further attempts (429 with Retry-After) for that account from that address, and for the address.',
    body: z.object({ email: z.string().trim().toLowerCase().min(1).max(254), password: z.string().min(1).max(200) }),
    response: { 200: z.object({ user: userSchema, csrfToken: z.string().optional() }), ...errors(400, 401, 403, 429, 503) },
  }), async (request, reply) => {
    const user = await app.auth.login(request.body.email, request.body.password, request);
    await app.auth.createSession(reply, user);
    return { user: toUser(user) };
  });

  app.delete('/api/session', route('user', { response: { 204: z.null().describe('Signed out') } }), async (request, reply) => {
    await app.auth.destroySession(request, reply);
    return reply.status(204).send(null);
  });

  app.get('/api/me', route('user', { response: { 200: z.object({ user: userSchema }) } }), async (request) => {
    const u = request.user!;
    return { user: { id: u.id, email: u.email, name: u.name, role: u.role } };
  });

  app.post('/api/me/password', route('user', {
    description: 'Change your own password. Your other sessions are signed out; API tokens keep working.',
    body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: password }),
    response: { 204: z.null().describe('Password changed'), ...errors(400, 429, 503) },
  }), async (request, reply) => {
    const u = request.user!;
    if (!(await app.auth.checkOwnPassword(u, request.body.currentPassword, request))) {
      throw new AppError(400, 'invalid_request', 'Invalid request: body.currentPassword is not your current password', {
        issues: [{ path: 'body.currentPassword', message: 'is not your current password' }],
      });
    }
    await users.setPassword(u.id, await hashPassword(request.body.newPassword));
    await sessions.removeForUser(u.id, u.sessionId);
    return reply.status(204).send(null);
  });

  app.post('/api/tokens', route('user', {
    description: 'Create an API token for the calling user (any role). The token is shown once and stored hashed.',
    body: z.object({
      name,
      expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO-8601 date-time, e.g. 2030-01-31T00:00:00Z' })
        .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
        .transform((v) => new Date(v).toISOString())
        .nullish(),
    }),
    response: { 201: z.object({ token: z.string(), id: z.string() }), ...errors(400) },
  }), async (request, reply) => {
    const created = await app.auth.createApiToken(request.user!, request.body.name, request.body.expiresAt ?? null);
    return reply.status(201).send({ token: created.token, id: created.id });
  });

  app.get('/api/tokens', route('user', {
    description: 'The calling user\'s API tokens (never the tokens themselves), newest first.',
    response: { 200: z.object({ tokens: z.array(tokenSchema) }) },
  }), async (request) => ({ tokens: await tokens.listForUser(request.user!.id) }));

  app.delete('/api/tokens/:id', route('user', {
    description: 'Revoke one of your API tokens.',
    params: z.object({ id: ownId('token') }),
    response: { 204: z.null().describe('Revoked'), ...errors(400, 404) },
  }), async (request, reply) => {
    if (!(await tokens.revoke(request.user!.id, request.params.id))) throw notFound('Token');
    return reply.status(204).send(null);
  });

  app.get('/api/users', route('admin', {
    response: { 200: z.object({ users: z.array(accountSchema) }) },
  }), async (request) => ({ users: (await users.list(request.user!.workspaceId)).map(toAccount) }));

  app.post('/api/users', route('admin', {
    body: z.object({ email, password, name: name.optional(), role }),
    response: { 201: z.object({ user: accountSchema }), ...errors(400, 409, 503) },
  }), async (request, reply) => {
    const { email: mail, password: pw, name: display, role: r } = request.body;
    // The unique index decides: of parallel creations with one email exactly one succeeds.
    const user = await users.create({ workspaceId: request.user!.workspaceId, email: mail, name: display ?? defaultName(mail), role: r, passwordHash: await hashPassword(pw) });
    if (user === null) throw new AppError(409, 'email_taken', `A user with the email ${mail} already exists.`);
    await recordAudit(app, request, 'user.created', `user:${user.id}`, { email: user.email, name: user.name, role: user.role });
    return reply.status(201).send({ user: toAccount(user) });
  });

  app.patch('/api/users/:id', route('admin', {
    description: 'Change a user\'s name, role, enabled state or password (a new password or disabling signs them out). '
      + 'The last enabled administrator cannot be demoted or disabled (409 last_admin).',
    params: userId,
    body: z.object({ name: name.optional(), role: role.optional(), disabled: z.boolean().optional(), password: password.optional() })
      .refine((b) => Object.values(b).some((v) => v !== undefined), 'name, role, disabled or password is required'),
    response: { 200: z.object({ user: accountSchema }), ...errors(400, 404, 409, 503) },
  }), async (request) => {
    const { password: pw, ...rest } = request.body;
    const result = await users.update(request.user!.workspaceId, request.params.id, { ...rest, ...(pw !== undefined ? { passwordHash: await hashPassword(pw) } : {}) });
    if (result === 'not_found') throw notFound('User');
    if (result === 'last_admin') throw lastAdmin();
    // What changed, never the password itself.
    await recordAudit(app, request, 'user.updated', `user:${result.id}`, {
      email: result.email, ...rest, ...(pw !== undefined ? { passwordChanged: true } : {}),
    });
    return { user: toAccount(result) };
  });

  app.delete('/api/users/:id', route('admin', {
    description: 'Delete a user with their sessions and API tokens. The last enabled administrator cannot be deleted (409 last_admin).',
    params: userId,
    response: { 204: z.null().describe('Deleted'), ...errors(400, 404, 409) },
  }), async (request, reply) => {
    const before = await users.byId(request.params.id);
    const result = await users.remove(request.user!.workspaceId, request.params.id);
    if (result === 'not_found') throw notFound('User');
    if (result === 'last_admin') throw lastAdmin();
    await recordAudit(app, request, 'user.deleted', `user:${request.params.id}`, { email: before?.email ?? null });
    return reply.status(204).send(null);
  });
};
