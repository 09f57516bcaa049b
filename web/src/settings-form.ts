// The values of an integration settings form, drawn from the kind's `fields` (GET /api/integration-kinds):
// what the inputs start with, the body Test Settings and Save Settings send, and the demo's sandbox values.
import type { SettingsField, SettingsInput } from '../../src/shared/wire.js';

/** One value per field: booleans for checkboxes, text for every other input (lists comma-separated). */
export type FormValues = Record<string, string | boolean>;

/** The preset picker's choice when the URL is none of the presets. */
export const CUSTOM_PRESET = 'custom';

export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function initialValue(field: SettingsField, stored: unknown): string | boolean {
  switch (field.type) {
    case 'secret':
      return ''; // never sent back by the server; `<name>Set` says whether one is stored
    case 'boolean':
      return typeof stored === 'boolean' ? stored : field.default === true;
    case 'list': {
      const list = Array.isArray(stored) ? stored : Array.isArray(field.default) ? field.default : [];
      return list.filter((x): x is string => typeof x === 'string').join(', ');
    }
    case 'url':
    case 'text':
      return typeof stored === 'string' ? stored : typeof field.default === 'string' ? field.default : '';
  }
}

/** The form's starting values: the stored settings, else each field's default. */
export function initialValues(fields: readonly SettingsField[], settings: Record<string, unknown>): FormValues {
  return Object.fromEntries(fields.map((f) => [f.name, initialValue(f, settings[f.name])]));
}

/** The body of PUT /api/integrations/KIND and POST …/test. An empty secret is left out (the stored one is kept). */
export function settingsBody(fields: readonly SettingsField[], values: FormValues): SettingsInput {
  const body: SettingsInput = {};
  for (const f of fields) {
    const v = values[f.name];
    const text = typeof v === 'string' ? v : '';
    switch (f.type) {
      case 'boolean':
        body[f.name] = v === true;
        break;
      case 'secret':
        if (text !== '') body[f.name] = text;
        break;
      case 'list': {
        const items = parseList(text);
        if (items.length > 0) body[f.name] = items;
        else if (Array.isArray(f.default)) body[f.name] = f.default;
        else if (f.required) body[f.name] = []; // the server names what is missing
        break;
      }
      case 'url':
      case 'text': {
        const t = text.trim();
        body[f.name] = t === '' && !f.required && f.type === 'url' ? null : t;
        break;
      }
    }
  }
  return body;
}

/** The demo's sandbox values as form values (only fields the form has). */
export function hintValues(fields: readonly SettingsField[], hints: Record<string, string | boolean>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const h = hints[f.name];
    if (h === undefined) continue;
    out[f.name] = f.type === 'boolean' ? h === true : String(h);
  }
  return out;
}

/** The sandbox values as the hint box shows them: field label → text. */
export function hintLabels(fields: readonly SettingsField[], hints: Record<string, string | boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const h = hints[f.name];
    if (h === undefined) continue;
    out[f.label] = typeof h === 'boolean' ? (h ? 'Yes' : 'No') : h;
  }
  return out;
}

const trimSlashes = (url: string): string => url.trim().replace(/\/+$/, '');

/** Which preset a URL is (its value), else CUSTOM_PRESET. */
export function presetOf(field: SettingsField, url: string): string {
  const clean = trimSlashes(url);
  return field.presets?.find((p) => trimSlashes(p.value) === clean)?.value ?? CUSTOM_PRESET;
}

/**
 * What the form can tell before asking the server, in words named by each field's label: a required field
 * left empty ("Enter the Resource Server URL") and a URL that is not one. (The server checks the rest,
 * e.g. whether plain http:// is allowed.) `secretsSet` names the secrets already stored.
 */
export function validateSettings(fields: readonly SettingsField[], values: FormValues, secretsSet: ReadonlySet<string> = new Set()): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const v = values[f.name];
    const text = typeof v === 'string' ? v.trim() : '';
    if (f.type === 'boolean') continue;
    if (text === '') {
      if (f.required && !(f.type === 'secret' && secretsSet.has(f.name)) && !(f.type === 'list' && Array.isArray(f.default))) {
        errors[f.name] = f.type === 'list' ? `Enter at least one of the ${f.label}` : `Enter the ${f.label}`;
      }
      continue;
    }
    if (f.type === 'url') {
      let ok = false;
      try {
        const u = new URL(text);
        ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
      } catch {
        ok = false;
      }
      if (!ok) errors[f.name] = 'Enter a valid URL starting with https://';
    }
  }
  return errors;
}

/** Field name → label, and field name → type, for putting the server's messages in words. */
export function fieldLabels(fields: readonly SettingsField[]): { labels: Record<string, string>; types: Record<string, string> } {
  return {
    labels: Object.fromEntries(fields.map((f) => [f.name, f.label])),
    types: Object.fromEntries(fields.map((f) => [f.name, f.type])),
  };
}
