// Validation messages in words: a 400's `details.issues` (paths like "body.resourceServerUrl") become one
// message per field, named by the field's label ("Enter the Resource Server URL"), and at most one summary
// sentence — never a raw path.
import type { FieldIssue } from '../../src/shared/wire.js';

/** Field name → the label its input shows. */
export type FieldLabels = Readonly<Record<string, string>>;

/** The last meaningful segment of an issue path: "body.baseUrl" → "baseUrl", "links.3.psaId" → "psaId". */
export function issueField(path: string): string {
  const parts = path.split(/[./]/).filter((p) => p !== '' && p !== 'body' && p !== 'query' && p !== 'params' && !/^\d+$/.test(p));
  return parts.length > 0 ? parts[parts.length - 1]! : '';
}

/** "currentPassword" → "Current password" (for fields without a known label). */
export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([a-zA-Z])([0-9])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words === '' ? 'This field' : words[0]!.toUpperCase() + words.slice(1);
}

const MISSING = /^required$|is required|received undefined|received null|must not be empty|expected string to have >=1 characters?|^enter /i;
const BAD_URL = /invalid url|not a valid url|must be an https:\/\/ url/i;

/** One issue's message as a sentence about the field called `label`. */
export function issueWords(message: string, label: string, type?: string): string {
  const m = message.trim();
  if (MISSING.test(m)) return /^enter /i.test(m) ? m : `Enter the ${label}`;
  if (BAD_URL.test(m) || (type === 'url' && /invalid|url/i.test(m) && !m.toLowerCase().includes(label.toLowerCase()))) {
    return 'Enter a valid URL starting with https://';
  }
  if (m.toLowerCase().includes(label.toLowerCase())) return m;
  // "must be at least 8 characters" → "Password must be at least 8 characters"
  if (/^[a-z]/.test(m)) return `${label} ${m}`;
  return `${label}: ${m}`;
}

export interface FormErrorText {
  /** message per field name, for the inputs (first issue of each field) */
  fields: Record<string, string>;
  /** the one sentence for above or below the form, or null when the inputs say it all */
  summary: string | null;
}

/**
 * Messages for a form from a 400's issues. `labels` lists the form's fields: issues about them go next to
 * their input (`fields`) and the summary only names them; other issues are spelled out in the summary.
 */
export function describeIssues(issues: readonly FieldIssue[], labels: FieldLabels, types: Readonly<Record<string, string>> = {}): FormErrorText {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const name = issueField(issue.path);
    const label = labels[name];
    if (label !== undefined) {
      fields[name] ??= issueWords(issue.message, label, types[name]);
    } else {
      const words = issueWords(issue.message, name === '' ? 'The request' : humanize(name), types[name]);
      if (!other.includes(words)) other.push(words);
    }
  }
  const named = Object.keys(fields).map((n) => labels[n]!);
  const parts: string[] = [];
  if (named.length === 1) parts.push(`Check the ${named[0]} field.`);
  else if (named.length > 1) parts.push(`Check these fields: ${named.join(', ')}.`);
  for (const o of other) parts.push(/[.!?]$/.test(o) ? o : `${o}.`);
  return { fields, summary: parts.length > 0 ? parts.join(' ') : null };
}
