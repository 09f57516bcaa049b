/**
 * IT Glue JSON:API resources → canonical records. Lenient at the edge:
 * ids string|number → string; foreign keys number|string|null → string|null (numbers must be safe
 * integers); timestamps → ISO-8601 UTC or null when invalid; date-only fields → YYYY-MM-DD;
 * blank strings → null. Unknown attributes are dropped (zod strips them).
 */
import { z } from 'zod';
import type { ItgConfiguration, ItgDomain, ItgNamed, ItgOrganization } from '../contract.js';

export type MapResult<T> = { ok: true; record: T } | { ok: false; id: string | null; error: string };

/** A vendor id: non-empty string (kept verbatim, trimmed) or a non-negative safe integer. */
export const idSchema = z.union([z.string(), z.number()]).transform((v, ctx): string => {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) {
      ctx.addIssue({ code: 'custom', message: `id ${v} is not a safe non-negative integer` });
      return z.NEVER;
    }
    return String(v);
  }
  const s = v.trim();
  if (s === '') {
    ctx.addIssue({ code: 'custom', message: 'empty id' });
    return z.NEVER;
  }
  return s;
});

/** A foreign key: number | numeric-ish string | null | missing → string | null. */
export const fkSchema = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  // .optional(): zod 4 treats a key whose schema does not accept undefined as required
  .optional()
  .transform((v, ctx): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) {
        ctx.addIssue({ code: 'custom', message: `foreign key ${v} is not a safe non-negative integer` });
        return z.NEVER;
      }
      return String(v);
    }
    const s = v.trim();
    return s === '' ? null : s;
  });

/** Optional text: blank → null; numbers kept as text; anything else → null. */
export const textSchema = z.unknown().optional().transform((v): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s === '' ? null : s;
});

export const boolSchema = z.unknown().optional().transform((v): boolean => {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return ['true', '1', 'yes', 't'].includes(v.trim().toLowerCase());
  return false;
});

/** RFC 3339 timestamp → ISO-8601 UTC with ms; invalid or sentinel (before 1901) → null. */
export function toIsoTimestamp(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '') return null;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  if (d.getUTCFullYear() < 1901) return null;
  return d.toISOString();
}

/** `YYYY-MM-DD` (or the date part of a timestamp) → `YYYY-MM-DD`; invalid → null. */
export function toDateOnly(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(v);
  if (m === null) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d || y < 1901) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** A timestamp, or a bare date kept as `YYYY-MM-DD` (for `expires-on`, documented as a timestamp). */
export function toTimestampOrDate(v: unknown): string | null {
  if (typeof v === 'string' && /^\s*\d{4}-\d{2}-\d{2}\s*$/.test(v)) return toDateOnly(v);
  return toIsoTimestamp(v);
}

export const timestampSchema = z.unknown().optional().transform(toIsoTimestamp);
export const dateOnlySchema = z.unknown().optional().transform(toDateOnly);

const resourceSchema = z.object({
  id: idSchema,
  type: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).nullish(),
});

const organizationAttributes = z.object({
  name: textSchema,
  'organization-status-id': fkSchema,
  'organization-status-name': textSchema,
  'organization-type-id': fkSchema,
  'organization-type-name': textSchema,
  primary: boolSchema,
  'short-name': textSchema,
  'psa-id': textSchema,
  'created-at': timestampSchema,
  'updated-at': timestampSchema,
  // read leniently so a string "1" or a number never rejects the record (not part of the record yet)
  'parent-id': fkSchema.catch(null),
});

const namedAttributes = z.object({ name: textSchema });

const configurationAttributes = z.object({
  'organization-id': fkSchema,
  name: textSchema,
  hostname: textSchema,
  'configuration-type-name': textSchema,
  'serial-number': textSchema,
  'asset-tag': textSchema,
  'manufacturer-name': textSchema,
  'model-name': textSchema,
  'operating-system-name': textSchema,
  'warranty-expires-at': dateOnlySchema,
  'purchased-at': dateOnlySchema,
  'installed-at': dateOnlySchema,
  archived: boolSchema,
  'updated-at': timestampSchema,
});

const domainAttributes = z.object({
  'organization-id': fkSchema,
  name: textSchema,
  'registrar-name': textSchema,
  'expires-on': z.unknown().optional().transform(toTimestampOrDate),
  'updated-at': timestampSchema,
});

/** The id of a raw resource, when it has a usable one (for the repeat guard and de-duplication). */
export function rawResourceId(raw: unknown): string | null {
  const r = z.object({ id: idSchema }).safeParse(raw);
  return r.success ? r.data.id : null;
}

function issues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function mapResource<A extends z.ZodType, T>(
  raw: unknown,
  attributes: A,
  build: (id: string, a: z.output<A>) => T | string,
): MapResult<T> {
  const r = resourceSchema.safeParse(raw);
  if (!r.success) return { ok: false, id: rawResourceId(raw), error: issues(r.error) };
  const a = attributes.safeParse(r.data.attributes ?? {});
  if (!a.success) return { ok: false, id: r.data.id, error: issues(a.error) };
  const out = build(r.data.id, a.data);
  if (typeof out === 'string') return { ok: false, id: r.data.id, error: out };
  return { ok: true, record: out };
}

export function mapOrganization(raw: unknown): MapResult<ItgOrganization> {
  return mapResource(raw, organizationAttributes, (id, a) => ({
    id,
    name: a.name ?? '',
    statusId: a['organization-status-id'],
    statusName: a['organization-status-name'],
    typeId: a['organization-type-id'],
    typeName: a['organization-type-name'],
    primary: a.primary,
    shortName: a['short-name'],
    psaId: a['psa-id'],
    createdAt: a['created-at'],
    updatedAt: a['updated-at'],
  }));
}

/** Organization statuses and types. */
export function mapNamed(raw: unknown): MapResult<ItgNamed> {
  return mapResource(raw, namedAttributes, (id, a) => ({ id, name: a.name ?? '' }));
}

export function mapConfiguration(raw: unknown): MapResult<ItgConfiguration> {
  return mapResource(raw, configurationAttributes, (id, a) => {
    const organizationId = a['organization-id'];
    if (organizationId === null) return 'organization-id is missing';
    return {
      id,
      organizationId,
      name: a.name ?? a.hostname ?? '',
      hostname: a.hostname,
      typeName: a['configuration-type-name'],
      serialNumber: a['serial-number'],
      assetTag: a['asset-tag'],
      manufacturerName: a['manufacturer-name'],
      modelName: a['model-name'],
      warrantyExpiresAt: a['warranty-expires-at'],
      purchasedAt: a['purchased-at'],
      installedAt: a['installed-at'],
      operatingSystemName: a['operating-system-name'],
      archived: a.archived,
      updatedAt: a['updated-at'],
    };
  });
}

export function mapDomain(raw: unknown): MapResult<ItgDomain> {
  return mapResource(raw, domainAttributes, (id, a) => {
    const organizationId = a['organization-id'];
    if (organizationId === null) return 'organization-id is missing';
    if (a.name === null) return 'name is missing';
    return {
      id,
      organizationId,
      name: a.name,
      registrarName: a['registrar-name'],
      expiresOn: a['expires-on'],
      updatedAt: a['updated-at'],
    };
  });
}
