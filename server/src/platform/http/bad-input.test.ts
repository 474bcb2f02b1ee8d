/**
 * Bad input never gets past validation (docs/security.md §4, §19, §20). Driven by the app's own OpenAPI
 * document, so a route added tomorrow is covered without touching this file: every route that
 * takes a body gets malformed JSON, arrays, wrong types in every field (nested ones included), an
 * oversize body, unknown fields, a wrong content type and injection strings in every string field;
 * every GET list route gets wrong types, repeated and unknown parameters and injection strings in
 * its query; every path parameter gets injection strings.
 *
 * The answer must be a 4xx problem+json with code, messages and request id, never a 5xx, and no
 * table may change (audit events, sessions and login throttles excepted: refusals are audited and
 * failed sign-ins counted by design). Row counts are compared around every single request.
 * The one honest exception: an injection string that is valid input (a name) may be accepted by a
 * create route; then it must come back and be stored verbatim, as text, while every table still
 * exists; passwords are the exception's exception: accepted, they must never be echoed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { escapeLikePattern } from '../../../../shared/src/text.js';
import { GMINA_LODZ, signInAs } from '../../testing/factories.js';
import { createTestContext } from '../../testing/test-app.js';

type JsonSchema = {
  additionalProperties?: unknown;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
};
type Parameter = { in: 'query' | 'path'; name: string; schema: JsonSchema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: { 'application/json'?: { schema: JsonSchema } } };
};
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Route = { method: Method; path: string; operation: Operation };
type FieldPath = Array<string | number>;

const INJECTIONS = ["'; drop table users; --", '<script>alert(1)</script>'] as const;
/** Tables whose rows legitimately appear on refused requests (a lockout from repeated wrong passwords notifies the owner and the admins). */
const TABLES_ALLOWED_TO_GROW = new Set(['audit_events', 'sessions', 'login_throttles', 'notifications']);
/** POST routes that only read (a search whose words must not go in a URL): accepting stores nothing. */
const READ_ONLY_POSTS = new Set(['/api/v1/users/search']);
/** Not the admin's real password: a guessed "current password" must fail, never change anything. */
const SAMPLE_PASSWORD = 'Zupełnie inne hasło 77';

// Collected before the tests are declared: the routes come from the running app itself.
const context = await createTestContext();
const admin = await signInAs(context, 'admin');
const openApi = (await context.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
  paths: Record<string, Partial<Record<Lowercase<Method>, Operation>>>;
};
const tableNames = (
  (await context.database.db.execute(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  )) as unknown as { rows: Array<{ name: string }> }
).rows
  .map((row) => row.name)
  .filter((name) => !TABLES_ALLOWED_TO_GROW.has(name));

afterAll(async () => {
  await context.close();
});

const routes: Route[] = Object.entries(openApi.paths).flatMap(([path, operations]) =>
  Object.entries(operations).map(([method, operation]) => ({
    method: method.toUpperCase() as Method,
    path,
    operation: operation!,
  })),
);
const bodyRoutes = routes.filter((route) => route.operation.requestBody?.content['application/json']);
const listRoutes = routes.filter(
  (route) =>
    route.method === 'GET' &&
    !route.path.includes('{') &&
    (route.operation.parameters ?? []).some((p) => p.in === 'query'),
);
const pathParamRoutes = routes.filter((route) => route.path.includes('{'));

// ---------------------------------------------------------------- samples of valid input

let uniqueCounter = 0;
const STRING_CANDIDATES = [GMINA_LODZ, '90-926', '42 638 40 00', '123456', '2026-01-02', 'Łódź, ul. Piotrkowska 104'];

/** Ids that exist, so create routes get as far as storing what they were sent. */
function sampleUuid(name: string): string {
  if (/institutionid$/i.test(name)) return admin.user.institutionId;
  if (/userids?$/i.test(name)) return admin.user.id;
  if (/membershipid$/i.test(name)) return admin.user.membershipId;
  return randomUUID();
}

function sampleString(name: string, schema: JsonSchema): string {
  if (schema.enum) return String(schema.enum[0]);
  if (schema.format === 'uuid') return sampleUuid(name);
  if (schema.format === 'date') return '2026-01-02';
  if (schema.format === 'uri' || /website|url/i.test(name)) return 'https://kooperacja.example/';
  if (/email/i.test(name)) return `jan.kowalski.${++uniqueCounter}.${randomUUID().slice(0, 6)}@example.pl`;
  if (/password/i.test(name)) return SAMPLE_PASSWORD;
  const fits = (value: string) =>
    (!schema.pattern || new RegExp(schema.pattern).test(value)) &&
    value.length >= (schema.minLength ?? 0) &&
    value.length <= (schema.maxLength ?? Infinity);
  return STRING_CANDIDATES.find(fits) ?? 'Łódź'.padEnd(schema.minLength ?? 0, 'x');
}

function sampleValue(name: string, schema: JsonSchema): unknown {
  switch (schema.type) {
    case 'string':
      return sampleString(name, schema);
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'array':
      return schema.items ? [sampleValue(name.replace(/s$/, ''), schema.items)] : [];
    case 'object':
      return sampleObject(schema);
    default:
      return 'Łódź';
  }
}

/** Every property filled, optional ones too, so that each field can be spoiled on its own. */
function sampleObject(schema: JsonSchema): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sampleValue(name, property)]),
  );
}

/** Leaf and inner fields, with array items at index 0 (the sample holds one item). */
function fieldsOf(schema: JsonSchema, prefix: FieldPath = []): Array<{ path: FieldPath; schema: JsonSchema }> {
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const path = [...prefix, name];
    const nested =
      property.type === 'object'
        ? fieldsOf(property, path)
        : property.type === 'array' && property.items?.type === 'object'
          ? fieldsOf(property.items, [...path, 0])
          : [];
    return [{ path, schema: property }, ...nested];
  });
}

function withValueAt(body: Record<string, unknown>, path: FieldPath, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let cursor: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  cursor[path.at(-1)!] = value;
  return copy;
}

function wrongTypesFor(schema: JsonSchema): unknown[] {
  switch (schema.type) {
    case 'string':
      return [12345, true, { value: 'x' }, ['x']];
    case 'integer':
      return ['abc', 1.5, true];
    case 'number':
      return ['abc', true];
    case 'boolean':
      return ['true', 1];
    case 'array':
      return ['x', { value: 'x' }];
    case 'object':
      return ['x', ['x']];
    default:
      return [];
  }
}

/** Query values that break the parameter's schema; free text has none but length and repetition. */
function wrongQueryValuesFor(schema: JsonSchema): string[] {
  if (schema.type === 'integer' || schema.type === 'number')
    return ['abc', '1.5', '-1', '1e400', String((schema.maximum ?? 1e9) + 1)];
  if (schema.enum) return ['notAnOption', ''];
  if (schema.format === 'uuid') return ['not-a-uuid'];
  if (schema.format === 'date') return ['2026-13-45', 'yesterday'];
  const values: string[] = [];
  if (schema.pattern) values.push('abc');
  if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1));
  return values;
}

// ---------------------------------------------------------------- requests and checks

function urlFor(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    encodeURIComponent(params[name] ?? (name === 'code' ? GMINA_LODZ : randomUUID())),
  );
}

async function send(method: Method, url: string, payload?: string, contentType = 'application/json') {
  return context.app.inject({
    method,
    url,
    // Sent by hand rather than through TestClient: a refused sign-in must not replace the admin's cookie.
    headers: {
      cookie: admin.client.cookie!,
      'x-csrf-token': admin.client.csrfToken!,
      ...(payload !== undefined ? { 'content-type': contentType } : {}),
    },
    payload,
  });
}

async function countRows(): Promise<Record<string, number>> {
  const counts = sql.join(
    tableNames.map((name) => sql`select ${name} as name, count(*)::int as value from ${sql.identifier(name)}`),
    sql` union all `,
  );
  const result = (await context.database.db.execute(counts)) as unknown as {
    rows: Array<{ name: string; value: number }>;
  };
  return Object.fromEntries(result.rows.map((row) => [row.name, Number(row.value)]));
}

/** Rows of a table whose text form contains the value: proves it was stored as given. */
async function countRowsContaining(table: string, value: string): Promise<number> {
  const pattern = `%${escapeLikePattern(value)}%`;
  const result = (await context.database.db.execute(
    sql`select count(*)::int as value from ${sql.identifier(table)} as r where r::text like ${pattern}`,
  )) as unknown as { rows: Array<{ value: number }> };
  return Number(result.rows[0]!.value);
}

function expectProblem(response: LightMyRequestResponse, label: string) {
  expect(response.statusCode, `${label}: ${response.statusCode} ${response.body.slice(0, 300)}`).toBeGreaterThanOrEqual(
    400,
  );
  expect(response.statusCode, label).toBeLessThan(500);
  expect(response.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  const body = response.json() as { code?: unknown; messages?: { pl?: unknown; en?: unknown }; requestId?: unknown };
  expect(typeof body.code, label).toBe('string');
  expect(typeof body.messages?.pl, label).toBe('string');
  expect(typeof body.messages?.en, label).toBe('string');
  expect(typeof body.requestId, label).toBe('string');
  expect(response.body, label).not.toMatch(/\n\s+at |node_modules/);
  return body as { code: string; errors?: Array<{ field: string }> };
}

/** Sends one bad request and proves it was refused cleanly without writing anything. */
async function expectRefused(
  method: Method,
  url: string,
  payload: string | undefined,
  label: string,
  contentType?: string,
) {
  const before = await countRows();
  const response = await send(method, url, payload, contentType);
  const body = expectProblem(response, label);
  expect(await countRows(), `${label}: row counts`).toEqual(before);
  return body;
}

function containsValue(json: unknown, value: string): boolean {
  if (json === value) return true;
  if (Array.isArray(json)) return json.some((item) => containsValue(item, value));
  if (json && typeof json === 'object') return Object.values(json).some((item) => containsValue(item, value));
  return false;
}

const accepted: string[] = [];

/** An injection string may be valid input; then it is data, stored and returned verbatim. */
async function expectInjectionHandled(
  method: Method,
  url: string,
  payload: string,
  fieldName: string,
  value: string,
  label: string,
) {
  const before = await countRows();
  const countsContaining = Object.fromEntries(
    await Promise.all(tableNames.map(async (t) => [t, await countRowsContaining(t, value)] as const)),
  );
  const response = await send(method, url, payload);
  if (response.statusCode >= 400) {
    expectProblem(response, label);
    expect(await countRows(), `${label}: row counts`).toEqual(before);
    return;
  }
  expect(response.statusCode, label).toBeLessThan(300);
  expect(method, `${label}: only create routes may accept`).toBe('POST');
  expect(response.headers['content-type'], label).toMatch(/^application\/json/);
  accepted.push(label);
  if (READ_ONLY_POSTS.has(new URL(url, 'http://localhost').pathname)) {
    expect(await countRows(), `${label}: a search stores nothing`).toEqual(before);
    return;
  }
  const after = await countRows();
  const grown = tableNames.filter((table) => after[table]! > before[table]!);
  expect(grown.length, `${label}: accepted without storing anything?`).toBeGreaterThan(0);
  if (/password/i.test(fieldName)) {
    expect(response.body, `${label}: a password is never echoed`).not.toContain(value);
    return;
  }
  expect(containsValue(response.json(), value), `${label}: echoed verbatim`).toBe(true);
  const storedIn = await Promise.all(
    grown.map(async (table) => (await countRowsContaining(table, value)) > countsContaining[table]!),
  );
  expect(storedIn.some(Boolean), `${label}: stored verbatim in ${grown.join(', ')}`).toBe(true);
}

// ---------------------------------------------------------------- the tests

describe('bad input', () => {
  it('finds the routes in the OpenAPI document', () => {
    expect(bodyRoutes.map((route) => `${route.method} ${route.path}`)).toEqual(
      expect.arrayContaining(['POST /api/v1/institutions', 'PATCH /api/v1/institutions/{id}']),
    );
    expect(listRoutes.map((route) => route.path)).toEqual(
      expect.arrayContaining(['/api/v1/territories', '/api/v1/institutions']),
    );
    expect(tableNames).toEqual(expect.arrayContaining(['institutions', 'territories', 'users']));
  });

  describe.each(bodyRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))('%s', (_name, route) => {
    const schema = route.operation.requestBody!.content['application/json']!.schema;
    const url = () => urlFor(route.path);

    it('refuses malformed JSON, arrays, scalars and an empty body', async () => {
      for (const payload of [
        '{"name": ',
        '{name: "x"}',
        "{'a': 1}",
        '[]',
        JSON.stringify([sampleObject(schema)]),
        '"text"',
        '42',
        'null',
        '',
      ]) {
        await expectRefused(
          route.method,
          url(),
          payload,
          `${route.method} ${route.path} with ${JSON.stringify(payload).slice(0, 40)}`,
        );
      }
    });

    it('refuses a body that is not JSON', async () => {
      await expectRefused(
        route.method,
        url(),
        'name=x',
        `${route.method} ${route.path} as a form`,
        'application/x-www-form-urlencoded',
      );
      await expectRefused(
        route.method,
        url(),
        JSON.stringify(sampleObject(schema)),
        `${route.method} ${route.path} as text/plain`,
        'text/plain',
      );
    });

    it('refuses a body over the size limit with 413', async () => {
      // Past the app's limit and past the largest route-specific JSON limit (HSDS import, 5 MiB).
      const oversize = JSON.stringify({
        ...sampleObject(schema),
        padding: 'x'.repeat(Math.max(context.config.BODY_LIMIT_BYTES, 5 * 1024 * 1024) + 1),
      });
      const body = await expectRefused(route.method, url(), oversize, `${route.method} ${route.path} oversize`);
      expect(body.code).toBe('payloadTooLarge');
    });

    // Open documents (HSDS allows extra properties by design) are validated by their own schema, so
    // only closed schemas get the unknown-field test; prototype pollution is refused everywhere.
    if (schema.additionalProperties === false) {
      it('refuses unknown fields', async () => {
        const sample = sampleObject(schema);
        for (const extra of [
          { unknownField: 'x' },
          { id: randomUUID() },
          { role: 'admin' },
          { isAdmin: true },
          { registeredByInstitutionId: randomUUID() },
        ]) {
          const field = Object.keys(extra)[0]!;
          // A field the schema knows is not unknown; leave it out rather than pretend.
          if (field in (schema.properties ?? {})) continue;
          const body = await expectRefused(
            route.method,
            url(),
            JSON.stringify({ ...sample, ...extra }),
            `${route.method} ${route.path} + ${field}`,
          );
          expect(body.errors?.map((error) => error.field)).toContain(field);
        }
      });
    }

    it('refuses prototype pollution (__proto__, constructor.prototype)', async () => {
      const sample = sampleObject(schema);
      for (const key of ['__proto__', 'constructor']) {
        const poison = key === '__proto__' ? '{"isAdmin":true}' : '{"prototype":{"isAdmin":true}}';
        const payload = JSON.stringify(sample).replace(/^\{/, `{"${key}":${poison},`);
        await expectRefused(route.method, url(), payload, `${route.method} ${route.path} + ${key}`);
      }
    });

    it('refuses a wrong type in every field and names the field', async () => {
      const sample = sampleObject(schema);
      for (const field of fieldsOf(schema)) {
        for (const wrong of wrongTypesFor(field.schema)) {
          const label = `${route.method} ${route.path} ${field.path.join('.')}=${JSON.stringify(wrong)}`;
          const body = await expectRefused(
            route.method,
            url(),
            JSON.stringify(withValueAt(sample, field.path, wrong)),
            label,
          );
          expect(body.code, label).toBe('validation');
          expect(
            body.errors?.some(
              (error) => error.field === field.path.join('.') || error.field.startsWith(`${field.path.join('.')}.`),
            ),
            `${label}: ${JSON.stringify(body.errors)}`,
          ).toBe(true);
        }
      }
    });

    it('treats SQL and HTML injection strings in every string field as data', async () => {
      for (const field of fieldsOf(schema).filter((candidate) => candidate.schema.type === 'string')) {
        for (const value of INJECTIONS) {
          // A fresh sample each time: unique e-mails, so one accepted create does not turn the next into a duplicate.
          const payload = JSON.stringify(withValueAt(sampleObject(schema), field.path, value));
          const label = `${route.method} ${route.path} ${field.path.join('.')}=${value}`;
          await expectInjectionHandled(route.method, url(), payload, String(field.path.at(-1)), value, label);
        }
      }
    });
  });

  describe.each(listRoutes.map((route) => [`GET ${route.path}`, route] as const))('%s query string', (_name, route) => {
    const parameters = (route.operation.parameters ?? []).filter((parameter) => parameter.in === 'query');

    it('refuses wrong types, repeated and unknown parameters', async () => {
      for (const parameter of parameters) {
        const values = wrongQueryValuesFor(parameter.schema).map(
          (value) => `${parameter.name}=${encodeURIComponent(value)}`,
        );
        values.push(`${parameter.name}=a&${parameter.name}=b`);
        for (const query of values) {
          const body = await expectRefused(
            'GET',
            `${route.path}?${query}`,
            undefined,
            `GET ${route.path}?${query.slice(0, 60)}`,
          );
          expect(body.code).toBe('validation');
        }
      }
      await expectRefused('GET', `${route.path}?unknownParameter=1`, undefined, `GET ${route.path}?unknownParameter`);
      await expectRefused('GET', `${route.path}?constructor=1`, undefined, `GET ${route.path}?constructor`);
    });

    it('answers injection strings in every parameter with a 4xx problem or plain results', async () => {
      for (const parameter of parameters) {
        for (const value of INJECTIONS) {
          const label = `GET ${route.path}?${parameter.name}=${value}`;
          const before = await countRows();
          const response = await send('GET', `${route.path}?${parameter.name}=${encodeURIComponent(value)}`);
          if (response.statusCode >= 400) expectProblem(response, label);
          else {
            expect(response.statusCode, label).toBe(200);
            expect(response.headers['content-type'], label).toMatch(/^application\/json/);
            expect(Array.isArray((response.json() as { items?: unknown }).items), label).toBe(true);
          }
          expect(await countRows(), `${label}: row counts`).toEqual(before);
        }
      }
    });
  });

  describe.each(pathParamRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s path',
    (_name, route) => {
      it('refuses injection strings and malformed values in every path parameter', async () => {
        const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
        const schema = route.operation.requestBody?.content['application/json']?.schema;
        for (const name of names) {
          for (const value of [...INJECTIONS, 'not-an-id', '1']) {
            const payload = schema ? JSON.stringify(sampleObject(schema)) : undefined;
            await expectRefused(
              route.method,
              urlFor(route.path, { [name]: value }),
              payload,
              `${route.method} ${route.path} ${name}=${value}`,
            );
          }
        }
      });
    },
  );

  it('still has every table, and accepted injection strings only where a create stores them as text', async () => {
    expect(Object.keys(await countRows()).sort()).toEqual([...tableNames].sort());
    // The create routes of the registry take a free-text name: at least that path was exercised.
    expect(accepted.some((label) => label.startsWith('POST /api/v1/institutions name='))).toBe(true);
  });
});
