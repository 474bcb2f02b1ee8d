/**
 * docs/security.md §20 (security issue 6, item 8): NUL and other control characters in a text field are
 * refused at the edge as a 400 problem naming the field. Before, an institution name with \u0000
 * (or a contact person's) reached PostgreSQL, failed there and came back as a 500, and the search
 * words of the admin's user search did the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { institutions } from '../db/tables.js';
import { GMINA_LODZ, signInAs } from '../../testing/factories.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';
import type { LightMyRequestResponse } from 'fastify';

let context: TestContext;
let director: Awaited<ReturnType<typeof signInAs>>;
let admin: Awaited<ReturnType<typeof signInAs>>;

beforeAll(async () => {
  context = await createTestContext();
  director = await signInAs(context, 'director');
  admin = await signInAs(context, 'admin');
});
afterAll(async () => {
  await context?.close();
});

const institution = (overrides: Record<string, unknown>) => ({
  name: 'Stowarzyszenie „Źródło” Pomocy Rodzinie w Łodzi',
  kind: 'ngo',
  sector: 'ngo',
  cooperationAreas: ['socialAssistance'],
  territoryCode: GMINA_LODZ,
  contacts: [{ name: 'Anna Kowalska', email: 'anna.kowalska@example.pl', phone: '+48 600 100 200' }],
  ...overrides,
});

function expectFieldRefused(response: LightMyRequestResponse, field: string) {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const body = response.json() as { code: string; requestId: string; errors: Array<{ field: string; code: string }> };
  expect(body.code).toBe('validation');
  expect(body.requestId).toBeTruthy();
  expect(body.errors).toContainEqual(expect.objectContaining({ field, code: 'controlCharacter' }));
}

describe('control characters in text fields', () => {
  it.each([
    ['NUL', '\u0000'],
    ['a lone surrogate', '\ud800'],
    ['a C1 control', '\u0085'],
  ])(
    '%s in an institution name or a contact person is a 400 naming the field, and nothing is stored',
    async (_, bad) => {
      const before = await context.database.db.select({ n: count() }).from(institutions);
      expectFieldRefused(
        await director.client.post('/api/v1/institutions', institution({ name: `Ośrodek${bad} Pomocy` })),
        'name',
      );
      expectFieldRefused(
        await director.client.post(
          '/api/v1/institutions',
          institution({ contacts: [{ name: `Anna${bad} Kowalska`, email: 'anna.kowalska@example.pl' }] }),
        ),
        'contacts.0.name',
      );
      const after = await context.database.db.select({ n: count() }).from(institutions);
      expect(after[0]!.n).toBe(before[0]!.n);
    },
  );

  it('NUL in the user-search words is a 400 naming the field', async () => {
    expectFieldRefused(await admin.client.post('/api/v1/users/search', { q: 'Kowal\u0000ska' }), 'q');
  });

  it('NUL in the search words of a list in the URL is a 400 naming the field', async () => {
    expectFieldRefused(await director.client.get('/api/v1/institutions?q=Ko%00walska'), 'querystring.q');
  });

  it('a line break inside a name is refused; one around it is trimmed away', async () => {
    expectFieldRefused(
      await director.client.post('/api/v1/institutions', institution({ name: 'Ośrodek\nPomocy' })),
      'name',
    );
    const created = await director.client.post('/api/v1/institutions', institution({ name: '  Ośrodek Pomocy\n' }));
    expect(created.statusCode, created.body).toBe(201);
    expect((created.json() as { name: string }).name).toBe('Ośrodek Pomocy');
  });
});
