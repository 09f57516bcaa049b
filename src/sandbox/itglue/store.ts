/**
 * In-memory IT Glue account: statuses, types, organizations, configurations, domains, contacts.
 * Built deterministically from the shared business seed (src/sandbox/seed/businesses.ts).
 */
import { createRng, generateBusinesses, SANDBOX_MSP, type SeedBusiness } from '../seed/businesses.js';

export interface ItgNamedRecord {
  id: number;
  name: string;
  synced: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ItgOrganizationRecord {
  id: number;
  name: string;
  statusId: number | null;
  typeId: number | null;
  /** denormalised names: they can lag a status/type rename, like the real API */
  statusName: string | null;
  typeName: string | null;
  primary: boolean;
  shortName: string | null;
  description: string | null;
  alert: string | null;
  quickNotes: string | null;
  logo: string;
  /** as rendered: string ("1") or number or null */
  parentId: string | number | null;
  ancestorIds: string | null;
  psaId: string | null;
  psaIntegration: string | null;
  createdAt: string;
  updatedAt: string;
  /** seed business key (null for the MSP and records created through the control interface) */
  businessKey: string | null;
}

export interface ItgConfigurationRecord {
  id: number;
  organizationId: number;
  name: string;
  hostname: string | null;
  primaryIp: string | null;
  macAddress: string | null;
  serialNumber: string | null;
  assetTag: string | null;
  notes: string | null;
  typeId: number;
  typeName: string;
  typeKind: string;
  statusId: number;
  statusName: string;
  manufacturerId: number | null;
  manufacturerName: string | null;
  modelId: number | null;
  modelName: string | null;
  operatingSystemId: number | null;
  operatingSystemName: string | null;
  locationId: number | null;
  locationName: string | null;
  contactId: number | null;
  contactName: string | null;
  warrantyExpiresAt: string | null;
  installedAt: string | null;
  purchasedAt: string | null;
  archived: boolean;
  restricted: boolean;
  myGlue: boolean;
  psaIntegration: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ItgDomainRecord {
  id: number;
  organizationId: number;
  name: string;
  registrarName: string | null;
  expiresOn: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ItgContactRecord {
  id: number;
  organizationId: number;
  firstName: string;
  lastName: string;
  title: string | null;
  important: boolean;
  contactTypeId: number | null;
  contactTypeName: string | null;
  emails: Array<{ value: string; primary: boolean; labelName: string }>;
  phones: Array<{ value: string; extension: string | null; primary: boolean; labelName: string; formattedValue: string }>;
  createdAt: string;
  updatedAt: string;
}

export interface ItgSeedOptions {
  seed: number;
  orgCount: number;
  /** "current date" the seed is relative to (warranty windows, recent updates) */
  now: number;
}

export interface ItgStore {
  seedOptions: ItgSeedOptions;
  businesses: SeedBusiness[];
  statuses: ItgNamedRecord[];
  types: ItgNamedRecord[];
  organizations: ItgOrganizationRecord[];
  configurations: ItgConfigurationRecord[];
  domains: ItgDomainRecord[];
  contacts: ItgContactRecord[];
  primaryOrganizationId: number;
  nextIds: { organization: number; configuration: number; domain: number; contact: number; status: number; type: number };
}

export const STATUS_IDS = { Active: 68, Inactive: 69, 'Testing Only': 70, Onboarding: 71 } as const;
export const TYPE_IDS = { Owner: 15, Customer: 86, Prospect: 87, Vendor: 88, Partner: 89, Internal: 90 } as const;
export const PRIMARY_ORGANIZATION_ID = 1;
export const CONFIG_STATUSES = [
  { id: 29, name: 'Active' },
  { id: 30, name: 'Inactive' },
  { id: 31, name: 'Decommissioned' },
] as const;

const DAY = 86_400_000;
const EPOCH_START = Date.UTC(2016, 8, 14, 17, 2, 44);

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
export function dateOnly(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

interface ConfigKind {
  typeId: number;
  typeName: string;
  kind: string;
  prefix: string;
  makers: Array<{ name: string; id: number; models: string[]; serial: (r: () => number) => string }>;
  os: string[];
  weight: number;
}

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const serialOf = (len: number, prefix = '') => (r: () => number) => prefix + Array.from({ length: len - prefix.length }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('');

const DELL = { name: 'Dell', id: 101, models: ['PowerEdge R650', 'PowerEdge T350', 'OptiPlex 7010', 'Latitude 5440', 'Precision 3660'], serial: serialOf(7) };
const HP = { name: 'HP', id: 102, models: ['ProLiant DL380 Gen10', 'EliteDesk 800 G9', 'EliteBook 840 G10', 'LaserJet Pro M404'], serial: serialOf(10, '5CG') };
const LENOVO = { name: 'Lenovo', id: 103, models: ['ThinkPad T14', 'ThinkCentre M70q', 'ThinkSystem SR630'], serial: serialOf(8, 'PF') };
const APPLE = { name: 'Apple', id: 104, models: ['MacBook Pro 14"', 'Mac mini (M2)', 'iMac 24"'], serial: serialOf(12, 'C02') };
const FORTINET = { name: 'Fortinet', id: 105, models: ['FortiGate 60F', 'FortiGate 100F', 'FortiGate 40F'], serial: serialOf(16, 'FGT') };
const SONICWALL = { name: 'SonicWall', id: 106, models: ['TZ370', 'TZ470', 'NSa 2700'], serial: serialOf(12, '2CB') };
const CISCO = { name: 'Cisco', id: 107, models: ['Catalyst 9200', 'Meraki MS120', 'Meraki MX68'], serial: serialOf(11, 'FOC') };
const UBIQUITI = { name: 'Ubiquiti', id: 108, models: ['UniFi Switch 24 PoE', 'UniFi Dream Machine Pro'], serial: serialOf(12, '7483C2') };
const BROTHER = { name: 'Brother', id: 109, models: ['HL-L6200DW', 'MFC-L8900CDW'], serial: serialOf(15, 'U6') };

const CONFIG_KINDS: ConfigKind[] = [
  { typeId: 65, typeName: 'Managed Server', kind: 'server', prefix: 'SRV', makers: [DELL, HP, LENOVO], os: ['Windows Server 2022', 'Windows Server 2019', 'Windows Server 2016', 'Ubuntu 22.04 LTS'], weight: 2 },
  { typeId: 66, typeName: 'Managed Workstation', kind: 'workstation', prefix: 'WS', makers: [DELL, HP, LENOVO, APPLE], os: ['Windows 11 Pro', 'Windows 10 Pro', 'macOS 14 Sonoma'], weight: 5 },
  { typeId: 67, typeName: 'Laptop', kind: 'workstation', prefix: 'LT', makers: [DELL, HP, LENOVO, APPLE], os: ['Windows 11 Pro', 'Windows 10 Pro', 'macOS 14 Sonoma'], weight: 3 },
  { typeId: 68, typeName: 'Firewall', kind: 'firewall', prefix: 'FW', makers: [FORTINET, SONICWALL, CISCO], os: [], weight: 1.5 },
  { typeId: 69, typeName: 'Switch', kind: 'switch', prefix: 'SW', makers: [CISCO, UBIQUITI], os: [], weight: 1 },
  { typeId: 70, typeName: 'Printer', kind: 'printer', prefix: 'PRN', makers: [HP, BROTHER], os: [], weight: 0.8 },
];
const KIND_TOTAL = CONFIG_KINDS.reduce((s, k) => s + k.weight, 0);

const REGISTRARS = ['GoDaddy.com, LLC', 'Namecheap, Inc.', 'MarkMonitor, Inc.', 'Tucows Domains Inc.', 'Google LLC', 'Network Solutions, LLC', 'Cloudflare, Inc.', null];
const FIRST_NAMES = ['Alex', 'Jordan', 'Sam', 'Taylor', 'Morgan', 'Casey', 'Jamie', 'Riley', 'Avery', 'Quinn', 'Priya', 'Wei', 'Fatima', 'Liam', 'Olivia', 'Noah', 'Emma', 'Mateo', 'Sofia', 'Hiro'];
const LAST_NAMES = ['Reed', 'Patel', 'Garcia', 'Nguyen', 'Okafor', 'Schmidt', 'Rossi', 'Kim', 'Walsh', 'Cohen', 'Silva', 'Novak', 'Dubois', 'Haddad', 'Larsen'];
const TITLES = ['Office Manager', 'Owner', 'Practice Manager', 'CFO', 'Operations Director', 'IT Contact', null];

function slug(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 24);
}

function initials(name: string): string {
  const s = name.normalize('NFKD').replace(/[^A-Za-z ]/g, ' ').split(/\s+/).filter(Boolean).map((w) => w[0].toUpperCase()).join('');
  return (s || 'ORG').slice(0, 4);
}

export function buildStore(opts: ItgSeedOptions): ItgStore {
  const { seed, orgCount, now } = opts;
  const businesses = generateBusinesses({ count: orgCount, seed });
  const rng = createRng((seed * 2654435761) >>> 0 ^ 0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const between = (a: number, b: number) => a + Math.floor(rng() * Math.max(1, b - a));
  const base = isoSeconds(EPOCH_START);

  const statuses: ItgNamedRecord[] = Object.entries(STATUS_IDS).map(([name, id]) => ({ id, name, synced: false, createdAt: base, updatedAt: base }));
  const types: ItgNamedRecord[] = Object.entries(TYPE_IDS).map(([name, id]) => ({ id, name, synced: false, createdAt: base, updatedAt: base }));
  const statusName = (id: number) => statuses.find((s) => s.id === id)?.name ?? null;
  const typeName = (id: number) => types.find((t) => t.id === id)?.name ?? null;

  const organizations: ItgOrganizationRecord[] = [];
  const mspCreated = EPOCH_START;
  organizations.push({
    id: PRIMARY_ORGANIZATION_ID,
    name: SANDBOX_MSP.name,
    statusId: STATUS_IDS.Active,
    statusName: 'Active',
    typeId: TYPE_IDS.Owner,
    typeName: 'Owner',
    primary: true,
    shortName: 'msp',
    description: 'Our own organization',
    alert: null,
    quickNotes: null,
    logo: '',
    parentId: null,
    ancestorIds: null,
    psaId: null,
    psaIntegration: null,
    createdAt: isoSeconds(mspCreated),
    updatedAt: isoSeconds(mspCreated + 30 * DAY),
    businessKey: null,
  });

  let nextOrgId = 2;
  const itgBusinesses = businesses.filter((b) => b.inPrimary);
  itgBusinesses.forEach((b, i) => {
    // a few long ids (16 digits, like AU organizations; still below 2^53)
    const id = i % 97 === 50 ? 4_503_599_627_370_000 + i : nextOrgId;
    if (id === nextOrgId) nextOrgId += 1 + (rng() < 0.25 ? Math.floor(rng() * 4) : 0);
    const createdAt = between(EPOCH_START + DAY, now - 60 * DAY);
    const r = rng();
    const updatedAt = r < 0.1 ? between(now - 7 * DAY, now - 60_000) : r < 0.2 ? createdAt : between(createdAt, now - 7 * DAY);
    const statusId = STATUS_IDS[b.primaryStatus];
    const typeId = TYPE_IDS[b.primaryType];
    const longNote = rng() < 0.05;
    organizations.push({
      id,
      name: b.itglueName,
      statusId,
      statusName: statusName(statusId),
      typeId,
      typeName: typeName(typeId),
      primary: false,
      shortName: rng() < 0.6 ? slug(b.itglueName) : null,
      description: rng() < 0.2 ? `${b.itglueName} — ${b.city}` : null,
      alert: rng() < 0.03 ? 'Call the office manager before any on-site visit' : null,
      quickNotes: longNote
        ? `Main site in ${b.city}. `.repeat(20).trim()
        : rng() < 0.15 ? `Main site in ${b.city}.` : null,
      logo: rng() < 0.1 ? `https://itg-sandbox-logos.example/${id}.png` : '',
      parentId: null,
      ancestorIds: null,
      psaId: null,
      psaIntegration: null,
      createdAt: isoSeconds(createdAt),
      updatedAt: isoSeconds(updatedAt),
      businessKey: b.key,
    });
  });

  // a few sub-organizations: parent-id rendered as a string ("1") or a number, ancestor-ids as "[1,6]"
  const candidates = organizations.filter((o) => !o.primary);
  for (let i = 7; i < candidates.length; i += 41) {
    const child = candidates[i];
    const parent = i === 7 ? organizations[0] : candidates[i - 3]; // the first one hangs under the MSP: parent-id "1"
    child.parentId = rng() < 0.6 || i === 7 ? String(parent.id) : parent.id;
    child.ancestorIds = `[${parent.id}]`;
  }

  // configurations
  const configurations: ItgConfigurationRecord[] = [];
  let nextConfigId = 100_001;
  const addConfigs = (org: ItgOrganizationRecord, n: number) => {
    const ini = initials(org.name);
    for (let k = 0; k < n; k++) {
      let w = rng() * KIND_TOTAL;
      let kind = CONFIG_KINDS[0];
      for (const c of CONFIG_KINDS) {
        if ((w -= c.weight) < 0) {
          kind = c;
          break;
        }
      }
      const maker = pick(kind.makers);
      const serialNumber = rng() < 0.08 ? null : maker.serial(rng);
      const purchased = between(now - 6 * 365 * DAY, now - 30 * DAY);
      const wr = rng();
      // warranty: null / expired / within 90 days / later
      const warranty = wr < 0.15 ? null
        : wr < 0.4 ? dateOnly(between(now - 3 * 365 * DAY, now - DAY))
          : wr < 0.58 ? dateOnly(between(now + DAY, now + 89 * DAY))
            : dateOnly(between(now + 91 * DAY, now + 3 * 365 * DAY));
      const archived = rng() < 0.08;
      const statusIdx = archived ? 2 : rng() < 0.07 ? 1 : 0;
      const name = `${ini}-${kind.prefix}${String(k + 1).padStart(2, '0')}`;
      const created = Math.max(Date.parse(org.createdAt), purchased);
      const updated = between(created, now - 60_000);
      const osName = kind.os.length ? pick(kind.os) : null;
      const model = pick(maker.models);
      configurations.push({
        id: nextConfigId,
        organizationId: org.id,
        name: rng() < 0.1 && serialNumber ? `${ini}-${serialNumber}` : name,
        hostname: kind.kind === 'printer' || rng() < 0.1 ? null : name.replace(/-/g, ''),
        primaryIp: rng() < 0.2 ? null : `10.${Math.floor(rng() * 255)}.${Math.floor(rng() * 255)}.${1 + Math.floor(rng() * 253)}`,
        macAddress: rng() < 0.3 ? null : Array.from({ length: 6 }, () => Math.floor(rng() * 256).toString(16).padStart(2, '0')).join(':').toUpperCase(),
        serialNumber,
        assetTag: rng() < 0.5 ? null : `AT${String(Math.floor(rng() * 100000)).padStart(5, '0')}`,
        notes: rng() < 0.1 ? 'Replaced PSU under warranty' : null,
        typeId: kind.typeId,
        typeName: kind.typeName,
        typeKind: kind.kind,
        statusId: CONFIG_STATUSES[statusIdx].id,
        statusName: CONFIG_STATUSES[statusIdx].name,
        manufacturerId: maker.id,
        manufacturerName: maker.name,
        modelId: maker.id * 100 + maker.models.indexOf(model),
        modelName: model,
        operatingSystemId: osName ? 500 + kind.os.indexOf(osName) : null,
        operatingSystemName: osName,
        locationId: null,
        locationName: null,
        contactId: null,
        contactName: null,
        warrantyExpiresAt: warranty,
        installedAt: rng() < 0.3 ? null : dateOnly(purchased + between(0, 20) * DAY),
        purchasedAt: rng() < 0.4 ? null : dateOnly(purchased),
        archived,
        restricted: false,
        myGlue: false,
        psaIntegration: null,
        createdAt: isoSeconds(created),
        updatedAt: isoSeconds(updated),
      });
      nextConfigId += 1 + (rng() < 0.1 ? Math.floor(rng() * 5) : 0);
    }
  };
  for (const org of organizations) {
    const active = org.statusName === 'Active';
    const n = org.primary ? 6 : active && org.typeName === 'Customer' ? 1 + Math.floor(rng() * 9) : Math.floor(rng() * 3);
    addConfigs(org, n);
  }

  // domains: the business domain (+ sometimes a second one)
  const domains: ItgDomainRecord[] = [];
  let nextDomainId = 1;
  const byKey = new Map(businesses.map((b) => [b.key, b]));
  const addDomain = (org: ItgOrganizationRecord, name: string) => {
    const created = between(Date.parse(org.createdAt), now - DAY);
    domains.push({
      id: nextDomainId++,
      organizationId: org.id,
      name,
      registrarName: pick(REGISTRARS),
      expiresOn: rng() < 0.1 ? null : new Date(Date.UTC(new Date(now).getUTCFullYear() + 1, Math.floor(rng() * 12), 1 + Math.floor(rng() * 28), 4)).toISOString(),
      notes: null,
      createdAt: isoSeconds(created),
      updatedAt: isoSeconds(between(created, now - 60_000)),
    });
  };
  for (const org of organizations) {
    const domain = org.primary ? SANDBOX_MSP.domain : org.businessKey ? byKey.get(org.businessKey)?.domain ?? null : null;
    if (!domain) continue;
    addDomain(org, domain);
    if (rng() < 0.12) addDomain(org, domain.replace(/\.[a-z.]+$/, '.net'));
  }

  // contacts: a few per organization
  const contacts: ItgContactRecord[] = [];
  let nextContactId = 5_000_001;
  for (const org of organizations) {
    const n = Math.floor(rng() * 3);
    const b = org.businessKey ? byKey.get(org.businessKey) : undefined;
    for (let k = 0; k < n; k++) {
      const firstName = pick(FIRST_NAMES);
      const lastName = pick(LAST_NAMES);
      const created = between(Date.parse(org.createdAt), now - DAY);
      const domain = b?.domain ?? (org.primary ? SANDBOX_MSP.domain : null);
      const phone = b?.phone ?? null;
      contacts.push({
        id: nextContactId++,
        organizationId: org.id,
        firstName,
        lastName,
        title: pick(TITLES),
        important: k === 0 && rng() < 0.5,
        contactTypeId: k === 0 ? 301 : 302,
        contactTypeName: k === 0 ? 'Primary Contact' : 'Employee',
        emails: domain ? [{ value: `${firstName}.${lastName}@${domain}`.toLowerCase(), primary: true, labelName: 'Work' }] : [],
        phones: phone ? [{ value: phone, extension: k ? String(100 + k) : null, primary: true, labelName: 'Work', formattedValue: phone }] : [],
        createdAt: isoSeconds(created),
        updatedAt: isoSeconds(between(created, now - 60_000)),
      });
    }
  }

  return {
    seedOptions: opts,
    businesses,
    statuses,
    types,
    organizations,
    configurations,
    domains,
    contacts,
    primaryOrganizationId: PRIMARY_ORGANIZATION_ID,
    nextIds: {
      organization: nextOrgId + 100,
      configuration: nextConfigId + 100,
      domain: nextDomainId + 100,
      contact: nextContactId + 100,
      status: 200,
      type: 200,
    },
  };
}
