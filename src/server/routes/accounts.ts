import crypto from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { nowIso } from '../../store/db.js';
import { hashPassword, verifyPassword } from '../auth.js';
import { demoHints, setupStatus } from '../../shared/wire.js';
import { AppError, errors } from '../errors.js';

const email = z.string().trim().toLowerCase().email().max(254);
const password = z.string().min(8, 'must be at least 8 characters').max(200);
const name = z.string().trim().min(1).max(120);
const role = z.enum(['admin', 'member']);

export const userSchema = z.object({ id: z.string(), email: z.string(), name: z.string(), role });
type UserRow = { id: string; email: string; name: string; role: 'admin' | 'member' };
const toUser = (u: UserRow) => ({ id: u.id, email: u.email, name: u.name, role: u.role });

export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.deps.store;

  app.get('/api/health', {
    config: { access: 'public' },
    schema: { tags: ['process'], response: { 200: z.object({ status: z.literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }));

  app.get('/api/setup', {
    config: { access: 'public' },
    schema: { tags: ['accounts'], description: 'Whether first-run setup is still needed.', response: { 200: setupStatus } },
  }, async () => {
    const one = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
    return { needed: one === undefined };
  });

  app.post('/api/setup', {
    config: { access: 'public' },
    schema: {
      tags: ['accounts'],
      description: 'First-run setup: creates the workspace and its first administrator. Only while no user exists.',
      body: z.object({ email, password, name: name.optional() }),
      response: { 201: z.object({ user: userSchema, token: z.string() }), ...errors(400, 409) },
    },
  }, async (request, reply) => {
    const { email: mail, password: pw, name: display } = request.body;
    const hash = await hashPassword(pw);
    const now = nowIso();
    const user = await db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
      if (existing !== undefined) throw new AppError(409, 'setup_already_done', 'Setup is already done: sign in instead.');
      const workspaceId = crypto.randomUUID();
      await trx.insertInto('workspaces').values({ id: workspaceId, name: 'Default', created_at: now }).execute();
      const row = { id: crypto.randomUUID(), workspace_id: workspaceId, email: mail, name: display ?? mail.split('@')[0] ?? mail, role: 'admin' as const, password_hash: hash, created_at: now };
      await trx.insertInto('users').values(row).execute();
      return row;
    });
    const token = await app.auth.createApiToken({ id: user.id, workspaceId: user.workspace_id }, 'setup');
    return reply.status(201).send({ user: toUser(user), token });
  });

  app.post('/api/session', {
    config: { access: 'public' },
    schema: {
      tags: ['accounts'],
      description: 'Sign in: sets an httpOnly session cookie and a readable CSRF cookie (send it back as x-csrf-token on writes).',
      body: z.object({ email: z.string().trim().toLowerCase().min(1).max(254), password: z.string().min(1).max(200) }),
      response: { 200: z.object({ user: userSchema, csrfToken: z.string().optional() }), ...errors(400, 401, 429) },
    },
  }, async (request, reply) => {
    const { email: mail, password: pw } = request.body;
    const key = `${mail}|${request.ip}`;
    await app.auth.checkThrottle(key);
    const user = await db.selectFrom('users').selectAll().where('email', '=', mail).executeTakeFirst();
    // Verify against a dummy hash when the user is unknown so timing does not reveal accounts.
    const ok = user !== undefined ? await verifyPassword(user.password_hash, pw) : (await verifyPassword(DUMMY_HASH, pw), false);
    if (user === undefined || !ok) {
      await app.auth.recordFailure(key);
      throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    }
    await app.auth.clearFailures(key);
    await app.auth.createSession(reply, user);
    return { user: toUser(user) };
  });

  app.delete('/api/session', {
    config: { access: 'user' },
    schema: { tags: ['accounts'], response: { 204: z.null().describe('Signed out') } },
  }, async (request, reply) => {
    await app.auth.destroySession(request, reply);
    return reply.status(204).send(null);
  });

  app.get('/api/me', {
    config: { access: 'user' },
    schema: { tags: ['accounts'], response: { 200: z.object({ user: userSchema }) } },
  }, async (request) => {
    const u = request.user!;
    return { user: { id: u.id, email: u.email, name: u.name, role: u.role } };
  });

  app.post('/api/tokens', {
    config: { access: 'user' },
    schema: {
      tags: ['accounts'],
      description: 'Create an API token for the calling user. The token is shown once and stored hashed.',
      body: z.object({ name: name }),
      response: { 201: z.object({ token: z.string() }), ...errors(400) },
    },
  }, async (request, reply) => {
    const token = await app.auth.createApiToken(request.user!, request.body.name);
    return reply.status(201).send({ token });
  });

  app.get('/api/users', {
    config: { access: 'admin' },
    schema: { tags: ['accounts'], response: { 200: z.object({ users: z.array(userSchema) }) } },
  }, async (request) => {
    const rows = await db.selectFrom('users').select(['id', 'email', 'name', 'role']).where('workspace_id', '=', request.user!.workspaceId).orderBy('created_at').execute();
    return { users: rows.map(toUser) };
  });

  app.post('/api/users', {
    config: { access: 'admin' },
    schema: {
      tags: ['accounts'],
      body: z.object({ email, password, name: name.optional(), role }),
      response: { 201: z.object({ user: userSchema }), ...errors(400, 409) },
    },
  }, async (request, reply) => {
    const { email: mail, password: pw, name: display, role: r } = request.body;
    const exists = await db.selectFrom('users').select('id').where('email', '=', mail).executeTakeFirst();
    if (exists !== undefined) throw new AppError(409, 'email_taken', `A user with the email ${mail} already exists.`);
    const row = { id: crypto.randomUUID(), workspace_id: request.user!.workspaceId, email: mail, name: display ?? mail.split('@')[0] ?? mail, role: r, password_hash: await hashPassword(pw), created_at: nowIso() };
    await db.insertInto('users').values(row).execute();
    return reply.status(201).send({ user: toUser(row) });
  });

  app.get('/api/demo-hints', {
    config: { access: 'user' },
    schema: { tags: ['process'], description: 'Sandbox connection values, only when started by the demo.', response: { 200: demoHints, ...errors(404) } },
  }, async () => {
    const hints = app.deps.demoHints;
    if (hints == null) throw new AppError(404, 'not_found', 'Not running as a demo.');
    return hints;
  });
};

const DUMMY_HASH = '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$2u6Yr0Bq0mX7lEXo3XW1mD9V0pQbB8m5B1vZbO7eY1M';
