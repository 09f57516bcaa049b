/**
 * The policies a workspace starts with (until an admin saves its own): common MSP refresh cycles, basis `first`
 * (whichever comes first, the warranty's end or the age limit), 90 days' notice, list prices as a starting point.
 */
import type { LifecyclePolicy } from './policy.js';

const row = (type: string, maxAgeYears: number, replacementPrice: number | null, dueSoonDays = 90): LifecyclePolicy =>
  ({ type, basis: 'first', maxAgeYears, dueSoonDays, replacementPrice, excluded: false });

export const DEFAULT_POLICIES: readonly LifecyclePolicy[] = [
  row('Managed Workstation', 4, 1200),
  row('Workstation', 4, 1200),
  row('Desktop', 4, 1100),
  row('Laptop', 4, 1500),
  row('Managed Server', 5, 9000, 180),
  row('Server', 5, 9000, 180),
  row('Firewall', 5, 2500, 120),
  row('Switch', 7, 2000, 120),
  row('Router', 6, 1500, 120),
  row('Wireless Access Point', 5, 400),
  row('Network Device', 6, 1500, 120),
  row('Printer', 5, 800),
  row('NAS', 5, 3000, 120),
  row('UPS', 5, 700),
  { type: 'Mobile Device', basis: 'age', maxAgeYears: 3, dueSoonDays: 60, replacementPrice: 900, excluded: false },
  { type: 'Virtual Machine', basis: 'warranty', maxAgeYears: null, dueSoonDays: 90, replacementPrice: null, excluded: true },
  // every other type: the warranty or 5 years, no price
  row('*', 5, null),
];
