/**
 * Halo JSON → canonical records (halo.md §5, §6).
 * Lenient: unknown fields are ignored, missing ones become null, a record without a usable id is dropped
 * (the mapper returns null and the stream counts it).
 */
import type { PsaCompany, PsaSite, PsaTicket, PsaTicketType } from '../contract.js';

/** Halo ids are int32 but arrive as numbers, doubles (`12.0`) or numeric strings. 0 / -1 / '' mean "none". */
export function haloId(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')) {
    const text = typeof value === 'string' ? value.trim() : value;
    const n = Number(text);
    if (Number.isFinite(n)) return n <= 0 ? null : String(n);
    return typeof text === 'string' ? text : null;
  }
  return null;
}

const NAIVE_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Halo datetimes are UTC, either `…Z` or naive (`2022-09-26T16:15:38.897`), which JavaScript would read
 * as local time: append `Z` first. Sentinels (`1900-01-01…`, `1899-12-30…`, `0001-01-01…`): any year
 * before 1980 → null.
 */
export function haloDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (text === '') return null;
  if (DATE_ONLY.test(text)) text = `${text}T00:00:00Z`;
  else if (NAIVE_DATETIME.test(text)) text = `${text}Z`;
  // Halo sends 7 fractional digits; keep milliseconds so every engine parses it the same way.
  text = text.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return null;
  const date = new Date(ms);
  if (date.getUTCFullYear() < 1980) return null;
  return date.toISOString();
}

/** A Date as Halo wants it in request bodies: naive UTC, no zone (`2024-07-01T09:12:44.120`). */
export function haloNaiveUtc(date: Date): string {
  return date.toISOString().replace(/Z$/, '');
}

/** A Date as Halo wants it in query filters: UTC with `Z`. */
export function haloQueryDate(date: Date): string {
  return date.toISOString();
}

/** `last_update ?? lastupdate ?? flastupdate ?? lastactiondate` (halo.md §5, last-update drift). */
export function haloLastUpdate(raw: Record<string, unknown>): string | null {
  for (const key of ['last_update', 'lastupdate', 'flastupdate', 'lastactiondate']) {
    const value = raw[key];
    if (value !== null && value !== undefined && value !== '') {
      const date = haloDate(value);
      if (date !== null) return date;
    }
  }
  return null;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') {
    const t = value.trim();
    return t === '' ? null : t;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function bool(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === 'true' || t === '1') return true;
    if (t === 'false' || t === '0') return false;
  }
  return null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function nestedName(value: unknown): string | null {
  const rec = asRecord(value);
  return rec ? text(rec.name) : text(value);
}

/** Maps a record that has a usable id; anything else (not an object, no id) maps to null. */
function withId<T>(value: unknown, build: (raw: Record<string, unknown>, id: string) => T): T | null {
  const raw = asRecord(value);
  if (!raw) return null;
  const id = haloId(raw.id);
  return id === null ? null : build(raw, id);
}

export function mapCompany(value: unknown): PsaCompany | null {
  // `logo` (a large base64 image) is deliberately never read or kept.
  return withId(value, (raw, id) => ({
    id,
    name: text(raw.name) ?? '',
    inactive: bool(raw.inactive) ?? false,
    website: text(raw.website),
    domain: text(raw.domain),
    phone: text(raw.phonenumber) ?? text(raw.main_phonenumber) ?? text(raw.phone),
    updatedAt: haloLastUpdate(raw),
  }));
}

export function mapSite(value: unknown): PsaSite | null {
  return withId(value, (raw, id) => ({
    id,
    companyId: haloId(raw.client_id) ?? '',
    name: text(raw.name) ?? '',
    inactive: bool(raw.inactive) ?? false,
  }));
}

/** Values of a ticket type's `use` that mark an opportunity type by default (halo.md §8; uncertain, so several spellings). */
export const OPPORTUNITY_USES: ReadonlySet<string> = new Set(['opps', 'opp', 'opportunity', 'opportunities']);

/**
 * Which ticket types count as opportunity types: those an admin listed (by id or name) and those whose `use` is one
 * of the recognised values. Built once from the settings; `ReadonlySet<string>` of ids is accepted for brevity.
 */
export interface OpportunityTypeRule {
  ids: ReadonlySet<string>;
  /** lower-case names */
  names: ReadonlySet<string>;
  /** lower-case `use` values */
  uses: ReadonlySet<string>;
}

export function opportunityTypeRule(opts: { ids?: Iterable<string>; names?: Iterable<string>; uses?: Iterable<string> } = {}): OpportunityTypeRule {
  const lower = (xs: Iterable<string>) => new Set([...xs].map((x) => x.trim().toLowerCase()).filter((x) => x !== ''));
  return {
    ids: new Set([...(opts.ids ?? [])].map((x) => x.trim()).filter((x) => x !== '')),
    names: lower(opts.names ?? []),
    uses: opts.uses === undefined ? OPPORTUNITY_USES : lower(opts.uses),
  };
}

function asRule(rule: OpportunityTypeRule | ReadonlySet<string>): OpportunityTypeRule {
  return rule instanceof Set ? opportunityTypeRule({ ids: rule as ReadonlySet<string> }) : (rule as OpportunityTypeRule);
}

/** Whether a type (its id, name and `use`) is an opportunity type under the rule. */
export function matchesOpportunityType(t: { id: string; name: string; use: string | null }, rule: OpportunityTypeRule): boolean {
  if (rule.ids.has(t.id)) return true;
  if (t.name !== '' && rule.names.has(t.name.trim().toLowerCase())) return true;
  return t.use !== null && rule.uses.has(t.use.trim().toLowerCase());
}

export function isOpportunityType(raw: Record<string, unknown>, rule: OpportunityTypeRule | ReadonlySet<string>): boolean {
  const id = haloId(raw.id);
  return matchesOpportunityType({ id: id ?? '', name: text(raw.name) ?? '', use: text(raw.use) }, asRule(rule));
}

export function mapTicketType(value: unknown, rule: OpportunityTypeRule | ReadonlySet<string> = new Set()): PsaTicketType | null {
  return withId(value, (raw, id) => ({
    id,
    name: text(raw.name) ?? '',
    isOpportunity: isOpportunityType(raw, rule),
    inactive: bool(raw.inactive) ?? false,
    category: text(raw.use),
  }));
}

export function mapTicket(value: unknown): PsaTicket | null {
  return withId(value, (raw, id) => {
    const closedAt = haloDate(raw.dateclosed);
    const statusName = text(raw.status_name) ?? text(raw.statusname) ?? nestedName(raw.status);
    return {
      id,
      companyId: haloId(raw.client_id) ?? '',
      summary: text(raw.summary) ?? '',
      status: statusName ?? haloId(raw.status_id) ?? text(raw.status_id) ?? '',
      closed: bool(raw.hasbeenclosed) ?? closedAt !== null,
      typeId: haloId(raw.tickettype_id),
      typeName:
        text(raw.tickettype_name) ?? text(raw.tickettypename) ?? nestedName(raw.tickettype) ?? text(raw.requesttype_name),
      openedAt: haloDate(raw.dateoccurred),
      closedAt,
      updatedAt: haloLastUpdate(raw),
    };
  });
}

/**
 * Unwrap a Halo list body: `{record_count, clients:[…]}` by key, or a bare array (`/TicketType`, `/Status`).
 * Returns null when the body has neither shape.
 */
export function unwrapList(body: unknown, key: string): { records: unknown[]; recordCount: number | null; pageSize: number | null } | null {
  if (Array.isArray(body)) return { records: body, recordCount: null, pageSize: null };
  const raw = asRecord(body);
  if (!raw) return null;
  let records: unknown = raw[key];
  if (!Array.isArray(records)) {
    // Halo's casing drifts; accept the key in any case.
    const found = Object.keys(raw).find((k) => k.toLowerCase() === key.toLowerCase());
    records = found === undefined ? undefined : raw[found];
  }
  if (!Array.isArray(records)) return null;
  return { records, recordCount: nonNegativeInt(raw.record_count), pageSize: positiveInt(raw.page_size) };
}

function nonNegativeInt(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : null;
}

function positiveInt(value: unknown): number | null {
  const n = nonNegativeInt(value);
  return n !== null && n > 0 ? n : null;
}
