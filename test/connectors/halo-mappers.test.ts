import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { extractHaloMessage, oauthErrorCode } from '../../src/connectors/halo/error-message.js';
import {
  haloDate,
  haloId,
  haloLastUpdate,
  haloNaiveUtc,
  mapCompany,
  mapSite,
  mapTicket,
  mapTicketType,
  unwrapList,
} from '../../src/connectors/halo/mappers.js';
import { expectCases } from '../helpers/cases.js';

describe('halo mappers: values', () => {
  it('ids: Number() then String, doubles as ids, empty ids 0 / -1 → null', () => {
    expectCases(haloId, [
      [12, '12'],
      [12.0, '12'],
      ['12.0', '12'],
      [' 7 ', '7'],
      [0, null],
      [-1, null],
      ['', null],
      [null, null],
      [undefined, null],
      [true, null],
    ]);
  });

  it('sentinel dates (any year before 1980) → null', () => {
    expectCases(haloDate, [
      ['1900-01-01T00:00:00', null],
      ['1899-12-30T00:00:00', null],
      ['0001-01-01T00:00:00', null],
      ['1979-12-31T23:59:59Z', null],
      ['', null],
      ['not a date', null],
      [null, null],
    ]);
  });

  it('naive datetimes are read as UTC; 7-digit fractions and Z forms parse', () => {
    expectCases(haloDate, [
      ['2022-09-26T16:15:38.897', '2022-09-26T16:15:38.897Z'],
      ['2022-09-26T16:15:38', '2022-09-26T16:15:38.000Z'],
      ['2024-06-20T14:45:15.9746271Z', '2024-06-20T14:45:15.974Z'],
      ['2024-06-20T14:45:15.9746271', '2024-06-20T14:45:15.974Z'],
      ['2024-06-20T16:45:15+02:00', '2024-06-20T14:45:15.000Z'],
      ['2024-06-20', '2024-06-20T00:00:00.000Z'],
    ]);
  });

  it('dates: the fast path for the usual shape answers exactly what Date.parse of the normalised text answers', () => {
    // The pre-fast-path implementation, kept here as the reference.
    const reference = (value: string): string | null => {
      let text = value.trim();
      if (text === '') return null;
      if (/^\d{4}-\d{2}-\d{2}$/.test(text)) text = `${text}T00:00:00Z`;
      else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text = `${text}Z`;
      text = text.replace(/(\.\d{3})\d+/, '$1');
      const ms = Date.parse(text);
      if (!Number.isFinite(ms)) return null;
      const date = new Date(ms);
      return date.getUTCFullYear() < 1980 ? null : date.toISOString();
    };
    const pad = (n: number, w: number): string => String(n).padStart(w, '0');
    const shaped = fc.record({
      year: fc.oneof(fc.integer({ min: 1970, max: 2100 }), fc.constantFrom(1900, 1899, 1, 2000, 2024, 2100, 9999)),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 61 }),
      second: fc.option(fc.integer({ min: 0, max: 61 })),
      fraction: fc.option(fc.stringMatching(/^[0-9]{0,8}$/)),
      zone: fc.constantFrom('', 'Z', '+02:00', ' '),
    }).map((d) => {
      let t = `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}T${pad(d.hour, 2)}:${pad(d.minute, 2)}`;
      if (d.second !== null) t += `:${pad(d.second, 2)}${d.fraction === null ? '' : `.${d.fraction}`}`;
      return t + d.zone;
    });
    fc.assert(fc.property(fc.oneof(shaped, fc.string({ maxLength: 30 })), (text) => {
      assert.equal(haloDate(text), reference(text), text);
    }), { numRuns: 20_000 });
    assert.equal(haloDate('2024-02-29T10:00:00'), '2024-02-29T10:00:00.000Z');
    assert.equal(haloDate('2023-02-29T10:00:00'), reference('2023-02-29T10:00:00'));
    assert.equal(haloDate('2024-06-20T14:45:15.9Z'), '2024-06-20T14:45:15.900Z');
  });

  it('naive UTC for bodies', () => {
    assert.equal(haloNaiveUtc(new Date('2024-07-01T09:12:44.120Z')), '2024-07-01T09:12:44.120');
  });

  it('last update: last_update ?? lastupdate ?? flastupdate ?? lastactiondate', () => {
    assert.equal(haloLastUpdate({ last_update: '2024-01-01T00:00:00Z', lastupdate: '2023-01-01T00:00:00Z' }), '2024-01-01T00:00:00.000Z');
    assert.equal(haloLastUpdate({ lastupdate: '2023-01-02T03:04:05.5' }), '2023-01-02T03:04:05.500Z');
    assert.equal(haloLastUpdate({ flastupdate: '2024-07-01T09:12:44.12' }), '2024-07-01T09:12:44.120Z');
    assert.equal(haloLastUpdate({ lastactiondate: '2024-06-20T14:45:17.4715717Z' }), '2024-06-20T14:45:17.471Z');
    assert.equal(haloLastUpdate({ last_update: '1900-01-01T00:00:00', lastactiondate: '2024-06-20T14:45:17Z' }), '2024-06-20T14:45:17.000Z');
    assert.equal(haloLastUpdate({}), null);
  });
});

describe('halo mappers: records', () => {
  it('client: drops logo, website/domain when present, inactive', () => {
    const c = mapCompany({
      id: 12.0,
      name: ' Contoso Ltd ',
      inactive: false,
      logo: 'data:image/png;base64,AAAA',
      website: 'https://contoso.example',
      domain: '',
      phonenumber: '+44 1',
      last_update: '2024-01-01T10:00:00',
    });
    assert.deepEqual(c, {
      id: '12',
      name: 'Contoso Ltd',
      inactive: false,
      website: 'https://contoso.example',
      domain: null,
      phone: '+44 1',
      updatedAt: '2024-01-01T10:00:00.000Z',
    });
    assert.ok(!JSON.stringify(c).includes('base64'));
    assert.equal(mapCompany({ id: 0, name: 'x' }), null);
    assert.equal(mapCompany('nope'), null);
  });

  it('site: client_id double → "12"', () => {
    assert.deepEqual(mapSite({ id: 18, name: 'Head Office', client_id: 12.0, inactive: true }), {
      id: '18',
      companyId: '12',
      name: 'Head Office',
      inactive: true,
    });
  });

  it('ticket: closed = hasbeenclosed, sentinel dateclosed, status as string, type name if present', () => {
    const t = mapTicket({
      id: 9499,
      dateoccurred: '2024-06-20T14:45:15.9746271Z',
      summary: 'Printer offline',
      status_id: 1,
      tickettype_id: 36,
      client_id: 12,
      hasbeenclosed: false,
      dateclosed: '1900-01-01T00:00:00',
      last_update: '2024-06-20T14:45:17.47Z',
      lastactiondate: '2024-06-20T14:45:17.4715717Z',
    });
    assert.deepEqual(t, {
      id: '9499',
      companyId: '12',
      summary: 'Printer offline',
      status: '1',
      closed: false,
      typeId: '36',
      typeName: null,
      openedAt: '2024-06-20T14:45:15.974Z',
      closedAt: null,
      updatedAt: '2024-06-20T14:45:17.470Z',
    });
    const named = mapTicket({ id: 1, status_id: 9, status_name: 'Closed', hasbeenclosed: true, dateclosed: '2024-01-02T00:00:00', tickettype: { id: 41, name: 'Opp' }, tickettype_id: 41 });
    assert.equal(named?.status, 'Closed');
    assert.equal(named?.closed, true);
    assert.equal(named?.closedAt, '2024-01-02T00:00:00.000Z');
    assert.equal(named?.typeName, 'Opp');
    assert.equal(mapTicket({ id: 2, flastupdate: '2024-07-01T09:12:44.12' })?.updatedAt, '2024-07-01T09:12:44.120Z');
  });

  it('ticket type: opportunity by use (case-insensitive) or admin-listed id', () => {
    const ids = new Set(['50']);
    assert.equal(mapTicketType({ id: 36, name: 'General', use: 'tickets' }, ids)?.isOpportunity, false);
    for (const use of ['opps', 'OPP', 'Opportunity', 'opportunities']) {
      assert.equal(mapTicketType({ id: 41, name: 'Opp', use }, ids)?.isOpportunity, true, use);
    }
    assert.equal(mapTicketType({ id: 50, name: 'Sales', use: 'tickets' }, ids)?.isOpportunity, true);
    assert.equal(mapTicketType({ id: 51, name: 'Old', use: 'tickets', inactive: true }, ids)?.inactive, true);
  });

  it('unwrap by key or bare array', () => {
    assert.deepEqual(unwrapList({ record_count: 2, page_size: 50, clients: [{ id: 1 }] }, 'clients'), {
      records: [{ id: 1 }],
      recordCount: 2,
      pageSize: 50,
    });
    assert.deepEqual(unwrapList([{ id: 1 }], 'tickettypes'), { records: [{ id: 1 }], recordCount: null, pageSize: null });
    assert.equal(unwrapList({ record_count: 2 }, 'clients'), null);
    assert.equal(unwrapList('<html>', 'clients'), null);
  });
});

describe('halo error extractor (halo.md §9)', () => {
  const table: [string, unknown, string | null][] = [
    ['bare JSON string', 'CODE:APP03/2 Please select the CAB members to approve', 'CODE:APP03/2 Please select the CAB members to approve'],
    ['quoted JSON text', '"Please select a Customer"', 'Please select a Customer'],
    ['{"error":"…"}', { error: 'invalid_client' }, 'invalid_client'],
    ['{"error","error_description"}', { error: 'invalid_request', error_description: 'Unknown tenant' }, 'Unknown tenant'],
    ['{"error":{"error_description"}}', { error: { error_description: 'Token expired' } }, 'Token expired'],
    ['{ClassName, Message}', { ClassName: 'HaloException', Message: 'Ticket type not allowed' }, 'Ticket type not allowed'],
    ['{resultCode, errorMessage}', { resultCode: 1, errorMessage: 'Site required' }, 'Site required'],
    ['{Message}', { Message: 'The requested resource does not support this HTTP method.' }, 'The requested resource does not support this HTTP method.'],
    ['one-key validation object', { '[0].id': 'The value is invalid.' }, '[0].id: The value is invalid.'],
    ['ASP.NET errors', { title: 'One or more validation errors occurred.', errors: { summary: ['Required'] } }, 'summary: Required'],
    ['HTML page', '<!DOCTYPE html><html><body>Oops</body></html>', null],
    ['empty', '', null],
    ['array of strings', ['a', 'b'], 'a; b'],
  ];
  for (const [name, body, expected] of table) {
    it(name, () => assert.equal(extractHaloMessage(body), expected));
  }

  it('OAuth error codes', () => {
    assert.equal(oauthErrorCode({ error: 'invalid_client' }), 'invalid_client');
    assert.equal(oauthErrorCode({ error: { error: 'Invalid_Scope' } }), 'invalid_scope');
    assert.equal(oauthErrorCode('x'), null);
  });
});
