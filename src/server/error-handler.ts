import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, envelope, type ErrorEnvelope } from './errors.js';

/**
 * One error path for everything the server can answer with: route errors, Fastify's own errors
 * (bad %-encoding, over-long path parameters, unparsable or oversized bodies, unsupported media
 * types), errors raised by Node's HTTP parser before Fastify sees a request (431, malformed requests)
 * and requests arriving while the server shuts down. (Node's own 400 for a missing Host header is
 * avoided with `requireHostHeader: false`: such a request is answered like any other.) All answer the contract's envelope
 * `{"error":{code,message,details?}}`; a 400 lists its issues; a 5xx never shows internals.
 */

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  411: 'length_required',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  429: 'too_many_requests',
  431: 'headers_too_large',
};

/** Where a framework-level 400 lies, for `details.issues`. */
function issuePath(code: string | undefined): string {
  if (code === 'FST_ERR_BAD_URL') return 'url';
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return 'headers.content-length';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || code === 'FST_ERR_CTP_INVALID_TYPE') return 'headers.content-type';
  return 'body';
}

/** The envelope and status for any error; logs what is not the caller's fault. */
export function toErrorResponse(error: unknown, request: FastifyRequest): { status: number; body: ErrorEnvelope } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    // Issue paths start with where the field is: params, query, body or headers.
    const raw = (error as { validationContext?: string }).validationContext ?? 'body';
    const context = raw === 'querystring' ? 'query' : raw;
    const issues = error.validation.map((v) => ({
      path: [context, ...v.instancePath.split('/').filter((p) => p !== '')].join('.'),
      message: v.message ?? 'invalid',
    }));
    return { status: 400, body: envelope('invalid_request', `Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, { issues }) };
  }
  if (error instanceof AppError) return { status: error.statusCode, body: envelope(error.code, error.message, error.details) };
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'response did not match its schema');
    return { status: 500, body: envelope('internal_error', `Something went wrong on our side. Reference: ${request.id}`) };
  }
  const err = error as Partial<FastifyError>;
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = CODE_BY_STATUS[status] ?? 'request_error';
    const message = typeof err.message === 'string' && err.message !== '' ? err.message : 'Bad request';
    const details = status === 400 ? { issues: [{ path: issuePath(err.code), message }] } : undefined;
    return { status, body: envelope(code, message, details) };
  }
  request.log.error({ err: error }, 'unhandled error');
  return { status: 500, body: envelope('internal_error', `Something went wrong on our side. Reference: ${request.id}`) };
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(error, request);
  const retryAfter = body.error.details?.retryAfterSeconds;
  if ((status === 429 || status === 503) && typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/**
 * Errors Fastify raises before routing (bad %-encoding → 400, a path parameter over maxParamLength →
 * 414, a failing async constraint → 500). Passed as the `frameworkErrors` server option.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, request, reply) => {
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendError(new AppError(400, 'invalid_request', 'Invalid request: the URL is not valid percent-encoded UTF-8.', { issues: [{ path: 'url', message: 'is not valid percent-encoded UTF-8' }] }), request, reply);
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(new AppError(414, 'uri_too_long', 'A path segment of the URL is too long.'), request, reply);
  } else {
    void sendError(error, request, reply);
  }
};

/**
 * Errors from Node's HTTP parser (no request object exists yet): answered on the socket in the
 * envelope. Passed as the `clientErrorHandler` server option.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let status: number;
  let body: ErrorEnvelope;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    body = envelope('headers_too_large', 'The request line or headers are too large.');
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    body = envelope('request_timeout', 'The request took too long to arrive.');
  } else {
    status = 400;
    body = envelope('invalid_request', 'Invalid request: not a valid HTTP/1.1 request.', { issues: [{ path: 'request', message: 'is not a valid HTTP/1.1 request' }] });
  }
  if (socket.writable) {
    const text = JSON.stringify(body);
    const reason = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' }[status];
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  socket.destroy(err);
}

/**
 * Installs the error handler and the shutdown guard: while the server closes, requests still arriving
 * on open connections get 503 in the envelope (Fastify's own 503 is turned off with return503OnClosing).
 */
export function installErrorHandling(app: FastifyInstance): void {
  // Node answers an unsupported `Expect` header itself (417, empty body) unless someone listens.
  app.server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const text = JSON.stringify(envelope('expectation_failed', 'Only "Expect: 100-continue" is supported.'));
    res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
    res.end(text);
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new AppError(503, 'shutting_down', 'The server is restarting; try again in a moment.', { retryAfterSeconds: 5 });
  });
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
}
