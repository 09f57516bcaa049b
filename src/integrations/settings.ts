/**
 * Settings of any integration, driven by its definition's `fields`: the request body schema of
 * PUT/POST …/KIND(/test), what is stored (non-secret values, with defaults), and the public view.
 */
import { z } from 'zod';
import type { SettingsField } from '../shared/wire.js';
import { unusableTextReason, usableText } from '../validation/text.js';
import type { IntegrationDefinition, Secrets, StoredSettings } from './definition.js';

/** Requests per 5 minutes an admin may set below the vendor's limit (not on the form). */
export const RATE_LIMIT_FIELD = 'rateLimitPer5Min';

/** An integration URL: https only, unless ALLOW_INSECURE_HTTP. No credentials, query or fragment. */
export function integrationUrl(allowInsecure: boolean, label = 'URL') {
  return z
    .string({ error: `Enter the ${label}` })
    .trim()
    .min(1, `Enter the ${label}`)
    .superRefine((v, ctx) => {
      const unusable = unusableTextReason(v);
      if (unusable !== null) return ctx.addIssue({ code: 'custom', message: `The ${label} ${unusable}` });
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: `The ${label} is not a valid URL (e.g. https://example.com/api)` });
        return;
      }
      if (u.protocol === 'http:' && !allowInsecure) {
        ctx.addIssue({ code: 'custom', message: `The ${label} must use https:// (set ALLOW_INSECURE_HTTP=1 to allow http:// for sandboxes)` });
      } else if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        ctx.addIssue({ code: 'custom', message: `The ${label} must be an https:// URL` });
      }
      if (u.username !== '' || u.password !== '') ctx.addIssue({ code: 'custom', message: `The ${label} must not contain credentials` });
      if (u.search !== '' || u.hash !== '') ctx.addIssue({ code: 'custom', message: `The ${label} must not contain a query or fragment` });
    })
    .transform((v) => v.replace(/\/+$/, ''));
}

function fieldSchema(f: SettingsField, allowInsecure: boolean): z.ZodType {
  const enter = `Enter the ${f.label}`;
  switch (f.type) {
    case 'url':
      return f.required ? integrationUrl(allowInsecure, f.label) : integrationUrl(allowInsecure, f.label).nullish();
    case 'secret':
      // Omitting a secret keeps the stored one; the service asks for it when none is stored yet.
      return usableText(z.string({ error: enter }).trim().min(1, enter).max(4096, `The ${f.label} is too long`)).optional();
    case 'text': {
      const s = usableText(z.string({ error: enter }).trim().max(500, `The ${f.label} is too long (500 characters at most)`));
      return f.required ? s.min(1, enter) : s.nullish();
    }
    case 'boolean': {
      const b = z.boolean({ error: `${f.label}: choose yes or no (true or false)` });
      return f.required ? b : b.optional();
    }
    case 'list': {
      // A list whose default is empty may be emptied again; any other needs at least one entry.
      const mayBeEmpty = !f.required && Array.isArray(f.default) && f.default.length === 0;
      const l = z
        .array(usableText(z.string().trim().min(1, `${f.label}: entries must not be empty`).max(100, `${f.label}: entries are 100 characters at most`)), {
          error: `${f.label}: a list of names`,
        })
        .min(mayBeEmpty ? 0 : 1, `Enter at least one of the ${f.label}`)
        .max(50, `${f.label}: 50 at most`);
      return f.required ? l : l.optional();
    }
  }
}

/** The body of PUT /api/integrations/KIND and POST …/test for one definition. */
export function settingsBodySchema(def: IntegrationDefinition, opts: { allowInsecureHttp: boolean }) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of def.fields) shape[f.name] = fieldSchema(f, opts.allowInsecureHttp);
  shape[RATE_LIMIT_FIELD] = z.number().int().min(1).max(100_000).optional();
  const object = z.object(shape);
  const validate = def.validateSettings;
  if (validate === undefined) return object;
  return object.superRefine((body, ctx) => {
    for (const issue of validate(body)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });
}

export type SettingsBody = Record<string, unknown>;

export const secretFields = (def: IntegrationDefinition): SettingsField[] => def.fields.filter((f) => f.type === 'secret');

/**
 * What is stored from a body: every non-secret field (omitted lists and booleans keep their stored value, else
 * the default; an empty optional text is null) and the rate limit.
 */
export function toStoredSettings(def: IntegrationDefinition, body: SettingsBody, prev: StoredSettings | null): StoredSettings {
  const out: StoredSettings = {};
  for (const f of def.fields) {
    if (f.type === 'secret') continue;
    const v = body[f.name];
    if (f.type === 'text' || f.type === 'url') {
      out[f.name] = v === undefined || v === null || v === '' ? null : v;
    } else {
      out[f.name] = v !== undefined ? v : (prev?.[f.name] ?? f.default ?? (f.type === 'boolean' ? false : []));
    }
  }
  out[RATE_LIMIT_FIELD] = body[RATE_LIMIT_FIELD] ?? prev?.[RATE_LIMIT_FIELD] ?? def.rateLimit.limit;
  return out;
}

/** Secrets after a save or test: sent ones replace stored ones; omitted ones are kept. */
export function mergeSecrets(def: IntegrationDefinition, body: SettingsBody, stored: Secrets): Secrets {
  const out: Secrets = { ...stored };
  for (const f of secretFields(def)) {
    const v = body[f.name];
    if (typeof v === 'string') out[f.name] = v;
  }
  return out;
}

/** The first secret field that is neither sent nor stored. */
export function missingSecret(def: IntegrationDefinition, secrets: Secrets): SettingsField | null {
  return secretFields(def).find((f) => f.required && secrets[f.name] === undefined) ?? null;
}

/** Settings as the API shows them: never a secret, only whether one is stored (`apiKeySet`). */
export function publicSettings(def: IntegrationDefinition, stored: StoredSettings, secrets: Secrets): StoredSettings {
  const out: StoredSettings = { ...stored };
  for (const f of secretFields(def)) out[`${f.name}Set`] = secrets[f.name] !== undefined;
  return out;
}
