import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addMonths, evaluateDevice, forecast, policyFor, quarterStart, type DeviceDates, type LifecyclePolicy } from '../../src/lifecycle/policy.js';
import { DEFAULT_POLICIES } from '../../src/lifecycle/defaults.js';
import { lifecyclePoliciesInput } from '../../src/shared/wire.js';

const TODAY = '2026-06-15';
const device = (over: Partial<DeviceDates> = {}): DeviceDates => ({ type: 'Laptop', purchasedAt: null, installedAt: null, warrantyExpiresAt: null, archived: false, ...over });
const policy = (over: Partial<LifecyclePolicy> = {}): LifecyclePolicy => ({ type: 'Laptop', basis: 'first', maxAgeYears: 4, dueSoonDays: 90, replacementPrice: 1500, excluded: false, ...over });

describe('lifecycle policy evaluation', () => {
  it('warranty basis: the warranty expiry is the end of life; boundaries of overdue and due soon', () => {
    const p = policy({ basis: 'warranty', maxAgeYears: null, dueSoonDays: 30 });
    assert.deepEqual(evaluateDevice(device({ warrantyExpiresAt: '2026-06-14' }), p, TODAY),
      { status: 'overdue', endOfLife: '2026-06-14', reason: 'Warranty ends 2026-06-14: overdue by 1 day.', replacementPrice: 1500 });
    assert.equal(evaluateDevice(device({ warrantyExpiresAt: TODAY }), p, TODAY).status, 'due_soon', 'the last day of warranty is not overdue yet');
    assert.match(evaluateDevice(device({ warrantyExpiresAt: TODAY }), p, TODAY).reason, /due today/);
    assert.equal(evaluateDevice(device({ warrantyExpiresAt: '2026-07-15' }), p, TODAY).status, 'due_soon', 'exactly dueSoonDays away');
    assert.equal(evaluateDevice(device({ warrantyExpiresAt: '2026-07-16' }), p, TODAY).status, 'ok', 'one day further');
    const unknown = evaluateDevice(device({ purchasedAt: '2020-01-01' }), p, TODAY);
    assert.equal(unknown.status, 'unknown', 'the age does not count under a warranty basis');
    assert.equal(unknown.endOfLife, null);
    assert.match(unknown.reason, /No warranty expiry/);
  });

  it('age basis: purchase date (else installation) plus the maximum age; the purchase date wins over the installation date', () => {
    const p = policy({ basis: 'age', maxAgeYears: 4 });
    const byPurchase = evaluateDevice(device({ purchasedAt: '2022-09-01', installedAt: '2021-01-01', warrantyExpiresAt: '2023-01-01' }), p, TODAY);
    assert.equal(byPurchase.endOfLife, '2026-09-01');
    assert.equal(byPurchase.status, 'due_soon', '78 days away, within 90; the expired warranty does not make it overdue');
  });

  it('age basis details', () => {
    const p = policy({ basis: 'age', maxAgeYears: 4, dueSoonDays: 60 });
    const e = evaluateDevice(device({ purchasedAt: '2022-09-01' }), p, TODAY);
    assert.deepEqual([e.endOfLife, e.status], ['2026-09-01', 'ok']);
    assert.match(e.reason, /^Purchased 2022-09-01, 4 years of service end 2026-09-01: 78 days left\.$/);
    const installed = evaluateDevice(device({ installedAt: '2022-06-01' }), p, TODAY);
    assert.deepEqual([installed.endOfLife, installed.status], ['2026-06-01', 'overdue']);
    assert.match(installed.reason, /^Installed 2022-06-01/);
    assert.equal(evaluateDevice(device({ warrantyExpiresAt: '2030-01-01' }), p, TODAY).status, 'unknown');
    assert.equal(evaluateDevice(device({ purchasedAt: '2022-09-01' }), policy({ basis: 'age', maxAgeYears: 4.5 }), TODAY).endOfLife, '2027-03-01', 'half years are months');
  });

  it('first basis: the earlier of warranty and age; one known date is enough; none → unknown', () => {
    const p = policy({ basis: 'first', maxAgeYears: 4 });
    const warrantyFirst = evaluateDevice(device({ purchasedAt: '2023-01-10', warrantyExpiresAt: '2026-01-10' }), p, TODAY);
    assert.deepEqual([warrantyFirst.endOfLife, warrantyFirst.status], ['2026-01-10', 'overdue']);
    assert.match(warrantyFirst.reason, /before 4 years of service \(2027-01-10\)/);
    const ageFirst = evaluateDevice(device({ purchasedAt: '2022-08-01', warrantyExpiresAt: '2027-08-01' }), p, TODAY);
    assert.deepEqual([ageFirst.endOfLife, ageFirst.status], ['2026-08-01', 'due_soon']);
    assert.equal(evaluateDevice(device({ warrantyExpiresAt: '2028-01-01' }), p, TODAY).endOfLife, '2028-01-01');
    assert.equal(evaluateDevice(device({ installedAt: '2020-01-01' }), p, TODAY).endOfLife, '2024-01-01');
    const none = evaluateDevice(device(), p, TODAY);
    assert.equal(none.status, 'unknown');
    assert.equal(none.replacementPrice, 1500, 'the price is still known');
  });

  it('excluded: archived devices and excluded types; no policy → unknown', () => {
    const archived = evaluateDevice(device({ archived: true, warrantyExpiresAt: '2020-01-01' }), policy(), TODAY);
    assert.deepEqual([archived.status, archived.endOfLife, archived.replacementPrice], ['excluded', null, null]);
    assert.match(archived.reason, /Archived/);
    const excluded = evaluateDevice(device({ warrantyExpiresAt: '2020-01-01' }), policy({ excluded: true }), TODAY);
    assert.equal(excluded.status, 'excluded');
    assert.match(excluded.reason, /"Laptop" excludes it/);
    const none = evaluateDevice(device({ type: 'Toaster', warrantyExpiresAt: '2020-01-01' }), null, TODAY);
    assert.equal(none.status, 'unknown');
    assert.match(none.reason, /No lifecycle policy covers the type "Toaster"/);
  });

  it('naive dates: no time zone shifts, leap days clamp, impossible dates are not dates', () => {
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
    assert.equal(addMonths('2024-02-29', 48), '2028-02-29');
    assert.equal(addMonths('2023-01-31', 1), '2023-02-28');
    const tz = process.env.TZ;
    process.env.TZ = 'Pacific/Kiritimati'; // UTC+14: a local-time parse would move dates
    try {
      assert.equal(evaluateDevice(device({ warrantyExpiresAt: '2026-06-15' }), policy({ basis: 'warranty' }), TODAY).status, 'due_soon');
    } finally {
      if (tz === undefined) delete process.env.TZ; else process.env.TZ = tz;
    }
    const bad = evaluateDevice(device({ warrantyExpiresAt: '2026-02-30', purchasedAt: 'not a date' }), policy(), TODAY);
    assert.equal(bad.status, 'unknown');
  });

  it('overrides: the company row of a type wins, then the workspace row, then the * rows', () => {
    const ws = [policy({ type: 'Laptop', maxAgeYears: 4 }), policy({ type: '*', maxAgeYears: 5 })];
    const own = [policy({ type: 'laptop', maxAgeYears: 3 })];
    assert.deepEqual(policyFor(' LAPTOP ', ws, own), { policy: own[0], source: 'company' });
    assert.deepEqual(policyFor('Laptop', ws, []), { policy: ws[0], source: 'workspace' });
    assert.deepEqual(policyFor('Printer', ws, own), { policy: ws[1], source: 'workspace' });
    assert.deepEqual(policyFor(null, ws, []), { policy: ws[1], source: 'workspace' });
    const anyOwn = [policy({ type: '*', excluded: true })];
    assert.deepEqual(policyFor('Printer', ws, anyOwn), { policy: anyOwn[0], source: 'company' });
    assert.equal(policyFor('Printer', [ws[0]!], []), null);
  });

  it('forecast: calendar quarters from the current one, overdue in the first, unknown and excluded left out', () => {
    assert.equal(quarterStart('2026-06-15'), '2026-04-01');
    assert.equal(quarterStart('2026-12-31'), '2026-10-01');
    const q = forecast([
      { status: 'overdue', endOfLife: '2019-01-01', reason: '', replacementPrice: 100 },
      { status: 'due_soon', endOfLife: '2026-06-30', reason: '', replacementPrice: 50.5 },
      { status: 'ok', endOfLife: '2026-07-01', reason: '', replacementPrice: null },
      { status: 'ok', endOfLife: '2027-03-31', reason: '', replacementPrice: 10 },
      { status: 'ok', endOfLife: '2027-04-01', reason: '', replacementPrice: 999 }, // past the last quarter
      { status: 'unknown', endOfLife: null, reason: '', replacementPrice: 5 },
      { status: 'excluded', endOfLife: null, reason: '', replacementPrice: null },
    ], TODAY, 4);
    assert.deepEqual(q, [
      { start: '2026-04-01', devices: 2, amount: 150.5, unpriced: 0 },
      { start: '2026-07-01', devices: 1, amount: 0, unpriced: 1 },
      { start: '2026-10-01', devices: 0, amount: 0, unpriced: 0 },
      { start: '2027-01-01', devices: 1, amount: 10, unpriced: 0 },
    ]);
  });

  it('the default policies pass the input validation they would be saved with', () => {
    const r = lifecyclePoliciesInput.safeParse({ policies: DEFAULT_POLICIES });
    assert.ok(r.success, JSON.stringify(r.error?.issues));
    assert.ok(DEFAULT_POLICIES.some((p) => p.type === '*'));
  });
});
