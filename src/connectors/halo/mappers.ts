/**
 * Halo JSON → canonical records (halo.md §5, §6).
 * Lenient: unknown fields are ignored, missing ones become null, a record without a usable id is dropped
 * (the mapper returns null and the stream counts it).
 */
import type { PsaCompany, PsaSite, PsaTicket, PsaTicketType } from '../contract.js';
import { asRecord, bool, text } from '../coerce.js';

/** Halo ids are int32 but arrive as numbers, doubles (`12.0`) or numeric strings. 0 / -1 / '' mean "none". */
export function haloId(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value <= 0 ? null : String(value);
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
  return fastUtcDate(value) ?? parseHaloDate(value);
}

/** The general path of haloDate: normalise the text, let Date.parse read it. */
function parseHaloDate(value: string): string | null {
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

/** Two decimal digits at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The form nearly every Halo date has — `YYYY-MM-DDTHH:MM[:SS[.fraction]][Z]`, a valid date from 1980 on —
 * written as toISOString would write it, without building a Date (a sync reads several per ticket). Anything
 * else (other shapes, offsets, out-of-range fields, sentinel years) → null: the general path decides.
 */
function fastUtcDate(t: string): string | null {
  const end = t.charCodeAt(t.length - 1) === 90 /* Z */ ? t.length - 1 : t.length;
  if (end < 16 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58) return null;
  const hi = twoDigits(t, 0);
  const lo = twoDigits(t, 2);
  const month = twoDigits(t, 5);
  const day = twoDigits(t, 8);
  const hour = twoDigits(t, 11);
  const minute = twoDigits(t, 14);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  const year = hi * 100 + lo;
  if (year < 1980) return null;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0)) return null;
  if (end === 16) return `${t.slice(0, 16)}:00.000Z`;
  if (end < 19 || t.charCodeAt(16) !== 58) return null;
  const second = twoDigits(t, 17);
  if (second < 0 || second > 59) return null;
  if (end === 19) return `${t.slice(0, 19)}.000Z`;
  if (t.charCodeAt(19) !== 46 /* . */ || end === 20) return null;
  for (let i = 20; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  // Milliseconds: the first three fractional digits, cut (not rounded), as the general path does.
  const fraction = end >= 23 ? t.slice(20, 23) : `${t.slice(20, end)}00`.slice(0, 3);
  return `${t.slice(0, 19)}.${fraction}Z`;
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
