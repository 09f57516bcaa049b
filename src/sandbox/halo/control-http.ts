/**
 * The control interface over HTTP: `/_sandbox/*`, no auth, JSON in and out.
 */
import { z } from 'zod';
import { faultSpecSchema } from '../shared/faults.js';
import { HALO_FAULT_TYPES } from './faults.js';
import type { HaloSandboxControl } from './types.js';

export interface ControlReply {
  status: number;
  json: unknown;
}

const faultSchema = faultSpecSchema(HALO_FAULT_TYPES);

const ticketInputSchema = z.object({
  clientId: z.number().int().optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  typeId: z.number().int().optional(),
  siteId: z.number().int().optional(),
  closed: z.boolean().optional(),
  statusId: z.number().int().optional(),
  dateOccurred: z.string().optional(),
  lastUpdate: z.string().optional(),
  oppValue: z.number().optional(),
});

const addTicketsSchema = z.object({
  count: z.number().int().nonnegative().optional(),
  tickets: z.array(ticketInputSchema).optional(),
});

const ticketPatchSchema = z.object({
  summary: z.string().optional(),
  details: z.string().optional(),
  clientId: z.number().int().optional(),
  typeId: z.number().int().optional(),
  statusId: z.number().int().optional(),
  closed: z.boolean().optional(),
  siteId: z.number().int().optional(),
  lastUpdate: z.string().optional(),
});

const clientSchema = z.object({
  name: z.string().optional(),
  inactive: z.boolean().optional(),
  website: z.string().optional(),
  domain: z.string().optional(),
  allowAllTypes: z.boolean().optional(),
  allowedTypeIds: z.array(z.number().int()).optional(),
  notes: z.string().optional(),
});

const appSchema = z.object({ clientId: z.string().min(1), clientSecret: z.string(), scopes: z.string(), noVisibility: z.boolean().optional() });

const rateLimitSchema = z.union([
  z.null(),
  z.object({ limit: z.number().int().nonnegative(), windowMs: z.number().int().positive(), retryAfterSeconds: z.number().nonnegative().optional() }),
]);

const behaviourSchema = z.object({
  noScopeStatus: z.union([z.literal(401), z.literal(403)]).optional(),
  invalidScopeStatus: z.number().int().optional(),
  newTokenVoidsOld: z.boolean().optional(),
  includeRefreshToken: z.boolean().optional(),
  rejectNeedlessTenant: z.boolean().optional(),
  pageSizeOverCap: z.enum(['clamp', 'reject']).optional(),
  clientListIncludesWebsite: z.boolean().optional(),
  missingRecord: z.enum(['404', 'empty200']).optional(),
  opportunityScope: z.enum(['crm', 'tickets']).optional(),
  typeStatusScope: z.enum(['none', 'tickets']).optional(),
  multiPostReply: z.enum(['array', 'first']).optional(),
  filterClientsByLastUpdate: z.boolean().optional(),
});

export const CONTROL_ENDPOINTS = [
  'GET    /_sandbox                      this list',
  'POST   /_sandbox/faults               {type, count?, pathPrefix?, method?, retryAfter?, delayMs?}',
  'GET    /_sandbox/faults',
  'DELETE /_sandbox/faults',
  'POST   /_sandbox/expire-tokens',
  'POST   /_sandbox/tickets              {count?} | {tickets:[{clientId?, summary?, typeId?, closed?, ...}]}',
  'PATCH  /_sandbox/tickets/:id          {summary?, statusId?, closed?, clientId?, typeId?, lastUpdate?} (bumps last_update)',
  'DELETE /_sandbox/tickets/:id',
  'POST   /_sandbox/churn                {deleteServed, create, afterTicketPages?} delete tickets already served on list pages, create new ones (now, or after N pages)',
  'GET    /_sandbox/churn                the planned churn and what it did',
  'POST   /_sandbox/clients              {name, inactive?, website?, domain?, allowAllTypes?, allowedTypeIds?}',
  'PATCH  /_sandbox/clients/:id',
  'DELETE /_sandbox/clients/:id',
  'POST   /_sandbox/apps                 {clientId, clientSecret, scopes, noVisibility?}',
  'DELETE /_sandbox/apps/:clientId',
  'GET    /_sandbox/requests             request log',
  'DELETE /_sandbox/requests',
  'GET    /_sandbox/stats',
  'GET    /_sandbox/data[?tickets=false] truth',
  'POST   /_sandbox/reset',
  'PUT    /_sandbox/rate-limit           {limit, windowMs, retryAfterSeconds?} | null',
  'PUT    /_sandbox/latency              {ms}',
  'GET    /_sandbox/behaviour',
  'PATCH  /_sandbox/behaviour            {noScopeStatus?, pageSizeOverCap?, missingRecord?, ...}',
];

function parse<T>(schema: z.ZodType<T>, body: unknown): { ok: true; value: T } | { ok: false; reply: ControlReply } {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, reply: { status: 400, json: { error: 'invalid_body', issues: r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) } } };
}

const OK: ControlReply = { status: 200, json: { ok: true } };
const NOT_FOUND: ControlReply = { status: 404, json: { error: 'not_found' } };

const METHOD_NOT_ALLOWED: ControlReply = { status: 405, json: { error: 'method_not_allowed' } };

/**
 * How the control interface changes one kind of record: POST creates (201), PATCH /:id updates,
 * DELETE /:id removes, and (when given) GET /:id shows one as stored.
 */
interface RecordOps<C, U> {
  create: { schema: z.ZodType<C>; run(input: C): unknown };
  update: { schema: z.ZodType<U>; run(id: number, patch: U): boolean };
  remove(id: number): boolean;
  get?(id: number): unknown;
}

/** Answers a request for one kind of record (`idSeg`: what follows its name in the path). */
type RecordRoute = (method: string, idSeg: string | undefined, body: unknown) => ControlReply;

function recordRoute<C, U>(ops: RecordOps<C, U>): RecordRoute {
  return (method, idSeg, body) => {
    if (method === 'POST' && idSeg === undefined) {
      const p = parse(ops.create.schema, body ?? {});
      return p.ok ? { status: 201, json: ops.create.run(p.value) } : p.reply;
    }
    const id = idSeg !== undefined && /^\d+$/.test(idSeg) ? Number(idSeg) : undefined;
    if (id === undefined) return METHOD_NOT_ALLOWED;
    if (method === 'PATCH') {
      const p = parse(ops.update.schema, body ?? {});
      if (!p.ok) return p.reply;
      return ops.update.run(id, p.value) ? OK : NOT_FOUND;
    }
    if (method === 'DELETE') return ops.remove(id) ? OK : NOT_FOUND;
    if (method === 'GET' && ops.get !== undefined) {
      const found = ops.get(id);
      return found === undefined ? NOT_FOUND : { status: 200, json: found };
    }
    return METHOD_NOT_ALLOWED;
  };
}

export function handleControl(control: HaloSandboxControl, method: string, path: string, query: URLSearchParams, rawBody: string): ControlReply {
  let body: unknown = undefined;
  if (rawBody.trim()) {
    try {
      body = JSON.parse(rawBody);
    } catch {
      return { status: 400, json: { error: 'invalid_json' } };
    }
  }
  const segs = path.split('/').filter(Boolean).slice(1); // drop "_sandbox"
  const [what, idSeg] = segs;
  const m = method.toUpperCase();
  const ok = (json?: unknown): ControlReply => (json === undefined ? OK : { status: 200, json });
  const records: Record<string, RecordRoute> = {
    tickets: recordRoute({
      create: { schema: addTicketsSchema, run: (input) => ({ ids: control.addTickets(input) }) },
      update: { schema: ticketPatchSchema, run: (id, patch) => control.updateTicket(id, patch) },
      remove: (id) => control.deleteTicket(id),
      get: (id) => control.getTicket(id),
    }),
    clients: recordRoute({
      create: { schema: clientSchema, run: (input) => ({ id: control.addClient(input) }) },
      update: { schema: clientSchema, run: (id, patch) => control.updateClient(id, patch) },
      remove: (id) => control.deleteClient(id),
    }),
  };
  const recordsRoute = what !== undefined && Object.hasOwn(records, what) ? records[what] : undefined;
  if (recordsRoute !== undefined) return recordsRoute(m, idSeg, body);

  switch (what) {
    case undefined:
      return ok({ endpoints: CONTROL_ENDPOINTS });
    case 'faults':
      if (m === 'GET') return ok({ faults: control.listFaults() });
      if (m === 'DELETE') {
        control.clearFaults();
        return ok();
      }
      if (m === 'POST') {
        const specs = Array.isArray(body) ? body : [body];
        const added = [];
        for (const s of specs) {
          const p = parse(faultSchema, s);
          if (!p.ok) return p.reply;
          added.push(control.addFault(p.value));
        }
        return ok({ faults: added });
      }
      break;
    case 'churn':
      if (m === 'GET') return ok({ plans: control.churnPlans() });
      if (m === 'POST') {
        const p = parse(z.object({
          deleteServed: z.number().int().nonnegative(),
          create: z.number().int().nonnegative(),
          afterTicketPages: z.number().int().positive().optional(),
        }), body ?? {});
        if (!p.ok) return p.reply;
        return ok(control.churnTickets(p.value));
      }
      break;
    case 'expire-tokens':
      if (m === 'POST') return ok({ expired: control.expireTokens() });
      break;
    case 'apps':
      if (m === 'POST' && idSeg === undefined) {
        const p = parse(appSchema, body);
        if (!p.ok) return p.reply;
        control.addApp(p.value);
        return { status: 201, json: { clientId: p.value.clientId, scopes: p.value.scopes } };
      }
      if (idSeg !== undefined && m === 'DELETE') return control.removeApp(decodeURIComponent(idSeg)) ? ok() : NOT_FOUND;
      break;
    case 'requests':
      if (m === 'GET') return ok({ requests: control.requests() });
      if (m === 'DELETE') {
        control.clearRequests();
        return ok();
      }
      break;
    case 'stats':
      if (m === 'GET') return ok(control.stats());
      break;
    case 'data':
      if (m === 'GET') return ok(control.data({ tickets: query.get('tickets') !== 'false' }));
      break;
    case 'reset':
      if (m === 'POST') {
        control.reset();
        return ok();
      }
      break;
    case 'rate-limit':
      if (m === 'PUT' || m === 'POST') {
        const p = parse(rateLimitSchema, body ?? null);
        if (!p.ok) return p.reply;
        control.setRateLimit(p.value);
        return ok();
      }
      break;
    case 'latency':
      if (m === 'PUT' || m === 'POST') {
        const p = parse(z.object({ ms: z.number().nonnegative() }), body);
        if (!p.ok) return p.reply;
        control.setLatency(p.value.ms);
        return ok();
      }
      break;
    case 'behaviour':
      if (m === 'GET') return ok(control.setBehaviour({}));
      if (m === 'PATCH' || m === 'PUT' || m === 'POST') {
        const p = parse(behaviourSchema, body ?? {});
        if (!p.ok) return p.reply;
        return ok(control.setBehaviour(p.value));
      }
      break;
    default:
      return NOT_FOUND;
  }
  return METHOD_NOT_ALLOWED;
}
