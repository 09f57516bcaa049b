/**
 * The API fuzzer: drives every operation of the OpenAPI document with generated bad (and some good)
 * input through fast-check, and reports any 5xx and any error body outside the contract's envelope.
 * Pure test code; the suite in api-fuzz.test.ts runs it on SQLite and PostgreSQL.
 */
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
};

interface OpenApiParameter { in: 'path' | 'query' | 'header' | 'cookie'; name: string; required?: boolean; schema?: JsonSchema }
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export interface OpenApiDocument { paths: Record<string, Record<string, OpenApiOperation>> }

export interface FuzzTarget {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI template, e.g. /api/users/{id}. */
  path: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | null;
}

export type Identity = 'anonymous' | 'member' | 'admin';

export interface FuzzContext {
  inject: (opts: InjectOptions) => Promise<LightMyRequestResponse>;
  headers: Record<Identity, Record<string, string>>;
  /** Real ids worth hitting (of objects the fuzz may change or delete without harming the run). */
  idPool: string[];
}

export interface FuzzRequest {
  identity: Identity;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface FuzzStats {
  requests: number;
  byStatus: Record<number, number>;
  failures: { request: FuzzRequest; status: number; body: string; problem: string }[];
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function targetsFromOpenApi(doc: OpenApiDocument): FuzzTarget[] {
  const out: FuzzTarget[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase() as FuzzTarget['method'],
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: op.requestBody?.content?.['application/json']?.schema ?? null,
      });
    }
  }
  return out;
}

/** What is wrong with a response, or null: any 5xx, or an error body outside `{"error":{code,message,details?}}`. */
export function responseProblem(status: number, contentType: string | undefined, body: string): string | null {
  if (status >= 500) return `status ${status}`;
  if (status < 400) return null;
  if (!/^application\/json\b/.test(contentType ?? '')) return `error with content-type ${String(contentType)}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'error body is not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'error body is not an object';
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 'error') return `error body has keys ${keys.join(', ')}`;
  const e = (parsed as { error: unknown }).error;
  if (typeof e !== 'object' || e === null) return 'error is not an object';
  const { code, message, details, ...rest } = e as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `error has extra keys ${Object.keys(rest).join(', ')}`;
  if (typeof code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(code)) return `error.code ${JSON.stringify(code)} is not snake_case`;
  if (typeof message !== 'string' || message === '') return 'error.message is missing';
  if (/\n\s+at .+:\d+/.test(message)) return 'error.message holds a stack trace';
  if (details !== undefined && (typeof details !== 'object' || details === null || Array.isArray(details))) return 'error.details is not an object';
  if (status === 400) {
    if (code !== 'invalid_request') return `400 with code ${code}`;
    const issues = (details as { issues?: unknown } | undefined)?.issues;
    if (!Array.isArray(issues) || issues.length === 0) return '400 without details.issues';
    if (!issues.every((i) => typeof i === 'object' && i !== null && typeof (i as { path?: unknown }).path === 'string' && typeof (i as { message?: unknown }).message === 'string')) {
      return 'details.issues entries need path and message';
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Generators

const SPECIAL_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', '..', '../../etc/passwd', '%00', '%', '%zz', "' OR 1=1 --",
  '"; DROP TABLE users; --', '<script>alert(1)</script>', 'null', 'undefined', 'true', '-1', '0', '1e309', 'NaN', '9'.repeat(400),
  'a'.repeat(5000), '__proto__', 'constructor', 'prototype', '\u202e\u0645\u0631\u062d\u0628\u0627', '😀👍🏽', '\r\n', '\t', 'é', 'ｅｍａｉｌ',
  'admin@msp.example', 'x@y.example', 'http://127.0.0.1:1/', 'https://127.0.0.1:1', 'ftp://x', 'javascript:alert(1)',
  '2001-01-01T00:00:00Z', '2099-12-31T23:59:59.999Z', '00000000-0000-4000-8000-000000000000', 'itglue', 'halo', 'syncro',
];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 5 }), fc.constantFrom('\u0000', '\ud800', '\udfff'), fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c) },
  { weight: 1, arbitrary: fc.uuid() },
);

const nastyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 0.5, Number.MAX_SAFE_INTEGER) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(nastyString, tie('value'), { maxKeys: 4 }) },
  ),
})).value;

function validString(s: JsonSchema, name: string): fc.Arbitrary<string> {
  if (s.format === 'date-time') return fc.constantFrom('2099-01-01T00:00:00Z', '2001-01-01T00:00:00Z', new Date(Date.now() + 86_400_000).toISOString());
  if (s.format === 'email' || /email/i.test(name)) return fc.constantFrom('new.user@msp.example', 'admin@msp.example', 'fuzz@msp.example');
  if (s.format === 'uuid') return fc.uuid();
  // Loopback on a port fetch refuses: a valid URL that can never leave the machine.
  if (/url/i.test(name)) return fc.constantFrom('http://127.0.0.1:1', 'http://127.0.0.1:1/api', 'https://127.0.0.1:1');
  if (/password/i.test(name)) return fc.constantFrom('long enough password', 'correct horse battery');
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 30, min + 30);
  return fc.string({ minLength: min, maxLength: max });
}

/** A value that mostly satisfies the schema (so requests get past validation and reach handlers). */
function validValue(schema: JsonSchema, name: string, depth = 0): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.nullable === true) options.push(fc.constant(null));
  if (schema.anyOf !== undefined || schema.oneOf !== undefined) {
    const alts = (schema.anyOf ?? schema.oneOf)!;
    return fc.oneof(...alts.map((a) => validValue(a, name, depth + 1)), ...options);
  }
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.oneof(fc.constantFrom(...schema.enum), ...options);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': options.push(validString(schema, name)); break;
    case 'integer': options.push(fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 })); break;
    case 'number': options.push(fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true })); break;
    case 'boolean': options.push(fc.boolean()); break;
    case 'array': options.push(fc.array(depth > 3 ? nastyValue : validValue(schema.items ?? {}, name, depth + 1), { maxLength: 4 })); break;
    case 'object': options.push(objectFor(schema, depth + 1)); break;
    default: options.push(nastyValue);
  }
  return fc.oneof(...options);
}

/** An object for an object schema: each field valid, bad or missing, sometimes with extra fields. */
function objectFor(schema: JsonSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  if (props.length === 0 || depth > 4) return fc.dictionary(nastyString, nastyValue, { maxKeys: 3 });
  const fields = props.map(([name, s]) =>
    fc.oneof(
      { weight: 6, arbitrary: validValue(s, name, depth).map((v) => ({ name, v, present: true })) },
      { weight: 3, arbitrary: nastyValue.map((v) => ({ name, v, present: true })) },
      { weight: 1, arbitrary: fc.constant({ name, v: undefined as unknown, present: false }) },
    ));
  return fc.tuple(fc.tuple(...fields), fc.option(fc.dictionary(nastyString, nastyValue, { maxKeys: 2 }), { freq: 8 })).map(([entries, extra]) => {
    const out: Record<string, unknown> = {};
    for (const e of entries) if (e.present) out[e.name] = e.v;
    return extra === null ? out : { ...extra, ...out };
  });
}

/** A request body as raw text plus content-type (or none). */
function bodyFor(target: FuzzTarget): fc.Arbitrary<{ payload?: string; contentType?: string }> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' }));
  const raw = fc.constantFrom(
    { payload: '{"a":', contentType: 'application/json' },
    { payload: '', contentType: 'application/json' },
    { payload: '{"__proto__":{"isAdmin":true}}', contentType: 'application/json' },
    { payload: '{"constructor":{"prototype":{"x":1}}}', contentType: 'application/json' },
    { payload: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' },
    { payload: `"${'x'.repeat(100_000)}"`, contentType: 'application/json' },
    { payload: 'email=a&password=b', contentType: 'application/x-www-form-urlencoded' },
    { payload: 'hello', contentType: 'text/plain' },
    { payload: '{}', contentType: 'application/json; charset=latin1' },
    { payload: '{}', contentType: '\u0001bad/type' },
    { payload: '\u0000\u0001\u0002', contentType: 'application/octet-stream' },
  );
  if (target.body === null) {
    return fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: json(nastyValue) }, { weight: 1, arbitrary: raw });
  }
  return fc.oneof(
    { weight: 7, arbitrary: json(objectFor(target.body)) },
    { weight: 1, arbitrary: json(nastyValue) },
    { weight: 1, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

/** Percent-encodes a string; unpaired surrogates become their (invalid) 3-byte sequences, as a sloppy client would send them. */
export function encodeLoose(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

const RAW_SEGMENTS = ['%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%00', '%2e%2e', '..', '.', '%2F', 'a'.repeat(101), 'a'.repeat(2000)];

function segmentFor(schema: JsonSchema, name: string, pool: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: validValue(schema, name).map((v) => encodeLoose(String(v))) },
    { weight: pool.length > 0 ? 2 : 0, arbitrary: pool.length > 0 ? fc.constantFrom(...pool) : fc.constant('x') },
    { weight: 3, arbitrary: nastyString.map(encodeLoose) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
  );
}

function queryFor(target: FuzzTarget, pool: string[]): fc.Arbitrary<string> {
  const declared = target.query.map((q) =>
    fc.option(
      fc.oneof(
        { weight: 3, arbitrary: validValue(q.schema, q.name).map((v) => `${q.name}=${encodeLoose(String(v))}`) },
        { weight: 3, arbitrary: nastyString.map((v) => `${q.name}=${encodeLoose(v)}`) },
        { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS).map((v) => `${q.name}=${v}`) },
        { weight: 1, arbitrary: fc.constant(`${q.name}[]=1&${q.name}=2`) },
      ),
      { freq: 3 },
    ));
  const extra = fc.array(fc.tuple(nastyString, nastyString).map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(v)}`), { maxLength: 2 });
  const poolParam = pool.length > 0 ? fc.option(fc.constantFrom(...pool).map((id) => `id=${id}`), { freq: 10 }) : fc.constant(null);
  return fc.tuple(fc.tuple(...declared), extra, poolParam).map(([d, e, p]) => {
    const parts = [...d.filter((x): x is string => x !== null), ...e, ...(p !== null ? [p] : [])];
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  });
}

const junkCredentials = fc.constantFrom<Record<string, string>>(
  {},
  {},
  { authorization: 'Bearer cw_not_a_token' },
  { authorization: 'Bearer ' },
  { authorization: 'Basic YWRtaW46YWRtaW4=' },
  { cookie: 'cw_session=forged; cw_csrf=forged', 'x-csrf-token': 'forged' },
  { cookie: 'cw_session=%00%ff' },
);

export function requestFor(target: FuzzTarget, ctx: FuzzContext, identity: Identity): fc.Arbitrary<FuzzRequest> {
  const segments = fc.tuple(...target.pathParams.map((p) => segmentFor(p.schema, p.name, ctx.idPool)));
  return fc.tuple(segments, queryFor(target, ctx.idPool), bodyFor(target), identity === 'anonymous' ? junkCredentials : fc.constant({})).map(([segs, query, body, junk]) => {
    let url = target.path;
    target.pathParams.forEach((p, i) => {
      url = url.replace(`{${p.name}}`, segs[i]!);
    });
    const headers: Record<string, string> = { ...junk, ...ctx.headers[identity] };
    if (body.contentType !== undefined) headers['content-type'] = body.contentType;
    return { identity, method: target.method, url: url + query, headers, ...(body.payload !== undefined ? { payload: body.payload } : {}) };
  });
}

/** Sends one generated request; records it; returns the problem, if any. */
export async function send(ctx: FuzzContext, req: FuzzRequest, stats: FuzzStats): Promise<string | null> {
  const res = await ctx.inject({ method: req.method as InjectOptions['method'], url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
  stats.requests++;
  stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
  const problem = responseProblem(res.statusCode, res.headers['content-type'] as string | undefined, res.body);
  if (problem !== null) stats.failures.push({ request: req, status: res.statusCode, body: res.body.slice(0, 500), problem });
  return problem;
}

export function emptyStats(): FuzzStats {
  return { requests: 0, byStatus: {}, failures: [] };
}

/**
 * Runs `runs` generated requests per target and identity. Returns fast-check's verdict for each
 * pair that failed (a counterexample, shrunk) and the totals.
 */
export async function fuzzTargets(
  ctx: FuzzContext,
  targets: FuzzTarget[],
  opts: { runs: number; seed: number; identities?: Identity[] },
): Promise<{ stats: FuzzStats; failed: { target: string; identity: Identity; report: string }[] }> {
  const stats = emptyStats();
  const failed: { target: string; identity: Identity; report: string }[] = [];
  for (const target of targets) {
    for (const identity of opts.identities ?? (['anonymous', 'member', 'admin'] as const)) {
      const result = await fc.check(
        fc.asyncProperty(requestFor(target, ctx, identity), async (req) => {
          const problem = await send(ctx, req, stats);
          if (problem !== null) throw new Error(`${problem}: ${req.method} ${req.url}`);
        }),
        { numRuns: opts.runs, seed: opts.seed, endOnFailure: false, maxSkipsPerRun: 0 },
      );
      if (result.failed) {
        failed.push({ target: `${target.method} ${target.path}`, identity, report: fc.defaultReportMessage(result) ?? 'failed' });
      }
    }
  }
  return { stats, failed };
}
