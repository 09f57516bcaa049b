/**
 * Control-interface mutations on the in-memory IT Glue account. Inputs accept camelCase or
 * kebab-case keys, bare or wrapped as JSON:API (`{data:{attributes:{…}}}`).
 */
import { z } from 'zod';
import { copyDefined } from '../shared/records.js';
import {
  CONFIG_STATUSES, isoSeconds,
  type ItgConfigurationRecord, type ItgDomainRecord, type ItgNamedRecord, type ItgOrganizationRecord, type ItgStore,
} from './store.js';

export class MutationError extends Error {
  constructor(public status: number, message: string) {
    super(message);
  }
}

const idLike = z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]);
const nullableString = z.string().nullable();
/** An optional text field (null clears it). */
const optionalText = nullableString.optional();
/** Optional text fields (null clears them), by name. */
function optionalTexts<const K extends string>(names: readonly K[]): Record<K, typeof optionalText> {
  return Object.fromEntries(names.map((n) => [n, optionalText])) as Record<K, typeof optionalText>;
}
const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').nullable();
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an RFC 3339 timestamp');

/**
 * A record kind's input schema (its fields plus an optional id and the two timestamps) and its patch
 * schema (the same without the id, every field optional).
 */
function recordSchemas<S extends z.ZodRawShape>(fields: S) {
  const input = z.object({ id: idLike.optional(), ...fields, createdAt: timestamp.optional(), updatedAt: timestamp.optional() });
  return { input, patch: input.omit({ id: true }).partial() };
}

/** An organization's record (configuration, domain): its organization and its name, then its own fields. */
function ownedRecordSchemas<S extends z.ZodRawShape>(fields: S) {
  return recordSchemas({ organizationId: idLike, name: z.string().min(1), ...fields });
}

const organizationSchemas = recordSchemas({
  name: z.string().min(1),
  statusId: idLike.nullable().optional(),
  statusName: z.string().nullable().optional(),
  typeId: idLike.nullable().optional(),
  typeName: z.string().nullable().optional(),
  primary: z.boolean().optional(),
  ...optionalTexts(['shortName', 'description', 'alert', 'quickNotes']),
  logo: z.string().optional(),
  parentId: z.union([z.string(), z.number()]).nullable().optional(),
  ...optionalTexts(['ancestorIds', 'psaId', 'psaIntegration']),
});
export type OrganizationInput = z.input<typeof organizationSchemas.input>;
export type OrganizationPatch = z.input<typeof organizationSchemas.patch>;

const configurationSchemas = ownedRecordSchemas({
  ...optionalTexts(['hostname', 'primaryIp', 'macAddress', 'serialNumber', 'assetTag', 'notes']),
  typeId: idLike.optional(),
  typeName: z.string().optional(),
  typeKind: z.string().optional(),
  statusName: z.enum(['Active', 'Inactive', 'Decommissioned']).optional(),
  ...optionalTexts(['manufacturerName', 'modelName', 'operatingSystemName']),
  warrantyExpiresAt: dateOnly.optional(),
  installedAt: dateOnly.optional(),
  purchasedAt: dateOnly.optional(),
  archived: z.boolean().optional(),
});
export type ConfigurationInput = z.input<typeof configurationSchemas.input>;
export type ConfigurationPatch = z.input<typeof configurationSchemas.patch>;

const domainSchemas = ownedRecordSchemas({
  registrarName: optionalText,
  expiresOn: timestamp.nullable().optional(),
  notes: optionalText,
});
export type DomainInput = z.input<typeof domainSchemas.input>;
export type DomainPatch = z.input<typeof domainSchemas.patch>;

export const namedInputSchema = z.object({ id: idLike.optional(), name: z.string().min(1), synced: z.boolean().optional() });
export type NamedInput = z.input<typeof namedInputSchema>;
export const namedPatchSchema = z.object({
  name: z.string().min(1).optional(),
  synced: z.boolean().optional(),
  /** also rewrite the denormalised name on organizations (default false: the names lag, as in IT Glue) */
  propagate: z.boolean().optional(),
});
export type NamedPatch = z.input<typeof namedPatchSchema>;

const camel = (k: string) => k.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()).replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** API attribute names (camelCased) → input field names */
const ALIASES: Record<string, string> = {
  organizationStatusId: 'statusId',
  organizationStatusName: 'statusName',
  organizationTypeId: 'typeId',
  organizationTypeName: 'typeName',
  configurationTypeId: 'typeId',
  configurationTypeName: 'typeName',
  configurationTypeKind: 'typeKind',
  configurationStatusName: 'statusName',
};

/** Unwraps JSON:API bodies and turns kebab/snake keys into camelCase (one level). */
export function normalizeInput(body: unknown): Record<string, unknown> {
  let obj = body;
  if (obj && typeof obj === 'object' && 'data' in obj) {
    const data = (obj as { data: unknown }).data;
    if (data && typeof data === 'object') {
      const d = data as { id?: unknown; attributes?: unknown };
      obj = { ...(d.attributes && typeof d.attributes === 'object' ? d.attributes : {}), ...(d.id !== undefined ? { id: d.id } : {}) };
    }
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new MutationError(400, 'expected a JSON object');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    const c = camel(k);
    out[ALIASES[c] ?? c] = v;
  }
  return out;
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(normalizeInput(input));
  if (!r.success) throw new MutationError(422, r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

const nowIso = (now: () => number) => new Date(now()).toISOString();

/** A new record's createdAt / updatedAt: the input's, else now (updatedAt falls back to createdAt). */
function timestamps(i: { createdAt?: string | undefined; updatedAt?: string | undefined }, now: () => number): { createdAt: string; updatedAt: string } {
  const ts = nowIso(now);
  return { createdAt: i.createdAt ?? ts, updatedAt: i.updatedAt ?? i.createdAt ?? ts };
}

/** Removes the record with this id from one of the store's lists; false when there was none. */
function removeById<K extends 'configurations' | 'domains'>(store: ItgStore, key: K, id: number): boolean {
  const list: Array<{ id: number }> = store[key];
  const kept = list.filter((r) => r.id !== id);
  store[key] = kept as ItgStore[K];
  return kept.length !== list.length;
}

function resolveNamed(list: ItgNamedRecord[], id: number | null | undefined, name: string | null | undefined, what: string): ItgNamedRecord | null | undefined {
  if (id !== undefined && id !== null) {
    const r = list.find((x) => x.id === id);
    if (!r) throw new MutationError(422, `${what} ${id} does not exist`);
    return r;
  }
  if (name !== undefined && name !== null) {
    const r = list.find((x) => x.name.trim().toLowerCase() === name.trim().toLowerCase());
    if (!r) throw new MutationError(422, `${what} "${name}" does not exist`);
    return r;
  }
  if (id === null || name === null) return null;
  return undefined;
}

function requireOrg(store: ItgStore, id: number): ItgOrganizationRecord {
  const org = store.organizations.find((o) => o.id === id);
  if (!org) throw new MutationError(422, `organization ${id} does not exist`);
  return org;
}

function findOr404<R extends { id: number }>(list: readonly R[], id: number, what: string): R {
  const rec = list.find((x) => x.id === id);
  if (!rec) throw new MutationError(404, `${what} ${id} not found`);
  return rec;
}

/** Copies the patch's given (not undefined) `fields` onto the record and stamps `updatedAt` (the patch's, or now). */
function applyPatch<R extends { updatedAt: string }, P extends { updatedAt?: string | undefined }>(
  rec: R,
  p: P,
  fields: readonly (keyof P & keyof R)[],
  now: () => number,
): R {
  copyDefined(rec, p, fields);
  rec.updatedAt = p.updatedAt ?? nowIso(now);
  return rec;
}

type OwnedRecord = { id: number; organizationId: number; name: string; createdAt: string; updatedAt: string };

/** Appends an organization's new record: the input's id (else the next one), organization and name, its own fields, timestamps. */
function addOwned<R extends OwnedRecord>(
  list: R[],
  i: { id?: number | undefined; organizationId: number; name: string; createdAt?: string | undefined; updatedAt?: string | undefined },
  nextId: () => number,
  fields: Omit<R, keyof OwnedRecord>,
  now: () => number,
): R {
  const rec = { id: i.id ?? nextId(), organizationId: i.organizationId, name: i.name, ...fields, ...timestamps(i, now) } as R;
  list.push(rec);
  return rec;
}

/** A new configuration's or domain's input: its organization must exist and its id, when given, be free. */
function parseOwnedInput<T extends { id?: number | undefined; organizationId: number }>(
  store: ItgStore,
  list: ReadonlyArray<{ id: number }>,
  schema: z.ZodType<T>,
  input: unknown,
  what: string,
): T {
  const i = parse(schema, input);
  requireOrg(store, i.organizationId);
  assertFreeId(list, i.id, what);
  return i;
}

/** A configuration or domain and a parsed patch for it: the record must exist, and a new organization too. */
function parseOwnedPatch<R extends { id: number }, P extends { organizationId?: number | undefined }>(
  store: ItgStore,
  list: readonly R[],
  id: number,
  schema: z.ZodType<P>,
  patch: unknown,
  what: string,
): { rec: R; p: P } {
  const rec = findOr404(list, id, what);
  const p = parse(schema, patch);
  if (p.organizationId !== undefined) requireOrg(store, p.organizationId);
  return { rec, p };
}

function assertFreeId(list: ReadonlyArray<{ id: number }>, id: number | undefined, what: string): void {
  if (id !== undefined && list.some((x) => x.id === id)) throw new MutationError(409, `${what} ${id} already exists`);
}

export function createOrganization(store: ItgStore, input: OrganizationInput, now: () => number): ItgOrganizationRecord {
  const i = parse(organizationSchemas.input, input);
  assertFreeId(store.organizations, i.id, 'organization');
  const status = resolveNamed(store.statuses, i.statusId, i.statusName, 'organization status') ?? store.statuses.find((s) => s.name === 'Active') ?? null;
  const type = resolveNamed(store.types, i.typeId, i.typeName, 'organization type') ?? store.types.find((t) => t.name === 'Customer') ?? null;
  const org: ItgOrganizationRecord = {
    id: i.id ?? store.nextIds.organization++,
    name: i.name,
    statusId: status?.id ?? null,
    statusName: status?.name ?? null,
    typeId: type?.id ?? null,
    typeName: type?.name ?? null,
    primary: i.primary ?? false,
    shortName: i.shortName ?? null,
    description: i.description ?? null,
    alert: i.alert ?? null,
    quickNotes: i.quickNotes ?? null,
    logo: i.logo ?? '',
    parentId: i.parentId ?? null,
    ancestorIds: i.ancestorIds ?? null,
    psaId: i.psaId ?? null,
    psaIntegration: i.psaIntegration ?? null,
    ...timestamps(i, now),
    businessKey: null,
  };
  store.organizations.push(org);
  return org;
}

export function updateOrganization(store: ItgStore, id: number, patch: OrganizationPatch, now: () => number): ItgOrganizationRecord {
  const org = findOr404(store.organizations, id, 'organization');
  const p = parse(organizationSchemas.patch, patch);
  const status = resolveNamed(store.statuses, p.statusId, p.statusName, 'organization status');
  const type = resolveNamed(store.types, p.typeId, p.typeName, 'organization type');
  if (status !== undefined) {
    org.statusId = status?.id ?? null;
    org.statusName = status?.name ?? null;
  }
  if (type !== undefined) {
    org.typeId = type?.id ?? null;
    org.typeName = type?.name ?? null;
  }
  return applyPatch(org, p, ['name', 'primary', 'shortName', 'description', 'alert', 'quickNotes', 'logo', 'parentId', 'ancestorIds', 'psaId', 'psaIntegration', 'createdAt'], now);
}

/** Removes the organization with its configurations, domains and contacts. */
export function deleteOrganization(store: ItgStore, id: number): boolean {
  const idx = store.organizations.findIndex((o) => o.id === id);
  if (idx < 0) return false;
  store.organizations.splice(idx, 1);
  store.configurations = store.configurations.filter((c) => c.organizationId !== id);
  store.domains = store.domains.filter((d) => d.organizationId !== id);
  store.contacts = store.contacts.filter((c) => c.organizationId !== id);
  return true;
}

const KNOWN_TYPES: Record<string, { id: number; kind: string }> = {
  'Managed Server': { id: 65, kind: 'server' },
  'Managed Workstation': { id: 66, kind: 'workstation' },
  Laptop: { id: 67, kind: 'workstation' },
  Firewall: { id: 68, kind: 'firewall' },
  Switch: { id: 69, kind: 'switch' },
  Printer: { id: 70, kind: 'printer' },
};

export function createConfiguration(store: ItgStore, input: ConfigurationInput, now: () => number): ItgConfigurationRecord {
  const i = parseOwnedInput(store, store.configurations, configurationSchemas.input, input, 'configuration');
  const typeName = i.typeName ?? 'Managed Workstation';
  const known = KNOWN_TYPES[typeName];
  const status = CONFIG_STATUSES.find((s) => s.name === (i.statusName ?? (i.archived ? 'Decommissioned' : 'Active'))) ?? CONFIG_STATUSES[0];
  return addOwned(store.configurations, i, () => store.nextIds.configuration++, {
    hostname: i.hostname ?? null,
    primaryIp: i.primaryIp ?? null,
    macAddress: i.macAddress ?? null,
    serialNumber: i.serialNumber ?? null,
    assetTag: i.assetTag ?? null,
    notes: i.notes ?? null,
    typeId: i.typeId ?? known?.id ?? 99,
    typeName,
    typeKind: i.typeKind ?? known?.kind ?? 'other',
    statusId: status.id,
    statusName: status.name,
    manufacturerId: i.manufacturerName ? 199 : null,
    manufacturerName: i.manufacturerName ?? null,
    modelId: i.modelName ? 19_999 : null,
    modelName: i.modelName ?? null,
    operatingSystemId: i.operatingSystemName ? 599 : null,
    operatingSystemName: i.operatingSystemName ?? null,
    locationId: null,
    locationName: null,
    contactId: null,
    contactName: null,
    warrantyExpiresAt: i.warrantyExpiresAt ?? null,
    installedAt: i.installedAt ?? null,
    purchasedAt: i.purchasedAt ?? null,
    archived: i.archived ?? false,
    restricted: false,
    myGlue: false,
    psaIntegration: null,
  }, now);
}

export function updateConfiguration(store: ItgStore, id: number, patch: ConfigurationPatch, now: () => number): ItgConfigurationRecord {
  const { rec, p } = parseOwnedPatch(store, store.configurations, id, configurationSchemas.patch, patch, 'configuration');
  if (p.typeName !== undefined) {
    const known = KNOWN_TYPES[p.typeName];
    rec.typeName = p.typeName;
    rec.typeId = p.typeId ?? known?.id ?? rec.typeId;
    rec.typeKind = p.typeKind ?? known?.kind ?? rec.typeKind;
  }
  if (p.statusName !== undefined) {
    const s = CONFIG_STATUSES.find((x) => x.name === p.statusName) ?? CONFIG_STATUSES[0];
    rec.statusId = s.id;
    rec.statusName = s.name;
  }
  return applyPatch(rec, p, ['organizationId', 'name', 'hostname', 'primaryIp', 'macAddress', 'serialNumber', 'assetTag', 'notes', 'manufacturerName', 'modelName',
    'operatingSystemName', 'warrantyExpiresAt', 'installedAt', 'purchasedAt', 'archived', 'createdAt'], now);
}

export function deleteConfiguration(store: ItgStore, id: number): boolean {
  return removeById(store, 'configurations', id);
}

export function createDomain(store: ItgStore, input: DomainInput, now: () => number): ItgDomainRecord {
  const i = parseOwnedInput(store, store.domains, domainSchemas.input, input, 'domain');
  return addOwned(store.domains, i, () => store.nextIds.domain++, {
    registrarName: i.registrarName ?? null,
    expiresOn: i.expiresOn ?? null,
    notes: i.notes ?? null,
  }, now);
}

export function updateDomain(store: ItgStore, id: number, patch: DomainPatch, now: () => number): ItgDomainRecord {
  const { rec, p } = parseOwnedPatch(store, store.domains, id, domainSchemas.patch, patch, 'domain');
  return applyPatch(rec, p, ['organizationId', 'name', 'registrarName', 'expiresOn', 'notes', 'createdAt'], now);
}

export function deleteDomain(store: ItgStore, id: number): boolean {
  return removeById(store, 'domains', id);
}

export function createNamed(store: ItgStore, which: 'statuses' | 'types', input: NamedInput, now: () => number): ItgNamedRecord {
  const i = parse(namedInputSchema, input);
  const list = store[which];
  assertFreeId(list, i.id, which === 'statuses' ? 'organization status' : 'organization type');
  const ts = isoSeconds(now());
  const rec: ItgNamedRecord = { id: i.id ?? store.nextIds[which === 'statuses' ? 'status' : 'type']++, name: i.name, synced: i.synced ?? false, createdAt: ts, updatedAt: ts };
  list.push(rec);
  return rec;
}

/** Renames a status or type. Organizations keep the old denormalised name unless `propagate` is set. */
export function updateNamed(store: ItgStore, which: 'statuses' | 'types', id: number, patch: NamedPatch, now: () => number): ItgNamedRecord {
  const rec = findOr404(store[which], id, which === 'statuses' ? 'organization status' : 'organization type');
  const p = parse(namedPatchSchema, patch);
  if (p.name !== undefined) rec.name = p.name;
  if (p.synced !== undefined) rec.synced = p.synced;
  rec.updatedAt = nowIso(now);
  if (p.propagate && p.name !== undefined) {
    for (const o of store.organizations) {
      if (which === 'statuses' && o.statusId === id) o.statusName = p.name;
      if (which === 'types' && o.typeId === id) o.typeName = p.name;
    }
  }
  return rec;
}
