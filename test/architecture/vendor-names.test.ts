/**
 * Vendors stay in their folders: outside the vendor folders (any folder named after a kind) and the registry, no code names a
 * vendor. Comments and display strings ("Pull Tickets from Halo", "IT Glue") are fine; identifiers and
 * token-like strings ('halo', `/api/integrations/halo`, `itglueSettings`) are not. The contract's own field names
 * (`itglueId`, `itglueName`) and their columns are allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { INTEGRATION_KINDS } from '../../src/integrations/registry.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const VENDORS = [...new Set([...INTEGRATION_KINDS, 'halo', 'itglue', 'syncro'])];
const REGISTRY = 'src/integrations/registry.ts';
/** The contract names the primary side's ids this way (api-contract.md: itglueId, itglueName). */
const CONTRACT_WORDS = new Set(['itglueid', 'itgluename', 'itglue_id', 'itglue_name']);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) {
      if (!VENDORS.includes(e.name)) out.push(...files(rel)); // a vendor's folder is its own
    } else if (/\.(ts|tsx)$/.test(e.name) && rel !== REGISTRY) out.push(rel);
  }
  return out;
}

const vendorInIdentifier = new RegExp(VENDORS.join('|'), 'i');
/** A code-like token of a string: starts lower-case ('halo', 'itglue_id', 'haloSettings'); display words are capitalised. */
const codeToken = (t: string): boolean => /^[a-z]/.test(t) && vendorInIdentifier.test(t) && !CONTRACT_WORDS.has(t.toLowerCase());

/** Where a file names a vendor in code: identifiers containing a vendor name, lower-case vendor tokens in strings. */
export function vendorMentions(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (n: ts.Node) => `${fileName}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) {
      const id = n.text;
      if (vendorInIdentifier.test(id) && !CONTRACT_WORDS.has(id.toLowerCase())) found.push(`${at(n)} identifier ${id}`);
    } else if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      if (n.text.split(/[^A-Za-z0-9_]+/).some(codeToken)) found.push(`${at(n)} string ${JSON.stringify(n.text)}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

test('no code outside the vendor folders and the registry names a vendor', () => {
  const mentions = [...files('src'), ...files('web/src')].flatMap((f) => vendorMentions(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
  assert.deepEqual(mentions, []);
});

test('the check catches what it must and lets display text and comments pass', () => {
  const bad = [
    "const k = 'halo';",
    'fetch(`/api/integrations/itglue/links`);',
    'const haloSettings = 1;',
    'type X = { kind: "syncro" };',
    'const o = { halo: 1 };',
    'export function ItGlueCard() { return null; }',
  ];
  for (const code of bad) assert.notDeepEqual(vendorMentions('x.tsx', code), [], code);
  const fine = [
    '// the halo connector lives elsewhere\nconst a = 1;',
    "const label = 'Pull Tickets from Halo';",
    "const n = 'IT Glue';",
    'const row = { itglueId: "1", itglueName: "Acme" };',
    "const col = 'itglue_id';",
    "const ref = 'l.itglue_id';",
    'const el = <p>Connect HaloPSA here</p>;',
  ];
  for (const code of fine) assert.deepEqual(vendorMentions('x.tsx', code), [], code);
});
