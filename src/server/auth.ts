import crypto from 'node:crypto';
import ipaddr from 'ipaddr.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { createLoginAttemptsRepo, type ThrottleRule } from '../store/repos/login-attempts.js';
import { createSessionsRepo, type CredentialOwner } from '../store/repos/sessions.js';
import { createTokensRepo } from '../store/repos/tokens.js';
import { createUsersRepo, type Role, type UserRecord } from '../store/repos/users.js';
import { AppError } from './errors.js';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.js';

// The CLI hashes passwords through this module; the cap on concurrent hashing lives in passwords.ts.
export { hashPassword, verifyPassword } from './passwords.js';
export type { Role } from '../store/repos/users.js';

export type Access = 'public' | 'user' | 'admin';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  workspaceId: string;
  via: 'session' | 'token';
  /** The session's id (sha256 of the cookie) when signed in by cookie. */
  sessionId?: string;
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

/**
 * Login throttling: three counters per password check, each reserved atomically before the check.
 * - per account from one client address: 5 free attempts, then a doubling pause (5 s … 15 min);
 * - per client address over all accounts: 20 free attempts (offices behind one NAT), same ladder;
 * - per account over all addresses: 50 free attempts, for guessing spread over many addresses.
 * A pause is a backoff, not a lock: it ends on its own, and the first two only slow the address that
 * failed, so nobody can lock a user out from elsewhere. The right password ends the account's
 * streaks; the address only gets its own attempt back.
 */
const BACKOFF = { baseMs: 5000, maxMs: 15 * 60 * 1000, decayMs: 60 * 60 * 1000 };
export const THROTTLE: Readonly<Record<'accountAtAddress' | 'address' | 'account', ThrottleRule>> = {
  accountAtAddress: { free: 5, ...BACKOFF },
  address: { free: 20, ...BACKOFF },
  account: { free: 50, ...BACKOFF },
};
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export const sha256 = (v: string): string => crypto.createHash('sha256').update(v).digest('hex');
export const randomToken = (bytes = 32): string => crypto.randomBytes(bytes).toString('base64url');

/**
 * The client address used for throttling: request.ip (the TCP peer, or X-Forwarded-For as TRUST_PROXY
 * allows), IPv4-mapped IPv6 as IPv4, other IPv6 by /64 (one subscriber usually holds a whole /64).
 * Anything that is not an address (a forged header with TRUST_PROXY on) shares one bucket.
 */
export function clientAddress(ip: string | undefined): string {
  if (ip === undefined || !ipaddr.isValid(ip)) return 'invalid';
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (addr.kind() === 'ipv4') return addr.toString();
  const parts = (addr as ipaddr.IPv6).toNormalizedString().split(':').slice(0, 4);
  return `${parts.join(':')}::/64`;
}

export function createAuth(db: Kysely<Database>, opts: { secureCookies: boolean }) {
  const users = createUsersRepo(db);
  const sessions = createSessionsRepo(db);
  const tokens = createTokensRepo(db);
  const attempts = createLoginAttemptsRepo(db);
  const cookieBase = { path: '/', sameSite: 'lax' as const, secure: opts.secureCookies };
  let lastPrune = 0;

  const toAuthUser = (o: CredentialOwner, via: AuthUser['via'], sessionId?: string): AuthUser => ({
    id: o.userId, email: o.email, name: o.name, role: o.role, workspaceId: o.workspaceId, via, ...(sessionId !== undefined ? { sessionId } : {}),
  });

  /** The signed-in user, or null. Disabled users, expired sessions and expired tokens resolve to null. */
  async function resolve(request: FastifyRequest): Promise<AuthUser | null> {
    const header = request.headers.authorization;
    if (typeof header === 'string' && /^bearer\s+/i.test(header)) {
      const token = header.replace(/^bearer\s+/i, '').trim();
      const now = new Date();
      const row = await tokens.findWithOwner(sha256(token));
      if (row === null || row.disabled || (row.expiresAt !== null && row.expiresAt <= now.toISOString())) return null;
      await tokens.touch(row.tokenId, now);
      return toAuthUser(row, 'token');
    }
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie === undefined || cookie === '') return null;
    const session = await sessions.findWithOwner(sha256(cookie));
    if (session === null || session.disabled || session.expiresAt < new Date().toISOString()) return null;
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) {
        throw new AppError(403, 'csrf_failed', 'Missing or wrong CSRF token: reload the page and try again.');
      }
    }
    return toAuthUser(session, 'session', session.sessionId);
  }

  async function createSession(reply: FastifyReply, user: { id: string; workspaceId: string }): Promise<void> {
    const value = randomToken();
    const csrf = randomToken(18);
    const now = Date.now();
    await sessions.create({
      id: sha256(value), userId: user.id, workspaceId: user.workspaceId, csrfToken: csrf,
      createdAt: new Date(now).toISOString(), expiresAt: new Date(now + SESSION_TTL_MS).toISOString(),
    });
    const base = { ...cookieBase, maxAge: SESSION_TTL_MS / 1000 };
    reply.setCookie(SESSION_COOKIE, value, { ...base, httpOnly: true });
    reply.setCookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false });
  }

  /** Signs out: deletes the session and expires both cookies with the attributes they were set with. */
  async function destroySession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (cookie !== undefined && cookie !== '') await sessions.remove(sha256(cookie));
    reply.clearCookie(SESSION_COOKIE, { ...cookieBase, httpOnly: true });
    reply.clearCookie(CSRF_COOKIE, { ...cookieBase, httpOnly: false });
  }

  async function createApiToken(user: { id: string; workspaceId: string }, name: string, expiresAt: string | null = null): Promise<{ id: string; token: string }> {
    const token = `cw_${randomToken()}`;
    const id = crypto.randomUUID();
    await tokens.create({ id, userId: user.id, workspaceId: user.workspaceId, name, tokenHash: sha256(token), createdAt: new Date().toISOString(), expiresAt });
    return { id, token };
  }

  /**
   * Checks a password under the throttle: reserves an attempt on every counter first (429 when one of
   * them is pausing), then verifies. Parallel attempts therefore cannot all be checked.
   */
  async function throttledCheck(email: string, request: FastifyRequest, check: () => Promise<boolean>): Promise<boolean> {
    const addr = clientAddress(request.ip);
    const keys: [string, ThrottleRule][] = [
      [`ip:${addr}`, THROTTLE.address],
      [`user:${email}@ip:${addr}`, THROTTLE.accountAtAddress],
      [`user:${email}`, THROTTLE.account],
    ];
    const now = new Date();
    if (now.getTime() - lastPrune > PRUNE_EVERY_MS) {
      // Housekeeping at sign-in, at most every 10 minutes: ended throttle streaks and expired sessions.
      lastPrune = now.getTime();
      await attempts.prune(BACKOFF.decayMs, now);
      await sessions.removeExpired(now.toISOString());
    }
    for (const [key, rule] of keys) {
      const r = await attempts.reserve(key, rule, now);
      if (!r.ok) {
        const seconds = Math.ceil(r.retryAfterMs / 1000);
        throw new AppError(429, 'too_many_attempts', `Too many failed sign-ins. Try again in ${seconds < 120 ? `${seconds} second(s)` : `${Math.ceil(seconds / 60)} minute(s)`}.`, {
          retryAfterSeconds: seconds,
        });
      }
    }
    const ok = await check();
    if (ok) {
      await attempts.release(keys[0]![0], THROTTLE.address);
      await attempts.clear(keys[1]![0]);
      await attempts.clear(keys[2]![0]);
    } else {
      const failedAt = new Date();
      for (const [key, rule] of keys) await attempts.failed(key, rule, failedAt);
    }
    return ok;
  }

  /** Sign-in: the user when email and password match (and the account is enabled). */
  async function login(email: string, password: string, request: FastifyRequest): Promise<UserRecord> {
    let user: UserRecord | null = null;
    const ok = await throttledCheck(email, request, async () => {
      user = await users.byEmail(email);
      // Unknown accounts spend the same work, so timing does not reveal which emails exist.
      return user === null ? verifyAgainstDummy(password) : verifyPassword(user.passwordHash, password);
    });
    const found = user as UserRecord | null;
    if (!ok || found === null) throw new AppError(401, 'invalid_credentials', 'Wrong email or password.');
    if (found.disabled) throw new AppError(403, 'account_disabled', 'This account is disabled; ask an administrator to enable it.');
    await users.recordLogin(found.id, new Date().toISOString());
    if (needsRehash(found.passwordHash)) await users.setPassword(found.id, await hashPassword(password));
    return found;
  }

  /** Whether `password` is the signed-in user's current password (throttled like a sign-in). */
  async function checkOwnPassword(user: AuthUser, password: string, request: FastifyRequest): Promise<boolean> {
    return throttledCheck(user.email, request, async () => {
      const record = await users.byId(user.id);
      return record === null ? verifyAgainstDummy(password) : verifyPassword(record.passwordHash, password);
    });
  }

  return { resolve, createSession, destroySession, createApiToken, login, checkOwnPassword };
}

export type Auth = ReturnType<typeof createAuth>;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
