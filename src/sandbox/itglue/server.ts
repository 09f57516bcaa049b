/**
 * IT Glue sandbox: a local HTTP server imitating the IT Glue API as shared/apis/itglue.md
 * describes it, plus a control interface under /_sandbox/* (no API key needed there).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { createFaultQueue, type Fault as SharedFault, type FaultSpec as SharedFaultSpec, type FaultType } from '../shared/faults.js';
import { createRollingWindow } from '../shared/rolling-window.js';
import { DEFAULT_SEED } from '../seed/businesses.js';
import {
  delay, emptyReply, htmlReply, jsonReply, listen, parseQuery, readJson, sendReply, splitPathAndQuery, type QueryParam, type Reply,
} from '../shared/http.js';
import { createRequestLog, type RequestLogEntry, type RequestStats } from '../shared/request-log.js';
import {
  createConfiguration, createDomain, createNamed, createOrganization, deleteConfiguration, deleteDomain, deleteOrganization,
  MutationError, updateConfiguration, updateDomain, updateNamed, updateOrganization,
  type ConfigurationInput, type ConfigurationPatch, type DomainInput, type DomainPatch, type NamedInput, type NamedPatch,
  type OrganizationInput, type OrganizationPatch,
} from './mutations.js';
import {
  ApiError, configurationsDef, contactsDef, domainsDef, organizationsDef, renderResource, sortRecords, statusesDef, typesDef,
  type RenderOptions, type ResourceDef,
} from './resources.js';
import { buildStore, type ItgConfigurationRecord, type ItgDomainRecord, type ItgNamedRecord, type ItgOrganizationRecord, type ItgStore } from './store.js';

export const JSON_API = 'application/vnd.api+json; charset=utf-8';

/** The shared fault types this sandbox plays (itglue.md §11: 429, 504 on large pages, HTML 404, and transport faults). */
export const ITGLUE_FAULT_TYPES = ['500', '502', '503', '504', '429', 'reset', 'slow', 'truncated', 'html404'] as const satisfies readonly FaultType[];
export type ItGlueFaultType = (typeof ITGLUE_FAULT_TYPES)[number];

/** Behaviour switches, mostly for the points itglue.md marks "uncertain — keep configurable". */
export interface ItGlueSandboxBehaviour {
  /** largest page size (1000) */
  maxPageSize: number;
  /** page[size] above the maximum: clamp to it (default) or answer 422 */
  oversizePage: 'clamp' | 'error';
  /** kebab-case names in filter[...] / sort: 400 (default), silently ignored, or accepted as snake_case */
  kebabNames: 'error' | 'ignore' | 'accept';
  /** filter names a collection does not know (e.g. filter[updated_at] on configurations): 400 (default) or ignored */
  unknownFilters: 'error' | 'ignore';
  /** meta.filters: echo the applied filters (default) or always {} */
  metaFilters: 'echo' | 'empty';
  /** links: `page%5Bnumber%5D` (default), raw brackets, or no links member at all */
  links: 'encoded' | 'raw' | 'none';
  /** body of a 404 for an unknown id: JSON:API errors (default) or the HTML page */
  notFoundBody: 'jsonapi' | 'html';
  /** missing / wrong key: 403 {"message":"Forbidden"} (default), 403 JSON:API errors, or the older 401 */
  authFailure: '403-message' | '403-jsonapi' | '401';
  /** Retry-After seconds on rate-limit 429s (null = no header, the default) */
  rateLimitRetryAfter: number | null;
  /** refuse created_at/updated_at ranges longer than this many days with 422 (null = never) */
  maxDateRangeDays: number | null;
  /** filter[name]: exact (default) or case-insensitive substring */
  nameFilter: 'exact' | 'substring';
  /** include `psa-id` / `psa-integration` on organizations (default false: absent) */
  organizationPsaFields: boolean;
  /** delete through the control interface takes effect after this many ms (IT Glue deletes asynchronously) */
  deleteDelayMs: number;
  /** added to every API response */
  latencyMs: number;
  /** base for absolute links (default: http://<Host header>) */
  publicUrl: string | null;
}

export const DEFAULT_BEHAVIOUR: ItGlueSandboxBehaviour = {
  maxPageSize: 1000,
  oversizePage: 'clamp',
  kebabNames: 'error',
  unknownFilters: 'error',
  metaFilters: 'echo',
  links: 'encoded',
  notFoundBody: 'jsonapi',
  authFailure: '403-message',
  rateLimitRetryAfter: null,
  maxDateRangeDays: null,
  nameFilter: 'exact',
  organizationPsaFields: false,
  deleteDelayMs: 0,
  latencyMs: 0,
  publicUrl: null,
};

const behaviourPatchSchema = z.object({
  maxPageSize: z.number().int().min(1),
  oversizePage: z.enum(['clamp', 'error']),
  kebabNames: z.enum(['error', 'ignore', 'accept']),
  unknownFilters: z.enum(['error', 'ignore']),
  metaFilters: z.enum(['echo', 'empty']),
  links: z.enum(['encoded', 'raw', 'none']),
  notFoundBody: z.enum(['jsonapi', 'html']),
  authFailure: z.enum(['403-message', '403-jsonapi', '401']),
  rateLimitRetryAfter: z.number().min(0).nullable(),
  maxDateRangeDays: z.number().min(0).nullable(),
  nameFilter: z.enum(['exact', 'substring']),
  organizationPsaFields: z.boolean(),
  deleteDelayMs: z.number().int().min(0),
  latencyMs: z.number().int().min(0),
  publicUrl: z.string().nullable(),
  apiKey: z.string().min(1),
  rateLimit: z.object({ limit: z.number().int().min(0), windowMs: z.number().int().min(1) }),
}).partial();

export type ItGlueSandboxOptionsPatch = Partial<ItGlueSandboxBehaviour> & { apiKey?: string; rateLimit?: { limit: number; windowMs: number } };

export interface StartItGlueSandboxOptions {
  /** 0 (default) = a random free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** seed for the business list (default 1) */
  seed?: number;
  /** businesses generated (default 300; a few are PSA-only, so IT Glue gets slightly fewer + the primary org) */
  orgCount?: number;
  /** default 'ITG.sandbox.key' */
  apiKey?: string;
  /** default 3000 requests per 300000 ms; limit 0 = unlimited */
  rateLimit?: { limit: number; windowMs: number };
  latencyMs?: number;
  /** the "current time" the seed is built around (warranties, recent updates); default Date.now() */
  now?: Date | number;
  /** clock for updated-at on mutations and the rate window (default Date.now) */
  clock?: () => number;
  behaviour?: Partial<ItGlueSandboxBehaviour>;
  /** log each request to stderr (default false: the sandbox logs nothing) */
  verbose?: boolean;
}

export interface ItGlueSandboxTruth {
  primaryOrganizationId: string;
  seed: number;
  orgCount: number;
  now: string;
  statuses: Array<{ id: string; name: string }>;
  types: Array<{ id: string; name: string }>;
  organizationCount: number;
  /** organizations whose status is named Active, the primary one excluded */
  activeOrganizationIds: string[];
  organizationIds: string[];
  duplicateNames: string[];
  longIds: string[];
  configurationCount: number;
  archivedConfigurationCount: number;
  domainCount: number;
  contactCount: number;
  /** organization id ↔ seed business (key joins to the PSA sandbox) */
  organizations: Array<{ id: string; name: string; businessKey: string | null; statusName: string | null; typeName: string | null; primary: boolean; updatedAt: string }>;
}

export type FaultSpec = SharedFaultSpec<ItGlueFaultType>;
export type Fault = SharedFault<ItGlueFaultType>;

export interface ItGlueSandboxControl {
  addFault(spec: FaultSpec): Fault;
  clearFaults(): void;
  faults(): Fault[];
  createOrganization(input: OrganizationInput): ItgOrganizationRecord;
  updateOrganization(id: number | string, patch: OrganizationPatch): ItgOrganizationRecord;
  /** false when missing; with deleteDelayMs > 0 the record disappears later */
  deleteOrganization(id: number | string): boolean;
  createConfiguration(input: ConfigurationInput): ItgConfigurationRecord;
  updateConfiguration(id: number | string, patch: ConfigurationPatch): ItgConfigurationRecord;
  deleteConfiguration(id: number | string): boolean;
  createDomain(input: DomainInput): ItgDomainRecord;
  updateDomain(id: number | string, patch: DomainPatch): ItgDomainRecord;
  deleteDomain(id: number | string): boolean;
  createOrganizationStatus(input: NamedInput): ItgNamedRecord;
  /** rename; organizations keep the old denormalised name unless `propagate: true` */
  updateOrganizationStatus(id: number | string, patch: NamedPatch): ItgNamedRecord;
  createOrganizationType(input: NamedInput): ItgNamedRecord;
  updateOrganizationType(id: number | string, patch: NamedPatch): ItgNamedRecord;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  stats(): RequestStats & { rateWindow: { limit: number; windowMs: number } };
  /** reseed (same or new seed/orgCount), clear faults, the request log and the rate window */
  reset(opts?: { seed?: number; orgCount?: number; now?: Date | number }): void;
  truth(): ItGlueSandboxTruth;
  options(): ItGlueSandboxBehaviour & { apiKey: string; rateLimit: { limit: number; windowMs: number } };
  setOptions(patch: ItGlueSandboxOptionsPatch): void;
}

export interface ItGlueSandbox {
  url: string;
  port: number;
  close(): Promise<void>;
  control: ItGlueSandboxControl;
  /** the live in-memory account (records keep camelCase fields; ids are numbers) */
  readonly data: ItgStore;
}

// ---------------------------------------------------------------------------------------------

const NOT_FOUND_HTML = `<!DOCTYPE html>
<html>
<head>
  <title>The page you were looking for doesn't exist (404)</title>
  <meta name="viewport" content="width=device-width,initial-scale=1">
</head>
<body>
  <div class="dialog">
    <div>
      <h1>The page you were looking for doesn't exist.</h1>
      <p>You may have mistyped the address or the page may have moved.</p>
    </div>
  </div>
</body>
</html>
`;

const gatewayHtml = (status: number, title: string) =>
  `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n</body>\r\n</html>\r\n`;

const STATUS_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Record not found', 405: 'Method Not Allowed',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out',
};

function apiErrorReply(status: number, title?: string, detail?: string, pointer?: string, headers: Record<string, string> = {}): Reply {
  const err: Record<string, unknown> = { status, title: title ?? STATUS_TITLES[status] ?? 'Error' };
  if (detail !== undefined) err.detail = detail;
  if (pointer !== undefined) err.source = { pointer };
  return jsonReply(status, { errors: [err] }, JSON_API, headers);
}

type Route =
  | { kind: 'collection'; def: ResourceDef<any> }
  | { kind: 'single'; def: ResourceDef<any>; id: string }
  | { kind: 'nested'; def: ResourceDef<any>; orgId: string };

function matchRoute(path: string): Route | null {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const seg = p.split('/').slice(1);
  const collections: Record<string, ResourceDef<any>> = {
    organizations: organizationsDef,
    organization_statuses: statusesDef,
    organization_types: typesDef,
    configurations: configurationsDef,
    domains: domainsDef,
    contacts: contactsDef,
  };
  const def = collections[seg[0] ?? ''];
  if (!def) return null;
  if (seg.length === 1) return { kind: 'collection', def };
  if (seg.length === 2 && def !== domainsDef && seg[1] !== '') return { kind: 'single', def, id: decodeURIComponent(seg[1]) };
  if (seg.length === 4 && def === organizationsDef && seg[2] === 'relationships') {
    if (seg[3] === 'configurations') return { kind: 'nested', def: configurationsDef, orgId: seg[1] };
    if (seg[3] === 'domains') return { kind: 'nested', def: domainsDef, orgId: seg[1] };
  }
  return null;
}

function pageSizeOf(params: QueryParam[]): number | null {
  const p = params.find((q) => q.key === 'page[size]');
  if (!p) return null;
  const n = Number(p.value);
  return Number.isFinite(n) ? n : null;
}

const encodeKey = (k: string, mode: 'encoded' | 'raw') =>
  mode === 'encoded' ? encodeURIComponent(k) : encodeURIComponent(k).replace(/%5B/g, '[').replace(/%5D/g, ']');

function buildLink(base: string, path: string, params: QueryParam[], page: number, size: number, mode: 'encoded' | 'raw'): string {
  const rest = params.filter((q) => q.key !== 'page[number]' && q.key !== 'page[size]');
  const parts = [
    `${encodeKey('page[number]', mode)}=${page}`,
    `${encodeKey('page[size]', mode)}=${size}`,
    ...rest.map((q) => `${encodeKey(q.key, mode)}=${encodeURIComponent(q.value)}`),
  ];
  return `${base}${path}?${parts.join('&')}`;
}

function positiveInt(raw: string, what: string): number {
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1) throw new ApiError(400, 'Invalid page value', `${raw} is not a valid value for ${what}.`);
  return Number(raw);
}

// ---------------------------------------------------------------------------------------------

export async function startItGlueSandbox(opts: StartItGlueSandboxOptions = {}): Promise<ItGlueSandbox> {
  const clock = opts.clock ?? Date.now;
  const toMs = (d: Date | number | undefined) => (d === undefined ? clock() : typeof d === 'number' ? d : d.getTime());
  let store: ItgStore = buildStore({ seed: opts.seed ?? DEFAULT_SEED, orgCount: opts.orgCount ?? 300, now: toMs(opts.now) });
  let apiKey = opts.apiKey ?? 'ITG.sandbox.key';
  const behaviour: ItGlueSandboxBehaviour = { ...DEFAULT_BEHAVIOUR, ...opts.behaviour };
  if (opts.latencyMs !== undefined) behaviour.latencyMs = opts.latencyMs;
  const rate = createRollingWindow(opts.rateLimit?.limit ?? 3000, opts.rateLimit?.windowMs ?? 300_000);
  const faults = createFaultQueue({ types: ITGLUE_FAULT_TYPES });
  const log = createRequestLog();
  const pendingDeletes = new Set<NodeJS.Timeout>();
  const verbose = opts.verbose ?? false;

  const renderOpts = (inList: boolean): RenderOptions => ({
    inList,
    organizationPsaFields: behaviour.organizationPsaFields,
    nameFilter: behaviour.nameFilter,
    maxDateRangeDays: behaviour.maxDateRangeDays,
    now: clock,
  });

  const toId = (id: number | string): number => {
    const n = typeof id === 'number' ? id : Number(id);
    if (!Number.isSafeInteger(n)) throw new MutationError(404, `invalid id ${String(id)}`);
    return n;
  };

  const scheduleDelete = (fn: () => boolean, exists: boolean): boolean => {
    if (!exists) return false;
    if (behaviour.deleteDelayMs <= 0) return fn();
    const t = setTimeout(() => {
      pendingDeletes.delete(t);
      fn();
    }, behaviour.deleteDelayMs);
    pendingDeletes.add(t);
    return true;
  };

  const truth = (): ItGlueSandboxTruth => {
    const nameCounts = new Map<string, number>();
    for (const o of store.organizations) nameCounts.set(o.name, (nameCounts.get(o.name) ?? 0) + 1);
    const activeStatusIds = new Set(store.statuses.filter((s) => s.name.trim().toLowerCase() === 'active').map((s) => s.id));
    return {
      primaryOrganizationId: String(store.primaryOrganizationId),
      seed: store.seedOptions.seed,
      orgCount: store.seedOptions.orgCount,
      now: new Date(store.seedOptions.now).toISOString(),
      statuses: store.statuses.map((s) => ({ id: String(s.id), name: s.name })),
      types: store.types.map((t) => ({ id: String(t.id), name: t.name })),
      organizationCount: store.organizations.length,
      activeOrganizationIds: store.organizations.filter((o) => !o.primary && o.statusId !== null && activeStatusIds.has(o.statusId)).map((o) => String(o.id)),
      organizationIds: store.organizations.map((o) => String(o.id)),
      duplicateNames: [...nameCounts].filter(([, n]) => n > 1).map(([name]) => name),
      longIds: store.organizations.filter((o) => String(o.id).length >= 16).map((o) => String(o.id)),
      configurationCount: store.configurations.length,
      archivedConfigurationCount: store.configurations.filter((c) => c.archived).length,
      domainCount: store.domains.length,
      contactCount: store.contacts.length,
      organizations: store.organizations.map((o) => ({
        id: String(o.id), name: o.name, businessKey: o.businessKey, statusName: o.statusName, typeName: o.typeName, primary: o.primary, updatedAt: o.updatedAt,
      })),
    };
  };

  const control: ItGlueSandboxControl = {
    addFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    createOrganization: (input) => createOrganization(store, input, clock),
    updateOrganization: (id, patch) => updateOrganization(store, toId(id), patch, clock),
    deleteOrganization: (id) => {
      const n = toId(id);
      return scheduleDelete(() => deleteOrganization(store, n), store.organizations.some((o) => o.id === n));
    },
    createConfiguration: (input) => createConfiguration(store, input, clock),
    updateConfiguration: (id, patch) => updateConfiguration(store, toId(id), patch, clock),
    deleteConfiguration: (id) => {
      const n = toId(id);
      return scheduleDelete(() => deleteConfiguration(store, n), store.configurations.some((c) => c.id === n));
    },
    createDomain: (input) => createDomain(store, input, clock),
    updateDomain: (id, patch) => updateDomain(store, toId(id), patch, clock),
    deleteDomain: (id) => {
      const n = toId(id);
      return scheduleDelete(() => deleteDomain(store, n), store.domains.some((d) => d.id === n));
    },
    createOrganizationStatus: (input) => createNamed(store, 'statuses', input, clock),
    updateOrganizationStatus: (id, patch) => updateNamed(store, 'statuses', toId(id), patch, clock),
    createOrganizationType: (input) => createNamed(store, 'types', input, clock),
    updateOrganizationType: (id, patch) => updateNamed(store, 'types', toId(id), patch, clock),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    stats: () => ({ ...log.stats(), rateWindow: { limit: rate.limit, windowMs: rate.windowMs } }),
    reset: (r = {}) => {
      for (const t of pendingDeletes) clearTimeout(t);
      pendingDeletes.clear();
      store = buildStore({
        seed: r.seed ?? store.seedOptions.seed,
        orgCount: r.orgCount ?? store.seedOptions.orgCount,
        now: r.now !== undefined ? toMs(r.now) : clock(),
      });
      faults.clear();
      log.clear();
      rate.reset();
    },
    truth,
    options: () => ({ ...behaviour, apiKey, rateLimit: { limit: rate.limit, windowMs: rate.windowMs } }),
    setOptions: (patch) => {
      const p = behaviourPatchSchema.parse(patch);
      const { apiKey: k, rateLimit: rl, ...b } = p;
      Object.assign(behaviour, b);
      if (k !== undefined) apiKey = k;
      if (rl !== undefined) rate.configure(rl.limit, rl.windowMs);
    },
  };

  // ---- API ---------------------------------------------------------------------------------

  const baseUrl = (req: IncomingMessage) => behaviour.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;

  function listReply(req: IncomingMessage, path: string, params: QueryParam[], def: ResourceDef<any>, records: any[], nested: boolean): Reply {
    const filters: Array<{ name: string; raw: string; exclude: boolean }> = [];
    let sortRaw: string | null = null;
    let pageNumber = 1;
    let pageSize = 50;
    for (const q of params) {
      const m = /^(filter|exclude)\[([^\]]*)\]$/.exec(q.key);
      if (m) {
        filters.push({ name: m[2], raw: q.value, exclude: m[1] === 'exclude' });
        continue;
      }
      if (q.key === 'sort') sortRaw = q.value;
      else if (q.key === 'page[number]') pageNumber = positiveInt(q.value, 'page[number]');
      else if (q.key === 'page[size]') pageSize = positiveInt(q.value, 'page[size]');
    }
    if (pageSize > behaviour.maxPageSize) {
      if (behaviour.oversizePage === 'error') {
        throw new ApiError(422, 'Unprocessable Entity', `page[size] must be less than or equal to ${behaviour.maxPageSize}`, '/page/size');
      }
      pageSize = behaviour.maxPageSize;
    }

    // filters (ignored on nested relationship routes)
    const applied: Record<string, string> = {};
    let out = records;
    if (!nested) {
      const predicates: Array<(r: unknown) => boolean> = [];
      const present = new Set<string>();
      for (const f of filters) {
        let name = f.name;
        if (name.includes('-')) {
          if (behaviour.kebabNames === 'error') throw new ApiError(400, 'Filter not allowed', `${name} is not allowed.`);
          if (behaviour.kebabNames === 'ignore') continue;
          name = name.replace(/-/g, '_');
        }
        const table = f.exclude ? def.excludes : def.filters;
        const builder = table?.[name];
        if (!builder) {
          if (behaviour.unknownFilters === 'error') throw new ApiError(400, 'Filter not allowed', `${name} is not allowed.`);
          continue;
        }
        const pred = builder(f.raw, renderOpts(true));
        predicates.push(f.exclude ? (r) => !pred(r) : pred);
        if (!f.exclude) present.add(name);
        applied[f.exclude ? `exclude[${name}]` : name] = f.raw;
      }
      for (const [a, b] of def.together ?? []) {
        if (present.has(a) && !present.has(b)) throw new ApiError(400, 'Invalid filter', `${a} must be used together with ${b}.`);
      }
      if (predicates.length) out = out.filter((r) => predicates.every((p) => p(r)));
    }

    // sort
    const sort: Array<{ field: string; desc: boolean }> = [];
    if (sortRaw !== null && sortRaw.trim() !== '') {
      for (const part of sortRaw.split(',')) {
        const s = part.trim();
        const desc = s.startsWith('-');
        let field = desc ? s.slice(1) : s;
        if (field.includes('-')) {
          if (behaviour.kebabNames === 'error') throw new ApiError(400, 'Invalid sort criteria', `${field} is not a valid sort criteria for ${def.type}`);
          if (behaviour.kebabNames === 'ignore') continue;
          field = field.replace(/-/g, '_');
        }
        if (!def.sorts[field]) throw new ApiError(400, 'Invalid sort criteria', `${field} is not a valid sort criteria for ${def.type}`);
        sort.push({ field, desc });
      }
    }
    out = sortRecords(def, out, sort);

    const total = out.length;
    const totalPages = Math.ceil(total / pageSize);
    const slice = out.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    const ro = renderOpts(true);
    const body: Record<string, unknown> = {
      data: slice.map((r) => renderResource(def, r, store, ro)),
      meta: {
        'current-page': pageNumber,
        'next-page': pageNumber < totalPages ? pageNumber + 1 : null,
        'prev-page': pageNumber > 1 ? pageNumber - 1 : null,
        'total-pages': totalPages,
        'total-count': total,
        filters: behaviour.metaFilters === 'echo' ? applied : {},
      },
    };
    if (behaviour.links !== 'none') {
      const base = baseUrl(req);
      const link = (n: number) => buildLink(base, path, params, n, pageSize, behaviour.links as 'encoded' | 'raw');
      body.links = {
        self: link(pageNumber),
        first: link(1),
        prev: pageNumber > 1 ? link(pageNumber - 1) : null,
        next: pageNumber < totalPages ? link(pageNumber + 1) : null,
        last: link(Math.max(1, totalPages)),
      };
    }
    return jsonReply(200, body, JSON_API);
  }

  function notFound(detail: string): Reply {
    return behaviour.notFoundBody === 'html' ? htmlReply(404, NOT_FOUND_HTML) : apiErrorReply(404, 'Record not found', detail);
  }

  function handleApi(req: IncomingMessage, route: Route, path: string, params: QueryParam[]): Reply {
    if (route.kind === 'collection') return listReply(req, path, params, route.def, route.def.list(store), false);
    if (route.kind === 'single') {
      const rec = /^\d+$/.test(route.id) ? route.def.list(store).find((r: { id: number }) => String(r.id) === String(Number(route.id))) : undefined;
      if (!rec) return notFound(`The record identified by ${route.id} could not be found.`);
      return jsonReply(200, { data: renderResource(route.def, rec, store, renderOpts(false)) }, JSON_API);
    }
    const org = /^\d+$/.test(route.orgId) ? store.organizations.find((o) => String(o.id) === String(Number(route.orgId))) : undefined;
    if (!org) return notFound(`The record identified by ${route.orgId} could not be found.`);
    const records = (route.def.list(store) as Array<{ organizationId: number }>).filter((r) => r.organizationId === org.id);
    return listReply(req, path, params, route.def, records, true);
  }

  function faultReply(f: Fault): Reply | null {
    switch (f.type) {
      case '429':
        return apiErrorReply(429, 'Too Many Requests', 'Rate limit exceeded', undefined, f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {});
      case '500':
        return apiErrorReply(500, 'Internal Server Error', 'We\'re sorry, but something went wrong.');
      case '503':
        return apiErrorReply(503, 'Service Unavailable', 'The service is temporarily unavailable.');
      case '502':
        return htmlReply(502, gatewayHtml(502, 'Bad Gateway'));
      case '504':
        return htmlReply(504, gatewayHtml(504, 'Gateway Time-out'));
      case 'html404':
        return htmlReply(404, NOT_FOUND_HTML);
      default:
        return null;
    }
  }

  async function onApiRequest(req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, entry: RequestLogEntry): Promise<void> {
    const params = parseQuery(rawQuery);
    const method = (req.method ?? 'GET').toUpperCase();
    const fault = faults.take({ method, path, pageSize: pageSizeOf(params) });
    if (fault) entry.fault = fault.type;
    if (fault?.type === 'reset') {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'slow') await delay(fault.delayMs ?? 3000);
    if (behaviour.latencyMs > 0) await delay(behaviour.latencyMs);
    const fr = fault ? faultReply(fault) : null;
    const truncate = fault?.type === 'truncated';
    let reply: Reply;
    if (fr) reply = fr;
    else {
      const route = matchRoute(path);
      if (!route) reply = htmlReply(404, NOT_FOUND_HTML);
      else if (req.headers['x-api-key'] !== apiKey) {
        reply = behaviour.authFailure === '403-message' ? jsonReply(403, { message: 'Forbidden' })
          : behaviour.authFailure === '403-jsonapi' ? apiErrorReply(403, 'Forbidden', 'Invalid API key')
            : apiErrorReply(401, 'Unauthorized', 'Unauthorized');
      } else if (!rate.tryHit(clock())) {
        reply = apiErrorReply(429, 'Too Many Requests', 'Rate limit exceeded', undefined,
          behaviour.rateLimitRetryAfter !== null ? { 'retry-after': String(behaviour.rateLimitRetryAfter) } : {});
      } else if (method !== 'GET' && method !== 'HEAD') {
        const ct = String(req.headers['content-type'] ?? '');
        reply = (method === 'POST' || method === 'PATCH' || method === 'PUT') && !ct.startsWith('application/vnd.api+json')
          ? apiErrorReply(415, 'Unsupported Media Type', 'Content-Type must be application/vnd.api+json')
          : apiErrorReply(405, 'Method Not Allowed', 'The sandbox API is read-only; change data through /_sandbox');
      } else {
        try {
          reply = handleApi(req, route, path, params);
        } catch (e) {
          if (e instanceof ApiError) reply = apiErrorReply(e.status, e.title, e.detail, e.pointer);
          else throw e;
        }
      }
    }
    entry.status = reply.status;
    if (method === 'HEAD') reply = { ...reply, body: '' };
    sendReply(res, reply, { truncate });
  }

  // ---- control ------------------------------------------------------------------------------

  async function onControl(req: IncomingMessage, path: string): Promise<Reply> {
    const method = (req.method ?? 'GET').toUpperCase();
    const seg = path.replace(/\/+$/, '').split('/').slice(2); // after /_sandbox
    const body = method === 'POST' || method === 'PATCH' || method === 'PUT' ? await readJson(req) : undefined;
    const ok = (payload: unknown, status = 200) => jsonReply(status, payload);
    const [a, b] = seg;
    const entityRoutes: Record<string, {
      create: (i: any) => unknown; update: (id: string, p: any) => unknown; remove?: (id: string) => boolean; render: ResourceDef<any>;
    }> = {
      organizations: { create: control.createOrganization, update: control.updateOrganization, remove: control.deleteOrganization, render: organizationsDef },
      configurations: { create: control.createConfiguration, update: control.updateConfiguration, remove: control.deleteConfiguration, render: configurationsDef },
      domains: { create: control.createDomain, update: control.updateDomain, remove: control.deleteDomain, render: domainsDef },
      organization_statuses: { create: control.createOrganizationStatus, update: control.updateOrganizationStatus, render: statusesDef },
      organization_types: { create: control.createOrganizationType, update: control.updateOrganizationType, render: typesDef },
    };
    if (a === undefined && method === 'GET') {
      return ok({
        endpoints: [
          'GET|POST|DELETE /_sandbox/faults', 'POST /_sandbox/organizations', 'PATCH|DELETE /_sandbox/organizations/:id',
          'POST /_sandbox/configurations', 'PATCH|DELETE /_sandbox/configurations/:id', 'POST /_sandbox/domains', 'PATCH|DELETE /_sandbox/domains/:id',
          'POST /_sandbox/organization_statuses', 'PATCH /_sandbox/organization_statuses/:id', 'POST /_sandbox/organization_types', 'PATCH /_sandbox/organization_types/:id',
          'GET|DELETE /_sandbox/requests', 'GET /_sandbox/stats', 'POST /_sandbox/reset', 'GET /_sandbox/data', 'GET|PATCH /_sandbox/options',
        ],
      });
    }
    if (a === 'faults' && b === undefined) {
      if (method === 'GET') return ok({ faults: control.faults() });
      if (method === 'DELETE') {
        control.clearFaults();
        return emptyReply(204);
      }
      if (method === 'POST') {
        const specs = Array.isArray(body) ? body : [body];
        const added = specs.map((s) => control.addFault(s as FaultSpec));
        return ok({ faults: added }, 201);
      }
    }
    if (a === 'requests' && b === undefined) {
      if (method === 'GET') return ok({ requests: control.requests() });
      if (method === 'DELETE') {
        control.clearRequests();
        return emptyReply(204);
      }
    }
    if (a === 'stats' && method === 'GET') return ok(control.stats());
    if (a === 'data' && method === 'GET') return ok(control.truth());
    if (a === 'reset' && method === 'POST') {
      const r = z.object({ seed: z.number().int().optional(), orgCount: z.number().int().min(0).optional(), now: z.union([z.number(), z.string()]).optional() })
        .parse(body ?? {});
      control.reset({ seed: r.seed, orgCount: r.orgCount, now: typeof r.now === 'string' ? Date.parse(r.now) : r.now });
      return ok(control.truth());
    }
    if (a === 'options') {
      if (method === 'GET') return ok(control.options());
      if (method === 'PATCH' || method === 'POST') {
        control.setOptions(body as ItGlueSandboxOptionsPatch);
        return ok(control.options());
      }
    }
    const ent = a !== undefined ? entityRoutes[a] : undefined;
    if (ent) {
      if (b === undefined && method === 'POST') return ok({ data: renderResource(ent.render, ent.create(body), store, renderOpts(false)) }, 201);
      if (b !== undefined && (method === 'PATCH' || method === 'PUT')) return ok({ data: renderResource(ent.render, ent.update(b, body), store, renderOpts(false)) });
      if (b !== undefined && method === 'DELETE' && ent.remove) {
        return ent.remove(b) ? emptyReply(204) : jsonReply(404, { error: `${a} ${b} not found` });
      }
    }
    return jsonReply(404, { error: `no control endpoint ${method} ${path}` });
  }

  // ---- server -------------------------------------------------------------------------------

  const server = createServer((req, res) => {
    const started = clock();
    const { path, rawQuery } = splitPathAndQuery(req.url ?? '/');
    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
      onControl(req, path).then(
        (reply) => sendReply(res, reply),
        (e: unknown) => {
          const status = e instanceof MutationError ? e.status : e instanceof z.ZodError || e instanceof SyntaxError ? 400 : 500;
          const message = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') : e instanceof Error ? e.message : String(e);
          if (!res.headersSent) sendReply(res, jsonReply(status, { error: message }));
        },
      );
      return;
    }
    const entry: RequestLogEntry = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0, time: new Date(started).toISOString(), durationMs: 0 };
    onApiRequest(req, res, path, rawQuery, entry)
      .catch((e: unknown) => {
        entry.status = 500;
        if (!res.headersSent) sendReply(res, apiErrorReply(500, 'Internal Server Error', e instanceof Error ? e.message : String(e)));
      })
      .finally(() => {
        entry.durationMs = clock() - started;
        log.add(entry);
        if (verbose) process.stderr.write(`[itglue-sandbox] ${entry.method} ${entry.path} ${entry.status}${entry.fault ? ` (fault ${entry.fault})` : ''}\n`);
      });
  });
  server.keepAliveTimeout = 5000;

  const { port, url } = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');

  return {
    url,
    port,
    control,
    get data() {
      return store;
    },
    close: () => new Promise<void>((resolve, reject) => {
      for (const t of pendingDeletes) clearTimeout(t);
      pendingDeletes.clear();
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}
