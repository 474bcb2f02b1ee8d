import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedMigrationCount } from '../db/database.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import { buildUser } from '../../testing/factories.js';

let context: TestContext;

beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context?.close();
});

describe('operations endpoints', () => {
  it('answers /healthz while the process is up and /readyz once migrations are applied', async () => {
    const client = new TestClient(context);
    expect((await client.get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await client.get('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', migrations: expectedMigrationCount() });
  });

  it('serves an OpenAPI 3 document with every API route and its schemas', async () => {
    const response = await new TestClient(context).get('/api/v1/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\./);
    for (const route of context.app.routeTable) {
      if (route.url === '/api/v1/openapi.json') continue;
      const openApiPath = route.url.replace(/^\/api\/v1/, '/api/v1').replace(/:([A-Za-z]+)/g, '{$1}');
      expect(document.paths[openApiPath], `${route.method} ${route.url} in OpenAPI`).toBeDefined();
      expect(document.paths[openApiPath]![route.method.toLowerCase()], `${route.method} ${route.url}`).toBeDefined();
    }
  });

  it('documents the problem+json errors of every operation with the Problem schema', async () => {
    const document = (await new TestClient(context).get('/api/v1/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(document.components.schemas.Problem!.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'status', 'code', 'messages', 'requestId', 'errors']),
    );
    const operations = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ where: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(50);
    for (const { where, op } of operations) {
      expect(op.responses['4XX']?.content?.['application/problem+json'], where).toEqual({
        schema: { $ref: '#/components/schemas/Problem' },
      });
    }
    // What the document promises is what a client gets.
    const refused = await new TestClient(context).get('/api/v1/partnerships');
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      status: 401,
      code: 'unauthenticated',
      messages: { pl: expect.any(String) },
    });
  });
});

describe('HTTP hardening', () => {
  it('issues a __Host- Secure cookie and HSTS behind an https PUBLIC_ORIGIN, neither over plain http', async () => {
    const secure = await createTestContext({ PUBLIC_ORIGIN: 'https://kooperacja.gmina.example.pl' });
    try {
      for (const [ctx, isHttps] of [
        [secure, true],
        [context, false],
      ] as const) {
        const user = await buildUser(ctx.database.db);
        const response = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ email: user.email, password: user.password }),
        });
        expect(response.statusCode, response.body).toBe(200);
        const header = response.headers['set-cookie'];
        const cookies = Array.isArray(header) ? header : [String(header)];
        const session = cookies.find((c) => c.includes('kooperacja_session='));
        const device = cookies.find((c) => c.includes('kooperacja_device='));
        if (isHttps) {
          expect(session).toMatch(/^__Host-kooperacja_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
          expect(device).toMatch(
            /^__Host-kooperacja_device=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
          );
          expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
        } else {
          expect(session).toMatch(/^kooperacja_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
          expect(device).toMatch(/^kooperacja_device=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
          expect(response.headers['strict-transport-security']).toBeUndefined();
        }
      }
    } finally {
      await secure.close();
    }
  });

  it('sends strict security headers and no-store on API answers', async () => {
    const response = await new TestClient(context).get('/api/v1/auth/me');
    const csp = String(response.headers['content-security-policy']);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('answers unknown API paths with a problem+json 404 carrying the request id', async () => {
    const response = await new TestClient(context).get('/api/v1/no-such-thing');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json() as { code: string; requestId: string; messages: { pl: string; en: string } };
    expect(body.code).toBe('notFound');
    expect(body.messages.pl).toBe('Nie znaleziono.');
    expect(body.requestId).toBe(response.headers['x-request-id']);
  });

  it('refuses every non-public API route to an anonymous caller with 401', async () => {
    const client = new TestClient(context);
    const guarded = context.app.routeTable.filter((route) => route.policy.allow !== 'public');
    expect(guarded.length).toBeGreaterThan(20);
    for (const route of guarded) {
      const url = route.url.replace(':code', '1061011').replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
      const response = await client.request(
        route.method as 'GET',
        url,
        route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      );
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json()).toMatchObject({ code: 'unauthenticated' });
    }
  });
});

describe('process life cycle', () => {
  it('logs JSON with the request id and shuts down gracefully on SIGTERM, finishing the request in flight and releasing the data folder', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-run-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
        env: {
          ...process.env,
          DATA_DIR: folder,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          SEED_DEMO: 'false',
          DATABASE_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 60_000;
      let url: string | null = null;
      while (!url && Date.now() < deadline) {
        url = /running at (http:\/\/[^\s]+)/.exec(output)?.[1] ?? null;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(url, output).not.toBeNull();
      // The request id is the server's own: a client's id is kept, cleaned, in its own field.
      const response = await fetch(`${url}/readyz`, { headers: { 'x-request-id': 'test-request-0001 "}' } });
      expect(response.status).toBe(200);
      const serverRequestId = response.headers.get('x-request-id');
      expect(serverRequestId).toMatch(/^[0-9a-f-]{36}$/);
      // Technical logs carry no cookies, tokens or search terms (which may name a person).
      await fetch(`${url}/api/v1/institutions?q=Kowalski`, {
        headers: { cookie: 'kooperacja_session=SECRET-TOKEN-123', 'x-csrf-token': 'CSRF-456' },
      });
      await new Promise((r) => setTimeout(r, 300));
      const logLine = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { reqId?: string; req?: { clientRequestId?: string } })
        .find((entry) => entry.reqId === serverRequestId && entry.req);
      expect(logLine, output).toBeDefined();
      expect(logLine!.req!.clientRequestId).toBe('test-request-0001');
      expect(output).not.toContain('SECRET-TOKEN-123');
      expect(output).not.toContain('CSRF-456');
      expect(output).not.toContain('Kowalski');

      // A request in flight when SIGTERM arrives (its body half sent) is still answered; new
      // connections are refused meanwhile, and the process exits 0 once the answer went out.
      const body = JSON.stringify({ email: 'nikt@gmina.example.pl', password: 'Niepoprawne hasło 42' });
      const inFlight = request(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      });
      const answered = new Promise<number>((resolve, reject) => {
        inFlight.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        inFlight.on('error', reject);
      });
      inFlight.write(body.slice(0, 10));
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 700));
      expect(child.exitCode, 'still finishing the request in flight').toBeNull();
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      inFlight.end(body.slice(10));
      expect(await answered).toBe(401);
      expect(await exited).toBe(0);
      expect(existsSync(path.join(folder, 'kooperacja.lock'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    // A whole server from the sources: on a busy machine its start alone took 47 s (the wait for
    // it above allows 60 s), so the test may take longer than the suite's default.
  }, 120_000);
});
