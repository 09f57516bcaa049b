import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startItGlueSandbox } from '../../src/sandbox/itglue/index.js';
import { startHaloSandbox } from '../../src/sandbox/halo/index.js';
import { runStartedBy, useTestApp } from '../helpers/app.js';
import { haloSettingsFor, itglueSettingsFor, useSandbox } from '../helpers/sandboxes.js';

interface Row { itglueId: string; itglueName: string; shortName: string | null; psaId: string | null; psaName: string | null; source: string | null; shared: boolean }
interface Proposal { itglueId: string; psaId: string; score: number; tier: string; reasons: string[] }
interface Suggestion { itglueId: string; psaId: string; score: number; reasons: string[] }
interface Automap {
  proposals: Proposal[];
  suggestions: Suggestion[];
  review: (Suggestion & { tier: string })[];
  reviewCounts: { companies: number; pairs: number };
  counts: { proposed: number; alreadyLinked: number; ambiguous: number; unmatched: number };
}
interface Links { rows: Row[]; counts: { linked: number; unlinked: number }; lastSave: { id: string; savedAt: string; changes: number } | null }

describe('Link Companies API, Automap and tickets per company', () => {
  const app = useTestApp({ env: { TICKET_HISTORY_MONTHS: '240' } });
  const { api } = app;
  const itglue = useSandbox(() => startItGlueSandbox({ port: 0, apiKey: 'k' }));
  const halo = useSandbox(() => startHaloSandbox({ port: 0, rateLimit: null }));

  before(async () => {
    await runStartedBy(app.t, await api('PUT', '/api/integrations/itglue', itglueSettingsFor(itglue(), 'k')));
    const run = await runStartedBy(app.t, await api('PUT', '/api/integrations/halo', haloSettingsFor(halo(), { opportunityExport: false })));
    assert.equal(run.status, 'succeeded');
  });

  const links = async () => (await api('GET', '/api/integrations/halo/links')).json() as Links;
  const automap = async () => (await api('POST', '/api/integrations/halo/links/automap', {})).json() as Automap;

  test('links: one row per active IT Glue company, all unlinked at first', async () => {
    const l = await links();
    assert.deepEqual(l.rows.map((r) => r.itglueId).sort(), [...itglue().control.truth().activeOrganizationIds].sort());
    assert.equal(l.counts.linked, 0);
    assert.equal(l.counts.unlinked, l.rows.length);
  });

  test('automap proposes one-to-one links that are right for the sandbox businesses', async () => {
    const res = await automap();
    assert.ok(res.proposals.length > 50, `only ${res.proposals.length} proposals`);
    const psaIds = res.proposals.map((p) => p.psaId);
    assert.equal(new Set(psaIds).size, psaIds.length, 'no PSA company proposed twice');
    // Ground truth: the seed's business keys on both sides.
    const orgKey = new Map(itglue().control.truth().organizations.map((o) => [o.id, o.businessKey]));
    const clientKey = new Map(halo().control.data().clients.map((c) => [String(c.id), c.businessKey]));
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
    const bad = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: '999999999', psaId: '1' }, { itglueId: itglue().control.truth().activeOrganizationIds[0], psaId: '8888888' }] });
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
    const truth = halo().control.data({ tickets: true });
    const clientTickets = (truth.ticketIds ?? []).map((id) => halo().control.getTicket(id)!).filter((tk) => String(tk.clientId) === c.psa!.id);
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

  test('PUT links: a PSA company linked elsewhere is refused with 409 naming the other company, unless allowShared; nothing saved meanwhile', async () => {
    const l = await links();
    const a = l.rows.find((r) => r.psaId !== null)!;
    const [b, c] = l.rows.filter((r) => r.psaId === null);
    const refused = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: b!.itglueId, psaId: a.psaId }] });
    assert.equal(refused.statusCode, 409, refused.body);
    const err = (refused.json() as { error: { code: string; message: string; details: { conflicts: { itglueId: string; psaId: string; linkedTo: { itglueId: string; itglueName: string }[] }[] } } }).error;
    assert.equal(err.code, 'psa_company_already_linked');
    assert.ok(err.message.includes(a.itglueName), err.message);
    assert.deepEqual(err.details.conflicts.map((x) => [x.itglueId, x.psaId, x.linkedTo.map((o) => o.itglueId)]), [[b!.itglueId, a.psaId, [a.itglueId]]]);
    assert.equal((await links()).rows.find((r) => r.itglueId === b!.itglueId)!.psaId, null, 'nothing saved');

    // two rows of one request to the same free company: refused too
    const taken = new Set(l.rows.map((r) => r.psaId));
    const free = ((await api('GET', '/api/integrations/halo/companies')).json() as { companies: { id: string }[] }).companies.find((x) => !taken.has(x.id))!.id;
    const both = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: b!.itglueId, psaId: free }, { itglueId: c!.itglueId, psaId: free }] });
    assert.equal(both.statusCode, 409);
    assert.equal((both.json() as { error: { details: { conflicts: unknown[] } } }).error.details.conflicts.length, 2);

    // confirmed: saved, and marked shared
    const ok = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: b!.itglueId, psaId: a.psaId, allowShared: true }] });
    assert.equal(ok.statusCode, 200, ok.body);
    const after = ok.json() as Links;
    assert.equal(after.rows.find((r) => r.itglueId === b!.itglueId)!.psaId, a.psaId);
    assert.equal(after.rows.find((r) => r.itglueId === b!.itglueId)!.shared, true);
    assert.equal(after.rows.find((r) => r.itglueId === c!.itglueId)!.shared, false);
    // re-sending an unchanged shared link needs no confirmation
    assert.equal((await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: b!.itglueId, psaId: a.psaId }] })).statusCode, 200);
    // one company twice in one request is a 400
    const twice = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: c!.itglueId, psaId: null }, { itglueId: c!.itglueId, psaId: free }] });
    assert.equal(twice.statusCode, 400);
  });

  test('automap after a save: suggestions and review items of companies still open come back (recomputed, not lost)', async () => {
    const first = await automap();
    assert.ok(first.suggestions.length > 0, 'the sandbox has near-misses');
    assert.equal(first.reviewCounts.pairs, first.review.length);
    for (const s of [...first.suggestions, ...first.review]) assert.ok(s.reasons.length > 0);
    const saved = first.proposals[0] ?? null;
    if (saved !== null) {
      const put = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: saved.itglueId, psaId: saved.psaId, source: 'automap' }] });
      assert.equal(put.statusCode, 200, put.body);
    }
    const second = await automap();
    const key = (x: { itglueId: string; psaId: string }) => `${x.itglueId}>${x.psaId}`;
    const again = new Set([...second.suggestions, ...second.review].map(key));
    const open = [...first.suggestions, ...first.review].filter((x) => saved === null || (x.itglueId !== saved.itglueId && x.psaId !== saved.psaId));
    assert.ok(open.length > 0);
    assert.deepEqual(open.filter((x) => !again.has(key(x))), [], 'every undecided suggestion is offered again');
  });

  test('undo: the newest save is reverted and the page sees it after a reload; a stale save id is refused; undoing every save empties the links', async () => {
    const before = await links();
    const linked = before.rows.find((r) => r.psaId !== null && !r.shared)!;
    const unlinked = before.rows.find((r) => r.psaId === null)!;
    const taken = new Set(before.rows.map((r) => r.psaId));
    const free = ((await api('GET', '/api/integrations/halo/companies')).json() as { companies: { id: string }[] }).companies.find((x) => !taken.has(x.id))!.id;
    const put = await api('PUT', '/api/integrations/halo/links', { links: [{ itglueId: linked.itglueId, psaId: null }, { itglueId: unlinked.itglueId, psaId: free }] });
    assert.equal(put.statusCode, 200);
    const saved = put.json() as Links;
    assert.equal(saved.lastSave?.changes, 2);
    const reloaded = await links();
    assert.equal(reloaded.lastSave?.id, saved.lastSave!.id, 'the save to undo survives a reload');

    const undo = await api('POST', '/api/integrations/halo/links/undo', { saveId: saved.lastSave!.id });
    assert.equal(undo.statusCode, 200, undo.body);
    const restored = undo.json() as Links;
    const pick = (r: Row | undefined) => r && { psaId: r.psaId, source: r.source, shared: r.shared };
    for (const id of [linked.itglueId, unlinked.itglueId])
      assert.deepEqual(pick(restored.rows.find((r) => r.itglueId === id)), pick(before.rows.find((r) => r.itglueId === id)));
    assert.deepEqual((await links()).rows, restored.rows);
    assert.notEqual(restored.lastSave?.id, saved.lastSave!.id);

    const stale = await api('POST', '/api/integrations/halo/links/undo', { saveId: saved.lastSave!.id });
    assert.equal(stale.statusCode, 409);
    assert.equal((stale.json() as { error: { code: string } }).error.code, 'stale_undo');
    assert.equal((await api('POST', '/api/integrations/halo/links/undo', { saveId: 'nope' })).statusCode, 400);

    let n = 0;
    for (;;) {
      const r = await api('POST', '/api/integrations/halo/links/undo', {});
      if (r.statusCode === 404) {
        assert.equal((r.json() as { error: { code: string } }).error.code, 'nothing_to_undo');
        break;
      }
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(++n < 50);
    }
    const empty = await links();
    assert.equal(empty.counts.linked, 0, 'every save undone: back to no links');
    assert.equal(empty.lastSave, null);
  });
});
