/**
 * Syncro JSON → canonical records (syncro.md §2–§5). Lenient: unknown fields are ignored, missing ones become null,
 * a record without a usable id is dropped (null). Ids are stored as strings; timestamps carry `Z` or an offset and
 * are stored as UTC.
 */
import type { PsaCompany, PsaTicket, PsaTicketType } from '../contract.js';
import { asRecord, bool, text } from '../coerce.js';

/** Integer ids (numbers or numeric strings) → strings; anything else → null. */
export function syncroId(value: unknown): string | null {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? String(value) : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    const n = Number(value.trim());
    return n > 0 ? String(n) : null;
  }
  return null;
}

/** `2024-06-01T14:30:00.000-05:00` / `…Z` / a date → ISO UTC; a naive timestamp (no zone) is read as UTC; junk → null. */
export function syncroDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (text === '') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text = `${text}T00:00:00Z`;
  else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = `${text.replace(' ', 'T')}Z`;
  text = text.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}


/** Mailbox providers whose domain says nothing about the customer (never used for matching). */
const FREEMAIL = new Set(['gmail.com', 'googlemail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'live.com', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'msn.com']);

/** The domain of a customer's email, unless it is a mailbox provider's. */
export function emailDomain(email: unknown): string | null {
  const t = text(email);
  if (t === null) return null;
  const at = t.lastIndexOf('@');
  if (at < 1) return null;
  const domain = t.slice(at + 1).toLowerCase();
  return /^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain) && !FREEMAIL.has(domain) ? domain : null;
}

/** Display name: `business_name`, else `firstname lastname`, else `business_and_full_name`. */
export function customerName(raw: Record<string, unknown>): string {
  const business = text(raw.business_name);
  if (business !== null) return business;
  const person = [text(raw.firstname), text(raw.lastname)].filter((x) => x !== null).join(' ');
  return person !== '' ? person : (text(raw.business_and_full_name) ?? text(raw.fullname) ?? '');
}

export function mapCustomer(value: unknown): PsaCompany | null {
  const raw = asRecord(value);
  const id = raw === null ? null : syncroId(raw.id);
  if (raw === null || id === null) return null;
  return {
    id,
    name: customerName(raw),
    inactive: bool(raw.disabled) ?? false,
    website: null,
    domain: emailDomain(raw.email),
    phone: text(raw.phone) ?? text(raw.mobile),
    updatedAt: syncroDate(raw.updated_at),
  };
}

export interface TicketRules {
  /** lower-case statuses that mean closed */
  closedStatuses: ReadonlySet<string>;
}

export function ticketRules(closedStatuses: readonly string[]): TicketRules {
  return { closedStatuses: new Set(closedStatuses.map((s) => s.trim().toLowerCase()).filter((s) => s !== '')) };
}

/** The ticket number people quote: a number or a string in Syncro's replies (syncro.md §4) → string. */
export function ticketNumber(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return text(value);
}

export function mapTicket(value: unknown, rules: TicketRules): PsaTicket | null {
  const raw = asRecord(value);
  const id = raw === null ? null : syncroId(raw.id);
  if (raw === null || id === null) return null;
  const status = text(raw.status) ?? '';
  const resolvedAt = syncroDate(raw.resolved_at);
  const closed = rules.closedStatuses.has(status.toLowerCase()) || resolvedAt !== null;
  // The issue type is the ticket's type; its name is its id (syncro.md §5). `ticket_type_id` only when there is none.
  const problemType = text(raw.problem_type);
  const typeId = problemType ?? syncroId(raw.ticket_type_id);
  return {
    id,
    companyId: syncroId(raw.customer_id) ?? '',
    summary: text(raw.subject) ?? '',
    status,
    closed,
    typeId,
    typeName: problemType,
    openedAt: syncroDate(raw.created_at),
    closedAt: closed ? (resolvedAt ?? syncroDate(raw.updated_at)) : null,
    updatedAt: syncroDate(raw.updated_at),
  };
}

/**
 * Issue types from `/tickets/settings` (`problem_types`) or `/ticket_problem_types`: strings or objects with a `name`
 * (or `problem_type`), in a `problem_types` key, another array key, or a bare array. Duplicates dropped, order kept.
 */
export function parseIssueTypes(body: unknown): string[] | null {
  let list: unknown = body;
  const rec = asRecord(body);
  if (rec !== null) {
    list = rec.problem_types ?? rec.ticket_problem_types ?? Object.values(rec).find((v) => Array.isArray(v));
  }
  if (!Array.isArray(list)) return null;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const r = asRecord(item);
    const name = r === null ? text(item) : (text(r.name) ?? text(r.problem_type) ?? text(r.value));
    if (name === null || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

/** An issue type as a canonical ticket type: its name is its id; `category` marks it as settings-decided. */
export function issueType(name: string, opportunityIssueTypes: ReadonlySet<string>): PsaTicketType {
  return { id: name, name, isOpportunity: opportunityIssueTypes.has(name.toLowerCase()), inactive: false, category: 'issue type' };
}

export const lowerSet = (xs: readonly string[]): Set<string> => new Set(xs.map((x) => x.trim().toLowerCase()).filter((x) => x !== ''));
