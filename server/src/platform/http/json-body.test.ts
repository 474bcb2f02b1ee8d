/**
 * Issue 6, item 11: a JSON body that names a key twice was accepted with the last value. It is
 * refused now, with the field at fault, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDuplicateKey } from './json-body.js';
import { signInAs } from '../../testing/factories.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"b":2}', null],
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"a":{"b":1},"c":{"b":2}}', null],
    ['{"x":{"b":1,"b":2}}', 'x.b'],
    ['{"list":[{"k":1},{"k":2,"k":3}]}', 'list.1.k'],
    ['[[1,{"q":1}],{"q":{"r":1,"r":2}}]', '1.q.r'],
    ['{"s":"a,\\"b\\":{","s2":"}"}', null],
    ['{"s":"x","t":["s","s"]}', null],
  ])('%s -> %s', (text, expected) => {
    JSON.parse(text);
    expect(findDuplicateKey(text)).toBe(expected);
  });
});

describe('a JSON body with a repeated key', () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(async () => {
    await context?.close();
  });

  it('is refused with 400 naming the key, and the record keeps its value', async () => {
    const { client } = await signInAs(context, 'admin');
    const created = await client.post('/api/v1/institutions', {
      name: 'Fundacja Pod Dębem',
      kind: 'ngo',
      sector: 'ngo',
      cooperationAreas: ['socialAssistance'],
      territoryCode: '1219053',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    const response = await client.request(
      'PATCH',
      `/api/v1/institutions/${id}`,
      '{"name":"Fundacja Pod Dębem","name":"Przejęta nazwa"}',
      { 'content-type': 'application/json' },
    );
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'invalidJson', errors: [{ field: 'name', code: 'duplicateKey' }] });
    const after = await client.get(`/api/v1/institutions/${id}`);
    expect((after.json() as { name: string }).name).toBe('Fundacja Pod Dębem');
  });

  it('still refuses prototype pollution as before', async () => {
    const { client } = await signInAs(context, 'admin');
    const response = await client.request('POST', '/api/v1/users/search', '{"__proto__":{"isAdmin":true}}', {
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(400);
  });
});
