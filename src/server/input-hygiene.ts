import type { FastifyInstance } from 'fastify';
import { findUnusableText } from '../validation/text.js';
import { AppError } from './errors.js';

/**
 * Refuses NUL characters and unpaired surrogates anywhere in path parameters, query and body, with
 * 400 naming each field, before schema validation, handlers, drivers, URL builders or vendor calls.
 * One hook for every route, so a route added later is covered too.
 */
export function installInputHygiene(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const issues = [
      ...findUnusableText(request.params, 'params'),
      ...findUnusableText(request.query, 'query'),
      ...findUnusableText(request.body, 'body'),
    ];
    if (issues.length > 0) {
      throw new AppError(400, 'invalid_request', `Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, { issues });
    }
  });
}
