/**
 * Integration-test harness: a real app on a real database (a fresh copy per test file), driven over
 * HTTP with fastify.inject. No mocks of our own code or database.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../platform/config.js';
import { openPglite, openPostgres, type DatabaseHandle } from '../platform/db/database.js';
import { sessionCookieName } from '../platform/http/app.js';
import { buildKooperacjaApp } from '../composition.js';
import { pgliteTemplatePath, templateDatabase, testDatabasePrefix, withDatabaseName } from './paths.js';

export type TestContext = {
  app: FastifyInstance;
  database: DatabaseHandle;
  config: Config;
  /** The test database's own URL on PostgreSQL; null on PGlite. */
  databaseUrl: string | null;
  close: () => Promise<void>;
};

export async function openTestDatabase(): Promise<{
  database: DatabaseHandle;
  url: string | null;
  drop: () => Promise<void>;
}> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const database = await openPglite(undefined, { loadDataDir: new Blob([readFileSync(pgliteTemplatePath())]) });
    return { database, url: null, drop: async () => {} };
  }
  const name = `${testDatabasePrefix()}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${name}" template "${templateDatabase()}"`);
  await admin.end();
  const database = await openPostgres(withDatabaseName(url, name), { max: 60 });
  return {
    database,
    url: withDatabaseName(url, name),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    },
  };
}

export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const { database, url, drop } = await openTestDatabase();
  return createTestContextOn({ database, url, drop }, env);
}

/** The test app on a database opened by the caller (e.g. a data folder a command wrote); `drop` runs at close. */
export async function createTestContextOn(
  { database, url, drop }: { database: DatabaseHandle; url: string | null; drop: () => Promise<void> },
  env: Record<string, string> = {},
): Promise<TestContext> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    WEB_DIST_DIR: './.tmp/no-web',
    RATE_LIMIT_PER_MINUTE: '100000',
    ...env,
  });
  const app = await buildKooperacjaApp({ config, database });
  await app.ready();
  return {
    app,
    database,
    config,
    databaseUrl: url,
    close: async () => {
      await app.close();
      await database.close();
      await drop();
    },
  };
}

type Body = Record<string, unknown> | unknown[] | string | Buffer | undefined;

/** A signed-in (or anonymous) browser-like client: keeps the session cookie and sends the CSRF token. */
export class TestClient {
  cookie: string | null = null;
  csrfToken: string | null = null;

  constructor(
    readonly context: TestContext,
    readonly ip = '127.0.0.1',
  ) {}

  async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: Body,
    headers: Record<string, string> = {},
  ) {
    const response = await this.context.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrfToken && method !== 'GET' ? { 'x-csrf-token': this.csrfToken } : {}),
        ...(body !== undefined && typeof body !== 'string' && !Buffer.isBuffer(body)
          ? { 'content-type': 'application/json' }
          : {}),
        ...headers,
      },
      payload:
        body === undefined
          ? undefined
          : typeof body === 'string' || Buffer.isBuffer(body)
            ? body
            : JSON.stringify(body),
    });
    this.captureCookie(response);
    return response;
  }

  get(url: string, headers?: Record<string, string>) {
    return this.request('GET', url, undefined, headers);
  }
  post(url: string, body?: Body, headers?: Record<string, string>) {
    return this.request('POST', url, body ?? {}, headers);
  }
  put(url: string, body?: Body, headers?: Record<string, string>) {
    return this.request('PUT', url, body ?? {}, headers);
  }
  patch(url: string, body?: Body, headers?: Record<string, string>) {
    return this.request('PATCH', url, body ?? {}, headers);
  }
  delete(url: string, headers?: Record<string, string>) {
    return this.request('DELETE', url, undefined, headers);
  }

  private captureCookie(response: LightMyRequestResponse) {
    const name = sessionCookieName(this.context.config);
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      if (c.name !== name) continue;
      const isCleared = c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      this.cookie = isCleared ? null : `${name}=${c.value}`;
    }
  }

  /** Signs in with e-mail and password; throws unless the API answers signedIn. */
  async signIn(email: string, password: string): Promise<this> {
    const response = await this.post('/api/v1/auth/login', { email, password });
    const body = response.json() as { status?: string; me?: { csrfToken: string }; csrfToken?: string };
    if (response.statusCode !== 200 || body.status !== 'signedIn' || !body.me) {
      throw new Error(`sign-in of ${email} failed: ${response.statusCode} ${response.body}`);
    }
    this.csrfToken = body.me.csrfToken;
    return this;
  }
}
