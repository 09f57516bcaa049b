import { z } from 'zod';

/**
 * Text that no part of the system can use: a NUL character (PostgreSQL rejects it in text, C libraries
 * cut strings at it) or an unpaired UTF-16 surrogate (not Unicode: it cannot be encoded as UTF-8, and
 * encodeURIComponent throws on it). Input carrying either is refused at the edge with 400.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unusableTextReason(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it contains an unpaired surrogate)';
  return null;
}

export interface TextIssue {
  path: string;
  message: string;
}

/**
 * Every unusable string in a parsed value (object keys included), with its dotted path under `root`
 * (`body.links.3.psaId`). Iterative, so deeply nested input cannot overflow the stack; stops after `max` issues.
 */
export function findUnusableText(value: unknown, root: string, max = 20): TextIssue[] {
  const issues: TextIssue[] = [];
  const stack: [unknown, string][] = [[value, root]];
  const seen = new Set<object>();
  while (stack.length > 0 && issues.length < max) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unusableTextReason(v);
      if (reason !== null) issues.push({ path: path.length > 200 ? `${path.slice(0, 200)}…` : path, message: reason });
    } else if (typeof v === 'object' && v !== null && !seen.has(v)) {
      seen.add(v);
      for (const [k, child] of Object.entries(v)) {
        const keyReason = unusableTextReason(k);
        const childPath = `${path}.${keyReason === null ? k : JSON.stringify(k)}`;
        if (keyReason !== null) issues.push({ path: childPath, message: `field name ${keyReason}` });
        else stack.push([child, childPath]);
      }
    }
  }
  return issues.sort((a, b) => a.path.localeCompare(b.path));
}

/** A zod refinement for schemas used outside HTTP too (settings saved by other paths). */
export const usableText = <T extends z.ZodType<string>>(schema: T) =>
  schema.superRefine((v, ctx) => {
    const reason = unusableTextReason(v);
    if (reason !== null) ctx.addIssue({ code: 'custom', message: reason });
  });
