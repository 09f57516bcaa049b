/**
 * Deterministic Syncro data built from the shared business seed (the same businesses IT Glue knows, under their PSA
 * names): customers (businesses, a few individuals without a business name, some disabled), issue types and tickets.
 * Times are epoch milliseconds here; the API renders them with the account's zone offset (syncro.md §2).
 */
import { createRng, generateBusinesses, type SeedBusiness } from '../seed/businesses.js';

const DAY = 86_400_000;
const MONTH = 30.44 * DAY;

export interface SCustomer {
  id: number;
  businessName: string;
  firstname: string;
  lastname: string;
  email: string;
  phone: string;
  city: string;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  /** The seed business this customer is (null for individuals and customers added later). */
  businessKey: string | null;
}

export interface SComment {
  id: number;
  subject: string;
  body: string;
  hidden: boolean;
  createdAt: number;
}

export interface STicket {
  id: number;
  number: number;
  subject: string;
  customerId: number;
  problemType: string;
  status: string;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  comments: SComment[];
}

/** The account's issue types (`problem_type`); "Opportunity" and "Project Quote" are what admins would mark as opportunity types. */
export const ISSUE_TYPES = ['Hardware', 'Software', 'Network', 'Email', 'Remote Support', 'Other', 'Opportunity', 'Project Quote'] as const;
export const OPEN_STATUSES = ['New', 'In Progress', 'Waiting on Customer', 'Scheduled', 'Customer Reply'] as const;

const FIRST = ['Dana', 'Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Priya', 'Mateo', 'Sofia', 'Liam', 'Olivia', 'Noah', 'Emma'];
const LAST = ['Reyes', 'Smith', 'Nguyen', 'Garcia', 'Patel', 'Brown', 'Okafor', 'Murphy', 'Chen', 'Walker', 'Fischer', 'Silva', 'Khan'];
const SUBJECTS = [
  'Printer offline', 'Outlook not syncing', 'Password reset', 'VPN drops every few minutes', 'Laptop running slow',
  'New starter setup', 'Backup job failed overnight', 'Server disk space low', 'Wi-Fi dropping in the meeting room',
  'Phishing email reported', 'MFA prompt not arriving', 'Install Adobe Acrobat', 'Replace UPS battery', 'Teams calls dropping audio',
];
const OPP_SUBJECTS = ['Replace 14 laptops', 'Server refresh', 'Firewall upgrade', 'Microsoft 365 migration quote', 'Backup and DR proposal'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

/** The PSA side of the seed: every `inPsa` business (grown until `customerCount` when asked for more). */
export function selectBusinesses(opts: { seed: number; customerCount?: number; businessCount?: number }): SeedBusiness[] {
  if (opts.businessCount !== undefined) {
    const list = generateBusinesses({ count: opts.businessCount, seed: opts.seed }).filter((b) => b.inPsa);
    return opts.customerCount !== undefined ? list.slice(0, opts.customerCount) : list;
  }
  if (opts.customerCount === undefined) return generateBusinesses({ seed: opts.seed }).filter((b) => b.inPsa);
  // generateBusinesses is prefix-stable: grow the count until enough businesses are in the PSA.
  let count = Math.ceil(opts.customerCount / 0.85) + 10;
  for (let i = 0; i < 8; i++) {
    const list = generateBusinesses({ count, seed: opts.seed }).filter((b) => b.inPsa);
    if (list.length >= opts.customerCount) return list.slice(0, opts.customerCount);
    count = Math.ceil(count * 1.2) + 10;
  }
  return generateBusinesses({ count, seed: opts.seed }).filter((b) => b.inPsa);
}

export interface SyncroSeedData {
  customers: SCustomer[];
  tickets: STicket[];
  nextCustomerId: number;
  nextTicketId: number;
  nextTicketNumber: number;
  nextCommentId: number;
}

export interface TicketFactory {
  make(customer: SCustomer, createdAt: number, now: number, force?: { resolved?: boolean }): STicket;
  readonly next: { ticketId: number; number: number; commentId: number };
}

export function ticketFactory(rng: () => number, start: { ticketId: number; number: number; commentId: number }): TicketFactory {
  const next = { ...start };
  return {
    next,
    make(c, createdAt, now, force) {
      const age = now - createdAt;
      const opp = rng() < 0.05;
      const problemType = opp ? pick(rng, ['Opportunity', 'Project Quote']) : pick(rng, ISSUE_TYPES.slice(0, 6));
      const resolved = force?.resolved ?? rng() < (age > 14 * DAY ? 0.93 : age > 2 * DAY ? 0.5 : 0.15);
      const resolvedAt = resolved ? Math.min(now - 1000, createdAt + Math.floor(rng() ** 2 * 20 * DAY) + 30 * 60_000) : null;
      const updatedAt = resolvedAt !== null ? Math.min(now - 500, resolvedAt + Math.floor(rng() * 3_600_000)) : createdAt + Math.floor(rng() * Math.max(0, now - createdAt - 1000));
      const subject = opp ? pick(rng, OPP_SUBJECTS) : pick(rng, SUBJECTS);
      const t: STicket = {
        id: next.ticketId,
        number: next.number,
        subject,
        customerId: c.id,
        problemType,
        status: resolved ? 'Resolved' : pick(rng, OPEN_STATUSES),
        createdAt,
        updatedAt: Math.max(createdAt, updatedAt),
        resolvedAt,
        comments: [{ id: next.commentId, subject: 'Initial Issue', body: `${pick(rng, FIRST)} reports: ${subject.toLowerCase()}.`, hidden: false, createdAt }],
      };
      next.ticketId += rng() < 0.03 ? 2 : 1;
      next.number += 1;
      next.commentId += 1;
      return t;
    },
  };
}

export function generateSyncroData(opts: { seed: number; customerCount?: number; businessCount?: number; individuals?: number; ticketCount: number; now: number }): SyncroSeedData {
  const { seed, now } = opts;
  const rng = createRng((seed * 2654435761) ^ 0x5c0);
  const customers: SCustomer[] = [];
  let id = 1021;
  const add = (c: Omit<SCustomer, 'id' | 'createdAt' | 'updatedAt'>): void => {
    const createdAt = now - Math.floor((0.2 + rng()) * 30 * MONTH);
    customers.push({ ...c, id, createdAt, updatedAt: Math.min(now - 1000, createdAt + Math.floor(rng() * (now - createdAt))) });
    id += rng() < 0.08 ? 2 + Math.floor(rng() * 3) : 1;
  };
  for (const b of selectBusinesses(opts)) {
    const first = pick(rng, FIRST);
    const last = pick(rng, LAST);
    add({
      businessName: b.psaName, firstname: first, lastname: last,
      email: b.domain === null ? '' : `${first.toLowerCase()}@${b.domain.toLowerCase()}`,
      phone: b.phone ?? '', city: b.city, disabled: b.psaInactive, businessKey: b.key,
    });
  }
  // Individuals (no business name): the display name is "firstname lastname"; they match no IT Glue company.
  const individuals = opts.individuals ?? 4;
  for (let i = 0; i < individuals; i++) {
    const first = pick(rng, FIRST);
    const last = pick(rng, LAST);
    add({ businessName: '', firstname: first, lastname: `${last}-${i + 1}`, email: `${first.toLowerCase()}.${i + 1}@gmail.com`, phone: '', city: 'Springfield', disabled: false, businessKey: null });
  }

  const factory = ticketFactory(rng, { ticketId: 88_000, number: 4000, commentId: 500 });
  const n = customers.length === 0 ? 0 : Math.max(0, Math.floor(opts.ticketCount));
  const created = Array.from({ length: n }, () => now - Math.floor(rng() ** 1.15 * 30 * MONTH) - 60_000).sort((a, b) => a - b);
  const tickets = created.map((at) => factory.make(pick(rng, customers), at, now));
  return { customers, tickets, nextCustomerId: id, nextTicketId: factory.next.ticketId, nextTicketNumber: factory.next.number, nextCommentId: factory.next.commentId };
}

/** `2024-06-01T14:30:00.000-05:00`: the instant in the account's zone (offset in minutes east of UTC). */
export function syncroTime(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().replace(/Z$/, '');
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
