/**
 * startHaloSandbox: one node:http server playing Halo's authorization server (`/auth/token`,
 * `/token?tenant=`), resource server (`/api`) and the sandbox control interface (`/_sandbox`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { DEFAULT_SEED } from '../seed/businesses.js';
import { createFaultQueue, playAfterCreate, retryAfterHeader, takeRequestFault } from '../shared/faults.js';
import { createSandboxServer, delay as sleep, readBody, requestTarget } from '../shared/http.js';
import { createRequestLog, type RequestLogEntry } from '../shared/request-log.js';
import { createRollingWindow } from '../shared/rolling-window.js';
import { createApiHandler, type ApiResult } from './api.js';
import { AuthServer } from './auth.js';
import { handleControl } from './control-http.js';
import { HALO_FAULT_TYPES, matchHaloPath, rateLimitMessage } from './faults.js';
import { toHaloJson } from './format.js';
import { HaloStore } from './store.js';
import type {
  HaloSandbox, HaloSandboxBehaviour, HaloSandboxControl, HaloSandboxData, HaloSandboxOptions, HaloSandboxStats,
} from './types.js';

export const HALO_SANDBOX_DEFAULTS = {
  clientId: 'crosswalk-sandbox',
  clientSecret: 'sandbox-secret',
  scopes: 'all',
  tenant: 'sandbox',
  ticketCount: 12_000,
  tokenTtlSeconds: 3600,
  rateLimit: { limit: 300, windowMs: 300_000 },
  defaultUnpagedCount: 50,
  seed: DEFAULT_SEED,
} as const;

export const DEFAULT_BEHAVIOUR: HaloSandboxBehaviour = {
  noScopeStatus: 401,
  invalidScopeStatus: 400,
  newTokenVoidsOld: false,
  includeRefreshToken: true,
  rejectNeedlessTenant: false,
  pageSizeOverCap: 'clamp',
  clientListIncludesWebsite: false,
  missingRecord: '404',
  opportunityScope: 'crm',
  typeStatusScope: 'none',
  multiPostReply: 'array',
  filterClientsByLastUpdate: false,
};

const MAX_LOG = 100_000;
/** Window length used while no rate limit is set (the window then admits everything). */
const UNLIMITED_WINDOW_MS = 300_000;
const MAX_BODY = 10 * 1024 * 1024;

const HTML_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Halo Service Desk</title></head>
<body><div id="app"><h1>Halo Service Desk</h1><p>Please sign in to continue.</p>
<form method="post" action="/auth/Account/Login"><input name="username" placeholder="Username"><input name="password" type="password" placeholder="Password"><button>Log In</button></form>
</div></body></html>`;

export async function startHaloSandbox(opts: HaloSandboxOptions = {}): Promise<HaloSandbox> {
  const now = opts.now ?? Date.now;
  const seed = opts.seed ?? HALO_SANDBOX_DEFAULTS.seed;
  const tenant = opts.tenant ?? HALO_SANDBOX_DEFAULTS.tenant;
  const initialApps = (opts.clients ?? [{ clientId: HALO_SANDBOX_DEFAULTS.clientId, clientSecret: HALO_SANDBOX_DEFAULTS.clientSecret, scopes: HALO_SANDBOX_DEFAULTS.scopes }])
    .map((a) => ({ ...a }));
  const initialRate = opts.rateLimit === undefined ? { ...HALO_SANDBOX_DEFAULTS.rateLimit } : opts.rateLimit === null ? null : { ...opts.rateLimit };
  const initialBehaviour: HaloSandboxBehaviour = { ...DEFAULT_BEHAVIOUR, ...(opts.behaviour ?? {}) };

  let behaviour: HaloSandboxBehaviour = { ...initialBehaviour };
  let latencyMs = opts.latencyMs ?? 0;
  let rate: { limit: number; windowMs: number; retryAfterSeconds?: number } | null = initialRate;
  const window = createRollingWindow(rate?.limit ?? 0, rate?.windowMs ?? UNLIMITED_WINDOW_MS);
  const defaultUnpagedCount = opts.defaultUnpagedCount ?? HALO_SANDBOX_DEFAULTS.defaultUnpagedCount;

  const store = new HaloStore({
    seed,
    clientCount: opts.clientCount,
    businessCount: opts.businessCount,
    ticketCount: opts.ticketCount ?? HALO_SANDBOX_DEFAULTS.ticketCount,
    now,
  });
  const auth = new AuthServer(initialApps, {
    tenant,
    tenantRequired: opts.tenantRequired ?? false,
    ttlSeconds: opts.tokenTtlSeconds ?? HALO_SANDBOX_DEFAULTS.tokenTtlSeconds,
    now,
    behaviour: () => behaviour,
  });
  const faults = createFaultQueue({ types: HALO_FAULT_TYPES, matchPath: matchHaloPath });
  const log = createRequestLog(MAX_LOG);
  const emptyCounters = () => ({ apiRequests: 0, tokenRequests: 0, rateLimited: 0, ticketsCreated: 0 });
  let counters = emptyCounters();

  // the API handler is synchronous: faults it takes (repeat-page, post-timeout) match the request being served
  let current = { method: 'GET', path: '' };
  const api = createApiHandler({
    store,
    auth,
    behaviour: () => behaviour,
    defaultUnpagedCount: () => defaultUnpagedCount,
    takeFault: (types) => faults.take(current, types),
    tenant,
  });

  const control: HaloSandboxControl = {
    addFault: (f) => faults.add(f),
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    expireTokens: () => auth.expireAll(),
    addTickets: (input) => store.addTickets(input),
    updateTicket: (id, patch) => store.updateTicket(id, patch),
    deleteTicket: (id) => store.deleteTicket(id),
    churnTickets: ({ deleteServed, create, afterTicketPages }) => {
      if (afterTicketPages === undefined) return store.churn(deleteServed, create);
      store.churnPlans.push({ afterTicketPages, deleteServed, create });
      return { scheduled: true };
    },
    churnPlans: () => store.churnPlans.map((p) => ({ ...p })),
    addClient: (input) => store.addClient(input),
    updateClient: (id, patch) => store.updateClient(id, patch),
    deleteClient: (id) => store.deleteClient(id),
    addApp: (app) => auth.addApp(app),
    removeApp: (id) => auth.removeApp(id),
    requests: () => log.list(),
    clearRequests: () => log.clear(),
    stats: (): HaloSandboxStats => ({
      ...counters,
      requests: log.stats().total,
      byStatus: log.stats().byStatus,
      faultsInjected: faults.served,
      tokensIssued: auth.issued,
      clients: store.clients.length,
      sites: store.sites.length,
      tickets: store.tickets.length,
      ticketTypes: store.types.length,
      maxInWindow: window.maxInWindow,
    }),
    data: (o?: { tickets?: boolean }): HaloSandboxData => {
      const withTickets = o?.tickets !== false;
      const clients = store.clients.slice().sort((a, b) => a.id - b.id);
      const d: HaloSandboxData = {
        tenant,
        now: new Date(now()).toISOString(),
        clients: clients.map((c) => ({
          id: c.id, name: c.name, inactive: c.inactive, businessKey: c.businessKey, website: c.website, domain: c.domain,
          allowAllTypes: c.allowAllTypes, allowedTypeIds: c.allowedTypeIds.slice(), siteIds: (store.sitesByClient.get(c.id) ?? []).map((s) => s.id),
        })),
        clientIds: clients.map((c) => c.id),
        activeClientIds: clients.filter((c) => !c.inactive).map((c) => c.id),
        inactiveClientIds: clients.filter((c) => c.inactive).map((c) => c.id),
        siteIds: store.sites.map((s) => s.id),
        ticketTypes: store.types.map((t) => ({ id: t.id, name: t.name, use: t.use, inactive: t.inactive, isOpportunity: t.isOpportunity })),
        opportunityTypeIds: store.types.filter((t) => t.isOpportunity).map((t) => t.id),
        ticketCount: store.tickets.length,
      };
      if (withTickets) {
        d.ticketIds = store.tickets.map((t) => t.id);
        d.openTicketIds = store.tickets.filter((t) => !t.closed).map((t) => t.id);
        d.opportunityTicketIds = store.opportunities().map((t) => t.id);
      }
      return d;
    },
    reset: () => {
      store.load();
      faults.clear();
      auth.reset();
      log.clear();
      counters = emptyCounters();
      behaviour = { ...initialBehaviour };
      latencyMs = opts.latencyMs ?? 0;
      rate = initialRate ? { ...initialRate } : null;
      window.reset();
      window.configure(rate?.limit ?? 0, rate?.windowMs ?? UNLIMITED_WINDOW_MS);
    },
    setRateLimit: (rl) => {
      rate = rl ? { ...rl } : null;
      window.configure(rate?.limit ?? 0, rate?.windowMs ?? UNLIMITED_WINDOW_MS, { fresh: true });
    },
    setLatency: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    setBehaviour: (b) => {
      behaviour = { ...behaviour, ...b };
      return { ...behaviour };
    },
    getTicket: (id) => store.ticketById.get(id),
  };

  function record(entry: RequestLogEntry, kind: 'api' | 'token' | 'other'): void {
    if (kind === 'api') counters.apiRequests++;
    if (kind === 'token') counters.tokenRequests++;
    log.add(entry);
  }

  function send(res: ServerResponse, status: number, body: string, contentType: string | null, headers: Record<string, string> = {}): void {
    const h: Record<string, string | number> = { ...headers, 'content-length': Buffer.byteLength(body) };
    if (contentType) h['content-type'] = contentType;
    res.writeHead(status, h);
    res.end(body);
  }

  /** Halo's answer to an unexpected failure. */
  function sendUnexpected(res: ServerResponse): void {
    send(res, 500, toHaloJson({ ClassName: 'System.Exception', Message: 'An unexpected error has occurred. Please try again.' }), 'application/json; charset=utf-8');
  }

  function sendResult(res: ServerResponse, r: ApiResult): void {
    if (r.raw !== undefined) send(res, r.status, r.raw, r.raw ? (r.contentType ?? 'text/plain; charset=utf-8') : null, r.headers);
    else send(res, r.status, toHaloJson(r.json), 'application/json; charset=utf-8', r.headers);
  }

  /** Pre-dispatch faults: 5xx, 429, reset, slow. Returns true when the request was answered (or dropped). */
  async function preFaults(req: { method: string; path: string }, res: ServerResponse, socket: Socket, entry: RequestLogEntry): Promise<boolean> {
    const f = await takeRequestFault(faults, req, entry, ['500', '502', '503', '429', 'reset']);
    if (!f) return false;
    const retry = retryAfterHeader(f);
    switch (f.type) {
      case 'reset':
        entry.status = 0;
        socket.destroy();
        return true;
      case '500':
        entry.status = 500;
        sendUnexpected(res);
        return true;
      case '502':
        entry.status = 502;
        send(res, 502, '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>', 'text/html', retry);
        return true;
      case '503':
        entry.status = 503;
        send(res, 503, '<html><head><title>503 Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>', 'text/html', retry);
        return true;
      case '429':
        entry.status = 429;
        send(res, 429, JSON.stringify(rateLimitMessage(rate?.limit ?? 300, rate?.windowMs ?? 300_000)), 'application/json; charset=utf-8', retry);
        return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = now();
    const perf = performance.now();
    const { url, path, method } = requestTarget(req);
    const socket = req.socket;

    if (path === '/_sandbox' || path.startsWith('/_sandbox/')) {
      const body = await readBody(req, MAX_BODY);
      const r = handleControl(control, method, path, url.searchParams, body);
      send(res, r.status, JSON.stringify(r.json), 'application/json; charset=utf-8');
      return;
    }

    const kind: 'api' | 'token' | 'other' = path === '/api' || path.startsWith('/api/') ? 'api' : path === '/auth/token' || path === '/token' ? 'token' : 'other';
    const entry: RequestLogEntry = { method, path: `${url.pathname}${url.search}`, status: 0, time: new Date(started).toISOString(), durationMs: 0 };
    let recorded = false;
    const finish = () => {
      if (recorded) return;
      recorded = true;
      entry.durationMs = Math.round(performance.now() - perf);
      if (res.headersSent) entry.status = res.statusCode;
      record(entry, kind);
    };
    res.on('close', finish);

    const body = await readBody(req, MAX_BODY);

    if (kind === 'other') {
      if (method === 'GET' || method === 'HEAD') send(res, 200, HTML_PAGE, 'text/html; charset=utf-8');
      else send(res, 404, '<html><body><h1>404 - File or directory not found.</h1></body></html>', 'text/html; charset=utf-8');
      return;
    }

    if (await preFaults({ method, path }, res, socket, entry)) return;
    if (latencyMs > 0) await sleep(latencyMs);

    if (kind === 'token') {
      if (method !== 'POST') {
        send(res, 405, JSON.stringify({ error: 'invalid_request', error_description: 'Use POST' }), 'application/json; charset=utf-8', { allow: 'POST' });
        return;
      }
      const tenantParam = url.searchParams.get('tenant');
      const r = auth.token({
        shared: path === '/token',
        tenant: tenantParam,
        contentType: String(req.headers['content-type'] ?? ''),
        body,
        authorization: req.headers.authorization,
      });
      send(res, r.status, JSON.stringify(r.body), 'application/json; charset=utf-8', { 'cache-control': 'no-store', pragma: 'no-cache' });
      return;
    }

    // /api
    if (!window.tryHit(now())) {
      counters.rateLimited++;
      const headers: Record<string, string> = {};
      if (rate?.retryAfterSeconds !== undefined) headers['retry-after'] = String(rate.retryAfterSeconds);
      send(res, 429, JSON.stringify(rateLimitMessage(window.limit, window.windowMs)), 'application/json; charset=utf-8', headers);
      return;
    }

    const query = new Map<string, string>();
    for (const [k, v] of url.searchParams) {
      const key = k.toLowerCase();
      if (!query.has(key)) query.set(key, v);
    }
    current = { method, path };
    const result = api({ method, path, query, body, authorization: req.headers.authorization });
    if (result.status === 201 && method === 'POST') counters.ticketsCreated += Array.isArray(result.json) ? result.json.length : 1;
    if (result.hang) {
      playAfterCreate(result.hang, entry, { socket, later: server.later, answer500: () => sendUnexpected(res) });
      return;
    }
    sendResult(res, result);
  }

  const server = createSandboxServer(handle, (res, err) => {
    send(res, 500, JSON.stringify({ ClassName: 'System.Exception', Message: err instanceof Error ? err.message : String(err) }), 'application/json; charset=utf-8');
  });
  const { url: base } = await server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1');

  return {
    url: base,
    authUrl: `${base}/auth`,
    resourceUrl: `${base}/api`,
    sharedAuthUrl: base,
    tenant,
    control,
    close: server.close,
  };
}
