import { errorEnvelope, type ErrorEnvelope } from '../shared/wire.js';

/** An error meant for the caller: its message is shown as is. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export { errorEnvelope, type ErrorEnvelope };

export function envelope(code: string, message: string, details?: Record<string, unknown>): ErrorEnvelope {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Response schemas for the error statuses a route can answer with. */
export function errors(...statuses: number[]): Record<number, typeof errorEnvelope> {
  const out: Record<number, typeof errorEnvelope> = {};
  for (const s of statuses) out[s] = errorEnvelope;
  return out;
}

export const notFound = (what: string): AppError => new AppError(404, 'not_found', `${what} not found`);
