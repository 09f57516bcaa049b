// axe-core in a playwright-core page: injects the library and runs the WCAG 2.0/2.1 A and AA rules.
// `expectNoAxeViolations(page, 'Users')` fails with one readable line per violation and element.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

function source(): string {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; failureSummary: string }[];
}

/** Runs axe over the page (or the part `include` selects) and returns its violations. */
export async function axeViolations(page: Page, opts: { include?: string } = {}): Promise<AxeViolation[]> {
  // Colours are measured as painted: let fades and transitions (popovers, tabs, toasts) finish first.
  await page.evaluate('Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))');
  const loaded = await page.evaluate('typeof window.axe === "object"');
  // The CSP allows no inline scripts for the app; evaluate() runs outside it, addScriptTag may not.
  if (loaded !== true) await page.evaluate(source());
  const result = await page.evaluate(
    async ({ tags, include }) => {
      // Runs in the page (the server's type check has no DOM library).
      const page = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> } };
      const r = await page.axe.run(include ?? page.document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target.map(String), failureSummary: n.failureSummary })),
      }));
    },
    { tags: [...WCAG_TAGS], include: opts.include ?? null },
  );
  return result;
}

/** A readable list: one block per rule, one line per element with axe's explanation. */
export function formatViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 8)
        .map((n) => `    ${n.target.join(' ')}\n      ${n.failureSummary.replace(/\n/g, '\n      ')}`)
        .join('\n');
      const more = v.nodes.length > 8 ? `\n    … and ${v.nodes.length - 8} more` : '';
      return `  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

/** Fails when axe finds any WCAG 2.0/2.1 A or AA violation on the page. */
export async function expectNoAxeViolations(page: Page, what: string, opts: { include?: string } = {}): Promise<void> {
  const violations = await axeViolations(page, opts);
  if (violations.length > 0) {
    throw new Error(`axe: ${violations.length} WCAG A/AA violation(s) on ${what}:\n${formatViolations(violations)}`);
  }
}
