/**
 * Lifecycle policy evaluation: pure functions, no I/O (docs/lifecycle.md).
 *
 * Dates are calendar days `YYYY-MM-DD` and never go through a local time zone: they are turned into day numbers
 * (days since 1970-01-01, UTC) and back. A device's end of life comes from its policy's basis; its status from the
 * end of life and today.
 */

export type LifecycleBasis = 'warranty' | 'age' | 'first';
export type LifecycleStatus = 'overdue' | 'due_soon' | 'ok' | 'unknown' | 'excluded';
export const LIFECYCLE_STATUSES: readonly LifecycleStatus[] = ['overdue', 'due_soon', 'ok', 'unknown', 'excluded'];

export interface LifecyclePolicy {
  /** The configuration type it covers (matched case-insensitively), or `*` for every type without a row of its own. */
  type: string;
  basis: LifecycleBasis;
  /** Years of service from purchase (or installation); required for `age` and `first`. */
  maxAgeYears: number | null;
  /** A device is `due_soon` from this many days before its end of life. */
  dueSoonDays: number;
  replacementPrice: number | null;
  excluded: boolean;
}

export interface DeviceDates {
  type: string | null;
  purchasedAt: string | null;
  installedAt: string | null;
  warrantyExpiresAt: string | null;
  archived: boolean;
}

export interface Evaluation {
  status: LifecycleStatus;
  endOfLife: string | null;
  reason: string;
  replacementPrice: number | null;
}

/** The type key of the catch-all policy. */
export const ANY_TYPE = '*';

const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → day number, or null when it is not a real calendar date. */
export function dayNumber(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (m === null) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.floor(ms / DAY_MS);
}

export function fromDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Today's date in UTC. */
export function utcToday(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** `date` plus whole months; the day is clamped to the month's end (2024-02-29 + 12 months = 2025-02-28). */
export function addMonths(date: string, months: number): string | null {
  const m = DATE_RE.exec(date);
  if (m === null || dayNumber(date) === null) return null;
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const y = Math.floor(total / 12);
  const mo = total - y * 12;
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  const d = Math.min(Number(m[3]), last);
  if (y < 1 || y > 9999) return null;
  return `${String(y).padStart(4, '0')}-${String(mo + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string | null {
  const n = dayNumber(date);
  return n === null ? null : fromDayNumber(n + days);
}

/** Years as whole months (4.5 years = 54 months). */
export const yearsToMonths = (years: number): number => Math.round(years * 12);

export const typeKey = (type: string | null): string => (type ?? '').trim().toLowerCase();

/** The policy for a type: the company's override first, then the workspace's; each list's `*` row when the type has none. */
export function policyFor(type: string | null, policies: LifecyclePolicy[], overrides: LifecyclePolicy[] = []): { policy: LifecyclePolicy; source: 'company' | 'workspace' } | null {
  const key = typeKey(type);
  const find = (list: LifecyclePolicy[], k: string) => list.find((p) => typeKey(p.type) === k);
  if (key !== '' && key !== ANY_TYPE) {
    const own = find(overrides, key);
    if (own !== undefined) return { policy: own, source: 'company' };
    const ws = find(policies, key);
    if (ws !== undefined) return { policy: ws, source: 'workspace' };
  }
  const anyOwn = find(overrides, ANY_TYPE);
  if (anyOwn !== undefined) return { policy: anyOwn, source: 'company' };
  const anyWs = find(policies, ANY_TYPE);
  if (anyWs !== undefined) return { policy: anyWs, source: 'workspace' };
  return null;
}

function years(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1).replace(/\.0$/, '')} year${n === 1 ? '' : 's'}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A stored date, if it is a real calendar date. */
const validDate = (d: string | null): string | null => (d !== null && dayNumber(d) !== null ? d : null);

/**
 * One device under its policy, today.
 * - archived → `excluded`; the policy excludes the type → `excluded`; no policy → `unknown`;
 * - end of life: `warranty` = the warranty expiry; `age` = (purchased ?? installed) + maxAgeYears;
 *   `first` = the earlier of the two, or the one that is known; none known → `unknown`;
 * - `overdue` when the end of life is before today, `due_soon` when it is at most `dueSoonDays` days away, else `ok`.
 */
export function evaluateDevice(device: DeviceDates, policy: LifecyclePolicy | null, today: string): Evaluation {
  const typeLabel = device.type ?? 'a device without a type';
  if (device.archived) return { status: 'excluded', endOfLife: null, reason: 'Archived in the documentation: retired devices are not counted.', replacementPrice: null };
  if (policy === null) return { status: 'unknown', endOfLife: null, reason: `No lifecycle policy covers ${device.type === null ? typeLabel : `the type "${typeLabel}"`}.`, replacementPrice: null };
  if (policy.excluded) return { status: 'excluded', endOfLife: null, reason: `The policy for ${policy.type === ANY_TYPE ? 'other types' : `"${policy.type}"`} excludes it from lifecycle planning.`, replacementPrice: null };

  const warranty = validDate(device.warrantyExpiresAt);
  const purchased = validDate(device.purchasedAt);
  const installed = validDate(device.installedAt);
  const start = purchased ?? installed;
  const startWord = purchased !== null ? 'purchased' : 'installed';
  const age = start !== null && policy.maxAgeYears !== null ? addMonths(start, yearsToMonths(policy.maxAgeYears)) : null;
  const price = policy.replacementPrice;

  let endOfLife: string | null;
  let why: string;
  if (policy.basis === 'warranty') {
    if (warranty === null) return { status: 'unknown', endOfLife: null, reason: 'No warranty expiry date is recorded (the policy goes by warranty).', replacementPrice: price };
    endOfLife = warranty;
    why = `warranty ends ${warranty}`;
  } else if (policy.basis === 'age') {
    if (age === null) {
      return { status: 'unknown', endOfLife: null, reason: policy.maxAgeYears === null ? 'The policy goes by age but sets no maximum age.' : 'No purchase or installation date is recorded (the policy goes by age).', replacementPrice: price };
    }
    endOfLife = age;
    why = `${startWord} ${start}, ${years(policy.maxAgeYears!)} of service end ${age}`;
  } else {
    if (warranty === null && age === null) return { status: 'unknown', endOfLife: null, reason: 'Neither a warranty expiry nor a purchase or installation date is recorded.', replacementPrice: price };
    if (warranty !== null && (age === null || warranty <= age)) {
      endOfLife = warranty;
      why = age === null ? `warranty ends ${warranty} (no purchase or installation date)` : `warranty ends ${warranty}, before ${years(policy.maxAgeYears!)} of service (${age})`;
    } else {
      endOfLife = age!;
      why = warranty === null ? `${startWord} ${start}, ${years(policy.maxAgeYears!)} of service end ${age} (no warranty date)` : `${startWord} ${start}, ${years(policy.maxAgeYears!)} of service end ${age}, before the warranty (${warranty})`;
    }
  }

  const days = dayNumber(endOfLife)! - dayNumber(today)!;
  const sentence = why.charAt(0).toUpperCase() + why.slice(1);
  if (days < 0) return { status: 'overdue', endOfLife, reason: `${sentence}: overdue by ${plural(-days, 'day')}.`, replacementPrice: price };
  if (days <= policy.dueSoonDays) return { status: 'due_soon', endOfLife, reason: `${sentence}: due ${days === 0 ? 'today' : `in ${plural(days, 'day')}`}.`, replacementPrice: price };
  return { status: 'ok', endOfLife, reason: `${sentence}: ${plural(days, 'day')} left.`, replacementPrice: price };
}

/** The first day of the calendar quarter holding `date`. */
export function quarterStart(date: string): string {
  const m = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}-${String(Math.floor((m - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
}

export interface ForecastQuarter { start: string; devices: number; amount: number; unpriced: number }

/**
 * Replacement spend per calendar quarter, from the current one: the devices whose end of life falls in it, overdue ones
 * in the first. Unknown and excluded devices are not counted; devices without a price count in `devices` and `unpriced`.
 */
export function forecast(items: Evaluation[], today: string, quarters: number): ForecastQuarter[] {
  const starts: string[] = [];
  let s = quarterStart(today);
  for (let i = 0; i < quarters; i++) {
    starts.push(s);
    s = addMonths(s, 3)!;
  }
  const end = s; // the day after the last quarter
  const out = starts.map((start) => ({ start, devices: 0, amount: 0, unpriced: 0 }));
  for (const e of items) {
    if (e.endOfLife === null || (e.status !== 'overdue' && e.status !== 'due_soon' && e.status !== 'ok')) continue;
    if (e.endOfLife >= end) continue;
    let idx = 0;
    for (let i = starts.length - 1; i >= 0; i--) {
      if (e.endOfLife >= starts[i]!) { idx = i; break; }
    }
    const q = out[idx]!;
    q.devices++;
    if (e.replacementPrice === null) q.unpriced++;
    else q.amount += e.replacementPrice;
  }
  for (const q of out) q.amount = Math.round(q.amount * 100) / 100;
  return out;
}
