/**
 * SECURITY-RELEVANT. The response serializer writes only what the route's response schema declares
 * (serializer.ts): a field a handler returns beyond the contract never leaves the server, at any
 * depth, whether the schema compiles to fast-json-stringify or keeps the zod serializer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { buildKooperacjaApp } from '../../composition.js';
import { responseJsonSchema } from './serializer.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';

const Item = z.object({ id: z.string(), note: z.string().nullable(), when: z.iso.datetime() });
const Page = z.object({ items: z.array(Item), total: z.number().int() });
/** A union: fast-json-stringify picks the branch by validating the value, which carries more than it declares. */
const Outcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signedIn'), me: z.object({ id: z.string() }) }),
  z.object({ status: z.literal('secondFactorRequired') }),
]);
/** A Date: JSON Schema cannot say it, so the route keeps the zod serializer. */
const WithDate = z.object({ name: z.string(), at: z.date() });

const leaked = {
  passwordHash: 'marker-secret-hash',
  items: [
    { id: 'a', note: null, when: '2026-12-02T10:00:00.000Z', internalNote: 'marker-secret-note' },
    { id: 'b', note: 'seen', when: '2026-12-02T11:00:00.000Z', nested: { totpSecret: 'marker-secret-totp' } },
  ],
  total: 2,
};

let context: TestContext;
let app: FastifyInstance;

beforeAll(async () => {
  context = await createTestContext();
  app = await buildKooperacjaApp(
    { config: context.config, database: context.database },
    {
      extraApiModule: (api) => {
        const policy = { action: 'probe', allow: 'public' } as const;
        api.get(
          '/probe-page',
          { config: { policy }, schema: { response: { 200: Page } } },
          async () => leaked as never,
        );
        api.get('/probe-union', { config: { policy }, schema: { response: { 200: Outcome } } }, async () => ({
          status: 'signedIn' as const,
          me: { id: 'u1', passwordHash: 'marker-secret-union-hash' },
          token: 'marker-secret-union-token',
        }));
        api.get('/probe-zod', { config: { policy }, schema: { response: { 200: WithDate } } }, async () => ({
          name: 'kept',
          at: new Date('2026-12-02T12:00:00.000Z'),
          secret: 'marker-secret-zod',
        }));
      },
    },
  );
});
afterAll(async () => {
  await app?.close();
  await context?.close();
});

describe('response serializer', () => {
  it('compiles a plain contract to JSON Schema and leaves what JSON Schema cannot say to zod', () => {
    expect(responseJsonSchema(Page)).not.toBeNull();
    expect(responseJsonSchema(WithDate)).toBeNull();
  });

  it('sends the declared fields and drops every other one, at any depth', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/probe-page' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toContain('marker-secret');
    expect(answer.json()).toEqual({
      items: [
        { id: 'a', note: null, when: '2026-12-02T10:00:00.000Z' },
        { id: 'b', note: 'seen', when: '2026-12-02T11:00:00.000Z' },
      ],
      total: 2,
    });
  });

  it('drops undeclared fields in a branch of a union', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/probe-union' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toContain('marker-secret');
    expect(answer.json()).toEqual({ status: 'signedIn', me: { id: 'u1' } });
  });

  it('drops undeclared fields on a route that keeps the zod serializer too', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/probe-zod' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).not.toContain('marker-secret');
    expect(answer.json()).toEqual({ name: 'kept', at: '2026-12-02T12:00:00.000Z' });
  });
});
