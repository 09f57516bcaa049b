/**
 * Small node:http helpers shared by the vendor sandboxes (no framework).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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
