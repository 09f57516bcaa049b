import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { startServer, ROOT, type Running } from '../../src/runtime.js';
import type { ItGlueSandbox, StartItGlueSandboxOptions } from '../../src/sandbox/itglue/index.js';
import type { HaloSandbox, HaloSandboxOptions } from '../../src/sandbox/halo/index.js';
import type { SyncroSandbox } from '../../src/sandbox/syncro/index.js';
import { startSandboxes as startDemoSandboxes } from '../../src/sandbox/demo.js';
import type { DemoHints } from '../../src/shared/wire.js';
import { ADMIN } from '../helpers/app.js';

/** An element inside `evaluateAll` (the type check has no DOM library, and React's globals declare empty element types). */
export type PageElement = { getAttribute(name: string): string | null; textContent: string | null };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'artifacts', 'screenshots');

/** Browser tests need Debian's chromium; without it they skip (locally) or fail (CI, where .ci/run installs it). */
export function browserSkipReason(): string | false {
  if (fs.existsSync(CHROMIUM)) return false;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  return `browser tests SKIPPED: ${CHROMIUM} not found (apt-get install -y chromium)`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface Stack {
  running: Running;
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The real server (SQLite in a temp folder) on a random port, serving the built web UI. */
export async function startStack(opts: { demoHints?: DemoHints | null; env?: Record<string, string> } = {}): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crosswalk-e2e-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', ALLOW_INSECURE_HTTP: '1', LOG_LEVEL: 'silent', SYNC_INTERVAL_MINUTES: '0', ...opts.env });
  const running = await startServer(config, { demoHints: opts.demoHints ?? null, scheduler: false });
  return {
    running, url: running.url, dataDir,
    async close() {
      await running.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  // A full-page capture of a scrolled window paints the fixed header where the viewport was: start at the top.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// ---------------------------------------------------------------------------------------------
// Helpers for the flow tests and the UI benchmark: sandboxes on random ports, the API through
// fetch with a bearer token, a signed-in browser context, and expect-like polling.

export const E2E_ITGLUE_KEY = 'ITG.e2e.sandbox-key';

export interface Sandboxes {
  itglue: ItGlueSandbox;
  halo: HaloSandbox;
  syncro: SyncroSandbox;
  /** the same shape the demo passes to the server as `demoHints` */
  hints: DemoHints;
  close(): Promise<void>;
}

/**
 * Both vendor imitations on random ports, with no rate limits (nothing in a test should wait on one).
 * Halo gets a small ticket set by default so its sync takes a moment, not minutes.
 */
export async function startSandboxes(opts: { itglue?: StartItGlueSandboxOptions; halo?: HaloSandboxOptions } = {}): Promise<Sandboxes> {
  const s = await startDemoSandboxes({
    ports: { itglue: 0, halo: 0, syncro: 0 },
    options: {
      itglue: { apiKey: E2E_ITGLUE_KEY, rateLimit: { limit: 0, windowMs: 300_000 }, ...opts.itglue },
      halo: { ticketCount: 1500, ...opts.halo, rateLimit: null },
      syncro: { ticketCount: 300, rateLimit: null },
    },
  });
  return { itglue: s.instances.itglue!.handle as ItGlueSandbox, halo: s.instances.halo!.handle as HaloSandbox, syncro: s.instances.syncro!.handle as SyncroSandbox, hints: s.hints, close: s.close };
}

export interface ApiResult<T = unknown> {
  status: number;
  body: T;
}

/** The server's API through fetch, as a script would use it (bearer token). */
export function apiClient(baseUrl: string, token: string) {
  return async function call<T = Record<string, unknown>>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<ApiResult<T>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T };
  };
}
export type ApiCall = ReturnType<typeof apiClient>;

/** First-run setup through the API; returns the admin's API token. */
export async function setupAdminViaApi(stack: Stack, admin = ADMIN): Promise<string> {
  const res = await fetch(`${stack.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(admin) });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 201 || body.token === undefined) throw new Error(`setup failed: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

/** Sign a browser context in (the session and CSRF cookies land in the context's cookie jar). */
export async function signIn(context: BrowserContext, stack: Stack, admin = ADMIN): Promise<void> {
  const res = await context.request.post(`${stack.url}/api/session`, { data: { email: admin.email, password: admin.password } });
  if (res.status() !== 200) throw new Error(`sign-in failed: ${res.status()} ${await res.text()}`);
}

interface SyncRunLike {
  id: string;
  status: string;
  progress: Record<string, { fetched: number; total: number | null; done: boolean }>;
  error: { code: string; message: string } | null;
}

/** Wait for a sync run of this server to finish; throws unless it succeeded. */
export async function waitForRun(stack: Stack, id: string): Promise<SyncRunLike> {
  const run = (await stack.running.services.sync.waitFor(id)) as SyncRunLike | null;
  if (run === null || run.status !== 'succeeded') throw new Error(`sync run ${id} did not succeed: ${JSON.stringify(run)}`);
  return run;
}

/** Configure IT Glue through the API (no client-side rate limit to speak of) and wait for its initial sync. */
export async function configureItGlueViaApi(stack: Stack, api: ApiCall, sb: Sandboxes): Promise<SyncRunLike> {
  const res = await api<{ syncRun: { id: string } | null }>('PUT', '/api/integrations/itglue', {
    baseUrl: sb.hints.itglue.baseUrl, apiKey: sb.hints.itglue.apiKey, rateLimitPer5Min: 100_000,
  });
  if (res.status !== 200 || res.body.syncRun === null) throw new Error(`PUT itglue: ${res.status} ${JSON.stringify(res.body)}`);
  return waitForRun(stack, res.body.syncRun.id);
}

/** Configure Halo through the API and wait for its initial sync. */
export async function configureHaloViaApi(stack: Stack, api: ApiCall, sb: Sandboxes): Promise<SyncRunLike> {
  const res = await api<{ syncRun: { id: string } | null }>('PUT', '/api/integrations/halo', {
    ...sb.hints.halo, pullTickets: true, opportunityExport: false, rateLimitPer5Min: 100_000,
  });
  if (res.status !== 200 || res.body.syncRun === null) throw new Error(`PUT halo: ${res.status} ${JSON.stringify(res.body)}`);
  return waitForRun(stack, res.body.syncRun.id);
}

/** Poll until `fn` returns a value that is not undefined/false (expect-like); throws with `what` on timeout. */
export async function poll<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last !== undefined ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** What a browser test file runs against; the fields are set once its `before` hook has run. */
export interface BrowserSuite {
  /** with `sandboxes` */
  sb: Sandboxes;
  stack: Stack;
  browser: Browser;
  /** the admin's API client, with `admin` (or `configure`, `signedIn`) */
  api: ApiCall;
  /** a context and a page in it, with `signedIn` (signed in) or `signedOut` */
  context: BrowserContext;
  page: Page;
  /** uncaught errors of `page` */
  pageErrors: string[];
}

export interface BrowserSuiteOptions {
  /** start both sandboxes (with these options); the server then offers their values as demo hints */
  sandboxes?: Parameters<typeof startSandboxes>[0];
  env?: Record<string, string>;
  /** run first-run setup through the API (otherwise the test does it in the page) */
  admin?: boolean;
  /** configure these integrations through the API and wait for their initial syncs (implies `admin`) */
  configure?: readonly ('itglue' | 'halo')[];
  /** a context signed in as the admin, and a page in it (implies `admin`) */
  signedIn?: boolean;
  /** a context that is not signed in, and a page in it (the test sets up or signs in itself) */
  signedOut?: boolean;
}

/**
 * Registers the file's `before` / `after` hooks: sandboxes, the server, the admin, integrations, the
 * browser and a signed-in page as asked, all closed afterwards. Nothing starts when the browser tests
 * are skipped.
 */
export function browserSuite(opts: BrowserSuiteOptions = {}): BrowserSuite {
  const suite = { pageErrors: [] as string[] } as BrowserSuite;
  const withAdmin = opts.admin === true || opts.signedIn === true || (opts.configure ?? []).length > 0;
  before(async () => {
    if (browserSkipReason() !== false) return;
    if (opts.sandboxes !== undefined) suite.sb = await startSandboxes(opts.sandboxes);
    suite.stack = await startStack({ demoHints: suite.sb?.hints ?? null, ...(opts.env === undefined ? {} : { env: opts.env }) });
    if (withAdmin) suite.api = apiClient(suite.stack.url, await setupAdminViaApi(suite.stack));
    for (const kind of opts.configure ?? []) {
      await (kind === 'itglue' ? configureItGlueViaApi : configureHaloViaApi)(suite.stack, suite.api, suite.sb);
    }
    suite.browser = await launchBrowser();
    if (opts.signedIn === true || opts.signedOut === true) {
      suite.context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
      if (opts.signedIn === true) await signIn(suite.context, suite.stack);
      suite.page = await suite.context.newPage();
      suite.page.on('pageerror', (e) => suite.pageErrors.push(String(e)));
    }
  });
  after(async () => {
    await suite.context?.close();
    await suite.browser?.close();
    await suite.stack?.close();
    await suite.sb?.close();
  });
  return suite;
}

/** First-run setup in the page: the administrator form filled in and submitted. */
export async function setupAdminInPage(page: Page, stack: Stack, admin = ADMIN): Promise<void> {
  await page.goto(stack.url);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Name').fill(admin.name);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel('Confirm password').fill(admin.password);
  await page.getByRole('button', { name: /create/i }).click();
}

/** "1,234" → 1234 */
export function parseCount(text: string): number {
  return Number(text.replace(/[,\s\u202f\u00a0]/g, ''));
}

/** Close every Mantine toast on screen (they sit at the top centre, over whatever is there). */
export async function dismissToasts(page: Page): Promise<void> {
  const toasts = page.locator('.mantine-Notification-root');
  for (let attempt = 0; attempt < 3 && (await toasts.count()) > 0; attempt++) {
    for (const button of await toasts.locator('.mantine-Notification-closeButton').all()) {
      await button.click({ force: true, timeout: 1000 }).catch(() => undefined);
    }
    await poll('toasts gone', async () => (await toasts.count()) === 0, { timeoutMs: 1500, intervalMs: 50 }).catch(() => undefined);
  }
}
