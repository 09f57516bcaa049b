import crypto from 'node:crypto';
import argon2 from 'argon2';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/db.js';
import { AppError } from './errors.js';

export type Access = 'public' | 'user' | 'admin';
export type Role = 'admin' | 'member';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  workspaceId: string;
  via: 'session' | 'token';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: AuthUser | null;
  }
}

export const SESSION_COOKIE = 'cw_session';
export const CSRF_COOKIE = 'cw_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
const THROTTLE_MAX_FAILURES = 5;
const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

export const sha256 = (v: string): string => crypto.createHash('sha256').update(v).digest('hex');
export const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function createAuth(db: Kysely<Database>, opts: { secureCookies: boolean }) {
  async function userById(id: string, via: AuthUser['via']): Promise<AuthUser | null> {
    const u = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return u === undefined ? null : { id: u.id, email: u.email, name: u.name, role: u.role, workspaceId: u.workspace_id, via };
  }

  async function resolve(request: FastifyRequest): Promise<AuthUser | null> {
    const header = request.headers.authorization;
    if (typeof header === 'string' && /^bearer\s+/i.test(header)) {
      const token = header.replace(/^bearer\s+/i, '').trim();
      const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
      if (row === undefined) return null;
      await db.updateTable('api_tokens').set({ last_used_at: nowIso() }).where('id', '=', row.id).execute();
      return userById(row.user_id, 'token');
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie === undefined || cookie === '') return null;
    const session = await db.selectFrom('sessions').selectAll().where('id', '=', sha256(cookie)).executeTakeFirst();
    if (session === undefined || session.expires_at < nowIso()) return null;
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrf_token)) {
        throw new AppError(403, 'csrf_failed', 'Missing or wrong CSRF token: reload the page and try again.');
      }
    }
    return userById(session.user_id, 'session');
  }

  async function createSession(reply: FastifyReply, user: { id: string; workspace_id: string }): Promise<void> {
    const value = randomToken();
    const csrf = randomToken(18);
    const now = Date.now();
    await db
      .insertInto('sessions')
      .values({
        id: sha256(value),
        user_id: user.id,
        workspace_id: user.workspace_id,
        csrf_token: csrf,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + SESSION_TTL_MS).toISOString(),
      })
      .execute();
    const base = { path: '/', sameSite: 'lax' as const, secure: opts.secureCookies, maxAge: SESSION_TTL_MS / 1000 };
    reply.setCookie(SESSION_COOKIE, value, { ...base, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false });
  }

  async function destroySession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie !== undefined) await db.deleteFrom('sessions').where('id', '=', sha256(cookie)).execute();
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    reply.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  async function createApiToken(user: { id: string; workspaceId: string }, name: string): Promise<string> {
    const token = `cw_${randomToken()}`;
    await db
      .insertInto('api_tokens')
      .values({
        id: crypto.randomUUID(),
        user_id: user.id,
        workspace_id: user.workspaceId,
        name,
        token_hash: sha256(token),
        created_at: nowIso(),
        last_used_at: null,
      })
      .execute();
    return token;
  }

  /** Login throttling: 5 failures per key within 15 minutes lock the key for 15 minutes. */
  async function checkThrottle(key: string): Promise<void> {
    const row = await db.selectFrom('login_attempts').selectAll().where('key', '=', key).executeTakeFirst();
    if (row?.locked_until != null && row.locked_until > nowIso()) {
      const seconds = Math.ceil((Date.parse(row.locked_until) - Date.now()) / 1000);
      throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins. Try again in ${Math.ceil(seconds / 60)} minute(s).`, {
        retryAfterSeconds: seconds,
      });
    }
  }

  async function recordFailure(key: string): Promise<void> {
    const now = Date.now();
    const row = await db.selectFrom('login_attempts').selectAll().where('key', '=', key).executeTakeFirst();
    const fresh = row === undefined || now - Date.parse(row.window_start) > THROTTLE_WINDOW_MS;
    const failures = fresh ? 1 : row.failures + 1;
    const values = {
      failures,
      window_start: fresh ? new Date(now).toISOString() : row.window_start,
      locked_until: failures >= THROTTLE_MAX_FAILURES ? new Date(now + THROTTLE_WINDOW_MS).toISOString() : null,
    };
    await db
      .insertInto('login_attempts')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  }

  async function clearFailures(key: string): Promise<void> {
    await db.deleteFrom('login_attempts').where('key', '=', key).execute();
  }

  return { resolve, createSession, destroySession, createApiToken, checkThrottle, recordFailure, clearFailures };
}

export type Auth = ReturnType<typeof createAuth>;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
