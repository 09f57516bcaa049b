/**
 * Small node:http helpers shared by the vendor sandboxes (no framework).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A fully rendered response, so that faults (truncation) can be applied after rendering. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonReply(status: number, payload: unknown, contentType = 'application/json; charset=utf-8', extraHeaders: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': contentType, ...extraHeaders }, body: JSON.stringify(payload) };
}

export function htmlReply(status: number, html: string, extraHeaders: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...extraHeaders }, body: html };
}

export function emptyReply(status = 204): Reply {
  return { status, headers: {}, body: '' };
}

/** Sends a reply. With `truncate`, announces the full Content-Length, sends half the body and drops the connection. */
export function sendReply(res: ServerResponse, reply: Reply, opts: { truncate?: boolean } = {}): void {
  const buf = Buffer.from(reply.body, 'utf8');
  const headers: Record<string, string | number> = { ...reply.headers, 'content-length': buf.length };
  if (opts.truncate) {
    headers.connection = 'close';
    res.writeHead(reply.status, headers);
    const half = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
    res.write(half, () => {
      res.socket?.destroySoon?.();
      setTimeout(() => res.socket?.destroy(), 20).unref();
    });
    return;
  }
  res.writeHead(reply.status, headers);
  res.end(buf);
}

export async function readBody(req: IncomingMessage, limitBytes = 5 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limitBytes) throw new Error('body too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a JSON body; an empty body is `{}`. Throws SyntaxError on bad JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  return JSON.parse(text) as unknown;
}

export interface QueryParam {
  /** decoded key, e.g. `filter[organization_id]` whether sent raw or as `filter%5Borganization_id%5D` */
  key: string;
  value: string;
}

function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Splits a raw query string without URLSearchParams' normalisation surprises; keeps order and repeats. */
export function parseQuery(rawQuery: string): QueryParam[] {
  if (!rawQuery) return [];
  const out: QueryParam[] = [];
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push({ key: decodeComponent(k), value: decodeComponent(v) });
  }
  return out;
}

export function splitPathAndQuery(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Starts listening on `port` (0 = any free one) and `host`; resolves the port and the base URL clients
 * use (a wildcard host is reached as 127.0.0.1, an IPv6 address in brackets).
 */
export async function listen(server: Server, port: number, host: string): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return { port: bound, url: `http://${urlHost}:${bound}` };
}

/** A request's method (upper case) and path (lower case, slashes folded, no trailing slash), and its URL. */
export function requestTarget(req: IncomingMessage): { url: URL; path: string; method: string } {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  let path = url.pathname.toLowerCase().replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return { url, path, method: (req.method ?? 'GET').toUpperCase() };
}

export interface SandboxServer {
  /** Runs `fn` after `ms` unless the server closes first (e.g. dropping a hung request's socket later). */
  later(ms: number, fn: () => void): void;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  /** Stops at once: pending `later` calls are dropped and every connection (hung requests too) is destroyed. */
  close(): Promise<void>;
}

/**
 * A sandbox's node:http server around `handle`. When `handle` fails, `onError` answers the request, unless an answer
 * has begun or the response is gone (the connection is then dropped). Connections are tracked so that close() ends
 * requests the sandbox keeps hanging on purpose.
 */
export function createSandboxServer(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (res: ServerResponse, err: unknown) => void,
): SandboxServer {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) onError(res, err);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (closing) s.destroy();
  });
  return {
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
    listen: (port, host) => listen(server, port, host),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}
