/**
 * The connector acceptance kit: the cases every connector must pass against its vendor's sandbox
 * (STYLE.md §10). It knows no vendor; a test file hands it an adapter for one and it registers
 *
 *   (a) check passes: "Connection Successful";
 *   (b) check fails on a bad credential with `invalid_credentials`;
 *   (c) a full read of every stream equals the sandbox's data (ids, and a few mapped fields);
 *   (d) an incremental read from a future watermark returns nothing, for every incremental stream;
 *   (e) page-size caps: the sandbox's request log shows no list request above the vendor's cap.
 *
 *   describeConnectorAcceptance(itglueAdapter);   // in test/connectors/acceptance-itglue.test.ts
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckResult, Stream } from '../../src/connectors/contract.js';
import { useSandbox } from '../helpers/sandboxes.js';
import { drain } from '../helpers/streams.js';

/** A record the sandbox holds, as the connector must map it: its id and the fields to compare. */
export interface ExpectedRecord {
  id: string;
  [field: string]: unknown;
}

/** One list request from the sandbox's request log, as the adapter reads it. */
export interface LoggedListRequest {
  /** The stream the request belonged to, or null for anything else (token, lookups). */
  stream: string | null;
  /** The page size it asked for, or null when it asked for none. */
  pageSize: number | null;
  /** For messages: the path and query as the sandbox logged them. */
  url: string;
}

export interface ConnectorAcceptanceAdapter<S extends { close(): Promise<void> }, C> {
  /** The vendor, as test names show it. */
  name: string;
  /** A fresh sandbox (random port, seeded data, no rate limit to wait on). */
  startSandbox(): Promise<S>;
  /** A connector to the sandbox, with the sandbox's credentials, or a wrong one. */
  connect(sandbox: S, opts?: { badCredential?: boolean }): C;
  check(connector: C): Promise<CheckResult>;
  /** Every stream the connector offers (full reads where the vendor has windows: e.g. all tickets). */
  streams(connector: C): Stream<{ id: string }>[];
  /**
   * The sandbox's truth for a stream: every record the stream must return, with the fields to compare
   * (the kit compares the ids of all and the fields of a sample). Field values are canonical (as the
   * connector maps them: string ids, booleans, ISO dates).
   */
  expected(sandbox: S, stream: string): ExpectedRecord[];
  /** The largest page size the vendor serves on this stream's list. */
  pageSizeCap(stream: string): number;
  /** The sandbox's log of API requests so far, oldest first. */
  requestLog(sandbox: S): LoggedListRequest[];
}

/**
 * An adapter's `expected` from one function per stream, each given the sandbox's data (`data(sandbox)`) and the
 * sandbox; a stream without one has no sandbox truth, and asking for it throws.
 */
export function expectedByStream<S, D>(
  data: (sandbox: S) => D,
  streams: Record<string, (data: D, sandbox: S) => ExpectedRecord[]>,
): (sandbox: S, stream: string) => ExpectedRecord[] {
  return (sandbox, stream) => {
    const truth = Object.hasOwn(streams, stream) ? streams[stream] : undefined;
    if (truth === undefined) throw new Error(`no sandbox truth for stream ${stream}`);
    return truth(data(sandbox), sandbox);
  };
}

/** How many records of each stream have their fields compared: the first, the last and some between. */
const FIELD_SAMPLE = 25;

function sample<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = (items.length - 1) / (n - 1);
  return Array.from({ length: n }, (_, i) => items[Math.round(i * step)] as T);
}

const byId = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

/** Registers the acceptance cases for one connector. */
export function describeConnectorAcceptance<S extends { close(): Promise<void> }, C>(adapter: ConnectorAcceptanceAdapter<S, C>): void {
  describe(`${adapter.name} connector acceptance (against its sandbox)`, () => {
    const sb = useSandbox(() => adapter.startSandbox());

    it('(a) check passes: Connection Successful', async () => {
      const result = await adapter.check(adapter.connect(sb()));
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.ok && result.message, 'Connection Successful');
    });

    it('(b) check fails on a bad credential with invalid_credentials', async () => {
      const result = await adapter.check(adapter.connect(sb(), { badCredential: true }));
      assert.equal(result.ok, false, 'a wrong credential must not pass');
      assert.equal(!result.ok && result.error.code, 'invalid_credentials', JSON.stringify(result));
    });

    it('(c) a full read of every stream equals the sandbox data', async () => {
      const streams = adapter.streams(adapter.connect(sb()));
      assert.ok(streams.length > 0, 'the connector offers streams');
      for (const stream of streams) {
        const { records, result } = await drain(stream);
        const expected = adapter.expected(sb(), stream.name);
        assert.ok(expected.length > 0, `${stream.name}: the sandbox holds records (else the case proves nothing)`);
        assert.equal(result.partial, false, `${stream.name}: ${result.reason ?? 'partial'}`);
        assert.equal(result.fetched, expected.length, `${stream.name}: fetched count`);
        assert.deepEqual(records.map((r) => r.id).sort(byId), expected.map((r) => r.id).sort(byId), `${stream.name}: ids`);
        const got = new Map<string, Record<string, unknown>>(records.map((r) => [r.id, { ...r }]));
        for (const want of sample(expected, FIELD_SAMPLE)) {
          const record = got.get(want.id);
          const fields = Object.fromEntries(Object.keys(want).map((k) => [k, record?.[k]]));
          assert.deepEqual(fields, want, `${stream.name} ${want.id}: mapped fields`);
        }
      }
    });

    it('(d) an incremental read from a future watermark returns nothing', async () => {
      const incremental = adapter.streams(adapter.connect(sb())).filter((s) => s.incremental);
      assert.ok(incremental.length > 0, 'the connector has an incremental stream');
      const future = new Date(Date.now() + 24 * 3_600_000);
      for (const stream of incremental) {
        const { records, result } = await drain(stream, future);
        assert.deepEqual(records, [], `${stream.name}: nothing is newer than a future watermark`);
        assert.equal(result.partial, false, `${stream.name}: ${result.reason ?? 'partial'}`);
      }
    });

    it('(e) page-size caps: no list request asks for more than the vendor serves', async () => {
      const streams = adapter.streams(adapter.connect(sb()));
      const seen = adapter.requestLog(sb()).length;
      for (const stream of streams) await drain(stream);
      const requests = adapter.requestLog(sb()).slice(seen);
      for (const stream of streams) {
        const paged = requests.filter((r) => r.stream === stream.name);
        assert.ok(paged.length > 0, `${stream.name}: its list requests are in the sandbox's log`);
        const cap = adapter.pageSizeCap(stream.name);
        for (const r of paged) {
          assert.ok(r.pageSize !== null, `${stream.name}: ${r.url} asks for a page size`);
          assert.ok(r.pageSize <= cap, `${stream.name}: ${r.url} asks for ${r.pageSize} per page (cap ${cap})`);
        }
      }
    });
  });
}
