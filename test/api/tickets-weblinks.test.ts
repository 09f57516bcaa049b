// Tickets of a company: search (`q`) and sort (`sort`) with cursor paging that stays correct; links into the vendors'
// web apps (`url` of tickets and of the PSA company, `webUrl` of the company and its configurations) where the
// settings make them known. On SQLite and PostgreSQL.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startHaloSandbox } from '../../src/sandbox/halo/index.js';
import { dialects, runStartedBy, useTestApp } from '../helpers/app.js';
import { haloSettingsFor, itglueSettingsFor, useSandbox } from '../helpers/sandboxes.js';

interface Ticket { psaId: string; summary: string; status: string; openedAt: string | null; updatedAt: string | null; url?: string }
interface Page { tickets: Ticket[]; nextCursor: string | null }

for (const dialect of dialects()) {
  describe(`tickets: search, sort, links out (${dialect})`, () => {
    const app = useTestApp({ dialect, env: { TICKET_HISTORY_MONTHS: '240' } });
    const { api } = app;
    const itglue = useSandbox(() => startItGlueSandbox({ port: 0, apiKey: 'k' }));
    const halo = useSandbox(() => startHaloSandbox({ port: 0, rateLimit: null, ticketCount: 400 }));
    let companyId: string;
    let clientId: string;

    before(async () => {
      // One client gets 40 more tickets: mixed case, a literal %, ties on the opening date (the id breaks them).
      const clients = new Map(halo().control.data({ tickets: false }).clients.filter((c) => c.businessKey !== null && !c.inactive).map((c) => [c.businessKey!, c.id]));
      const truth = itglue().control.truth();
      const active = new Set(truth.activeOrganizationIds);
      const pairs = truth.organizations.filter((o) => active.has(o.id) && o.businessKey !== null && clients.has(o.businessKey));
      companyId = pairs[0]!.id;
      const client = clients.get(pairs[0]!.businessKey!)!;
      clientId = String(client);
      const words = ['Printer jam', 'VPN drops', 'New laptop', 'printer toner', 'Backup 100% failed', 'Email quota'];
      halo().control.addTickets({
        tickets: Array.from({ length: 40 }, (_, i) => ({
          clientId: client, summary: `${words[i % words.length]} ${i}`, closed: i % 3 === 0,
          dateOccurred: `2026-0${1 + (i % 9)}-1${i % 5}T10:00:00`, lastUpdate: `2026-10-${10 + (i % 17)}T08:00:00`,
        })),
      });
      await runStartedBy(app.t, await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue(), 'k')));
      await runStartedBy(app.t, await api('PUT', '/api/integrations/halo', haloSettingsFor(halo(), { opportunityExport: false })));
      const put = await api('PUT', '/api/integrations/halo/links', { links: pairs.map((o) => ({ itglueId: o.id, psaId: String(clients.get(o.businessKey!)!), source: 'manual' })) });
      assert.equal(put.statusCode, 200, put.body);
    });

    async function all(query: string, limit = 7): Promise<Ticket[]> {
      const out: Ticket[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 1000; i++) {
        const res = await api('GET', `/api/companies/${companyId}/tickets?limit=${limit}${query}${cursor !== null ? `&cursor=${cursor}` : ''}`);
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json() as Page;
        out.push(...page.tickets);
        cursor = page.nextCursor;
        if (cursor === null) return out;
      }
      throw new Error('paging did not end');
    }

    test('every sort pages through each ticket exactly once, in order', async () => {
      const everything = await all('', 500);
      assert.ok(everything.length >= 40, `only ${everything.length} tickets`);
      const ids = everything.map((x) => x.psaId).sort();
      const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const checks: [string, (x: Ticket) => string][] = [
        ['-opened', (x) => x.openedAt ?? ''],
        ['opened', (x) => x.openedAt ?? ''],
        ['-updated', (x) => x.updatedAt ?? ''],
      ];
      for (const [sort, key] of checks) {
        const paged = await all(`&sort=${sort}`);
        assert.deepEqual(paged.map((x) => x.psaId).sort(), ids, `${sort}: each ticket once`);
        const desc = sort.startsWith('-');
        for (let i = 1; i < paged.length; i++) {
          const c = cmp(key(paged[i - 1]!), key(paged[i]!));
          assert.ok(desc ? c >= 0 : c <= 0, `${sort}: ${key(paged[i - 1]!)} before ${key(paged[i]!)}`);
        }
      }
    });

    test('text sorts page the same order both ways (whatever the database collation)', async () => {
      for (const key of ['summary', 'status']) {
        const up = (await all(`&sort=${key}`, 6)).map((x) => x.psaId);
        const down = (await all(`&sort=-${key}`, 6)).map((x) => x.psaId);
        assert.equal(up.length, new Set(up).size);
        assert.deepEqual(up, [...down].reverse(), key);
      }
      const bySummary = await all('&sort=summary', 500);
      // Letters compare without case: "printer toner" sits with "Printer jam", not after every capital.
      const printers = bySummary.map((x, i) => (x.summary.toLowerCase().startsWith('printer') ? i : -1)).filter((i) => i >= 0);
      assert.equal(printers[printers.length - 1]! - printers[0]!, printers.length - 1, 'printer tickets are adjacent');
    });

    test('q finds tickets by words of the summary (any case) or by number; paging keeps the filter', async () => {
      const everything = await all('', 500);
      const word = 'printer';
      const expected = everything.filter((x) => x.summary.toLowerCase().includes(word.toLowerCase())).map((x) => x.psaId).sort();
      const found = await all(`&q=${encodeURIComponent(word.toUpperCase())}`, 3);
      assert.deepEqual(found.map((x) => x.psaId).sort(), expected);
      const one = await all(`&q=${encodeURIComponent(`#${everything[3]!.psaId}`)}`);
      assert.ok(one.some((x) => x.psaId === everything[3]!.psaId));
      // LIKE wildcards are plain characters.
      const percent = await all('&q=%25');
      assert.ok(percent.length > 0);
      assert.deepEqual(percent.map((x) => x.psaId).sort(), everything.filter((x) => x.summary.includes('%')).map((x) => x.psaId).sort());
      assert.deepEqual(await all('&q=zzzz-no-such-ticket'), []);
    });

    test('Test Settings says the initial sync keeps a window of the tickets it counts; demo hints are {} outside the demo', async () => {
      const res = await api('POST', '/api/integrations/halo/test', haloSettingsFor(halo(), { opportunityExport: false }));
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.ok, true);
      assert.equal(typeof body.details.tickets, 'number');
      assert.deepEqual(body.details.notes, [
        `${body.details.tickets.toLocaleString('en-US')} tickets in HaloPSA; the initial sync pulls open tickets and those updated in the last 240 months, so it may store fewer.`,
      ]);
      const hints = await api('GET', '/api/demo-hints');
      assert.equal(hints.statusCode, 200);
      assert.deepEqual(hints.json(), {});
    });

    test('bad sort, a cursor of another sort or a garbage cursor: 400 in words, never a 5xx', async () => {
      const bad = await api('GET', `/api/companies/${companyId}/tickets?sort=priority`);
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'invalid_request');
      assert.equal(bad.json().error.details.issues[0].path, 'query.sort');
      const first = (await api('GET', `/api/companies/${companyId}/tickets?limit=2&sort=summary`)).json() as Page;
      assert.ok(first.nextCursor !== null);
      const other = await api('GET', `/api/companies/${companyId}/tickets?limit=2&sort=-opened&cursor=${first.nextCursor}`);
      assert.equal(other.statusCode, 400);
      assert.match(other.json().error.message, /another sort order/);
      for (const c of ['garbage', Buffer.from('[1,2]').toString('base64url'), Buffer.from('["x"]').toString('base64url')]) {
        assert.equal((await api('GET', `/api/companies/${companyId}/tickets?cursor=${c}`)).statusCode, 400, c);
      }
      assert.equal((await api('GET', `/api/companies/${companyId}/tickets?q=${'x'.repeat(201)}`)).statusCode, 400);
    });

    test('links out: PSA ticket and company pages from the Resource Server URL; IT Glue pages once its web address is set', async () => {
      const base = halo().resourceUrl.replace(/\/api$/, '');
      const page = (await api('GET', `/api/companies/${companyId}/tickets?limit=3`)).json() as Page;
      for (const tk of page.tickets) assert.equal(tk.url, `${base}/ticket?id=${tk.psaId}`);
      let detail = (await api('GET', `/api/companies/${companyId}`)).json();
      assert.equal(detail.company.psa.url, `${base}/customers?clientid=${clientId}`);
      // No web address for IT Glue yet: no IT Glue links (the API URL is not where people browse).
      assert.equal(detail.company.webUrl, undefined);
      assert.ok(detail.configurations.every((c: { webUrl?: string }) => c.webUrl === undefined));

      const put = await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue(), 'k', { webUrl: 'https://acme.itglue.com/' }));
      assert.equal(put.statusCode, 200, put.body);
      detail = (await api('GET', `/api/companies/${companyId}`)).json();
      assert.equal(detail.company.webUrl, `https://acme.itglue.com/${companyId}`);
      // A company with configurations: each links to its page under its organization.
      const ids = ((await api('GET', '/api/companies')).json().companies as { id: string }[]).map((c) => c.id);
      let withConfigs: { company: { id: string }; configurations: { id: string; webUrl?: string }[] } | undefined;
      for (const id of ids) {
        const d = (await api('GET', `/api/companies/${id}`)).json();
        if (d.configurations.length > 0) {
          withConfigs = d;
          break;
        }
      }
      assert.ok(withConfigs !== undefined, 'some company has configurations');
      for (const c of withConfigs.configurations) assert.equal(c.webUrl, `https://acme.itglue.com/${withConfigs.company.id}/configurations/${c.id}`);
      const list = (await api('GET', '/api/companies')).json().companies as { id: string; webUrl?: string; psa: { url?: string } | null }[];
      const mine = list.find((c) => c.id === companyId)!;
      assert.equal(mine.webUrl, `https://acme.itglue.com/${companyId}`);
      assert.equal(mine.psa?.url, `${base}/customers?clientid=${clientId}`);
      // A web address that is not a URL is refused in words, and nothing is lost.
      const bad = await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue(), 'k', { webUrl: 'acme dot itglue' }));
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(bad.json().error.details.issues[0].message, /IT Glue web address/);
      assert.equal((await api('GET', `/api/companies/${companyId}`)).json().company.webUrl, `https://acme.itglue.com/${companyId}`);
    });
  });
}
