/** Lifecycle devices as CSV (RFC 4180), the cells encoded as the opportunities export does (formulas kept as text). */
import { csvCell } from '../opportunities/csv.js';
import type { LifecycleDevice } from '../shared/wire.js';

export const DEVICE_CSV_COLUMNS = [
  'Name', 'Company', 'Type', 'Manufacturer', 'Model', 'Serial number', 'Operating system', 'Purchased', 'Installed',
  'Warranty expires', 'Archived', 'Status', 'End of life', 'Reason', 'Replacement price', 'Currency', 'Id', 'Company id',
] as const;

export function devicesCsv(rows: LifecycleDevice[], currency: string): string {
  const lines = [DEVICE_CSV_COLUMNS.map(csvCell).join(',')];
  for (const d of rows) {
    lines.push([
      d.name, d.companyName, d.type, d.manufacturer, d.model, d.serialNumber, d.operatingSystem, d.purchasedAt, d.installedAt,
      d.warrantyExpiresAt, d.archived ? 'yes' : 'no', d.status, d.endOfLife, d.reason, d.replacementPrice, currency, d.id, d.companyId,
    ].map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
