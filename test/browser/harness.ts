import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.js';
import { startServer, ROOT, type Running } from '../../src/runtime.js';

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
export async function startStack(opts: { demoHints?: Record<string, unknown> | null; env?: Record<string, string> } = {}): Promise<Stack> {
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
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
