/**
 * Deterministic seed: the same businesses as the documentation system and a PSA know them,
 * under realistically different names (see shared/matching.md §2).
 *
 * Each SeedBusiness is one real-world business. Records with the same `key` are the same
 * business (the gold truth for matching); different keys are different businesses, even
 * when their names look alike ("neighbour-*" variants, duplicates, flagged records).
 */
import words from './words.json' with { type: 'json' };

export type SeedVariant =
  // same business, names differ (must match)
  | 'identical'
  | 'case-punctuation'
  | 'legal-suffix'
  | 'legal-suffix-multi'
  | 'ampersand'
  | 'and-company'
  | 'spacing'
  | 'initials'
  | 'saint'
  | 'synonym'
  | 'accents'
  | 'dba-alias'
  // same business, unrelated names; only domain / phone tie them (suggestion at most)
  | 'renamed'
  // different businesses with look-alike names (must NOT be auto-linked to each other)
  | 'neighbour-informative-token'
  | 'neighbour-subset'
  | 'neighbour-rare-token'
  | 'neighbour-number'
  | 'neighbour-second-word'
  | 'neighbour-short'
  // flagged IT Glue record ("Contoso (Old)") next to a PSA-only "Contoso"
  | 'flagged'
  // two IT Glue organizations with the same name (ambiguous)
  | 'duplicate-name';

export interface SeedBusiness {
  key: string;
  itglueName: string;
  psaName: string;
  variant: SeedVariant | string;
  domain: string | null;
  phone: string | null;
  city: string;
  primaryStatus: 'Active' | 'Inactive' | 'Testing Only';
  primaryType: 'Customer' | 'Prospect' | 'Vendor' | 'Partner';
  inPrimary: boolean;
  inPsa: boolean;
  psaInactive: boolean;
}

/** Variants whose IT Glue and PSA names refer to the same business and should be linked. */
export const MATCHING_VARIANTS: readonly string[] = [
  'identical', 'case-punctuation', 'legal-suffix', 'legal-suffix-multi', 'ampersand', 'and-company',
  'spacing', 'initials', 'saint', 'synonym', 'accents', 'dba-alias',
];

/** The MSP itself: IT Glue's primary organization (type Owner). Not part of generateBusinesses(). */
export const SANDBOX_MSP = {
  name: 'Crosswalk Demo MSP',
  domain: 'crosswalkdemo-msp.com',
  phone: '+13035550100',
  city: 'Denver',
} as const;

/** mulberry32: small, fast, deterministic PRNG returning floats in [0, 1). */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Word lists

/** Surnames, places and industries that make up most business names. */
const { surnames: SURNAMES, places: PLACES, industries: INDUSTRIES } = words;

const TAILS = ['Services', 'Solutions', 'Group', 'Partners', 'Associates', 'Company', 'Works', 'Systems'];

const SAINTS = ['Mary', 'Luke', 'John', 'Joseph', 'Jude', 'Anne', 'Francis', 'Patrick', 'Michael', 'Catherine', 'Andrew', 'George', 'Paul', 'Vincent', 'Agnes', 'Clare'];
const SAINT_ORGS = ['Clinic', 'Parish', 'Academy', 'Hospital', 'Medical Center', 'School', 'Hospice', 'Family Practice', 'Community Services', 'Preparatory'];

/** [spaced, joined] */
const SPACING_PAIRS: Array<[string, string]> = [
  ['North Star', 'Northstar'], ['Oak Ridge', 'Oakridge'], ['Bay View', 'Bayview'], ['Clear Water', 'Clearwater'],
  ['Green Field', 'Greenfield'], ['Stone Gate', 'Stonegate'], ['Silver Line', 'Silverline'], ['Blue Print', 'Blueprint'],
  ['Bright Path', 'Brightpath'], ['Key Stone', 'Keystone'], ['Star Light', 'Starlight'], ['Cross Roads', 'Crossroads'],
  ['Lake Shore', 'Lakeshore'], ['Pine Crest', 'Pinecrest'], ['River Bend', 'Riverbend'], ['Sea Breeze', 'Seabreeze'],
  ['True North', 'Truenorth'], ['Wave Length', 'Wavelength'], ['Sun Ridge', 'Sunridge'], ['Cloud Nine', 'Cloudnine'],
  ['Iron Side', 'Ironside'], ['Gold Crest', 'Goldcrest'], ['Fire Fly', 'Firefly'], ['Red Wood', 'Redwood'],
];

/** [accented, folded] — folding per matching.md §3.1 (NFKD + ß→ss, ø→o, æ→ae, ł→l) */
const ACCENTED: Array<[string, string]> = [
  ['Café Lumière', 'Cafe Lumiere'], ['Crêperie Éloïse', 'Creperie Eloise'], ['Müller Bäckerei', 'Muller Backerei'],
  ['Søren Bygg', 'Soren Bygg'], ['Łukasz Imports', 'Lukasz Imports'], ['Straße Motors', 'Strasse Motors'],
  ['Château Élan', 'Chateau Elan'], ['Pâtisserie Noël', 'Patisserie Noel'], ['Jalapeño Cantina', 'Jalapeno Cantina'],
  ['São Paulo Trading', 'Sao Paulo Trading'], ['Zürich Precision', 'Zurich Precision'], ['Björk Design', 'Bjork Design'],
  ['Ærø Shipping', 'Aero Shipping'], ['Hélène Couture', 'Helene Couture'], ['Renée Bridal', 'Renee Bridal'],
  ['Garçon Bistro', 'Garcon Bistro'], ['Señor Tacos', 'Senor Tacos'], ['Gödel Analytics', 'Godel Analytics'],
  ['Crème Brûlée Bakery', 'Creme Brulee Bakery'], ['Åkesson Engineering', 'Akesson Engineering'],
  ['Fjällräven Outdoor', 'Fjallraven Outdoor'], ['Ñandú Textiles', 'Nandu Textiles'], ['Dvořák Music', 'Dvorak Music'],
  ['Öztürk Carpets', 'Ozturk Carpets'],
];

/** [long form, short form] (matching.md §3.6) */
const SYNONYMS: Array<[string, string]> = [
  ['Brothers', 'Bros'], ['International', 'Intl'], ['Technologies', 'Tech'], ['Manufacturing', 'Mfg'],
  ['Mount', 'Mt'], ['Centre', 'Center'], ['Associates', 'Assoc'],
];

const BRANDS = [
  'Widgetry', 'Brightside', 'Clearpath', 'Ironclad', 'Bluebird', 'Hearthstone', 'Lumen', 'Nimbus', 'Quill', 'Tandem',
  'Wayfarer', 'Copperleaf', 'Fernway', 'Kindred', 'Larkin', 'Mosaic', 'Paragon', 'Sparrow', 'Trident', 'Vantage',
];

type Country = 'US' | 'UK' | 'AU' | 'CA' | 'DE';

const CITIES: Record<Country, string[]> = {
  US: ['Denver', 'Austin', 'Portland', 'Chicago', 'Boston', 'Seattle', 'Phoenix', 'Atlanta', 'Nashville', 'Raleigh',
    'Columbus', 'Boise', 'Omaha', 'Tampa', 'San Diego', 'Salt Lake City', 'Minneapolis', 'Kansas City', 'Richmond', 'Madison'],
  UK: ['London', 'Manchester', 'Leeds', 'Bristol', 'Glasgow', 'Edinburgh', 'Cardiff', 'Belfast', 'Nottingham', 'York'],
  AU: ['Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Adelaide', 'Hobart', 'Canberra'],
  CA: ['Toronto', 'Vancouver', 'Calgary', 'Ottawa', 'Halifax', 'Winnipeg'],
  DE: ['Berlin', 'Munich', 'Hamburg', 'Cologne', 'Frankfurt'],
};

const TLD: Record<Country, string> = { US: 'com', UK: 'co.uk', AU: 'com.au', CA: 'ca', DE: 'de' };

/** [IT Glue form, PSA form] per country for the 'legal-suffix' variant */
const LEGAL_PAIRS: Record<Country, Array<[string, string]>> = {
  US: [['Inc', 'Incorporated'], ['Inc.', 'Inc'], ['LLC', 'L.L.C.'], ['Corp', 'Corporation'], ['LLC', ''], ['Inc.', ''], ['PLLC', 'P.L.L.C.'], ['Co.', 'Company']],
  UK: [['Ltd', 'Limited'], ['Limited', 'Ltd'], ['Ltd', 'LTD.'], ['PLC', 'plc'], ['Ltd', '']],
  AU: [['Pty Ltd', 'Pty Limited'], ['Pty Ltd', 'Pty. Ltd.'], ['Pty Limited', 'PTY LTD']],
  CA: [['Inc.', 'Incorporated'], ['Ltd.', 'Limited'], ['Corp.', 'Corporation']],
  DE: [['GmbH', 'G.m.b.H.'], ['GmbH & Co. KG', 'GmbH & Co KG'], ['AG', '']],
};
const PLAIN_SUFFIX: Record<Country, string[]> = {
  US: ['Inc', 'LLC', 'Inc.', 'Corp', ''], UK: ['Ltd', 'Limited', ''], AU: ['Pty Ltd', ''], CA: ['Inc.', 'Ltd.', ''], DE: ['GmbH', ''],
};
const AREA_CODES: Record<Country, string[]> = {
  US: ['+1303', '+1512', '+1503', '+1312', '+1617', '+1206', '+1602', '+1404', '+1615', '+1919'],
  UK: ['+44207', '+44161', '+44113', '+44117'],
  AU: ['+612', '+613', '+617', '+618'],
  CA: ['+1416', '+1604', '+1403'],
  DE: ['+4930', '+4989', '+4940'],
};

// ---------------------------------------------------------------------------------------------

interface Ctx {
  rng: () => number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
  usedNames: Set<string>;
  usedDomains: Set<string>;
  usedPhones: Set<string>;
  serial: number;
}

type NameDraft = { itglueName: string; psaName: string; variant: string; base: string; country: Country };

const WEIGHTS: Array<[SeedVariant, number]> = [
  ['identical', 40], ['case-punctuation', 8], ['legal-suffix', 10], ['legal-suffix-multi', 3], ['ampersand', 4],
  ['and-company', 2], ['spacing', 3], ['initials', 2], ['saint', 2], ['synonym', 3], ['accents', 2], ['dba-alias', 2],
  ['renamed', 1.5], ['neighbour-informative-token', 1.5], ['neighbour-subset', 1], ['neighbour-rare-token', 1],
  ['neighbour-number', 1], ['neighbour-second-word', 1], ['neighbour-short', 0.7], ['flagged', 1.2], ['duplicate-name', 1.2],
];
const WEIGHT_TOTAL = WEIGHTS.reduce((s, [, w]) => s + w, 0);

function pickVariant(ctx: Ctx): SeedVariant {
  let r = ctx.rng() * WEIGHT_TOTAL;
  for (const [v, w] of WEIGHTS) {
    if ((r -= w) < 0) return v;
  }
  return 'identical';
}

function pickCountry(ctx: Ctx): Country {
  const r = ctx.rng();
  return r < 0.7 ? 'US' : r < 0.84 ? 'UK' : r < 0.93 ? 'AU' : r < 0.98 ? 'CA' : 'DE';
}

function withSuffix(base: string, suffix: string): string {
  if (!suffix) return base;
  return /^(Inc|Inc\.|Corp|Corp\.)$/.test(suffix) && base.length % 3 === 0 ? `${base}, ${suffix}` : `${base} ${suffix}`;
}

/** A fresh base name, unique (case-insensitively) among names already produced. */
function baseName(ctx: Ctx): string {
  for (let attempt = 0; attempt < 40; attempt++) {
    const r = ctx.rng();
    let name: string;
    if (r < 0.3) name = `${ctx.pick(SURNAMES)} ${ctx.pick(INDUSTRIES)}`;
    else if (r < 0.55) name = `${ctx.pick(PLACES)} ${ctx.pick(INDUSTRIES)}`;
    else if (r < 0.68) name = `${ctx.pick(SURNAMES)} ${ctx.pick(INDUSTRIES)} ${ctx.pick(TAILS)}`;
    else if (r < 0.8) name = `${ctx.pick(PLACES)} ${ctx.pick(INDUSTRIES)} ${ctx.pick(TAILS)}`;
    else if (r < 0.9) name = `${ctx.pick(SURNAMES)}-${ctx.pick(SURNAMES)} ${ctx.pick(INDUSTRIES)}`;
    else name = `${ctx.pick(PLACES)} ${ctx.pick(SURNAMES)} ${ctx.pick(INDUSTRIES)}`;
    if (attempt >= 20) name = `${name} ${ctx.pick(PLACES)}`;
    if (attempt >= 30) name = `${name} ${++ctx.serial}`;
    if (!ctx.usedNames.has(name.toLowerCase())) {
      ctx.usedNames.add(name.toLowerCase());
      return name;
    }
  }
  const name = `${ctx.pick(SURNAMES)} ${ctx.pick(INDUSTRIES)} ${++ctx.serial}`;
  ctx.usedNames.add(name.toLowerCase());
  return name;
}

function reserve(ctx: Ctx, name: string): string {
  let n = name;
  let i = 2;
  while (ctx.usedNames.has(n.toLowerCase())) n = `${name} ${ctx.pick(PLACES)}${i++ > 3 ? ` ${i}` : ''}`;
  ctx.usedNames.add(n.toLowerCase());
  return n;
}

function casePunctuation(ctx: Ctx, name: string): string {
  const r = ctx.rng();
  const stripped = name.replace(/[.,']/g, '').replace(/-/g, ' ');
  if (r < 0.4) return stripped.toUpperCase();
  if (r < 0.6) return stripped.toLowerCase();
  if (r < 0.8) return stripped;
  return name.toUpperCase();
}

/** One or two drafts (two for neighbour / flagged / duplicate pairs: separate businesses). */
function draft(ctx: Ctx, variant: SeedVariant): NameDraft[] {
  const country = pickCountry(ctx);
  const one = (itglueName: string, psaName: string, base: string): NameDraft[] => [{ itglueName, psaName, variant, base, country }];
  switch (variant) {
    case 'identical': {
      const b = baseName(ctx);
      const n = withSuffix(b, ctx.pick(PLAIN_SUFFIX[country]));
      return one(n, n, b);
    }
    case 'case-punctuation': {
      const b = baseName(ctx);
      const sfx = ctx.pick(['Inc.', 'L.L.C.', 'Co.', 'P.C.', 'Ltd.', '']);
      const n = sfx ? `${b}, ${sfx}` : b;
      const p = casePunctuation(ctx, n);
      return ctx.chance(0.8) ? one(n, p, b) : one(p, n, b);
    }
    case 'legal-suffix': {
      const b = baseName(ctx);
      const [a, z] = ctx.pick(LEGAL_PAIRS[country]);
      const x = withSuffix(b, a);
      const y = withSuffix(b, z);
      return ctx.chance(0.7) ? one(x, y, b) : one(y, x, b);
    }
    case 'legal-suffix-multi': {
      const b = baseName(ctx);
      const pairs: Array<[string, string]> = [['Pty Ltd', 'Pty Limited'], ['Pty Ltd', 'Pty. Limited'], ['Pte Ltd', 'Pte. Limited'], ['Pvt Ltd', 'Private Limited'], ['Sdn Bhd', 'Sdn. Bhd.'], ['GmbH & Co. KG', 'GmbH & Co KG']];
      const [a, z] = ctx.pick(pairs);
      return [{ itglueName: `${b} ${a}`, psaName: `${b} ${z}`, variant, base: b, country: a.startsWith('Pty') ? 'AU' : a.startsWith('GmbH') ? 'DE' : country }];
    }
    case 'ampersand': {
      const s1 = ctx.pick(SURNAMES);
      let s2 = ctx.pick(SURNAMES);
      if (s2 === s1) s2 = ctx.pick(SURNAMES);
      const tail = ctx.pick(['Sons', 'Daughters', ...INDUSTRIES.slice(0, 20)]);
      const b = reserve(ctx, tail === 'Sons' || tail === 'Daughters' ? `${s1} & ${tail}` : `${s1} & ${s2} ${tail}`);
      const p = b.replace(' & ', ctx.chance(0.8) ? ' and ' : ' + ');
      return ctx.chance(0.7) ? one(b, p, b) : one(p, b, b);
    }
    case 'and-company': {
      const b = reserve(ctx, `${ctx.pick(SURNAMES)} ${ctx.chance(0.5) ? '' : ctx.pick(['Trading', 'Supply', 'Provisions', 'Outfitters']) + ' '}& Co`.replace('  ', ' '));
      const stem = b.slice(0, -' & Co'.length);
      const x = ctx.chance(0.5) ? b : `${b}.`;
      const y = ctx.chance(0.6) ? `${stem} and Company` : `${stem} & Company`;
      return one(x, y, b);
    }
    case 'spacing': {
      const [spaced, joined] = ctx.pick(SPACING_PAIRS);
      const ind = ctx.pick(INDUSTRIES);
      const b = reserve(ctx, `${spaced} ${ind}`);
      const rest = b.slice(spaced.length);
      const j = `${joined}${rest}`;
      ctx.usedNames.add(j.toLowerCase());
      return ctx.chance(0.5) ? one(b, j, b) : one(j, b, b);
    }
    case 'initials': {
      const letters = 'ABCDEFGHJKLMNPRSTW';
      const k = ctx.chance(0.6) ? 3 : 2;
      const ls = Array.from({ length: k }, () => ctx.pick(letters.split('')));
      const ind = ctx.pick(INDUSTRIES);
      const dotted = reserve(ctx, `${ls.join('.')}. ${ind}`);
      const rest = dotted.slice(ls.length * 2);
      const p = ctx.chance(0.6) ? `${ls.join(' ')}${rest}` : `${ls.join('')}${rest}`;
      ctx.usedNames.add(p.toLowerCase());
      return one(dotted, p, dotted);
    }
    case 'saint': {
      const saint = ctx.pick(SAINTS);
      const org = ctx.pick(SAINT_ORGS);
      const b = reserve(ctx, `St. ${saint}'s ${org}`);
      const rest = b.slice(`St. ${saint}'s`.length);
      const p = `Saint ${saint}s${rest}`;
      const alt = `St ${saint}'s${rest}`;
      return ctx.chance(0.7) ? one(b, p, b) : one(alt, p, b);
    }
    case 'synonym': {
      const [long, short] = ctx.pick(SYNONYMS);
      let b: string;
      if (long === 'Mount') b = `${long} ${ctx.pick(['Hood', 'Rainier', 'Vernon', 'Pleasant', 'Olympus', 'Shasta'])} ${ctx.pick(INDUSTRIES)}`;
      else if (long === 'Centre') b = `${ctx.pick(PLACES)} ${ctx.pick(['Medical', 'Dental', 'Business', 'Learning', 'Fitness'])} ${long}`;
      else if (long === 'Brothers') b = `${ctx.pick(SURNAMES)} ${long} ${ctx.pick(INDUSTRIES)}`;
      else b = `${ctx.pick(PLACES)} ${ctx.pick(['Precision', 'Advanced', 'Global', 'Applied', 'Coastal'])} ${long}`;
      b = reserve(ctx, b);
      const p = b.replace(long, ctx.chance(0.5) && short !== 'Center' ? `${short}.` : short);
      return ctx.chance(0.6) ? one(b, p, b) : one(p, b, b);
    }
    case 'accents': {
      const [acc, folded] = ctx.pick(ACCENTED);
      const n = reserve(ctx, acc);
      const suffix = n.slice(acc.length);
      const f = `${folded}${suffix}`;
      ctx.usedNames.add(f.toLowerCase());
      return ctx.chance(0.75) ? one(n, f, n) : one(f, n, n);
    }
    case 'dba-alias': {
      const legal = `${ctx.pick(SURNAMES)} ${ctx.pick(['Holdings', 'Enterprises', 'Ventures', 'Industries'])} ${ctx.pick(['LLC', 'Inc', 'Co'])}`;
      const brand = reserve(ctx, ctx.chance(0.5) ? ctx.pick(BRANDS) : `${ctx.pick(BRANDS)} ${ctx.pick(INDUSTRIES)}`);
      const form = ctx.pick(['(DBA X)', 'dba X', 'DBA X', 't/a X', '(d/b/a X)']);
      const itg = reserve(ctx, `${legal} ${form.replace('X', brand)}`);
      return ctx.chance(0.8) ? one(itg, brand, brand) : one(brand, itg, brand);
    }
    case 'renamed': {
      const oldName = baseName(ctx);
      const newName = baseName(ctx);
      return one(oldName, newName, oldName);
    }
    case 'neighbour-informative-token': {
      const s = ctx.pick(SURNAMES);
      const [i1, i2] = twoDistinct(ctx, INDUSTRIES);
      return pair(ctx, variant, country, reserve(ctx, `${s} ${i1}`), reserve(ctx, `${s} ${i2}`));
    }
    case 'neighbour-subset': {
      const stem = reserve(ctx, ctx.chance(0.5) ? ctx.pick(BRANDS) : `${ctx.pick(PLACES)} ${ctx.pick(SURNAMES)}`);
      const longer = reserve(ctx, `${stem} ${ctx.pick(INDUSTRIES)}`);
      return ctx.chance(0.5) ? pair(ctx, variant, country, stem, longer) : pair(ctx, variant, country, longer, stem);
    }
    case 'neighbour-rare-token': {
      const p = ctx.pick([...PLACES, ...SPACING_PAIRS.map(([, j]) => j)]);
      const [a, b] = twoDistinct(ctx, ['Health', 'Holdings', 'Hospitality', 'Housing', 'Homes', 'Horticulture', 'Harvest', 'Hardware']);
      return pair(ctx, variant, country, reserve(ctx, `${p} ${a}`), reserve(ctx, `${p} ${b}`));
    }
    case 'neighbour-number': {
      const sur = ctx.pick(SURNAMES);
      const ind = ctx.pick(INDUSTRIES);
      const unit = ctx.pick(['Site', 'Branch', 'Clinic', 'Store', 'Office', 'Unit']);
      const stem = `${sur} ${ind} ${ind.includes(unit) ? 'Site' : unit}`;
      const n = 1 + Math.floor(ctx.rng() * 8);
      return pair(ctx, variant, country, reserve(ctx, `${stem} ${n}`), reserve(ctx, `${stem} ${n + 1}`));
    }
    case 'neighbour-second-word': {
      const w = ctx.pick(['Capital', 'Summit', 'Pinnacle', 'Premier', 'United', 'Allied', 'National', 'Pacific', 'Atlantic', 'Liberty', 'Frontier']);
      const [a, b] = twoDistinct(ctx, ['One', 'Group', 'Partners', 'Holdings', 'Works', 'Systems', 'Bank', 'Advisors', 'Health', 'Builders']);
      return pair(ctx, variant, country, reserve(ctx, `${w} ${a}`), reserve(ctx, `${w} ${b}`));
    }
    case 'neighbour-short': {
      const L = 'ABCDEFGHIJKLMNOPRSTUVWXYZ'.split('');
      const a = [ctx.pick(L), ctx.pick(L), ctx.pick(L)];
      const b = [...a];
      b[2] = L[(L.indexOf(a[2]) + 1) % L.length];
      return pair(ctx, variant, country, reserve(ctx, a.join('')), reserve(ctx, b.join('')));
    }
    case 'flagged': {
      // IT Glue keeps an old record "X (Old)"; the PSA has an unrelated (or successor) business "X".
      const b = baseName(ctx);
      const flag = ctx.pick(['(Old)', '- DO NOT USE', '(Inactive)', '(Archived)', '(Test)', 'OLD -']);
      const flagged = flag === 'OLD -' ? `OLD - ${b}` : `${b} ${flag}`;
      ctx.usedNames.add(flagged.toLowerCase());
      return pair(ctx, variant, country, flagged, b);
    }
    case 'duplicate-name': {
      // Two different businesses, both named X in IT Glue; the PSA has one X.
      const b = baseName(ctx);
      return [
        { itglueName: b, psaName: b, variant, base: b, country },
        { itglueName: b, psaName: b, variant, base: `${b}-dup`, country },
      ];
    }
  }
}

function twoDistinct<T>(ctx: Ctx, xs: readonly T[]): [T, T] {
  const a = ctx.pick(xs);
  let b = ctx.pick(xs);
  while (b === a) b = ctx.pick(xs);
  return [a, b];
}

/** Two different businesses: the first only in IT Glue, the second only in the PSA. */
function pair(_ctx: Ctx, variant: string, country: Country, primaryOnly: string, psaOnly: string): NameDraft[] {
  return [
    { itglueName: primaryOnly, psaName: primaryOnly, variant, base: primaryOnly, country },
    { itglueName: psaOnly, psaName: psaOnly, variant, base: psaOnly, country },
  ];
}

function domainFor(ctx: Ctx, base: string, country: Country): string {
  const stem = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss').replace(/[øØ]/g, 'o').replace(/[æÆ]/g, 'ae').replace(/[łŁ]/g, 'l')
    .toLowerCase()
    .replace(/\b(dba|t\/a|d\/b\/a)\b.*$/, '')
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '')
    .slice(0, 40) || 'company';
  let d = `${stem}.${TLD[country]}`;
  let i = 2;
  while (ctx.usedDomains.has(d)) d = `${stem}${i++}.${TLD[country]}`;
  ctx.usedDomains.add(d);
  return d;
}

function phoneFor(ctx: Ctx, country: Country): string {
  for (;;) {
    const area = ctx.pick(AREA_CODES[country]);
    const local = country === 'US' || country === 'CA'
      ? `555${String(Math.floor(ctx.rng() * 10000)).padStart(4, '0')}`
      : String(Math.floor(ctx.rng() * 10 ** 7)).padStart(7, '0');
    const p = `${area}${local}`;
    if (!ctx.usedPhones.has(p)) {
      ctx.usedPhones.add(p);
      return p;
    }
  }
}

/** Variants guaranteed to appear at least once (placed early, in this order, every 7th record). */
const GUARANTEED: SeedVariant[] = [
  'case-punctuation', 'legal-suffix', 'legal-suffix-multi', 'ampersand', 'and-company', 'spacing', 'initials', 'saint',
  'synonym', 'accents', 'dba-alias', 'renamed', 'neighbour-informative-token', 'neighbour-subset', 'neighbour-rare-token',
  'neighbour-number', 'neighbour-second-word', 'neighbour-short', 'flagged', 'duplicate-name',
];

/**
 * The seed every sandbox starts from unless told otherwise: the same seed gives the same businesses in the
 * documentation sandbox and the PSA sandboxes, so their companies can be linked.
 */
export const DEFAULT_SEED = 1;

export function generateBusinesses(opts: { count?: number; seed?: number } = {}): SeedBusiness[] {
  const count = Math.max(0, Math.floor(opts.count ?? 300));
  const rng = createRng(opts.seed ?? DEFAULT_SEED);
  const ctx: Ctx = {
    rng,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)],
    chance: (p: number) => rng() < p,
    usedNames: new Set(),
    usedDomains: new Set([SANDBOX_MSP.domain]),
    usedPhones: new Set([SANDBOX_MSP.phone]),
    serial: 0,
  };
  const out: SeedBusiness[] = [];
  let guaranteed = 0;
  let step = 0;
  while (out.length < count) {
    const variant = step++ % 7 === 3 && guaranteed < GUARANTEED.length ? GUARANTEED[guaranteed++] : pickVariant(ctx);
    const drafts = draft(ctx, variant);
    const pairKind = drafts.length === 2;
    drafts.forEach((d, idx) => {
      if (out.length >= count) return;
      const key = `b${String(out.length + 1).padStart(4, '0')}`;
      let inPrimary = true;
      let inPsa = true;
      if (pairKind && variant !== 'duplicate-name') {
        inPrimary = idx === 0;
        inPsa = idx === 1;
      } else if (variant === 'duplicate-name') {
        inPsa = idx === 0;
      } else {
        // only plain ('identical') businesses go missing on one side; the name-variant cases stay on both
        const r = ctx.rng();
        if (variant === 'identical' && r < 0.1) inPsa = false;
        else if (variant === 'identical' && r < 0.2) inPrimary = false;
      }
      const st = ctx.rng();
      let primaryStatus: SeedBusiness['primaryStatus'] = st < 0.86 ? 'Active' : st < 0.97 ? 'Inactive' : 'Testing Only';
      if (variant === 'flagged' && idx === 0) primaryStatus = ctx.chance(0.5) ? 'Active' : 'Inactive';
      if (variant === 'duplicate-name' || variant.startsWith('neighbour-')) primaryStatus = 'Active';
      const ty = ctx.rng();
      const primaryType: SeedBusiness['primaryType'] = ty < 0.84 ? 'Customer' : ty < 0.93 ? 'Prospect' : ty < 0.98 ? 'Vendor' : 'Partner';
      const psaInactive = primaryStatus === 'Inactive' ? ctx.chance(0.6) : ctx.chance(0.03);
      const domain = variant === 'renamed' || ctx.chance(0.85) ? domainFor(ctx, d.base, d.country) : null;
      const phone = ctx.chance(0.75) ? phoneFor(ctx, d.country) : null;
      out.push({
        key,
        itglueName: d.itglueName,
        psaName: d.psaName,
        variant: d.variant,
        domain,
        phone,
        city: ctx.pick(CITIES[d.country]),
        primaryStatus,
        primaryType,
        inPrimary,
        inPsa,
        psaInactive,
      });
    });
  }
  return out;
}
