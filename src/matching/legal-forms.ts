/**
 * Legal-form term table (the idea of psolin/cleanco's termdata.py, our own list) and the
 * trailing-form stripper of matching.md §3 step 7.
 *
 * Forms are written the way they look after normalization steps 1–6: folded, casefolded, apostrophes
 * and dots deleted, other punctuation as spaces, `&`/`and` dropped, single-letter runs joined and
 * synonyms applied (so "Company" is already "co", "S.A." is "sa", "A/S" is "as", "Sp. z o.o." is
 * "sp z oo", "GmbH & Co. KG" is "gmbh co kg").
 */

export interface LegalForm {
  /** Normalized tokens, e.g. ['pty', 'ltd']. */
  readonly tokens: readonly string[];
  /** The tokens space-joined, e.g. 'pty ltd'. */
  readonly text: string;
  /** How to show it in an explanation, e.g. "Pty Ltd". */
  readonly display: string;
  /** A coarse class, the weak legal-form feature: e.g. "ltd" for Ltd / Limited / Pty Ltd. */
  readonly cls: string;
  /** Country codes where the form is used (documentation and tests). */
  readonly countries: readonly string[];
  /** A single short form that is also a word (as, ab, sa, ag, co, kg…): stripped only from the last position. */
  readonly wordLike: boolean;
}

type Row = [form: string, display: string, cls: string, countries: string];

const ROWS: Row[] = [
  // United States
  ['inc', 'Inc', 'inc', 'US CA'],
  ['incorporated', 'Incorporated', 'inc', 'US CA'],
  ['corp', 'Corp', 'corp', 'US CA'],
  ['corporation', 'Corporation', 'corp', 'US CA'],
  ['co', 'Co', 'co', 'US'],
  ['llc', 'LLC', 'llc', 'US'],
  ['lc', 'LC', 'llc', 'US'],
  ['ltd liability co', 'Limited Liability Company', 'llc', 'US'],
  ['limited liability co', 'Limited Liability Company', 'llc', 'US'],
  ['pllc', 'PLLC', 'pllc', 'US'],
  ['llp', 'LLP', 'llp', 'US UK IE'],
  ['lllp', 'LLLP', 'llp', 'US'],
  ['lp', 'LP', 'lp', 'US UK IE'],
  ['ltd', 'Ltd', 'ltd', 'US UK IE CA AU NZ'],
  ['pc', 'PC', 'pc', 'US'],
  ['pa', 'PA', 'pc', 'US'],
  ['psc', 'PSC', 'pc', 'US'],
  ['apc', 'APC', 'pc', 'US'],
  ['professional corporation', 'Professional Corporation', 'pc', 'US CA'],
  ['prof corp', 'Prof Corp', 'pc', 'US CA'],
  ['pbc', 'PBC', 'corp', 'US'],
  ['co inc', 'Co Inc', 'inc', 'US'],
  ['co llc', 'Co LLC', 'llc', 'US'],
  ['ltd co', 'Ltd Co', 'llc', 'US'],
  ['inc co', 'Inc Co', 'inc', 'US'],
  ['corp inc', 'Corp Inc', 'inc', 'US'],
  // United Kingdom, Ireland
  ['limited', 'Limited', 'ltd', 'UK IE CA AU NZ'],
  ['plc', 'PLC', 'plc', 'UK IE'],
  ['cic', 'CIC', 'cic', 'UK'],
  ['cio', 'CIO', 'cic', 'UK'],
  ['dac', 'DAC', 'ltd', 'IE'],
  ['clg', 'CLG', 'ltd', 'IE'],
  ['teoranta', 'Teoranta', 'ltd', 'IE'],
  ['teo', 'Teo', 'ltd', 'IE'],
  ['co ltd', 'Co Ltd', 'ltd', 'UK JP KR CN TH'],
  ['co limited', 'Co Limited', 'ltd', 'UK'],
  ['plc co', 'PLC Co', 'plc', 'UK'],
  // Canada
  ['ltee', 'Ltée', 'ltd', 'CA'],
  ['limitee', 'Limitée', 'ltd', 'CA'],
  ['incorporee', 'Incorporée', 'inc', 'CA'],
  ['ulc', 'ULC', 'ulc', 'CA'],
  ['senc', 'SENC', 'lp', 'CA'],
  ['sencrl', 'SENCRL', 'llp', 'CA'],
  // Australia, New Zealand
  ['pty ltd', 'Pty Ltd', 'pty ltd', 'AU NZ'],
  ['pty limited', 'Pty Limited', 'pty ltd', 'AU NZ'],
  ['proprietary limited', 'Proprietary Limited', 'pty ltd', 'AU NZ ZA'],
  ['pty', 'Pty', 'pty ltd', 'AU NZ ZA'],
  ['pl', 'P/L', 'pty ltd', 'AU'],
  // Germany, Austria, Switzerland
  ['gmbh', 'GmbH', 'gmbh', 'DE AT CH'],
  ['mbh', 'mbH', 'gmbh', 'DE AT CH'],
  ['ggmbh', 'gGmbH', 'gmbh', 'DE'],
  ['ag', 'AG', 'ag', 'DE AT CH'],
  ['kg', 'KG', 'kg', 'DE AT CH'],
  ['kgaa', 'KGaA', 'ag', 'DE'],
  ['ohg', 'OHG', 'ohg', 'DE AT'],
  ['gbr', 'GbR', 'gbr', 'DE'],
  ['ug', 'UG', 'ug', 'DE'],
  ['ug haftungsbeschrankt', 'UG (haftungsbeschränkt)', 'ug', 'DE'],
  ['ev', 'e.V.', 'ev', 'DE'],
  ['eg', 'eG', 'eg', 'DE'],
  ['gmbh co kg', 'GmbH & Co. KG', 'gmbh co kg', 'DE AT'],
  ['gmbh co kgaa', 'GmbH & Co. KGaA', 'gmbh co kg', 'DE'],
  ['ag co kg', 'AG & Co. KG', 'gmbh co kg', 'DE'],
  ['se co kg', 'SE & Co. KG', 'gmbh co kg', 'DE'],
  ['ug co kg', 'UG & Co. KG', 'gmbh co kg', 'DE'],
  ['se', 'SE', 'ag', 'EU'],
  ['sarl', 'Sàrl', 'sarl', 'CH FR LU'],
  // Netherlands, Belgium
  ['bv', 'B.V.', 'bv', 'NL BE'],
  ['nv', 'N.V.', 'nv', 'NL BE'],
  ['bvba', 'BVBA', 'bv', 'BE'],
  ['vof', 'VOF', 'lp', 'NL BE'],
  ['sprl', 'SPRL', 'bv', 'BE'],
  ['srl', 'SRL', 'srl', 'BE IT RO'],
  // France
  ['sa', 'SA', 'sa', 'FR ES CH BE LU PL BR'],
  ['sas', 'SAS', 'sas', 'FR'],
  ['sasu', 'SASU', 'sas', 'FR'],
  ['eurl', 'EURL', 'sarl', 'FR'],
  ['snc', 'SNC', 'lp', 'FR IT'],
  ['selarl', 'SELARL', 'sarl', 'FR'],
  ['sca', 'SCA', 'sa', 'FR'],
  // Italy, Spain, Portugal
  ['spa', 'S.p.A.', 'spa', 'IT'],
  ['srls', 'SRLS', 'srl', 'IT'],
  ['sapa', 'S.a.p.a.', 'sa', 'IT'],
  ['sl', 'SL', 'sl', 'ES'],
  ['slu', 'SLU', 'sl', 'ES'],
  ['sll', 'SLL', 'sl', 'ES'],
  ['sau', 'SAU', 'sa', 'ES'],
  ['lda', 'Lda', 'ltda', 'PT'],
  // Nordics
  ['ab', 'AB', 'ab', 'SE FI'],
  ['abp', 'Abp', 'ab', 'FI'],
  ['hb', 'HB', 'lp', 'SE'],
  ['kb', 'KB', 'lp', 'SE'],
  ['as', 'AS', 'as', 'NO DK CZ EE'],
  ['asa', 'ASA', 'as', 'NO'],
  ['aps', 'ApS', 'aps', 'DK'],
  ['ivs', 'IVS', 'aps', 'DK'],
  ['oy', 'Oy', 'oy', 'FI'],
  ['oyj', 'Oyj', 'oy', 'FI'],
  ['ehf', 'ehf', 'ltd', 'IS'],
  // Singapore, Malaysia, India, Asia
  ['pte ltd', 'Pte Ltd', 'ltd', 'SG'],
  ['pte limited', 'Pte Limited', 'ltd', 'SG'],
  ['pte', 'Pte', 'ltd', 'SG'],
  ['private ltd', 'Private Ltd', 'ltd', 'SG IN'],
  ['private limited', 'Private Limited', 'ltd', 'SG IN'],
  ['sdn bhd', 'Sdn Bhd', 'bhd', 'MY'],
  ['sendirian berhad', 'Sendirian Berhad', 'bhd', 'MY'],
  ['bhd', 'Bhd', 'bhd', 'MY'],
  ['berhad', 'Berhad', 'bhd', 'MY'],
  ['pvt ltd', 'Pvt Ltd', 'ltd', 'IN PK'],
  ['pvt', 'Pvt', 'ltd', 'IN'],
  ['opc pvt ltd', 'OPC Pvt Ltd', 'ltd', 'IN'],
  // Japan
  ['kk', 'K.K.', 'kk', 'JP'],
  ['kabushiki kaisha', 'Kabushiki Kaisha', 'kk', 'JP'],
  ['kabushikigaisha', 'Kabushikigaisha', 'kk', 'JP'],
  ['gk', 'G.K.', 'gk', 'JP'],
  ['godo kaisha', 'Godo Kaisha', 'gk', 'JP'],
  ['yk', 'Y.K.', 'kk', 'JP'],
  // Mexico, Brazil, Latin America
  ['sa de cv', 'S.A. de C.V.', 'sa de cv', 'MX'],
  ['sab de cv', 'S.A.B. de C.V.', 'sa de cv', 'MX'],
  ['sapi de cv', 'S.A.P.I. de C.V.', 'sa de cv', 'MX'],
  ['s de rl', 'S. de R.L.', 's de rl', 'MX'],
  ['s de rl de cv', 'S. de R.L. de C.V.', 's de rl', 'MX'],
  ['srl de cv', 'S.R.L. de C.V.', 's de rl', 'MX'],
  ['ltda', 'Ltda', 'ltda', 'BR CO CL'],
  ['eireli', 'EIRELI', 'ltda', 'BR'],
  ['sas de cv', 'S.A.S. de C.V.', 'sa de cv', 'MX'],
  ['saa', 'S.A.A.', 'sa', 'PE'],
  ['sac', 'S.A.C.', 'sa', 'PE'],
  // Poland, Czechia, Slovakia, Hungary, Russia, Baltics
  ['sp z oo', 'Sp. z o.o.', 'sp z oo', 'PL'],
  ['spzoo', 'Sp. z o.o.', 'sp z oo', 'PL'],
  ['spolka z oo', 'Spółka z o.o.', 'sp z oo', 'PL'],
  ['sp k', 'Sp.k.', 'lp', 'PL'],
  ['sp j', 'Sp.j.', 'lp', 'PL'],
  ['sro', 's.r.o.', 'sro', 'CZ SK'],
  ['spol sro', 'spol. s r.o.', 'sro', 'CZ SK'],
  ['spol s ro', 'spol. s r.o.', 'sro', 'CZ SK'],
  ['kft', 'Kft.', 'kft', 'HU'],
  ['zrt', 'Zrt.', 'kft', 'HU'],
  ['nyrt', 'Nyrt.', 'kft', 'HU'],
  ['ooo', 'OOO', 'ooo', 'RU'],
  ['ооо', 'ООО', 'ooo', 'RU'],
  ['zao', 'ZAO', 'ooo', 'RU'],
  ['oao', 'OAO', 'ooo', 'RU'],
  ['pao', 'PAO', 'ooo', 'RU'],
  ['oü', 'OÜ', 'ltd', 'EE'],
  ['ou', 'OÜ', 'ltd', 'EE'],
  ['uab', 'UAB', 'ltd', 'LT'],
  ['doo', 'd.o.o.', 'ltd', 'HR SI RS'],
  ['ood', 'OOD', 'ltd', 'BG'],
  ['eood', 'EOOD', 'ltd', 'BG'],
  ['as', 'a.s.', 'as', 'CZ SK'],
  // Professional designations used as name suffixes (same treatment: trailing only)
  ['cpa', 'CPA', 'professional', 'US CA'],
  ['cpas', 'CPAs', 'professional', 'US CA'],
  ['dds', 'DDS', 'professional', 'US CA'],
  ['dmd', 'DMD', 'professional', 'US CA'],
  ['md', 'MD', 'professional', 'US CA'],
  ['dvm', 'DVM', 'professional', 'US CA'],
  ['esq', 'Esq.', 'professional', 'US'],
  ['na', 'N.A.', 'bank', 'US'],
  // South Africa, misc
  ['pty ltd rf', 'Pty Ltd (RF)', 'pty ltd', 'ZA'],
  ['ltd sti', 'Ltd. Şti.', 'ltd', 'TR'],
  ['as', 'A.Ş.', 'as', 'TR'],
];

/** Single-token forms that are also ordinary words or common initials: last position only. */
const WORD_LIKE = new Set([
  // matching.md §3: short forms that are also words
  'as', 'ab', 'sa', 'ag', 'co', 'kg',
  // more of the same kind: words, common initials or abbreviations
  'pa', 'pc', 'lp', 'lc', 'se', 'ev', 'eg', 'oy', 'kk', 'gk', 'yk', 'hb', 'kb', 'pl', 'ou', 'ug', 'sl', 'teo', 'spa', 'cio',
  'md', 'na', 'cpa', 'cpas', 'dds', 'dmd', 'dvm', 'esq',
]);

function buildForms(): LegalForm[] {
  const seen = new Set<string>();
  const forms: LegalForm[] = [];
  for (const [form, display, cls, countries] of ROWS) {
    if (seen.has(form)) continue;
    seen.add(form);
    const tokens = form.split(' ');
    forms.push({
      tokens,
      text: form,
      display,
      cls,
      countries: countries.split(' '),
      wordLike: tokens.length === 1 && WORD_LIKE.has(form),
    });
  }
  return forms;
}

/** Every legal form we strip, deduplicated. */
export const LEGAL_FORMS: readonly LegalForm[] = buildForms();

/** Forms indexed by their last token, each list longest first. */
const BY_LAST = new Map<string, LegalForm[]>();
for (const f of LEGAL_FORMS) {
  const last = f.tokens[f.tokens.length - 1];
  let list = BY_LAST.get(last);
  if (!list) BY_LAST.set(last, (list = []));
  list.push(f);
}
for (const list of BY_LAST.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);

/** Is this token the last token of some legal form? (cheap pre-check) */
export function mayEndLegalForm(token: string): boolean {
  return BY_LAST.has(token);
}

export interface StripOptions {
  /** Allow stripping 'spa' (only when the raw name wrote it as S.p.A. / SpA, not a day spa). */
  allowSpa?: boolean;
}

/**
 * Strips trailing legal forms repeatedly, longest first, never to empty. Word-like single forms are
 * only stripped from the last position of the name as written (the first round). Mutates `tokens`
 * (truncates) and returns the forms removed, outermost first.
 */
const NO_FORMS: LegalForm[] = [];
Object.freeze(NO_FORMS);

export function stripLegalForms(tokens: string[], opts: StripOptions = {}): LegalForm[] {
  if (tokens.length < 2 || !BY_LAST.has(tokens[tokens.length - 1])) return NO_FORMS;
  let removed: LegalForm[] | null = null; // usually one form: created at that length
  for (;;) {
    const n = tokens.length;
    if (n < 2) break;
    const list = BY_LAST.get(tokens[n - 1]);
    if (!list) break;
    let hit: LegalForm | null = null;
    for (const f of list) {
      const k = f.tokens.length;
      if (k >= n) continue; // never strip to empty
      // last position only — except 'co' (company), which often precedes another form ("Co LLP")
      if (f.wordLike && removed !== null && f.text !== 'co') continue;
      if (f.tokens[0] === 'spa' && k === 1 && !opts.allowSpa) continue;
      let ok = true;
      for (let i = 0; i < k - 1; i++) {
        if (tokens[n - k + i] !== f.tokens[i]) {
          ok = false;
          break;
        }
      }
      if (ok) {
        hit = f;
        break;
      }
    }
    if (!hit) break;
    if (removed === null) removed = [hit];
    else removed.push(hit);
    tokens.length = n - hit.tokens.length;
  }
  return removed ?? NO_FORMS;
}
