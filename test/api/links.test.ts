import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startItGlueSandbox, type ItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startHaloSandbox, type HaloSandbox } from '../../src/sandbox/halo/index.js';
import { apiAs, createTestApp, runStartedBy, setupAdmin, type ApiCall, type TestApp } from '../helpers/app.js';
import { haloSettingsFor, itglueSettingsFor } from '../helpers/sandboxes.js';

interface Row { itglueId: string; itglueName: string; psaId: string | null; psaName: string | null; source: string | null }
interface Proposal { itglueId: string; psaId: string; score: number; tier: string; reasons: string[] }
interface Automap { proposals: Proposal[]; counts: { proposed: number; alreadyLinked: number; ambiguous: number; unmatched: number } }

describe('Link Companies API, Automap and tickets per company', () => {
  let t: TestApp;
  let api: ApiCall;
  let itglue: ItGlueSandbox;
  let halo: HaloSandbox;

  before(async () => {
    itglue = await startItGlueSandbox({ port: 0, apiKey: 'k' });
    halo = await startHaloSandbox({ port: 0, rateLimit: null });
    t = await createTestApp({ env: { TICKET_HISTORY_MONTHS: '240' } });
    api = apiAs(t, await setupAdmin(t));
    await runStartedBy(t, await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue, 'k')));
    const run = await runStartedBy(t, await api('PUT', '/api/integrations/halo', haloSettingsFor(halo, { opportunityExport: false })));
    assert.equal(run.status, 'succeeded');
  });
  after(async () => {
    await t.close();
    await itglue.close();
    await halo.close();
  });

  const links = async () => (await api('GET', '/api/integrations/halo/links')).json() as { rows: Row[]; counts: { linked: number; unlinked: number } };
  const automap = async () => (await api('POST', '/api/integrations/halo/links/automap', {})).json() as Automap;

  test('links: one row per active IT Glue company, all unlinked at first', async () => {
    const l = await links();
    assert.deepEqual(l.rows.map((r) => r.itglueId).sort(), [...itglue.control.truth().activeOrganizationIds].sort());
    assert.equal(l.counts.linked, 0);
    assert.equal(l.counts.unlinked, l.rows.length);
  });

  test('automap proposes one-to-one links that are right for the sandbox businesses', async () => {
    const res = await automap();
    assert.ok(res.proposals.length > 50, `only ${res.proposals.length} proposals`);
    const psaIds = res.proposals.map((p) => p.psaId);
    assert.equal(new Set(psaIds).size, psaIds.length, 'no PSA company proposed twice');
    // Ground truth: the seed's business keys on both sides.
    const orgKey = new Map(itglue.control.truth().organizations.map((o) => [o.id, o.businessKey]));
    const clientKey = new Map(halo.control.data().clients.map((c) => [String(c.id), c.businessKey]));
    const wrong = res.proposals.filter((p) => orgKey.get(p.itglueId) !== clientKey.get(p.psaId));
    assert.deepEqual(wrong, [], 'every proposal links the same business');
    for (const p of res.proposals) assert.ok(p.reasons.length > 0 && ['exact', 'near-exact'].includes(p.tier));
    assert.equal(res.counts.proposed, res.proposals.length);
    assert.equal(res.counts.alreadyLinked, 0);
  });

  test('save, re-run: nothing linked is proposed again; a manual link survives any number of re-runs; a rejection does not come back', async () => {
    const first = await automap();
    const [manualTarget, rejected, ...accepted] = first.proposals;
    // The admin accepts most proposals, links one row manually to another company and rejects one proposal.
    const unlinkedPsa = (await api('GET', '/api/integrations/halo/companies')).json() as { companies: { id: string }[] };
    const proposedPsa = new Set(first.proposals.map((p) => p.psaId));
    const manualPsa = unlinkedPsa.companies.find((c) => !proposedPsa.has(c.id))!.id;
    const put = await api('PUT', '/api/integrations/halo/links', {
      links: [...accepted.map((p) => ({ itglueId: p.itglueId, psaId: p.psaId, source: 'automap' })), { itglueId: manualTarget!.itglueId, psaId: manualPsa, source: 'manual' }],
    });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal((await api('PUT', '/api/integrations/halo/links/rejections', { itglueId: rejected!.itglueId, psaId: rejected!.psaId })).statusCode, 204);
    const saved = await links();
    assert.equal(saved.counts.linked, accepted.length + 1);
    assert.equal(saved.rows.find((r) => r.itglueId === manualTarget!.itglueId)?.source, 'manual');

    for (let i = 0; i < 3; i++) {
      const again = await automap();
      const linkedOrgs = new Set(saved.rows.filter((r) => r.psaId !== null).map((r) => r.itglueId));
      const linkedPsa = new Set(saved.rows.filter((r) => r.psaId !== null).map((r) => r.psaId));
      for (const p of again.proposals) {
        assert.ok(!linkedOrgs.has(p.itglueId), `re-proposed linked company ${p.itglueId}`);
        assert.ok(!linkedPsa.has(p.psaId), `re-proposed linked PSA company ${p.psaId}`);
        assert.ok(!(p.itglueId === rejected!.itglueId && p.psaId === rejected!.psaId), 'rejected proposal came back');
      }
      assert.equal(again.counts.alreadyLinked, accepted.length + 1);
      const l = await links();
      assert.equal(l.rows.find((r) => r.itglueId === manualTarget!.itglueId)?.psaId, manualPsa);
    }
  });

  test('PUT links: unknown ids → 400 naming them; only the rows sent change; null unlinks', async () => {
    const bad = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: '999999999', psaId: '1' }, { itglueId: itglue.control.truth().activeOrganizationIds[0], psaId: '8888888' }] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /999999999/);
    assert.match(bad.body, /8888888/);
    const before = await links();
    const linked = before.rows.find((r) => r.psaId !== null)!;
    const res = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: linked.itglueId, psaId: null }] });
    assert.equal(res.statusCode, 200);
    const after = (res.json() as { rows: Row[]; counts: { linked: number } });
    assert.equal(after.counts.linked, before.counts.linked - 1);
    assert.equal(after.rows.find((r) => r.itglueId === linked.itglueId)?.psaId, null);
  });

  test('companies show the linked PSA company and open tickets; tickets come newest first with paging', async () => {
    const companies = ((await api('GET', '/api/companies')).json() as { companies: { id: string; psa: { id: string; name: string } | null; openTickets: number }[] }).companies;
    const linked = companies.filter((c) => c.psa !== null);
    assert.ok(linked.length > 0);
    const c = linked.reduce((a, b) => (b.openTickets > a.openTickets ? b : a));
    const truth = halo.control.data({ tickets: true });
    const clientTickets = (truth.ticketIds ?? []).map((id) => halo.control.getTicket(id)!).filter((tk) => String(tk.clientId) === c.psa!.id);
    assert.equal(c.openTickets, clientTickets.filter((tk) => !tk.closed).length);
    const all: { psaId: string; openedAt: string | null }[] = [];
    let cursor: string | null = null;
    do {
      const res = await api('GET', `/api/companies/${c.id}/tickets?status=all&limit=7${cursor !== null ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.statusCode, 200);
      const page = res.json() as { tickets: { psaId: string; openedAt: string | null }[]; nextCursor: string | null };
      all.push(...page.tickets);
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(all.map((x) => Number(x.psaId)).sort((a, b) => a - b), clientTickets.map((tk) => tk.id).sort((a, b) => a - b));
    for (let i = 1; i < all.length; i++) assert.ok((all[i - 1]!.openedAt ?? '') >= (all[i]!.openedAt ?? ''), 'newest first');
    const open = (await api('GET', `/api/companies/${c.id}/tickets?status=open&limit=500`)).json() as { tickets: { closed: boolean }[] };
    assert.equal(open.tickets.length, c.openTickets);
    assert.ok(open.tickets.every((x) => !x.closed));
    const bad = await api('GET', `/api/companies/${c.id}/tickets?cursor=garbage`);
    assert.equal(bad.statusCode, 400);
  });
});
