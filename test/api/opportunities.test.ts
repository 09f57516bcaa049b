// Opportunities API (issue 9) against the IT Glue and HaloPSA sandboxes: acceptance 1, 3, 4 and 5, editing rules,
// bulk export, CSV and the audit log. Acceptance 2 (ambiguous failures, 20 runs each) is opportunities-exactly-once.test.ts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects, json } from '../helpers/app.js';
import { markerOf, opportunityWorld, ticketsWithMarker, type OpportunityWorld, type Pair } from '../helpers/opportunities.js';

interface Opp {
  id: string; companyId: string; title: string; description: string | null; value: number | null; ticketTypeId: string | null;
  closeDate: string | null; probability: number | null; status: string; psa: { kind: string; ticketId: string; ticketNumber?: string; url?: string } | null;
  error: { code: string; message: string } | null; createdAt: string; exportedAt: string | null; companyName: string | null; ticketTypeName: string | null;
}
interface Envelope { error: { code: string; message: string; details?: Record<string, unknown> } }
interface Types { types: { id: string; name: string }[]; source: string | null; help: string | null; exportEnabled: boolean }

// Sandbox ticket types (src/sandbox/halo/seed-data.ts): 41, 42, 43 active opportunity types, 44 an inactive one.
const NEW_BUSINESS = 41;
const HARDWARE_REFRESH = 42;
const PROJECT_QUOTE = 43;
const RETIRED_UPSELL = 44;
const ACTIVE_OPP_TYPES = [NEW_BUSINESS, HARDWARE_REFRESH, PROJECT_QUOTE];

for (const dialect of dialects()) {
  describe(`Opportunities API on ${dialect}`, () => {
    let w: OpportunityWorld & { extra: Pair[] };
    let allowAll: Pair;
    const [oneType, oneTypePlusInactive, twoTypes, noTypes] = [0, 1, 2, 3];

    before(async () => {
      w = await opportunityWorld({
        dialect,
        extraClients: [
          { name: 'Only New Business Ltd', allowAllTypes: false, allowedTypeIds: [1, 3, 36, NEW_BUSINESS] },
          { name: 'Quotes And Retired Ltd', allowAllTypes: false, allowedTypeIds: [1, 3, PROJECT_QUOTE, RETIRED_UPSELL] },
          { name: 'Two Kinds Ltd', allowAllTypes: false, allowedTypeIds: [1, 36, NEW_BUSINESS, HARDWARE_REFRESH] },
          { name: 'No Sales Ltd', allowAllTypes: false, allowedTypeIds: [1, 3, 36, 4] },
        ],
      });
      allowAll = w.pairs.find((p) => p.allowAllTypes)!;
      assert.ok(allowAll, 'a linked company whose Halo client may use every type');
    });
    after(async () => w.close());

    const create = async (body: Record<string, unknown>, as = () => w.api) => as()('POST', '/api/opportunities', body);
    const exportOpp = (id: string, as = () => w.api) => as()('POST', `/api/opportunities/${id}/export`, {});
    const typesOf = async (itglueId: string) => (await w.api('GET', `/api/companies/${itglueId}/opportunity-types`));

    test('acceptance 4: the offered types follow each customer\'s rules (from the sync, no request to Halo)', async () => {
      const before = w.halo.control.stats().apiRequests;
      const ids = async (p: Pair) => {
        const res = await typesOf(p.itglueId);
        assert.equal(res.statusCode, 200, res.body);
        const body = json<Types>(res);
        assert.equal(body.source, 'sync');
        return body.types.map((t) => Number(t.id)).sort((a, b) => a - b);
      };
      assert.deepEqual(await ids(allowAll), ACTIVE_OPP_TYPES, 'all types allowed → every active opportunity type');
      assert.deepEqual(await ids(w.extra[oneType]!), [NEW_BUSINESS]);
      assert.deepEqual(await ids(w.extra[oneTypePlusInactive]!), [PROJECT_QUOTE], 'the inactive opportunity type is not offered');
      assert.deepEqual(await ids(w.extra[twoTypes]!), [NEW_BUSINESS, HARDWARE_REFRESH]);
      assert.deepEqual(await ids(w.extra[noTypes]!), []);
      assert.equal(w.halo.control.stats().apiRequests, before, 'answered from the synced rules');
      const none = json<Types>(await typesOf(w.extra[noTypes]!.itglueId));
      assert.match(none.help ?? '', /Ticket Types/);
      assert.match(none.help ?? '', /Allow use of all Ticket Types/);
      // Names come along.
      const named = json<Types>(await typesOf(w.extra[oneType]!.itglueId));
      assert.deepEqual(named.types, [{ id: String(NEW_BUSINESS), name: 'New Business Opportunity' }]);
    });

    test('Refresh types asks Halo now and keeps the answer; an unknown company is 404, an unlinked one 409', async () => {
      const p = w.extra[noTypes]!;
      w.halo.control.updateClient(p.psaId, { allowedTypeIds: [1, HARDWARE_REFRESH] });
      assert.deepEqual(json<Types>(await typesOf(p.itglueId)).types, [], 'the synced rule until refreshed');
      const refreshed = await w.api('POST', `/api/companies/${p.itglueId}/opportunity-types/refresh`, {});
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      assert.deepEqual(json<Types>(refreshed).types.map((t) => t.id), [String(HARDWARE_REFRESH)]);
      assert.equal(json<Types>(refreshed).source, 'live');
      assert.deepEqual(json<Types>(await typesOf(p.itglueId)).types.map((t) => t.id), [String(HARDWARE_REFRESH)], 'kept');
      w.halo.control.updateClient(p.psaId, { allowedTypeIds: [1, 3, 36, 4] });
      await w.api('POST', `/api/companies/${p.itglueId}/opportunity-types/refresh`, {});

      assert.equal((await typesOf('999999999')).statusCode, 404);
      const unlinked = await typesOf(w.unlinked[0]!);
      assert.equal(unlinked.statusCode, 409);
      assert.equal(json<Envelope>(unlinked).error.code, 'company_not_linked');
    });

    test('acceptance 1: one ticket with the right customer, site, type, summary and value; exporting again returns it', async () => {
      const created = await create({
        companyId: allowAll.itglueId, title: 'Replace 14 laptops', description: 'Fleet refresh.\n\nThree sites.', value: 18200,
        ticketTypeId: String(NEW_BUSINESS), closeDate: '2031-03-31', probability: 60,
      });
      assert.equal(created.statusCode, 201, created.body);
      const opp = json<{ opportunity: Opp }>(created).opportunity;
      assert.equal(opp.status, 'draft');
      assert.equal(opp.psa, null);
      assert.equal(opp.ticketTypeName, 'New Business Opportunity');
      assert.equal(opp.companyName, allowAll.itglueName);

      const made = w.halo.control.stats().ticketsCreated;
      const res = await exportOpp(opp.id);
      assert.equal(res.statusCode, 200, res.body);
      const exported = json<{ opportunity: Opp }>(res).opportunity;
      assert.equal(exported.status, 'exported');
      assert.equal(exported.psa?.kind, 'halo');
      assert.equal(exported.psa?.ticketNumber, exported.psa?.ticketId);
      assert.equal(exported.psa?.url, `${new URL(w.halo.url).origin}/ticket?id=${exported.psa?.ticketId}`);
      assert.ok(exported.exportedAt !== null);
      assert.equal(w.halo.control.stats().ticketsCreated - made, 1);

      const ticket = w.halo.control.getTicket(Number(exported.psa!.ticketId))!;
      assert.equal(ticket.clientId, allowAll.psaId);
      assert.equal(ticket.siteId, allowAll.mainSiteId);
      assert.equal(ticket.typeId, NEW_BUSINESS);
      assert.equal(ticket.summary, 'Replace 14 laptops');
      assert.equal(ticket.isOpportunity, true);
      assert.equal(ticket.opp?.value, 18200);
      assert.equal(ticket.opp?.conversionprobability, 60);
      assert.match(ticket.detailsHtml, /<p>Fleet refresh\.<\/p><p>Three sites\.<\/p>/);
      assert.deepEqual(ticketsWithMarker(w.halo, markerOf(opp.id)), [ticket.id]);

      const again = await exportOpp(opp.id);
      assert.equal(again.statusCode, 200);
      assert.deepEqual(json<{ opportunity: Opp }>(again).opportunity.psa, exported.psa);
      assert.equal(w.halo.control.stats().ticketsCreated - made, 1, 'no second ticket');
      assert.deepEqual(ticketsWithMarker(w.halo, markerOf(opp.id)), [ticket.id]);

      // An exported opportunity is final.
      const patched = await w.api('PATCH', `/api/opportunities/${opp.id}`, { title: 'x' });
      assert.equal(patched.statusCode, 409);
      assert.equal(json<Envelope>(patched).error.code, 'opportunity_exported');
      const del = await w.api('DELETE', `/api/opportunities/${opp.id}`);
      assert.equal(del.statusCode, 409);
    });

    test('acceptance 3: a type the customer may not use → 422 with the allowed list (create and export)', async () => {
      const p = w.extra[oneType]!;
      const bad = await create({ companyId: p.itglueId, title: 'Hardware', ticketTypeId: String(HARDWARE_REFRESH) });
      assert.equal(bad.statusCode, 422, bad.body);
      const e = json<Envelope>(bad).error;
      assert.equal(e.code, 'ticket_type_not_allowed');
      assert.deepEqual(e.details?.allowed, [{ id: String(NEW_BUSINESS), name: 'New Business Opportunity' }]);

      // A draft without a type, for a customer with one type: that type is used.
      const draft = json<{ opportunity: Opp }>(await create({ companyId: p.itglueId, title: 'Only one way' })).opportunity;
      const out = await exportOpp(draft.id);
      assert.equal(out.statusCode, 200, out.body);
      assert.equal(w.halo.control.getTicket(Number(json<{ opportunity: Opp }>(out).opportunity.psa!.ticketId))?.typeId, NEW_BUSINESS);

      // Rules that changed in Halo after the draft was made: export refuses before asking Halo to create anything.
      const none = w.extra[noTypes]!;
      const d2 = json<{ opportunity: Opp }>(await create({ companyId: none.itglueId, title: 'Nothing allowed' })).opportunity;
      const made = w.halo.control.stats().ticketsCreated;
      const refused = await exportOpp(d2.id);
      assert.equal(refused.statusCode, 422);
      assert.equal(json<Envelope>(refused).error.code, 'ticket_type_not_allowed');
      assert.deepEqual(json<Envelope>(refused).error.details?.allowed, []);
      assert.equal(w.halo.control.stats().ticketsCreated, made);
      assert.equal(json<{ opportunity: Opp }>(await w.api('GET', `/api/opportunities/${d2.id}`)).opportunity.status, 'draft');
    });

    test('acceptance 3: an unlinked company → 409 company_not_linked; export off → 409 opportunity_export_disabled', async () => {
      const d = json<{ opportunity: Opp }>(await create({ companyId: w.unlinked[0]!, title: 'Unlinked' })).opportunity;
      const r = await exportOpp(d.id);
      assert.equal(r.statusCode, 409);
      assert.equal(json<Envelope>(r).error.code, 'company_not_linked');

      const halo = w.halo;
      const settings = { resourceServerUrl: halo.resourceUrl, authorizationServerUrl: halo.authUrl, tenant: '', clientId: 'crosswalk-sandbox', pullTickets: false, rateLimitPer5Min: 100_000 };
      assert.equal((await w.api('PUT', '/api/integrations/halo', { ...settings, opportunityExport: false })).statusCode, 200);
      const d2 = json<{ opportunity: Opp }>(await create({ companyId: allowAll.itglueId, title: 'Export off', ticketTypeId: String(PROJECT_QUOTE) })).opportunity;
      const off = await exportOpp(d2.id);
      assert.equal(off.statusCode, 409);
      assert.equal(json<Envelope>(off).error.code, 'opportunity_export_disabled');
      assert.match(json<Envelope>(off).error.message, /Enable Halo Opportunity Integration/);
      assert.equal(json<Types>(await typesOf(allowAll.itglueId)).exportEnabled, false);
      assert.equal((await w.api('PUT', '/api/integrations/halo', { ...settings, opportunityExport: true })).statusCode, 200);
      assert.equal((await exportOpp(d2.id)).statusCode, 200);
    });

    test('acceptance 3: Halo down → 502 psa_unavailable, the opportunity is failed with the reason; a later export succeeds', async () => {
      const d = json<{ opportunity: Opp }>(await create({ companyId: allowAll.itglueId, title: 'While Halo is down', ticketTypeId: String(HARDWARE_REFRESH), value: 900 })).opportunity;
      w.halo.control.addFault({ type: '503', count: -1 });
      let r;
      try {
        r = await exportOpp(d.id);
      } finally {
        w.halo.control.clearFaults();
      }
      assert.equal(r.statusCode, 502, r.body);
      assert.equal(json<Envelope>(r).error.code, 'psa_unavailable');
      const failed = json<{ opportunity: Opp }>(await w.api('GET', `/api/opportunities/${d.id}`)).opportunity;
      assert.equal(failed.status, 'failed');
      assert.equal(failed.error?.code, 'psa_unavailable');
      assert.match(failed.error?.message ?? '', /HaloPSA/);
      assert.equal(failed.title, 'While Halo is down', 'nothing lost');
      assert.equal(failed.value, 900);

      const ok = await exportOpp(d.id);
      assert.equal(ok.statusCode, 200, ok.body);
      const done = json<{ opportunity: Opp }>(ok).opportunity;
      assert.equal(done.status, 'exported');
      assert.equal(done.error, null);
      assert.equal(ticketsWithMarker(w.halo, markerOf(d.id)).length, 1);
    });

    test('a refusal by Halo (400 on create) → 422 psa_rejected with Halo\'s message; nothing is in doubt', async () => {
      const p = w.extra[twoTypes]!;
      const d = json<{ opportunity: Opp }>(await create({ companyId: p.itglueId, title: 'Refused', ticketTypeId: String(HARDWARE_REFRESH) })).opportunity;
      // Halo changed its mind after the sync, and the synced rule still says yes.
      w.halo.control.updateClient(p.psaId, { allowedTypeIds: [1, 36, NEW_BUSINESS] });
      try {
        const r = await exportOpp(d.id);
        assert.equal(r.statusCode, 422, r.body);
        assert.equal(json<Envelope>(r).error.code, 'psa_rejected');
        assert.match(json<Envelope>(r).error.message, /not allowed/);
        // Editable again: the PSA certainly created nothing.
        const patched = await w.api('PATCH', `/api/opportunities/${d.id}`, { title: 'Refused, then fixed' });
        assert.equal(patched.statusCode, 200, patched.body);
      } finally {
        w.halo.control.updateClient(p.psaId, { allowedTypeIds: [1, 36, NEW_BUSINESS, HARDWARE_REFRESH] });
      }
    });

    test('acceptance 5: a member creates, exports and lists opportunities, but gets 403 on integration settings and links', async () => {
      const m = () => w.member;
      const created = await create({ companyId: allowAll.itglueId, title: 'Member idea', ticketTypeId: String(PROJECT_QUOTE), value: 1200 }, m);
      assert.equal(created.statusCode, 201, created.body);
      const id = json<{ opportunity: Opp }>(created).opportunity.id;
      assert.equal((await w.member('GET', `/api/companies/${allowAll.itglueId}/opportunity-types`)).statusCode, 200);
      const exp = await exportOpp(id, m);
      assert.equal(exp.statusCode, 200, exp.body);
      const list = await w.member('GET', '/api/opportunities');
      assert.equal(list.statusCode, 200);
      assert.ok(json<{ opportunities: Opp[] }>(list).opportunities.some((o) => o.id === id && o.status === 'exported'));

      for (const [method, url, body] of [
        ['GET', '/api/integrations', undefined],
        ['PUT', '/api/integrations/halo', { resourceServerUrl: w.halo.resourceUrl }],
        ['POST', '/api/integrations/halo/test', {}],
        ['DELETE', '/api/integrations/halo', undefined],
        ['GET', '/api/integrations/halo/links', undefined],
        ['PUT', '/api/integrations/halo/links', { links: [] }],
        ['POST', '/api/integrations/halo/links/automap', {}],
        ['GET', '/api/audit', undefined],
      ] as const) {
        const r = await w.member(method, url, body);
        assert.equal(r.statusCode, 403, `${method} ${url}`);
        assert.equal(json<Envelope>(r).error.code, 'forbidden');
      }
    });

    test('acceptance 5: 1 MB titles and other bad input → 400/413 in the envelope, never 5xx', async () => {
      const base = { companyId: allowAll.itglueId, title: 'ok' };
      const cases: [string, Record<string, unknown> | string, number, string?][] = [
        ['1 MB title', { ...base, title: 'x'.repeat(1024 * 1024) }, 400, 'body.title'],
        ['3 MB body', { ...base, description: 'y'.repeat(3 * 1024 * 1024) }, 413],
        ['empty title', { ...base, title: '   ' }, 400, 'body.title'],
        ['no title', { companyId: allowAll.itglueId }, 400, 'body.title'],
        ['negative value', { ...base, value: -1 }, 400, 'body.value'],
        ['value as text', { ...base, value: '100' }, 400, 'body.value'],
        ['probability 101', { ...base, probability: 101 }, 400, 'body.probability'],
        ['not a calendar date', { ...base, closeDate: '2031-02-30' }, 400, 'body.closeDate'],
        ['date in another format', { ...base, closeDate: '31/03/2031' }, 400, 'body.closeDate'],
        ['odd ticket type id', { ...base, ticketTypeId: '../41' }, 400, 'body.ticketTypeId'],
        ['unknown company', { ...base, companyId: '424242424242' }, 400, 'body.companyId'],
        ['company id too long', { ...base, companyId: '1'.repeat(41) }, 400, 'body.companyId'],
        ['an array', '[]', 400],
        ['broken JSON', '{"title":', 400],
      ];
      for (const [name, body, status, path] of cases) {
        const r = await w.t.inject({ method: 'POST', url: '/api/opportunities', headers: { authorization: `Bearer ${w.adminToken}`, 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
        assert.equal(r.statusCode, status, `${name}: ${r.body.slice(0, 300)}`);
        const e = json<Envelope>(r).error;
        assert.equal(typeof e.code, 'string', name);
        assert.equal(typeof e.message, 'string', name);
        if (path !== undefined) {
          const issues = (e.details?.issues ?? []) as { path: string }[];
          assert.ok(issues.some((i) => i.path === path), `${name}: issues ${JSON.stringify(issues)}`);
        }
      }
      assert.equal((await w.api('GET', '/api/opportunities/not-a-uuid')).statusCode, 400);
      assert.equal((await w.api('GET', '/api/opportunities/00000000-0000-4000-8000-000000000000')).statusCode, 404);
      assert.equal((await exportOpp('00000000-0000-4000-8000-000000000000')).statusCode, 404);
      assert.equal((await w.api('GET', '/api/opportunities?status=won')).statusCode, 400);
      const patchEmpty = await w.api('PATCH', '/api/opportunities/00000000-0000-4000-8000-000000000000', {});
      assert.equal(patchEmpty.statusCode, 400);
    });

    test('drafts can be edited and deleted; the list filters by company, status and text, with totals', async () => {
      const p = w.extra[twoTypes]!;
      const a = json<{ opportunity: Opp }>(await create({ companyId: p.itglueId, title: 'Firewall upgrade', value: 5000, ticketTypeId: String(NEW_BUSINESS) })).opportunity;
      const b = json<{ opportunity: Opp }>(await create({ companyId: p.itglueId, title: 'Backup review', value: 250.5 })).opportunity;
      const patched = await w.api('PATCH', `/api/opportunities/${a.id}`, { value: 6000, closeDate: '2031-06-30', description: null });
      assert.equal(patched.statusCode, 200, patched.body);
      assert.equal(json<{ opportunity: Opp }>(patched).opportunity.value, 6000);
      assert.equal(json<{ opportunity: Opp }>(patched).opportunity.closeDate, '2031-06-30');
      const badType = await w.api('PATCH', `/api/opportunities/${a.id}`, { ticketTypeId: String(PROJECT_QUOTE) });
      assert.equal(badType.statusCode, 422);

      const list = json<{ opportunities: Opp[]; totals: Record<string, { count: number; value: number }> }>(await w.api('GET', `/api/opportunities?companyId=${p.itglueId}&status=draft`));
      assert.deepEqual(list.opportunities.map((o) => o.id).sort(), [a.id, b.id].sort());
      assert.deepEqual(list.totals.draft, { count: 2, value: 6250.5 });
      assert.equal(list.totals.exported.count, 0);
      const text = json<{ opportunities: Opp[] }>(await w.api('GET', `/api/opportunities?q=${encodeURIComponent('FIREWALL')}`));
      assert.deepEqual(text.opportunities.map((o) => o.id), [a.id]);
      const byCompanyName = json<{ opportunities: Opp[] }>(await w.api('GET', `/api/opportunities?q=${encodeURIComponent(p.itglueName.slice(0, 6))}&companyId=${p.itglueId}`));
      assert.ok(byCompanyName.opportunities.length >= 2);
      const wild = json<{ opportunities: Opp[] }>(await w.api('GET', `/api/opportunities?q=${encodeURIComponent('%')}`));
      assert.deepEqual(wild.opportunities, [], '% is a character, not a wildcard');

      assert.equal((await w.api('DELETE', `/api/opportunities/${b.id}`)).statusCode, 204);
      assert.equal((await w.api('GET', `/api/opportunities/${b.id}`)).statusCode, 404);
      assert.equal((await w.api('DELETE', `/api/opportunities/${b.id}`)).statusCode, 404);
    });

    test('bulk export: per-row results, and the failed ones can be retried', async () => {
      const ok1 = json<{ opportunity: Opp }>(await create({ companyId: allowAll.itglueId, title: 'Bulk one', ticketTypeId: String(NEW_BUSINESS) })).opportunity;
      const ok2 = json<{ opportunity: Opp }>(await create({ companyId: allowAll.itglueId, title: 'Bulk two', ticketTypeId: String(PROJECT_QUOTE) })).opportunity;
      const unlinked = json<{ opportunity: Opp }>(await create({ companyId: w.unlinked[0]!, title: 'Bulk unlinked' })).opportunity;
      const r = await w.api('POST', '/api/opportunities/export', { ids: [ok1.id, unlinked.id, ok2.id] });
      assert.equal(r.statusCode, 200, r.body);
      const results = json<{ results: { id: string; ok: boolean; opportunity: Opp | null; error: { code: string } | null }[] }>(r).results;
      assert.deepEqual(results.map((x) => [x.id, x.ok, x.error?.code ?? null]), [[ok1.id, true, null], [unlinked.id, false, 'company_not_linked'], [ok2.id, true, null]]);
      assert.equal(results[0]!.opportunity?.status, 'exported');
      assert.notEqual(results[0]!.opportunity?.psa?.ticketId, results[2]!.opportunity?.psa?.ticketId);
      // Again: the exported ones return their tickets, nothing new is created.
      const made = w.halo.control.stats().ticketsCreated;
      const again = json<{ results: { ok: boolean; opportunity: Opp | null }[] }>(await w.api('POST', '/api/opportunities/export', { ids: [ok1.id, ok2.id] })).results;
      assert.deepEqual(again.map((x) => x.opportunity?.psa?.ticketId), [results[0]!.opportunity?.psa?.ticketId, results[2]!.opportunity?.psa?.ticketId]);
      assert.equal(w.halo.control.stats().ticketsCreated, made);
      assert.equal((await w.api('POST', '/api/opportunities/export', { ids: [] })).statusCode, 400);
      assert.equal((await w.api('POST', '/api/opportunities/export', { ids: ['x'] })).statusCode, 400);
    });

    test('CSV: the filtered list as a spreadsheet-safe file', async () => {
      await create({ companyId: allowAll.itglueId, title: '=HYPERLINK("http://evil")', value: 10 });
      const r = await w.api('GET', `/api/opportunities?format=csv&companyId=${allowAll.itglueId}`);
      assert.equal(r.statusCode, 200);
      assert.match(String(r.headers['content-type']), /^text\/csv/);
      assert.match(String(r.headers['content-disposition']), /attachment; filename="opportunities-\d{4}-\d{2}-\d{2}\.csv"/);
      const lines = r.body.trim().split('\r\n');
      assert.match(lines[0]!, /^Title,Company,Status,Value/);
      assert.ok(lines.some((l) => l.startsWith('"\'=HYPERLINK(""http://evil"")"')), 'a formula stays text');
      assert.ok(lines.some((l) => l.includes('Replace 14 laptops') && l.includes(',exported,')));
      const viaAccept = await w.t.inject({ method: 'GET', url: '/api/opportunities', headers: { authorization: `Bearer ${w.adminToken}`, accept: 'text/csv' } });
      assert.match(String(viaAccept.headers['content-type']), /^text\/csv/);
    });

    test('acceptance 6: the OpenAPI document lists every new endpoint', async () => {
      const doc = json<{ paths: Record<string, Record<string, unknown>> }>(await w.t.inject({ method: 'GET', url: '/api/openapi.json' }));
      const want: [string, string][] = [
        ['/api/opportunities', 'get'], ['/api/opportunities', 'post'], ['/api/opportunities/export', 'post'],
        ['/api/opportunities/{id}', 'get'], ['/api/opportunities/{id}', 'patch'], ['/api/opportunities/{id}', 'delete'],
        ['/api/opportunities/{id}/export', 'post'], ['/api/companies/{id}/opportunity-types', 'get'],
        ['/api/companies/{id}/opportunity-types/refresh', 'post'], ['/api/audit', 'get'],
      ];
      for (const [path, method] of want) assert.ok(doc.paths[path]?.[method] !== undefined, `${method.toUpperCase()} ${path}`);
    });

    test('audit log: settings, links, users and exports, newest first, paged, without secrets; admins only', async () => {
      const created = await w.api('POST', '/api/users', { email: 'audit-me@msp.example', password: 'a password 123', role: 'member' });
      const uid = json<{ user: { id: string } }>(created).user.id;
      await w.api('PATCH', `/api/users/${uid}`, { role: 'admin', password: 'another password 9' });
      await w.api('DELETE', `/api/users/${uid}`);

      interface Ev { id: string; at: string; actor: { id: string; email: string } | null; action: string; target: string; details: Record<string, unknown> }
      const all: Ev[] = [];
      let cursor: string | null = null;
      do {
        const page: { events: Ev[]; nextCursor: string | null } = json(await w.api('GET', `/api/audit?limit=7${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
        all.push(...page.events);
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'pages do not overlap');
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.at >= all[i]!.at, 'newest first');
      const actions = new Set(all.map((e) => e.action));
      for (const a of ['integration.saved', 'links.saved', 'opportunity.exported', 'user.created', 'user.updated', 'user.deleted']) assert.ok(actions.has(a), `${a} in ${[...actions].join(', ')}`);
      assert.ok(!JSON.stringify(all).includes('sandbox-secret'), 'no secret in the log');
      assert.ok(!JSON.stringify(all).includes('another password'), 'no password in the log');

      const exported = all.find((e) => e.action === 'opportunity.exported')!;
      assert.equal(exported.actor?.email, 'admin@msp.example');
      assert.match(exported.target, /^opportunity:/);
      assert.equal((exported.details.psa as { kind: string }).kind, 'halo');
      assert.ok(typeof (exported.details.psa as { ticketId: string }).ticketId === 'string');
      const saved = all.find((e) => e.action === 'integration.saved' && e.target === 'integration:halo')!;
      assert.ok(Array.isArray(saved.details.changed));
      const updated = all.find((e) => e.action === 'user.updated')!;
      assert.equal(updated.details.role, 'admin');
      assert.equal(updated.details.passwordChanged, true);
      const links = all.find((e) => e.action === 'links.saved')!;
      assert.ok(Number(links.details.linked) > 0);

      const only = json<{ events: Ev[] }>(await w.api('GET', '/api/audit?action=user.deleted')).events;
      assert.deepEqual(only.map((e) => e.action), ['user.deleted']);
      assert.equal((await w.api('GET', '/api/audit?cursor=nonsense')).statusCode, 400);
      assert.equal((await w.api('GET', '/api/audit?limit=0')).statusCode, 400);
    });
  });
}

