/**
 * The sandbox authorization server: registered applications, client-credentials tokens, scopes.
 * halo.md §1 and §11.
 */
import { randomBytes } from 'node:crypto';
import type { HaloSandboxApp, HaloSandboxBehaviour } from './types.js';

const RESOURCES = [
  'tickets', 'customers', 'crm', 'assets', 'items', 'invoices', 'contracts', 'suppliers', 'projects', 'reports', 'kb', 'software',
  'quotes', 'sales', 'timesheets', 'calendar', 'users', 'agents', 'settings', 'slas', 'teams', 'purchaseorders', 'services',
];
const KNOWN_SCOPES = new Set<string>(['all', 'admin', 'all:teams', 'all:standard', 'openid', 'offline_access',
  ...RESOURCES.flatMap((r) => [`read:${r}`, `edit:${r}`])]);

export function isKnownScope(s: string): boolean {
  return KNOWN_SCOPES.has(s.toLowerCase());
}

export function parseScopes(s: string | null | undefined): string[] {
  return [...new Set(String(s ?? '').split(/[\s+]+/).map((x) => x.trim().toLowerCase()).filter(Boolean))];
}

/** Scopes granted = requested ∩ the application's scopes; an app holding `all` grants anything requested. */
export function grantScopes(requested: string[], appScopes: string[]): string[] {
  const app = new Set(appScopes);
  const out = new Set<string>();
  for (const s of requested) {
    if (app.has('all') || app.has(s)) out.add(s);
    else if (s === 'all') for (const a of app) out.add(a);
    else if (s.startsWith('read:') && app.has(`edit:${s.slice(5)}`)) out.add(s);
  }
  return [...out];
}

/** Does a token's scope set satisfy `needed` (e.g. `read:customers`)? `edit:` implies `read:`. */
export function hasScope(scopes: Set<string>, needed: string): boolean {
  if (scopes.has('all') || scopes.has('admin') || scopes.has(needed)) return true;
  if (needed.startsWith('read:') && scopes.has(`edit:${needed.slice(5)}`)) return true;
  return false;
}

function b64url(x: string | Buffer): string {
  return Buffer.from(x).toString('base64url');
}

function fakeJwt(payload: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: 'RS256', kid: 'halo-sandbox', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${b64url(randomBytes(32))}`;
}

export interface TokenInfo {
  appId: string;
  scopes: Set<string>;
  expiresAt: number;
  noVisibility: boolean;
}

export const API_AGENT = { id: 9, name: 'Crosswalk API', email: 'api-agent@sandbox.halopsa.local' } as const;

export class AuthServer {
  apps = new Map<string, { secret: string; scopes: string[]; noVisibility: boolean }>();
  tokens = new Map<string, TokenInfo>();
  issued = 0;

  constructor(
    private readonly initialApps: HaloSandboxApp[],
    private readonly cfg: { tenant: string; tenantRequired: boolean; ttlSeconds: number; now: () => number; behaviour: () => HaloSandboxBehaviour },
  ) {
    this.reset();
  }

  reset(): void {
    this.apps.clear();
    this.tokens.clear();
    this.issued = 0;
    for (const a of this.initialApps) this.addApp(a);
  }

  addApp(a: HaloSandboxApp): void {
    this.apps.set(a.clientId, { secret: a.clientSecret, scopes: parseScopes(a.scopes), noVisibility: a.noVisibility ?? false });
    // a changed registration voids the app's tokens
    for (const [k, t] of this.tokens) if (t.appId === a.clientId) this.tokens.delete(k);
  }

  removeApp(clientId: string): boolean {
    for (const [k, t] of this.tokens) if (t.appId === clientId) this.tokens.delete(k);
    return this.apps.delete(clientId);
  }

  expireAll(): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.expiresAt > 0) n++;
      t.expiresAt = 0;
    }
    return n;
  }

  /** The token's info when valid and unexpired, else null. */
  verify(authorization: string | undefined): TokenInfo | null {
    if (!authorization) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return null;
    const t = this.tokens.get(m[1]);
    if (!t || t.expiresAt <= this.cfg.now()) return null;
    return t;
  }

  /**
   * POST /auth/token (shared = false) or /token?tenant= (shared = true).
   * Returns the status and a JSON body.
   */
  token(input: { shared: boolean; tenant: string | null; contentType: string; body: string; authorization: string | undefined }): { status: number; body: unknown } {
    const { cfg } = this;
    const behaviour = cfg.behaviour();
    if (input.shared || cfg.tenantRequired || input.tenant !== null) {
      const tenantOk = input.tenant !== null && input.tenant.toLowerCase() === cfg.tenant.toLowerCase() &&
        !(behaviour.rejectNeedlessTenant && !input.shared && !cfg.tenantRequired);
      if (!tenantOk) return { status: 400, body: { error: 'invalid_request', error_description: 'Unknown tenant' } };
    }
    if (!/application\/x-www-form-urlencoded/i.test(input.contentType)) {
      return { status: 400, body: { error: 'invalid_request', error_description: 'The request must be application/x-www-form-urlencoded' } };
    }
    const form = new URLSearchParams(input.body);
    const grant = form.get('grant_type');
    if (!grant) return { status: 400, body: { error: 'invalid_request', error_description: 'grant_type is required' } };
    if (grant !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };

    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(input.authorization ?? '');
    if (basic && (id === null || secret === null)) {
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0) {
        const dec = (s: string) => {
          try {
            return decodeURIComponent(s.replace(/\+/g, ' '));
          } catch {
            return s;
          }
        };
        id = dec(decoded.slice(0, i));
        secret = dec(decoded.slice(i + 1));
      }
    }
    const app = id !== null ? this.apps.get(id) : undefined;
    if (!app || secret === null || app.secret !== secret) return { status: 401, body: { error: 'invalid_client' } };

    const requested = parseScopes(form.get('scope'));
    const unknown = requested.filter((s) => !isKnownScope(s));
    if (unknown.length) {
      return { status: behaviour.invalidScopeStatus, body: { error: 'invalid_scope', error_description: `Unknown scope: ${unknown.join(' ')}` } };
    }
    const granted = grantScopes(requested, app.scopes);
    const now = cfg.now();
    if (behaviour.newTokenVoidsOld) for (const [k, t] of this.tokens) if (t.appId === id) this.tokens.delete(k);
    // drop long-expired tokens so the map stays small
    if (this.tokens.size > 10_000) for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
    const exp = Math.floor(now / 1000) + cfg.ttlSeconds;
    const access = fakeJwt({ iss: 'halo-sandbox', sub: String(API_AGENT.id), client_id: id, scope: granted.join(' '), iat: Math.floor(now / 1000), exp, jti: randomBytes(12).toString('hex') });
    this.tokens.set(access, { appId: id as string, scopes: new Set(granted), expiresAt: now + cfg.ttlSeconds * 1000, noVisibility: app.noVisibility });
    this.issued++;
    const idToken = fakeJwt({ iss: 'halo-sandbox', sub: String(API_AGENT.id), aud: id, name: API_AGENT.name, email: API_AGENT.email, iat: Math.floor(now / 1000), exp });
    const body: Record<string, unknown> = { token_type: 'Bearer', access_token: access, expires_in: cfg.ttlSeconds, scope: granted.join(' ') };
    if (behaviour.includeRefreshToken) body.refresh_token = '';
    body.id_token = idToken;
    return { status: 200, body };
  }
}
