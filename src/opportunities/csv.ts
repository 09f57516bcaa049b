/** Opportunities as CSV (RFC 4180), safe to open in a spreadsheet: cells that would start a formula are quoted as text. */
import type { Opportunity } from '../shared/wire.js';

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  // A leading = + - @ (or tab / carriage return) makes spreadsheets evaluate the cell: keep it text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const OPPORTUNITY_CSV_COLUMNS = [
  'Title', 'Company', 'Status', 'Value', 'Probability (%)', 'Expected close', 'Ticket type', 'PSA', 'Ticket number', 'Ticket link',
  'Created', 'Created by', 'Exported', 'Error', 'Description', 'Id', 'Company id',
] as const;

export function opportunitiesCsv(rows: Opportunity[], psaName: (kind: string) => string): string {
  const lines = [OPPORTUNITY_CSV_COLUMNS.map(cell).join(',')];
  for (const o of rows) {
    lines.push([
      o.title, o.companyName ?? '', o.status, o.value, o.probability, o.closeDate, o.ticketTypeName ?? o.ticketTypeId,
      o.psa === null ? '' : psaName(o.psa.kind), o.psa?.ticketNumber ?? o.psa?.ticketId ?? '', o.psa?.url ?? '',
      o.createdAt, o.createdBy?.email ?? '', o.exportedAt, o.error?.message ?? '', o.description, o.id, o.companyId,
    ].map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The same cell encoding for other CSV exports (the lifecycle devices). */
export { cell as csvCell };
