/**
 * IT Glue resources as JSON:API: renderers (kebab-case attributes, string ids, numeric foreign keys)
 * and the snake_case filters and sorts each collection accepts.
 */
import type {
  ItgConfigurationRecord, ItgContactRecord, ItgDomainRecord, ItgNamedRecord, ItgOrganizationRecord, ItgStore,
} from './store.js';

export class ApiError extends Error {
  constructor(public status: number, public title: string, public detail?: string, public pointer?: string) {
    super(detail ?? title);
  }
}

export interface RenderOptions {
  inList: boolean;
  organizationPsaFields: boolean;
  nameFilter: 'exact' | 'substring';
  maxDateRangeDays: number | null;
  now: () => number;
}

export type Predicate<R> = (r: R) => boolean;
export type FilterDef<R> = (raw: string, opts: RenderOptions) => Predicate<R>;
export type SortKey<R> = (r: R) => string | number | boolean | null;

/** A collection's records have numeric ids (rendered as strings). */
export interface ResourceDef<R extends { id: number }> {
  type: string;
  list(store: ItgStore): R[];
  attributes(r: R, store: ItgStore, opts: RenderOptions): Record<string, unknown>;
  relationships?(r: R): Record<string, unknown>;
  filters: Record<string, FilterDef<R>>;
  /** exclude[...] filters (organizations) */
  excludes?: Record<string, FilterDef<R>>;
  /** filter pairs that only work together (psa_id needs psa_integration_type) */
  together?: Array<[string, string]>;
  sorts: Record<string, SortKey<R>>;
}

/** Splits a filter value on commas; `\,` is a literal comma. */
export function splitValues(raw: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && raw[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

const idsFilter = <R>(get: (r: R) => number | string | null): FilterDef<R> => (raw) => {
  const set = new Set(splitValues(raw).filter(Boolean));
  return (r) => {
    const v = get(r);
    return v !== null && set.has(String(v));
  };
};

const textFilter = <R>(get: (r: R) => string | null, alwaysExact = false): FilterDef<R> => (raw, opts) => {
  const values = splitValues(raw);
  if (opts.nameFilter === 'substring' && !alwaysExact) {
    const lower = values.map((v) => v.toLowerCase());
    return (r) => {
      const v = get(r)?.toLowerCase();
      return v !== undefined && lower.some((x) => v.includes(x));
    };
  }
  const set = new Set(values);
  return (r) => {
    const v = get(r);
    return v !== null && set.has(v);
  };
};

const boolFilter = <R>(get: (r: R) => boolean): FilterDef<R> => (raw) => {
  const v = raw.trim().toLowerCase();
  if (!['true', 'false', '1', '0'].includes(v)) throw new ApiError(400, 'Invalid filter value', `${raw} is not a valid value for a boolean filter.`);
  const want = v === 'true' || v === '1';
  return (r) => get(r) === want;
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

const rangeFilter = <R>(get: (r: R) => string | null): FilterDef<R> => (raw, opts) => {
  const parts = splitValues(raw);
  if (parts.length > 2 || parts.length === 0) throw new ApiError(400, 'Invalid filter value', `${raw} is not a valid date range (expected start,end).`);
  const bound = (s: string | undefined): number | null => {
    if (s === undefined || s === '' || s === '*') return null;
    if (!RFC3339.test(s)) throw new ApiError(400, 'Invalid filter value', `${s} is not a valid RFC 3339 timestamp.`);
    const t = Date.parse(s);
    if (Number.isNaN(t)) throw new ApiError(400, 'Invalid filter value', `${s} is not a valid RFC 3339 timestamp.`);
    return t;
  };
  const start = bound(parts[0]);
  const end = bound(parts[1]);
  if (opts.maxDateRangeDays !== null) {
    const span = (end ?? opts.now()) - (start ?? 0);
    if (span > opts.maxDateRangeDays * 86_400_000) {
      throw new ApiError(422, 'Unprocessable Entity', `date range must not be longer than ${opts.maxDateRangeDays} days`, '/filter');
    }
  }
  return (r) => {
    const v = get(r);
    if (v === null) return false;
    const t = Date.parse(v);
    return (start === null || t >= start) && (end === null || t <= end);
  };
};

/** Never matches (filters on fields the sandbox keeps empty, e.g. group_id). */
const nothingFilter = <R>(): FilterDef<R> => () => () => false;

const PSA_TYPES = ['manage', 'autotask', 'tigerpaw', 'kaseya-bms', 'pulseway-psa', 'vorex'];
const psaTypeFilter = <R>(): FilterDef<R> => (raw) => {
  if (!PSA_TYPES.includes(raw)) throw new ApiError(400, 'Invalid filter value', `${raw} is not a valid psa_integration_type.`);
  return () => true;
};

/**
 * The filters of a record that has a name, a type and a status: `id`, `name` and `<kind>_type_id`,
 * `<kind>_status_id` (organizations, configurations); `exactName` for the exclude[name] filter.
 */
const classifiedFilters = <R extends { id: number; name: string; typeId: number | null; statusId: number | null }>(
  kind: string,
  exactName = false,
): Record<string, FilterDef<R>> => ({
  id: idsFilter((r) => r.id),
  name: textFilter((r) => r.name, exactName),
  [`${kind}_type_id`]: idsFilter((r) => r.typeId),
  [`${kind}_status_id`]: idsFilter((r) => r.statusId),
});

const quickNotes = (s: string | null, inList: boolean) => (s !== null && inList && s.length > 250 ? s.slice(0, 250) : s);
const resourceUrl = (orgId: number, kind: string, id: number) => `https://sandbox.itglue.com/${orgId}/${kind}/${id}`;
const orgName = (store: ItgStore, orgId: number) => store.organizations.find((o) => o.id === orgId)?.name ?? null;

/** The attributes every record an organization owns starts with: its organization and its web address. */
const ownedBy = (r: { id: number; organizationId: number }, store: ItgStore, kind: string) => ({
  'organization-id': r.organizationId,
  'organization-name': orgName(store, r.organizationId),
  'resource-url': resourceUrl(r.organizationId, kind, r.id),
});

type OwnedKind = 'configurations' | 'domains' | 'contacts';

/**
 * A collection of records an organization owns, by the store's list of that name: listed from it, its attributes
 * after those of `ownedBy`.
 */
function ownedResource<R extends { id: number; organizationId: number }>(
  type: OwnedKind,
  def: Omit<ResourceDef<R>, 'type' | 'list' | 'attributes'> & { attributes(r: R): Record<string, unknown> },
): ResourceDef<R> {
  return {
    ...def,
    type,
    list: (s) => s[type] as unknown as R[],
    attributes: (r, store) => ({ ...ownedBy(r, store, type), ...def.attributes(r) }),
  };
}

export const organizationsDef: ResourceDef<ItgOrganizationRecord> = {
  type: 'organizations',
  list: (s) => s.organizations,
  attributes(r, _store, opts) {
    const a: Record<string, unknown> = {
      name: r.name,
      alert: r.alert,
      description: r.description,
      'organization-type-id': r.typeId,
      'organization-type-name': r.typeName,
      'organization-status-id': r.statusId,
      'organization-status-name': r.statusName,
      'my-glue-account-id': null,
      primary: r.primary,
      logo: r.logo,
      'quick-notes': quickNotes(r.quickNotes, opts.inList),
      'short-name': r.shortName,
      'created-at': r.createdAt,
      'updated-at': r.updatedAt,
      'parent-id': r.parentId,
      'ancestor-ids': r.ancestorIds,
    };
    if (opts.organizationPsaFields) {
      a['psa-id'] = r.psaId;
      a['psa-integration'] = r.psaIntegration;
    }
    return a;
  },
  filters: {
    ...classifiedFilters('organization'),
    created_at: rangeFilter((r) => r.createdAt),
    updated_at: rangeFilter((r) => r.updatedAt),
    primary: boolFilter((r) => r.primary),
    group_id: nothingFilter(),
    psa_id: idsFilter((r) => r.psaId),
    psa_integration_type: psaTypeFilter(),
  },
  excludes: classifiedFilters('organization', true),
  together: [['psa_id', 'psa_integration_type']],
  sorts: {
    name: (r) => r.name,
    id: (r) => r.id,
    updated_at: (r) => r.updatedAt,
    created_at: (r) => r.createdAt,
    short_name: (r) => r.shortName,
    organization_status_name: (r) => r.statusName,
    organization_type_name: (r) => r.typeName,
  },
};

const namedDef = (type: string, pick: (s: ItgStore) => ItgNamedRecord[]): ResourceDef<ItgNamedRecord> => ({
  type,
  list: pick,
  attributes: (r) => ({ name: r.name, 'created-at': r.createdAt, 'updated-at': r.updatedAt, synced: r.synced }),
  filters: { name: textFilter((r) => r.name), id: idsFilter((r) => r.id) },
  sorts: { name: (r) => r.name, id: (r) => r.id, created_at: (r) => r.createdAt, updated_at: (r) => r.updatedAt },
});

export const statusesDef = namedDef('organization-statuses', (s) => s.statuses);
export const typesDef = namedDef('organization-types', (s) => s.types);

export const configurationsDef = ownedResource<ItgConfigurationRecord>('configurations', {
  attributes: (r) => ({
    restricted: r.restricted,
    'psa-integration': r.psaIntegration,
    'my-glue': r.myGlue,
    name: r.name,
    hostname: r.hostname,
    'primary-ip': r.primaryIp,
    'mac-address': r.macAddress,
    'default-gateway': null,
    'serial-number': r.serialNumber,
    'asset-tag': r.assetTag,
    position: null,
    'installed-by': null,
    'purchased-by': null,
    notes: r.notes,
    'operating-system-notes': null,
    'warranty-expires-at': r.warrantyExpiresAt,
    'installed-at': r.installedAt,
    'purchased-at': r.purchasedAt,
    'configuration-type-id': r.typeId,
    'configuration-type-name': r.typeName,
    'configuration-type-kind': r.typeKind,
    'configuration-status-id': r.statusId,
    'configuration-status-name': r.statusName,
    'manufacturer-id': r.manufacturerId,
    'manufacturer-name': r.manufacturerName,
    'model-id': r.modelId,
    'model-name': r.modelName,
    'operating-system-id': r.operatingSystemId,
    'operating-system-name': r.operatingSystemName,
    'location-id': r.locationId,
    'location-name': r.locationName,
    'contact-id': r.contactId,
    'contact-name': r.contactName,
    'mitp-end-of-life-date': null,
    'mitp-device-expiration-date': null,
    archived: r.archived,
    'created-at': r.createdAt,
    'updated-at': r.updatedAt,
  }),
  relationships: () => ({ 'adapters-resources': { data: [] } }),
  filters: {
    ...classifiedFilters('configuration'),
    organization_id: idsFilter((r) => r.organizationId),
    contact_id: idsFilter((r) => r.contactId),
    serial_number: textFilter((r) => r.serialNumber, true),
    mac_address: textFilter((r) => r.macAddress, true),
    asset_tag: textFilter((r) => r.assetTag, true),
    rmm_id: nothingFilter(),
    rmm_integration_type: () => () => true,
    psa_id: nothingFilter(),
    psa_integration_type: psaTypeFilter(),
    archived: boolFilter((r) => r.archived),
  },
  together: [['psa_id', 'psa_integration_type'], ['rmm_id', 'rmm_integration_type']],
  sorts: { name: (r) => r.name, id: (r) => r.id, created_at: (r) => r.createdAt, updated_at: (r) => r.updatedAt },
});

export const domainsDef = ownedResource<ItgDomainRecord>('domains', {
  attributes: (r) => ({
    name: r.name,
    screenshot: `/system/domains/screenshots/${String(r.id).padStart(9, '0').replace(/(\d{3})(\d{3})(\d{3})/, '$1/$2/$3')}/thumb/http${r.name.replace(/[^a-z0-9]/g, '')}.png`,
    'registrar-name': r.registrarName,
    notes: r.notes,
    'expires-on': r.expiresOn,
    'updated-at': r.updatedAt,
  }),
  filters: { id: idsFilter((r) => r.id), organization_id: idsFilter((r) => r.organizationId) },
  sorts: { created_at: (r) => r.createdAt, updated_at: (r) => r.updatedAt },
});

export const contactsDef = ownedResource<ItgContactRecord>('contacts', {
  attributes: (r) => ({
    name: `${r.firstName} ${r.lastName}`,
    'first-name': r.firstName,
    'last-name': r.lastName,
    title: r.title,
    'contact-type-id': r.contactTypeId,
    'contact-type-name': r.contactTypeName,
    'location-id': null,
    'location-name': null,
    important: r.important,
    notes: null,
    restricted: false,
    'my-glue': false,
    'psa-integration': null,
    'contact-emails': r.emails.map((e) => ({ value: e.value, primary: e.primary, 'label-name': e.labelName })),
    'contact-phones': r.phones.map((p) => ({ value: p.value, extension: p.extension, primary: p.primary, 'label-name': p.labelName, 'formatted-value': p.formattedValue })),
    'created-at': r.createdAt,
    'updated-at': r.updatedAt,
  }),
  filters: {
    id: idsFilter((r) => r.id),
    organization_id: idsFilter((r) => r.organizationId),
    first_name: textFilter((r) => r.firstName),
    last_name: textFilter((r) => r.lastName),
    primary_email: textFilter((r) => r.emails.find((e) => e.primary)?.value ?? null, true),
    contact_type_id: idsFilter((r) => r.contactTypeId),
    important: boolFilter((r) => r.important),
    psa_id: nothingFilter(),
    psa_integration_type: psaTypeFilter(),
  },
  together: [['psa_id', 'psa_integration_type']],
  sorts: {
    name: (r) => `${r.firstName} ${r.lastName}`,
    id: (r) => r.id,
    first_name: (r) => r.firstName,
    last_name: (r) => r.lastName,
    created_at: (r) => r.createdAt,
    updated_at: (r) => r.updatedAt,
  },
});

export function renderResource<R extends { id: number }>(def: ResourceDef<R>, r: R, store: ItgStore, opts: RenderOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { id: String(r.id), type: def.type, attributes: def.attributes(r, store, opts) };
  if (opts.inList && def.relationships) out.relationships = def.relationships(r);
  return out;
}

function compareValues(a: string | number | boolean | null, b: string | number | boolean | null): number {
  if (a === b) return 0;
  if (a === null) return 1; // nulls last
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  // case-insensitive, like the database collation behind the real API
  const sa = String(a).toLowerCase();
  const sb = String(b).toLowerCase();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function sortRecords<R extends { id: number }>(def: ResourceDef<R>, records: R[], sort: Array<{ field: string; desc: boolean }>): R[] {
  const keys = sort.map((s) => ({ get: def.sorts[s.field], desc: s.desc }));
  return records.slice().sort((x, y) => {
    for (const k of keys) {
      const c = compareValues(k.get(x), k.get(y));
      if (c !== 0) return k.desc ? -c : c;
    }
    return x.id - y.id;
  });
}
