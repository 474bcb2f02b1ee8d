import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { auditEvents } from '../platform/db/tables.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import { GMINA_LODZ, signInAs } from '../testing/factories.js';
import type { TerritoryDetail, TerritoryPage } from '../../../shared/src/contracts/territories.js';

let context: TestContext;
let client: TestClient;

beforeAll(async () => {
  context = await createTestContext();
  ({ client } = await signInAs(context, 'caseManager'));
});
afterAll(async () => {
  await context?.close();
});

async function search(query: string): Promise<TerritoryPage> {
  const response = await client.get(`/api/v1/territories?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as TerritoryPage;
}

async function auditCount(): Promise<number> {
  const [row] = await context.database.db.select({ value: count() }).from(auditEvents);
  return Number(row!.value);
}

describe('GET /territories', () => {
  it('asks anonymous callers to sign in', async () => {
    const response = await new TestClient(context).get('/api/v1/territories?q=lodz');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it.each(['lodz', 'Łódź', 'ŁÓDŹ', 'LoDz', '  łódź  '])('finds the gmina Łódź for %j', async (q) => {
    const page = await search(`q=${encodeURIComponent(q)}`);
    const gmina = page.items.find((item) => item.code === GMINA_LODZ);
    expect(gmina).toEqual({
      code: GMINA_LODZ,
      level: 'gmina',
      kind: 'urban',
      tercKind: 'gmina miejska',
      name: 'Łódź',
      voivodeshipCode: '10',
      voivodeshipName: 'łódzkie',
      powiatCode: '1061',
      powiatName: 'Łódź',
      parentCode: '1061',
    });
  });

  it('ranks exact names first, then by level, before prefixes and inner matches', async () => {
    const page = await search('q=lodz&pageSize=10');
    expect(page.items.slice(0, 2).map((item) => [item.code, item.level])).toEqual([
      ['1061', 'powiat'],
      [GMINA_LODZ, 'gmina'],
    ]);
    // Then names that start with the query ("łódzkie", the delegations "Łódź-Bałuty"...), voivodeship first.
    const prefixNames = page.items.slice(2).map((item) => item.name);
    expect(prefixNames[0]).toBe('łódzkie');
    expect(prefixNames).toContain('Łódź-Bałuty');
  });

  it('needs every word of the query, in any order', async () => {
    const page = await search('q=gora%20zielona');
    expect(page.items.map((item) => item.code)).toEqual(expect.arrayContaining(['0862', '0862011']));
    for (const item of page.items) expect(item.name.toLowerCase()).toMatch(/zielona/);
    expect((await search('q=zielona%20lodz')).total).toBe(0);
  });

  it('takes LIKE wildcards in the query literally', async () => {
    expect((await search('q=%25')).total).toBe(0);
    expect((await search('q=_')).total).toBe(0);
    expect((await search(`q=${encodeURIComponent('\\')}`)).total).toBe(0);
  });

  it('filters by level and parent', async () => {
    const gminas = await search('q=lodz&level=gmina');
    expect(gminas.items.length).toBeGreaterThan(0);
    for (const item of gminas.items) expect(item.level).toBe('gmina');

    const underLodzkie = await search('parentCode=10&pageSize=100');
    expect(underLodzkie.total).toBe(24);
    for (const item of underLodzkie.items) expect(item).toMatchObject({ parentCode: '10', level: 'powiat' });

    const voivodeships = await search('level=voivodeship&pageSize=100');
    expect(voivodeships.total).toBe(16);
  });

  it('pages through results with a stable total', async () => {
    const first = await search('level=gmina&page=1&pageSize=50');
    const second = await search('level=gmina&page=2&pageSize=50');
    expect(first.total).toBe(2479);
    expect(second.total).toBe(2479);
    expect(second.page).toBe(2);
    const firstCodes = new Set(first.items.map((item) => item.code));
    for (const item of second.items) expect(firstCodes.has(item.code)).toBe(false);
  });

  it.each([
    'pageSize=101',
    'page=0',
    'level=city',
    'parentCode=1',
    'parentCode=1061011',
    'unknown=1',
    `q=${'a'.repeat(101)}`,
  ])('refuses a bad query %s with 400', async (query) => {
    const response = await client.get(`/api/v1/territories?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'validation' });
  });

  it('does not audit reads of reference data', async () => {
    const before = await auditCount();
    await search('q=wieliczka');
    await client.get('/api/v1/territories/1219053');
    expect(await auditCount()).toBe(before);
  });
});

describe('GET /territories/:code', () => {
  it('returns a voivodeship with its powiat-level units', async () => {
    const response = await client.get('/api/v1/territories/12');
    expect(response.statusCode).toBe(200);
    const detail = response.json() as TerritoryDetail;
    expect(detail).toMatchObject({ code: '12', level: 'voivodeship', name: 'małopolskie', parentCode: null });
    expect(detail.children).toHaveLength(22);
    expect(detail.children.find((child) => child.code === '1261')).toMatchObject({
      name: 'Kraków',
      kind: 'cityWithPowiatRights',
    });
  });

  it('returns an urban-rural gmina with its town and rural area', async () => {
    const detail = (await client.get('/api/v1/territories/1219053')).json() as TerritoryDetail;
    expect(detail).toMatchObject({
      name: 'Wieliczka',
      kind: 'urbanRural',
      powiatName: 'wielicki',
      voivodeshipName: 'małopolskie',
    });
    expect(detail.children.map((child) => [child.code, child.kind])).toEqual([
      ['1219054', 'town'],
      ['1219055', 'ruralArea'],
    ]);
  });

  it('answers 404 for a well-formed code that does not exist', async () => {
    const response = await client.get('/api/v1/territories/99');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'notFound' });
  });

  it.each(['abc', '123', '10610111', "1'--"])('answers 400 for a malformed code %j', async (code) => {
    const response = await client.get(`/api/v1/territories/${encodeURIComponent(code)}`);
    expect(response.statusCode).toBe(400);
  });
});
