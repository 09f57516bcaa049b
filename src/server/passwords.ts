import crypto from 'node:crypto';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import { AppError } from './errors.js';

/**
 * Password hashing, capped for the whole process: argon2id costs ~64 MiB and a few hundred ms per
 * call, so a burst of sign-ins or user creations waits in one queue (at most MAX_CONCURRENT at once)
 * instead of exhausting memory; past MAX_QUEUED waiting calls the request is refused with 503.
 */
export const HASHING_LIMITS = { maxConcurrent: 2, maxQueued: 64 } as const;

const limit = pLimit(HASHING_LIMITS.maxConcurrent);

function capped<T>(fn: () => Promise<T>): Promise<T> {
  if (limit.pendingCount >= HASHING_LIMITS.maxQueued) {
    return Promise.reject(new AppError(503, 'server_busy', 'Too many sign-ins at once; try again in a few seconds.', { retryAfterSeconds: 2 }));
  }
  return limit(fn);
}

export function hashPassword(password: string): Promise<string> {
  return capped(() => argon2.hash(password, { type: argon2.argon2id }));
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return capped(async () => {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  });
}

let dummy: Promise<string> | null = null;

/** Spends the same work as a real check when the account does not exist, so timing does not reveal accounts. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= argon2.hash(crypto.randomBytes(16).toString('hex'), { type: argon2.argon2id });
  await verifyPassword(await dummy, password);
  return false;
}

/** How many hashing calls run and wait right now (for tests and metrics). */
export function hashingLoad(): { active: number; pending: number } {
  return { active: limit.activeCount, pending: limit.pendingCount };
}
