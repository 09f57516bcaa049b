/**
 * Halo has no single error format (halo.md §9). One extractor tries, in order:
 * a bare JSON string; `{"error":"…"}` / `{"error":"…","error_description":"…"}` / `{"error":{"error_description":"…"}}`;
 * `{"ClassName","Message"}`; `{"resultCode","errorMessage"}`; `{"Message"}` / `{"message"}`;
 * validation objects like `{"[0].id":"…"}` (one or more keys, string values); ASP.NET `{"errors":{field:[…]}}`;
 * a plain-text body that is not an HTML page.
 */

const MAX_MESSAGE = 500;

function clean(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.replace(/\s+/g, ' ').trim();
  if (t === '') return null;
  return t.length > MAX_MESSAGE ? `${t.slice(0, MAX_MESSAGE - 1)}…` : t;
}

export function looksLikeHtml(text: string): boolean {
  const t = text.trimStart().slice(0, 200).toLowerCase();
  return t.startsWith('<!doctype') || t.startsWith('<html') || t.startsWith('<?xml') || /^<(head|body|title|div|p|h1)\b/.test(t);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromObject(body: Record<string, unknown>): string | null {
  // OAuth2: {"error":"invalid_client","error_description":"…"} or {"error":{"error_description":"…"}}
  if ('error' in body) {
    const err = body.error;
    if (isPlainObject(err)) {
      const nested = clean(err.error_description) ?? clean(err.message) ?? clean(err.Message) ?? clean(err.error);
      if (nested !== null) return nested;
    } else {
      const described = clean(body.error_description);
      if (described !== null) return described;
      const plain = clean(err);
      if (plain !== null) return plain;
    }
  }
  const described = clean(body.error_description);
  if (described !== null) return described;
  // {"ClassName":"…Exception","Message":"…"}
  if ('ClassName' in body) {
    const m = clean(body.Message) ?? clean(body.message);
    if (m !== null) return m;
  }
  // {"resultCode":1,"errorMessage":"…"}
  const em = clean(body.errorMessage) ?? clean(body.ErrorMessage);
  if (em !== null) return em;
  const m = clean(body.Message) ?? clean(body.message);
  if (m !== null) return m;
  // ASP.NET problem details: {"title":"…","errors":{"field":["…"]}}
  if (isPlainObject(body.errors)) {
    const joined = fromValidation(body.errors);
    if (joined !== null) return joined;
  }
  const title = clean(body.title);
  if (title !== null) return title;
  // Validation objects: {"[0].id":"…"} — every value a string (or list of strings).
  return fromValidation(body);
}

function fromValidation(body: Record<string, unknown>): string | null {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const values = Array.isArray(value) ? value : [value];
    const texts = values.map(clean);
    if (texts.length === 0 || texts.some((t) => t === null)) return null;
    const joined = texts.join(' ');
    parts.push(key === '' ? joined : `${key}: ${joined}`);
  }
  return parts.length === 0 ? null : clean(parts.join('; '));
}

/** Halo's human message from an error body (parsed JSON or text), or null when none can be found. */
export function extractHaloMessage(body: unknown, text?: string): string | null {
  if (typeof body === 'string') {
    // Either a bare JSON string or an unparsed text body.
    let value = body;
    const trimmed = body.trim();
    if (trimmed.startsWith('"')) {
      try {
        const parsed: unknown = JSON.parse(trimmed);
        if (typeof parsed === 'string') value = parsed;
        else return extractHaloMessage(parsed);
      } catch {
        /* keep the raw text */
      }
    } else if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return extractHaloMessage(JSON.parse(trimmed) as unknown);
      } catch {
        /* keep the raw text */
      }
    }
    return looksLikeHtml(value) ? null : clean(value);
  }
  if (Array.isArray(body)) {
    const parts = body.map((item) => extractHaloMessage(item)).filter((p): p is string => p !== null);
    return parts.length === 0 ? null : clean(parts.join('; '));
  }
  if (isPlainObject(body)) return fromObject(body);
  if (text !== undefined && text !== '') return extractHaloMessage(text);
  return null;
}

/** The OAuth2 `error` code of a token-endpoint reply (`invalid_client`, `invalid_scope`, …), if any. */
export function oauthErrorCode(body: unknown): string | null {
  if (!isPlainObject(body)) return null;
  const err = body.error;
  if (typeof err === 'string') return err.trim().toLowerCase() || null;
  if (isPlainObject(err) && typeof err.error === 'string') return err.error.trim().toLowerCase() || null;
  return null;
}
