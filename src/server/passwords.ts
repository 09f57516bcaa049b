import crypto from 'node:crypto';
import argon2 from 'argon2';
import pLimit from 'p-limit';
import { AppError } from './errors.js';

/**
 * argon2id with the first of OWASP's equivalent recommendations (Password Storage Cheat Sheet: m = 46 MiB, t = 1,
 * p = 1) instead of the library default (64 MiB, t = 3, p = 4: ~0.9 s and 64 MiB per call on a busy 2-core machine).
 * Not the 19 MiB / t = 2 variant: glibc serves an allocation that size from the hashing thread's heap after the first
 * one and keeps it there, so every libuv thread that ever hashed held 19 MiB for the rest of the process (measured:
 * +40 MB RSS after a hash, a verify and a second hash). Above 32 MiB glibc always maps the block and gives it back
 * when the hash ends. Hashes made with other parameters still verify and are upgraded at the next sign-in.
 */
export const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 46 * 1024, timeCost: 1, parallelism: 1 } as const;

/**
 * Password hashing, capped for the whole process: a burst of sign-ins or user creations waits in one
 * queue (at most maxConcurrent at once, 46 MiB each while it runs) instead of exhausting memory and CPU; past
 * maxQueued waiting calls the request is refused with 503.
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
  return capped(() => argon2.hash(password, HASH_OPTIONS));
}

/** Whether a stored hash was made with other parameters than HASH_OPTIONS (then rehash at sign-in). */
export function needsRehash(hash: string): boolean {
  try {
    return argon2.needsRehash(hash, HASH_OPTIONS);
  } catch {
    return false;
  }
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
  dummy ??= argon2.hash(crypto.randomBytes(16).toString('hex'), HASH_OPTIONS);
  await verifyPassword(await dummy, password);
  return false;
}

/** How many hashing calls run and wait right now (for tests and metrics). */
export function hashingLoad(): { active: number; pending: number } {
  return { active: limit.activeCount, pending: limit.pendingCount };
}
