/**
 * SECURITY-CRITICAL regression test (issue 6, item 1; docs/security.md §1). The session, CSRF and policy
 * hooks once ran only when the raw URL started with `/api/`, while the router decoded `%61pi` to
 * `api` and ran the handler unchecked: `GET /%61pi/v1/users` listed every account anonymously.
 *
 * Over a real socket (no URL normalisation by a test client), every registered API route is called
 * anonymously by every spelling of its path a client can send. Each must be refused; none may run.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../db/tables.js';
import { buildKooperacjaApp } from '../../composition.js';
import { createTestContext, type TestContext } from '../../testing/test-app.js';

let context: TestContext;
let port: number;

beforeAll(async () => {
  context = await createTestContext();
  await context.app.listen({ host: '127.0.0.1', port: 0 });
  port = (context.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await context?.close();
});

type RawAnswer = { status: number; body: string };

/** Sends the path byte for byte, as `curl --path-as-is` does. */
function send(method: string, rawPath: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const hasBody = method !== 'GET' && method !== 'DELETE';
    const body = hasBody ? '{}' : undefined;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        agent: false,
        method,
        path: rawPath,
        headers: body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (error) => reject(new Error(`${method} ${rawPath}: ${error.message}`)));
    req.end(body);
  });
}

const fillPath = (url: string) =>
  url.replace(':code', '1061011').replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-00000000abcd');

const encode = (char: string, isLower = false) => {
  const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${isLower ? hex.toLowerCase() : hex.toUpperCase()}`;
};

/** Every spelling of a path that a client can send: percent-encoding, case, slashes, dots, semicolons. */
export function spellingsOf(path: string): string[] {
  const spellings = new Set<string>();
  for (let i = 0; i < path.length; i += 1) {
    if (/[A-Za-z0-9]/.test(path[i]!)) {
      spellings.add(path.slice(0, i) + encode(path[i]!) + path.slice(i + 1));
      spellings.add(path.slice(0, i) + encode(path[i]!, true) + path.slice(i + 1));
    }
  }
  spellings.add(path.replace(/[A-Za-z]/g, (c) => encode(c)));
  spellings.add(path.replace(/\//g, '%2F'));
  spellings.add(path.toUpperCase());
  spellings.add(path.replace('/api/', '/API/'));
  spellings.add(path.replace('/api/', '/Api/'));
  spellings.add(path.replace('/v1/', '/V1/'));
  spellings.add(`/${path}`);
  spellings.add(path.replace('/api/', '/api//'));
  spellings.add(path.replace('/v1/', '/v1//'));
  spellings.add(`${path}/`);
  spellings.add(`${path}//`);
  spellings.add(path.replace('/api/', '/./api/'));
  spellings.add(path.replace('/api/', '/api/./'));
  spellings.add(path.replace('/v1/', '/v1/./'));
  spellings.add(path.replace('/api/', '/x/../api/'));
  spellings.add(path.replace('/v1/', '/v2/../v1/'));
  spellings.add(path.replace('/api/', '/%2e/api/'));
  spellings.add(path.replace('/v1/', '/v1/%2E/'));
  spellings.add(path.replace('/api/', '/x/%2e%2e/api/'));
  spellings.add(`${path}/.`);
  spellings.add(`${path};`);
  spellings.add(`${path};jsessionid=1`);
  spellings.add(path.replace('/v1/', '/v1;/'));
  spellings.add(path.replace('/api/', '/api;x=1/'));
  spellings.add(`${path}%3B`);
  spellings.add(`${path}?`);
  spellings.add(`${path}#`);
  spellings.delete(path);
  return [...spellings];
}

describe('every route refuses an anonymous caller by every spelling of its path', () => {
  it('refuses the spelling of the probe: GET /%61pi/v1/users, and audits the refusal', async () => {
    const answer = await send('GET', '/%61pi/v1/users');
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'unauthenticated' });
    const [event] = await context.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, 'denied'), eq(auditEvents.action, 'user.list')))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(event?.details).toMatchObject({ reason: 'unauthenticated', route: '/api/v1/users', method: 'GET' });
  });

  it('walks every registered API route and every spelling: 401 where the router folds it onto the route, 404/400 otherwise', async () => {
    const guarded = context.app.routeTable.filter((route) => route.policy.allow !== 'public');
    expect(guarded.length).toBeGreaterThan(50);
    const failures: string[] = [];
    let folded = 0;
    for (const route of guarded) {
      const path = fillPath(route.url);
      const canonical = await send(route.method, path);
      if (canonical.status !== 401) failures.push(`${route.method} ${path} -> ${canonical.status} (expected 401)`);
      for (const spelling of spellingsOf(path)) {
        const answer = await send(route.method, spelling);
        if (answer.status === 401) folded += 1;
        if (![400, 401, 404].includes(answer.status)) {
          failures.push(`${route.method} ${spelling} -> ${answer.status} ${answer.body.slice(0, 80)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The router does fold percent-encoded letters onto routes: those calls reached the hooks.
    expect(folded).toBeGreaterThan(guarded.length * 10);
  });

  it('a route added to the API scope gets the same checks, and one without a policy stops the app from building', async () => {
    const withExtraRoute = await buildKooperacjaApp(
      { config: context.config, database: context.database },
      {
        extraApiModule: (api) => {
          api.get('/probe-only', { config: { policy: { action: 'probe', allow: 'signedIn' } } }, async () => ({
            secret: 'marker-probe-only',
          }));
        },
      },
    );
    try {
      for (const url of ['/api/v1/probe-only', '/%61pi/v1/probe-only', '/api/v1/pr%6Fbe-only']) {
        const answer = await withExtraRoute.inject({ method: 'GET', url });
        expect(answer.statusCode, url).toBe(401);
        expect(answer.body, url).not.toContain('marker-probe-only');
      }
    } finally {
      await withExtraRoute.close();
    }

    await expect(
      buildKooperacjaApp(
        { config: context.config, database: context.database },
        { extraApiModule: (api) => void api.get('/no-policy', async () => ({ secret: 'marker-no-policy' })) },
      ).then((app) => app.ready()),
    ).rejects.toThrow(/GET \/api\/v1\/no-policy declares no policy/);
  });
});
