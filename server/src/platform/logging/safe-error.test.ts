/**
 * Issue 6, item 8 (docs/security.md §11, §20): a failed query wrote its parameters, a contact person's
 * name, e-mail and phone included, into the technical log. A marker value is planted, the database
 * refuses the write for a reason that is not the user's (a constraint the test adds), and the
 * marker appears nowhere in the log while the answer is a 500 problem with a request id.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { buildKooperacjaApp } from '../../composition.js';
import { buildUser } from '../../testing/factories.js';
import { openTestDatabase, TestClient, type TestContext } from '../../testing/test-app.js';
import { safeErrorForLog } from './safe-error.js';

const MARKER_EMAIL = 'marker-7f3a@example.pl';
const MARKER_NAME = 'Markerowska-7f3a';
const MARKER_PHONE = '600 731 947';

let context: TestContext;
const logLines: string[] = [];

beforeAll(async () => {
  const { database, url, drop } = await openTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    WEB_DIST_DIR: './.tmp/no-web',
    RATE_LIMIT_PER_MINUTE: '100000',
  });
  const app = await buildKooperacjaApp(
    { config, database },
    { logStream: { write: (line) => void logLines.push(line) } },
  );
  await app.ready();
  context = {
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
});
afterAll(async () => {
  await context?.close();
});

describe('technical log of a failed query', () => {
  it('holds no parameter of the query, only the error class, SQLSTATE and constraint', async () => {
    await context.database.db.execute(
      sql`alter table institutions add constraint test_refuses_marker check (name not like '%Nowa Fundacja%')`,
    );
    const admin = await buildUser(context.database.db, { role: 'admin' });
    const client = await new TestClient(context).signIn(admin.email, admin.password);
    const response = await client.post('/api/v1/institutions', {
      name: 'Nowa Fundacja Rodzinna',
      kind: 'ngo',
      sector: 'ngo',
      cooperationAreas: ['socialAssistance'],
      territoryCode: '1219053',
      contacts: [{ name: MARKER_NAME, email: MARKER_EMAIL, phone: MARKER_PHONE, position: 'Prezeska' }],
    });
    expect(response.statusCode, response.body).toBe(500);
    expect(response.json()).toMatchObject({ code: 'internal', requestId: expect.any(String) });
    const log = logLines.join('');
    const errorLine = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.err);
    expect(errorLine, log).toBeDefined();
    expect(JSON.stringify(errorLine!.err)).toContain('test_refuses_marker');
    for (const marker of [MARKER_EMAIL, MARKER_NAME, '731 947', 'Nowa Fundacja']) expect(log).not.toContain(marker);
  });

  it('keeps code locations of the stack but no message line, and follows the cause', () => {
    const cause = Object.assign(new Error(`duplicate key value (email)=(${MARKER_EMAIL})`), {
      code: '23505',
      constraint: 'users_email_unique',
      detail: `Key (email)=(${MARKER_EMAIL}) already exists.`,
    });
    const error = new Error(`Failed query: insert into users values ($1)\nparams: ${MARKER_EMAIL}`, { cause });
    const safe = safeErrorForLog(error);
    expect(safe).toMatchObject({ type: 'Error', cause: { code: '23505', constraint: 'users_email_unique' } });
    expect(safe.stack?.length).toBeGreaterThan(0);
    expect(JSON.stringify(safe)).not.toContain(MARKER_EMAIL);
  });
});
