/**
 * startSyncroSandbox: one node:http server playing Syncro's REST API under `/api/v1` (syncro.md) and the sandbox
 * control interface under `/_sandbox`. Every uncertain item of the document is a variant (`SyncroVariants`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { createFaultQueue, faultSpecSchema, playAfterCreate, retryAfterHeader, takeRequestFault } from '../shared/faults.js';
import { createSandboxServer, delay, readBody, requestTarget } from '../shared/http.js';
import { RecordTable, copyDefined } from '../shared/records.js';
import { createRequestLog, type RequestLogEntry } from '../shared/request-log.js';
import { createRollingWindow } from '../shared/rolling-window.js';
import { DEFAULT_SEED, createRng } from '../seed/businesses.js';
import { ISSUE_TYPES, generateSyncroData, syncroTime, ticketFactory, type SCustomer, type STicket } from './seed-data.js';
import {
  SYNCRO_FAULT_TYPES, SYNCRO_PERMISSIONS, type Fault, type SyncroPermission, type SyncroSandbox, type SyncroSandboxControl,
  type SyncroSandboxOptions, type SyncroSandboxToken, type SyncroVariants, type TicketInput,
} from './types.js';

export const SYNCRO_SANDBOX_DEFAULTS = {
  apiToken: 'syncro-sandbox-token',
  ticketCount: 3000,
  rateLimit: { limit: 180, windowMs: 60_000 },
  seed: DEFAULT_SEED,
  pageSize: 25,
} as const;

export const DEFAULT_VARIANTS: SyncroVariants = {
  perPage: 'ignored',
  perPageCap: 100,
  since: 'timestamp',
  sinceParam: 'since_updated_at',
  missingPermissionStatus: 403,
  me: true,
  ticketNumber: 'int',
  issueTypes: 'settings',
  postStatus: 200,
  comment: 'comments_attributes',
  errorBody: 'error',
  retryAfter: false,
  querySearchesComments: true,
  listIncludesComments: false,
  bearerOptional: false,
  includeDisabledHonoured: true,
  offsetMinutes: -300,
};

const API = '/api/v1';
const UNLIMITED_WINDOW_MS = 60_000;

interface Reply {
  status: number;
  json?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** a fault to play after the work was done (POST) */
  after?: Fault;
}

/** A fault's `pathPrefix` relative to the API (`/tickets`) or absolute (`/api/v1/tickets`); none: every API request. */
export function matchSyncroPath(path: string, prefix: string | undefined): boolean {
  if (prefix === undefined || prefix === '') return path === API || path.startsWith(`${API}/`);
  const p = prefix.toLowerCase().split('?')[0] ?? '';
  return path.startsWith(p) || path.startsWith(`${API}${p.startsWith('/') ? p : `/${p}`}`);
}

export async function startSyncroSandbox(opts: SyncroSandboxOptions = {}): Promise<SyncroSandbox> {
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? SYNCRO_SANDBOX_DEFAULTS.seed;
  const initialVariants: SyncroVariants = { ...DEFAULT_VARIANTS, ...(opts.variants ?? {}) };
  const initialTokens = (opts.tokens ?? [{ token: SYNCRO_SANDBOX_DEFAULTS.apiToken }]).map((t) => ({ ...t }));
  const initialRate = opts.rateLimit === undefined ? { ...SYNCRO_SANDBOX_DEFAULTS.rateLimit } : opts.rateLimit;

  let variants = { ...initialVariants };
  let latencyMs = opts.latencyMs ?? 0;
  const window = createRollingWindow(initialRate?.limit ?? 0, initialRate?.windowMs ?? UNLIMITED_WINDOW_MS);
  const faults = createFaultQueue({ types: SYNCRO_FAULT_TYPES, matchPath: matchSyncroPath });
  const log = createRequestLog(100_000);
  let tokens = new Map<string, SyncroSandboxToken>();
  const customers = new RecordTable<SCustomer>('customer');
  const tickets = new RecordTable<STicket>('ticket');
  let nextCustomerId = 0;
  let ticketsCreated = 0;
  let factory = ticketFactory(createRng(seed ^ 0xadd), { ticketId: 0, number: 0, commentId: 0 });

  function load(): void {
    const d = generateSyncroData({
      seed, now: now(), ticketCount: opts.ticketCount ?? SYNCRO_SANDBOX_DEFAULTS.ticketCount,
      ...(opts.customerCount === undefined ? {} : { customerCount: opts.customerCount }),
      ...(opts.businessCount === undefined ? {} : { businessCount: opts.businessCount }),
      ...(opts.individuals === undefined ? {} : { individuals: opts.individuals }),
    });
    customers.load(d.customers);
    tickets.load(d.tickets);
    nextCustomerId = d.nextCustomerId;
    factory = ticketFactory(createRng(seed ^ 0xadd), { ticketId: d.nextTicketId, number: d.nextTicketNumber, commentId: d.nextCommentId });
    tokens = new Map(initialTokens.map((t) => [t.token, { ...t }]));
    ticketsCreated = 0;
  }
  load();

  // ---- rendering ----------------------------------------------------------------------------------
  const time = (ms: number | null): string | null => (ms === null ? null : syncroTime(ms, variants.offsetMinutes));
  const displayName = (c: SCustomer): string => (c.businessName !== '' ? c.businessName : `${c.firstname} ${c.lastname}`.trim());
  const renderCustomer = (c: SCustomer) => ({
    id: c.id,
    business_name: c.businessName,
    firstname: c.firstname,
    lastname: c.lastname,
    business_and_full_name: c.businessName !== '' ? `${c.businessName} (${c.firstname} ${c.lastname})` : `${c.firstname} ${c.lastname}`,
    business_then_name: displayName(c),
    email: c.email,
    phone: c.phone,
    mobile: '',
    address: '1 Main St',
    address_2: '',
    city: c.city,
    state: '',
    zip: '',
    notes: '',
    disabled: c.disabled,
    created_at: time(c.createdAt),
    updated_at: time(c.updatedAt),
    properties: {},
  });
  const renderTicket = (t: STicket, withComments: boolean) => {
    const c = customers.get(t.customerId);
    return {
      id: t.id,
      number: variants.ticketNumber === 'string' ? String(t.number) : t.number,
      subject: t.subject,
      customer_id: t.customerId,
      customer_business_then_name: c === undefined ? '' : displayName(c),
      problem_type: t.problemType,
      status: t.status,
      created_at: time(t.createdAt),
      updated_at: time(t.updatedAt),
      resolved_at: time(t.resolvedAt),
      due_date: null,
      user_id: 7,
      contact_id: null,
      properties: {},
      ...(withComments
        ? { comments: t.comments.map((m) => ({ id: m.id, subject: m.subject, body: m.body, hidden: m.hidden, created_at: time(m.createdAt) })) }
        : {}),
    };
  };

  function errorReply(status: number, message: string, field?: string): Reply {
    switch (variants.errorBody) {
      case 'errors-array':
        return { status, json: { errors: [message] } };
      case 'errors-object':
        return { status, json: { errors: { [field ?? 'base']: [message] } } };
      case 'message':
        return { status, json: { message } };
      default:
        return { status, json: { error: message } };
    }
  }

  /** Syncro's (Rails') answer to an unexpected failure. */
  const serverError = (): Reply => errorReply(500, 'We\'re sorry, but something went wrong.');

  // ---- filters ------------------------------------------------------------------------------------
  /** A filter date: a date only is midnight in the account's zone; a timestamp, cut to that day in `date-only` mode. */
  function sinceInstant(raw: string): number | null {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
    const offsetMs = variants.offsetMinutes * 60_000;
    if (dateOnly) return Date.parse(`${raw}T00:00:00Z`) - offsetMs;
    const ms = Date.parse(raw);
    if (!Number.isFinite(ms)) return null;
    if (variants.since === 'timestamp') return ms;
    const local = new Date(ms + offsetMs).toISOString().slice(0, 10);
    return Date.parse(`${local}T00:00:00Z`) - offsetMs;
  }

  function pageOf<T>(rows: T[], query: URLSearchParams, req: { method: string; path: string }): { slice: T[]; meta: Record<string, number> } | Reply {
    const pageRaw = query.get('page') ?? '1';
    const page = /^\d+$/.test(pageRaw) ? Number(pageRaw) : NaN;
    if (!Number.isInteger(page) || page < 1) return errorReply(422, 'page must be a positive integer', 'page');
    let perPage: number = SYNCRO_SANDBOX_DEFAULTS.pageSize;
    const asked = query.get('per_page');
    if (variants.perPage === 'honoured' && asked !== null && /^\d+$/.test(asked) && Number(asked) > 0) perPage = Math.min(Number(asked), variants.perPageCap);
    const totalPages = Math.max(1, Math.ceil(rows.length / perPage));
    // repeat-page: a page after the first serves page 1 again (an endpoint ignoring `page`).
    const served = page > 1 && faults.take(req, ['repeat-page']) !== null ? 1 : page;
    return { slice: rows.slice((served - 1) * perPage, served * perPage), meta: { total_pages: totalPages, total_entries: rows.length, per_page: perPage, page: served } };
  }

  // ---- auth ---------------------------------------------------------------------------------------
  function authorize(header: string | undefined): SyncroSandboxToken | Reply {
    const h = (header ?? '').trim();
    let value: string | null = null;
    if (/^bearer\s+/i.test(h)) value = h.replace(/^bearer\s+/i, '');
    else if (variants.bearerOptional && h !== '') value = h;
    const t = value === null ? undefined : tokens.get(value);
    if (t === undefined || t.expired === true) return errorReply(401, 'Not authorized: your API token is invalid or expired');
    return t;
  }
  const can = (t: SyncroSandboxToken, p: SyncroPermission): boolean => t.permissions === undefined || t.permissions.includes(p);
  const denied = (p: SyncroPermission): Reply => errorReply(variants.missingPermissionStatus, `Your API token does not have the permission: ${p}`);

  // ---- the API ------------------------------------------------------------------------------------
  function api(method: string, path: string, query: URLSearchParams, body: string, auth: SyncroSandboxToken): Reply {
    const rel = path.slice(API.length) || '/';
    if (method === 'GET' && rel === '/me') {
      if (!variants.me) return { status: 404, json: { error: 'Not found' } };
      return { status: 200, json: { user: { id: 7, email: 'api@sandbox.example', full_name: 'API User', group: 'Admin' } } };
    }
    if (method === 'GET' && rel === '/customers') {
      if (!can(auth, 'Customers - List/Search')) return denied('Customers - List/Search');
      const includeDisabled = !variants.includeDisabledHonoured || query.get('include_disabled') === 'true';
      const q = (query.get('query') ?? '').toLowerCase();
      const rows = auth.seesNothing === true ? [] : customers.rows
        .filter((c) => includeDisabled || !c.disabled)
        .filter((c) => q === '' || `${displayName(c)} ${c.email}`.toLowerCase().includes(q))
        .sort((a, b) => displayName(a).localeCompare(displayName(b)) || a.id - b.id);
      const p = pageOf(rows, query, { method, path });
      if ('status' in p) return p;
      return { status: 200, json: { customers: p.slice.map(renderCustomer), meta: p.meta } };
    }
    const customerMatch = /^\/customers\/(\d+)$/.exec(rel);
    if (method === 'GET' && customerMatch !== null) {
      if (!can(auth, 'Customers - View Detail')) return denied('Customers - View Detail');
      const c = customers.get(Number(customerMatch[1]));
      return c === undefined ? errorReply(404, 'Record not found') : { status: 200, json: { customer: renderCustomer(c) } };
    }
    if (method === 'GET' && (rel === '/tickets/settings' || rel === '/ticket_problem_types')) {
      const served = rel === '/tickets/settings' ? variants.issueTypes === 'settings' : variants.issueTypes === 'problem_types';
      if (!served) return { status: 404, json: { error: 'Not found' } };
      if (!can(auth, 'Tickets - List/Search')) return denied('Tickets - List/Search');
      return rel === '/tickets/settings'
        ? { status: 200, json: { problem_types: [...ISSUE_TYPES], ticket_status_list: ['New', 'In Progress', 'Waiting on Customer', 'Scheduled', 'Customer Reply', 'Resolved'] } }
        : { status: 200, json: { problem_types: ISSUE_TYPES.map((name, i) => ({ id: i + 1, name })) } };
    }
    if (method === 'GET' && rel === '/tickets') {
      if (!can(auth, 'Tickets - List/Search')) return denied('Tickets - List/Search');
      let rows = auth.seesNothing === true ? [] : tickets.rows;
      const customerId = query.get('customer_id');
      if (customerId !== null) rows = rows.filter((t) => String(t.customerId) === customerId);
      const status = query.get('status');
      if (status !== null) rows = rows.filter((t) => t.status === status);
      const since = query.get(variants.sinceParam);
      if (since !== null) {
        const at = sinceInstant(since);
        if (at === null) return errorReply(422, `${variants.sinceParam} is not a date`, variants.sinceParam);
        rows = rows.filter((t) => t.updatedAt >= at);
      }
      const createdAfter = query.get('created_after');
      if (createdAfter !== null) {
        const at = Date.parse(createdAfter);
        if (Number.isFinite(at)) rows = rows.filter((t) => t.createdAt >= at);
      }
      const q = (query.get('query') ?? '').toLowerCase();
      if (q !== '') {
        rows = rows.filter((t) => t.subject.toLowerCase().includes(q) || String(t.number) === q
          || (variants.querySearchesComments && t.comments.some((m) => m.body.toLowerCase().includes(q))));
      }
      rows = rows.slice().sort((a, b) => b.id - a.id);
      const p = pageOf(rows, query, { method, path });
      if ('status' in p) return p;
      return { status: 200, json: { tickets: p.slice.map((t) => renderTicket(t, variants.listIncludesComments)), meta: p.meta } };
    }
    const ticketMatch = /^\/tickets\/(\d+)$/.exec(rel);
    if (method === 'GET' && ticketMatch !== null) {
      if (!can(auth, 'Tickets - View Details')) return denied('Tickets - View Details');
      const t = tickets.get(Number(ticketMatch[1]));
      return t === undefined ? errorReply(404, 'Record not found') : { status: 200, json: { ticket: renderTicket(t, true) } };
    }
    if (method === 'POST' && rel === '/tickets') return createTicket(body, auth);
    return { status: 404, json: { error: 'Not found' } };
  }

  function createTicket(raw: string, auth: SyncroSandboxToken): Reply {
    if (!can(auth, 'Tickets - Create')) return denied('Tickets - Create');
    let body: unknown;
    try {
      body = JSON.parse(raw === '' ? '{}' : raw);
    } catch {
      return errorReply(400, 'The body is not JSON');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return errorReply(422, 'Send one ticket as a JSON object');
    const b = body as Record<string, unknown>;
    const customer = customers.get(Number(b.customer_id));
    if (customer === undefined) return errorReply(422, 'Customer must exist', 'customer_id');
    if (typeof b.subject !== 'string' || b.subject.trim() === '') return errorReply(422, "Subject can't be blank", 'subject');
    const at = now();
    const t = factory.make(customer, at, at + 1000, { resolved: false });
    t.subject = b.subject;
    t.problemType = typeof b.problem_type === 'string' ? b.problem_type : '';
    t.status = typeof b.status === 'string' && b.status !== '' ? b.status : 'New';
    t.updatedAt = at;
    t.comments = [];
    const attrs = Array.isArray(b.comments_attributes) ? b.comments_attributes : [];
    if (variants.comment !== 'comment_body') {
      for (const a of attrs) {
        if (typeof a !== 'object' || a === null) continue;
        const c = a as Record<string, unknown>;
        t.comments.push({ id: factory.next.commentId++, subject: String(c.subject ?? ''), body: String(c.body ?? ''), hidden: c.hidden === true, createdAt: at });
      }
    }
    if (variants.comment !== 'comments_attributes' && typeof b.comment_body === 'string') {
      t.comments.push({ id: factory.next.commentId++, subject: 'Initial Issue', body: b.comment_body, hidden: false, createdAt: at });
    }
    tickets.add(t);
    ticketsCreated++;
    const after = faults.take({ method: 'POST', path: `${API}/tickets` }, ['post-timeout-after-create', 'reset-after-create', '500-after-create']);
    return { status: variants.postStatus, json: { ticket: renderTicket(t, true) }, ...(after === null ? {} : { after }) };
  }

  // ---- control --------------------------------------------------------------------------------------
  const customerFrom = (input: { businessName?: string; firstname?: string; lastname?: string; email?: string; phone?: string; disabled?: boolean }, into: SCustomer): void => {
    copyDefined(into, input, ['businessName', 'firstname', 'lastname', 'email', 'phone', 'disabled']);
    into.updatedAt = now();
  };
  const ticketFrom = (input: TicketInput, into: STicket): void => {
    if (input.customerId !== undefined && customers.has(input.customerId)) into.customerId = input.customerId;
    copyDefined(into, input, ['subject', 'problemType']);
    if (input.status !== undefined) {
      into.status = input.status;
      into.resolvedAt = input.status === 'Resolved' ? now() : null;
    }
    if (input.comment !== undefined) into.comments.push({ id: factory.next.commentId++, subject: 'Update', body: input.comment, hidden: false, createdAt: now() });
    into.updatedAt = now();
  };

  const control: SyncroSandboxControl = {
    addFault: (f) => faults.add(f),
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    variants: () => ({ ...variants }),
    setVariants: (v) => {
      variants = { ...variants, ...v };
      return { ...variants };
    },
    addToken: (t) => {
      tokens.set(t.token, { ...t });
    },
    expireToken: (token) => {
      const t = tokens.get(token);
      if (t !== undefined) t.expired = true;
    },
    addCustomer: (input) => {
      const c: SCustomer = { id: nextCustomerId++, businessName: '', firstname: '', lastname: '', email: '', phone: '', city: 'Springfield', disabled: false, createdAt: now(), updatedAt: now(), businessKey: null };
      customerFrom(input, c);
      return customers.add(c).id;
    },
    updateCustomer: (id, patch) => customerFrom(patch, customers.require(id)),
    deleteCustomer: (id) => customers.remove(id),
    addTickets: (input) => {
      const specs: TicketInput[] = input.tickets ?? Array.from({ length: input.count ?? 1 }, () => ({}));
      return specs.map((spec) => {
        const customer = customers.get(spec.customerId ?? -1) ?? customers.rows[(factory.next.ticketId * 7) % customers.rows.length]!;
        const t = factory.make(customer, now() - 1000, now(), { resolved: false });
        t.updatedAt = now();
        ticketFrom(spec, t);
        return tickets.add(t).id;
      });
    },
    updateTicket: (id, patch) => ticketFrom(patch, tickets.require(id)),
    deleteTicket: (id) => tickets.remove(id),
    getTicket: (id) => tickets.get(id),
    getCustomer: (id) => customers.get(id),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    stats: () => ({ ...log.stats(), ticketsCreated, customers: customers.rows.length, tickets: tickets.rows.length, maxInWindow: window.maxInWindow }),
    data: () => ({
      now: new Date(now()).toISOString(),
      customers: customers.rows.slice().sort((a, b) => a.id - b.id).map((c) => ({ id: c.id, name: displayName(c), disabled: c.disabled, businessKey: c.businessKey, email: c.email, phone: c.phone })),
      customerIds: customers.rows.map((c) => c.id).sort((a, b) => a - b),
      ticketIds: tickets.rows.map((t) => t.id).sort((a, b) => a - b),
      issueTypes: [...ISSUE_TYPES],
    }),
    setRateLimit: (rl) => window.configure(rl?.limit ?? 0, rl?.windowMs ?? UNLIMITED_WINDOW_MS, { fresh: true }),
    setLatency: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    reset: () => {
      load();
      faults.clear();
      log.clear();
      variants = { ...initialVariants };
      latencyMs = opts.latencyMs ?? 0;
      window.reset();
      window.configure(initialRate?.limit ?? 0, initialRate?.windowMs ?? UNLIMITED_WINDOW_MS);
    },
  };

  // ---- HTTP ---------------------------------------------------------------------------------------
  function send(res: ServerResponse, r: Reply): void {
    const body = r.raw ?? JSON.stringify(r.json ?? {});
    res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...(r.headers ?? {}) });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const perf = performance.now();
    const { url, path, method } = requestTarget(req);
    const body = await readBody(req, 5 * 1024 * 1024);

    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
      send(res, controlHttp(control, method, path.slice('/_sandbox'.length), body));
      return;
    }
    const entry: RequestLogEntry = { method, path: `${url.pathname}${url.search}`, status: 0, time: new Date(now()).toISOString(), durationMs: 0 };
    res.on('close', () => {
      entry.durationMs = Math.round(performance.now() - perf);
      if (res.headersSent) entry.status = res.statusCode;
      log.add(entry);
    });
    if (path !== API && !path.startsWith(`${API}/`)) {
      send(res, { status: 404, raw: '<!DOCTYPE html><html><body><h1>The page you were looking for doesn\'t exist.</h1></body></html>', contentType: 'text/html; charset=utf-8' });
      return;
    }
    const f = await takeRequestFault(faults, { method, path }, entry, ['500', '502', '503', '429', 'reset', 'html404']);
    if (f !== null) {
      const retry = retryAfterHeader(f);
      if (f.type === 'reset') {
        req.socket.destroy();
        return;
      }
      if (f.type === 'html404') send(res, { status: 404, raw: '<html><body><h1>404 Not Found</h1></body></html>', contentType: 'text/html' });
      else if (f.type === '429') send(res, { ...errorReply(429, 'Rate limit exceeded'), ...(retry === undefined ? {} : { headers: retry }) });
      else if (f.type === '500') send(res, serverError());
      else send(res, { status: Number(f.type), raw: `<html><body><h1>${f.type}</h1></body></html>`, contentType: 'text/html', ...(retry === undefined ? {} : { headers: retry }) });
      return;
    }
    if (latencyMs > 0) await delay(latencyMs);
    if (!window.tryHit(now())) {
      const wait = Math.ceil(window.msUntilFree(now()) / 1000);
      send(res, { ...errorReply(429, 'Rate limit exceeded: 180 requests per minute'), ...(variants.retryAfter ? { headers: { 'retry-after': String(Math.max(1, wait)) } } : {}) });
      return;
    }
    const auth = authorize(req.headers.authorization);
    if ('status' in auth) {
      send(res, auth);
      return;
    }
    const r = api(method, path, url.searchParams, body, auth);
    if (r.after !== undefined) {
      playAfterCreate(r.after, entry, { socket: req.socket, later: server.later, answer500: () => send(res, serverError()) });
      return;
    }
    send(res, r);
  }

  const server = createSandboxServer(handle, (res, err) => send(res, { status: 500, json: { error: err instanceof Error ? err.message : String(err) } }));
  const { url } = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');
  return { url, baseUrl: `${url}${API}`, control, close: server.close };
}

// ---- the control interface over HTTP (no auth; JSON) ------------------------------------------------
const variantsSchema = z.object({
  perPage: z.enum(['ignored', 'honoured']),
  perPageCap: z.number().int().min(1),
  since: z.enum(['timestamp', 'date-only']),
  sinceParam: z.string().min(1),
  missingPermissionStatus: z.union([z.literal(401), z.literal(403)]),
  me: z.boolean(),
  ticketNumber: z.enum(['int', 'string']),
  issueTypes: z.enum(['settings', 'problem_types', 'none']),
  postStatus: z.union([z.literal(200), z.literal(201)]),
  comment: z.enum(['comments_attributes', 'comment_body', 'both']),
  errorBody: z.enum(['error', 'errors-array', 'errors-object', 'message']),
  retryAfter: z.boolean(),
  querySearchesComments: z.boolean(),
  listIncludesComments: z.boolean(),
  bearerOptional: z.boolean(),
  includeDisabledHonoured: z.boolean(),
  offsetMinutes: z.number().int().min(-720).max(840),
}).partial();
const tokenSchema = z.object({ token: z.string().min(1), permissions: z.array(z.enum(SYNCRO_PERMISSIONS)).optional(), expired: z.boolean().optional(), seesNothing: z.boolean().optional() });
const customerSchema = z.object({ businessName: z.string(), firstname: z.string(), lastname: z.string(), email: z.string(), phone: z.string(), disabled: z.boolean() }).partial();
const ticketSchema = z.object({ customerId: z.number().int(), subject: z.string(), problemType: z.string(), status: z.string(), comment: z.string() }).partial();
const rateSchema = z.union([z.null(), z.object({ limit: z.number().int().nonnegative(), windowMs: z.number().int().positive() })]);

function controlHttp(control: SyncroSandboxControl, method: string, path: string, raw: string): Reply {
  let body: unknown = {};
  try {
    body = raw.trim() === '' ? {} : JSON.parse(raw);
  } catch {
    return { status: 400, json: { error: 'body is not JSON' } };
  }
  const ok = (json: unknown): Reply => ({ status: 200, json });
  const parts = path.split('/').filter((p) => p !== '');
  try {
    const [a, id] = parts;
    if (a === undefined && method === 'GET') {
      return ok({ endpoints: ['GET data', 'GET|DELETE requests', 'GET|POST|DELETE faults', 'GET|POST variants', 'POST tokens', 'POST tokens/:token/expire', 'POST customers', 'PATCH|DELETE customers/:id', 'POST tickets', 'PATCH|DELETE tickets/:id', 'POST rate-limit', 'POST reset'] });
    }
    if (a === 'data' && method === 'GET') return ok(control.data());
    if (a === 'stats' && method === 'GET') return ok(control.stats());
    if (a === 'requests' && method === 'GET') return ok({ requests: control.requests() });
    if (a === 'requests' && method === 'DELETE') return ok((control.clearRequests(), { cleared: true }));
    if (a === 'faults' && method === 'GET') return ok({ faults: control.listFaults() });
    if (a === 'faults' && method === 'POST') return ok({ fault: control.addFault(faultSpecSchema(SYNCRO_FAULT_TYPES).parse(body)) });
    if (a === 'faults' && method === 'DELETE') return ok((control.clearFaults(), { cleared: true }));
    if (a === 'variants' && method === 'GET') return ok({ variants: control.variants() });
    if (a === 'variants' && method === 'POST') return ok({ variants: control.setVariants(variantsSchema.parse(body)) });
    if (a === 'tokens' && id === undefined && method === 'POST') return ok((control.addToken(tokenSchema.parse(body)), { added: true }));
    if (a === 'tokens' && id !== undefined && parts[2] === 'expire' && method === 'POST') return ok((control.expireToken(decodeURIComponent(id)), { expired: true }));
    if (a === 'customers' && id === undefined && method === 'POST') return ok({ id: control.addCustomer(customerSchema.parse(body)) });
    if (a === 'customers' && id !== undefined && method === 'PATCH') return ok((control.updateCustomer(Number(id), customerSchema.parse(body)), { updated: true }));
    if (a === 'customers' && id !== undefined && method === 'DELETE') return ok((control.deleteCustomer(Number(id)), { deleted: true }));
    if (a === 'tickets' && id === undefined && method === 'POST') {
      const b = z.object({ count: z.number().int().min(0).max(10_000).optional(), tickets: z.array(ticketSchema).optional() }).parse(body);
      return ok({ ids: control.addTickets({ ...(b.count === undefined ? {} : { count: b.count }), ...(b.tickets === undefined ? {} : { tickets: b.tickets }) }) });
    }
    if (a === 'tickets' && id !== undefined && method === 'PATCH') return ok((control.updateTicket(Number(id), ticketSchema.parse(body)), { updated: true }));
    if (a === 'tickets' && id !== undefined && method === 'DELETE') return ok((control.deleteTicket(Number(id)), { deleted: true }));
    if (a === 'rate-limit' && method === 'POST') return ok((control.setRateLimit(rateSchema.parse(body)), { set: true }));
    if (a === 'reset' && method === 'POST') return ok((control.reset(), { reset: true }));
    return { status: 404, json: { error: `unknown control endpoint ${method} /_sandbox${path}` } };
  } catch (e) {
    return { status: 400, json: { error: e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : e instanceof Error ? e.message : String(e) } };
  }
}
