/**
 * A production installation has no published password (security issue 6, item 3): the server and
 * `npm run db:seed` never create the demo accounts with NODE_ENV=production, and the first
 * administrator comes from `npm run admin:create`, whose one-time password must be changed before
 * anything else works. Commands run as child processes, as an operator would run them.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../platform/db/database.js';
import { auditEvents, institutions, users } from '../platform/db/tables.js';
import { createTestContext, createTestContextOn, TestClient, type TestContext } from '../testing/test-app.js';
import { DEMO_PASSWORD } from '../demo/demo-data.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CHILD_TIMEOUT = 120_000;
/** A command still running after this long is killed (so a test on a server that never exits fails, not hangs). */
const COMMAND_TIMEOUT = 90_000;

/** The environment of a child command: the test runner's, minus anything that would pick the database or seed. */
function childEnvironment(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, SEED_DEMO: _seed, NODE_ENV: _env, ...inherited } = process.env;
  // Production requires the audit seal key (issue 7 item 4); any valid one does for these commands.
  return {
    ...inherited,
    LOG_LEVEL: 'warn',
    AUDIT_SEAL_KEY: Buffer.alloc(32, 7).toString('base64'),
    DATA_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 9).toString('base64')}`,
    ...env,
  };
}

async function runCommand(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: repositoryRoot,
      env: childEnvironment(env),
      timeout: COMMAND_TIMEOUT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('production start on an empty embedded database', () => {
  it(
    'creates no demo accounts and tells the operator to run admin:create',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-production-'));
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
        cwd: repositoryRoot,
        env: childEnvironment({ NODE_ENV: 'production', DATA_DIR: folder, PORT: '0', HOST: '127.0.0.1' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const deadline = Date.now() + CHILD_TIMEOUT - 10_000;
        let url: string | null = null;
        while (!url && child.exitCode === null && Date.now() < deadline) {
          url = /running at (http:\/\/[^\s]+)/.exec(output)?.[1] ?? null;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        expect(url, output).not.toBeNull();
        const login = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@kooperacja.demo', password: DEMO_PASSWORD }),
        });
        expect(login.status).toBe(401);
        expect(((await login.json()) as { code: string }).code).toBe('invalidCredentials');
        expect(output).toContain('npm run admin:create');
        expect(output).not.toContain(DEMO_PASSWORD);
      } finally {
        child.kill('SIGTERM');
        await exited;
        rmSync(folder, { recursive: true, force: true });
      }
    },
    CHILD_TIMEOUT,
  );

  it(
    'refuses to start with SEED_DEMO=true, saying the demo password is public',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-production-'));
      try {
        const result = await runCommand('server/src/main.ts', [], {
          NODE_ENV: 'production',
          SEED_DEMO: 'true',
          DATA_DIR: folder,
          PORT: '0',
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('SEED_DEMO');
        expect(result.stderr).toContain('password published in the README');
        expect(existsSync(path.join(folder, 'pglite'))).toBe(false);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    CHILD_TIMEOUT,
  );
});

describe('npm run db:seed in production', () => {
  it(
    'refuses before opening the database, naming the published password and admin:create',
    async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-seed-'));
      try {
        const result = await runCommand('scripts/seed.ts', [], { NODE_ENV: 'production', DATA_DIR: folder });
        expect(result.code).toBe(1);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toContain('db:seed: refused with NODE_ENV=production');
        expect(result.stderr).toContain('password published in the README');
        expect(result.stderr).toContain('npm run admin:create');
        expect(result.stdout).not.toContain(DEMO_PASSWORD);
        expect(existsSync(path.join(folder, 'pglite'))).toBe(false);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    CHILD_TIMEOUT,
  );
});

describe('npm run admin:create', () => {
  const email = 'ops.admin@gmina-wieliczka.pl';
  const institutionName = 'Ośrodek Pomocy Społecznej w Wieliczce';
  const isPostgres = Boolean(process.env.DATABASE_URL);
  /** PostgreSQL: the test database, open in this process as well. PGlite: a data folder, opened after the commands. */
  let postgresContext: TestContext | null = null;
  let folder: string | null = null;
  let context: TestContext | null = null;
  let oneTimePassword = '';

  const createAdmin = (args: string[]) =>
    runCommand('scripts/create-admin.ts', args, {
      NODE_ENV: 'production',
      ...(postgresContext ? { DATABASE_URL: postgresContext.databaseUrl! } : { DATA_DIR: folder! }),
    });

  /** The app on the database the command wrote to (on PGlite only once no command holds the folder). */
  async function appContext(): Promise<TestContext> {
    if (postgresContext) return postgresContext;
    context ??= await createTestContextOn({ database: await openPglite(folder!), url: null, drop: async () => {} });
    return context;
  }

  beforeAll(async () => {
    if (isPostgres) postgresContext = await createTestContext();
    else folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-admin-'));
  });
  afterAll(async () => {
    await (postgresContext ?? context)?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it(
    'creates an administrator with their institution and prints a one-time password once',
    async () => {
      const result = await createAdmin([
        '--email',
        email,
        '--name',
        'Anna Kowalska',
        '--institution-name',
        institutionName,
        '--territory',
        '1219053',
      ]);
      expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
      const printed = [...result.stdout.matchAll(/^\s+([A-Z2-9]{4}(?:-[A-Z2-9]{4}){4})$/gm)].map((m) => m[1]);
      expect(printed, result.stdout).toHaveLength(1);
      oneTimePassword = printed[0]!;
      expect(result.stdout).toContain(email);
      expect(result.stdout).toContain('must be changed');
    },
    CHILD_TIMEOUT,
  );

  it(
    'refuses a second account with the same e-mail in one line, and writes nothing',
    async () => {
      const result = await createAdmin([
        '--email',
        email.toUpperCase(),
        '--name',
        'Anna Kowalska-Nowak',
        '--institution-name',
        'Gminny Ośrodek Pomocy Społecznej w Niepołomicach',
        '--territory',
        '1219043',
      ]);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`an account with the e-mail ${email} exists already`);
      const missing = await createAdmin(['--email', 'drugi.admin@gmina-wieliczka.pl', '--name', 'Jan Nowak']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('needs an institution');
    },
    CHILD_TIMEOUT,
  );

  it('signs in into "password change required": every other route refuses until the password is changed', async () => {
    const app = await appContext();
    const db = app.database.db;
    const [user] = await db.select().from(users).where(eq(users.email, email));
    expect(user).toMatchObject({ displayName: 'Anna Kowalska', mustChangePassword: true, isActive: true });
    expect(user!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await db.select().from(institutions).where(eq(institutions.name, institutionName))).toHaveLength(1);
    const [created] = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'user.create'), eq(auditEvents.subjectId, user!.id)));
    expect(created).toMatchObject({ actorUserId: null, outcome: 'success', details: { via: 'commandLine' } });
    expect(
      await db.select().from(institutions).where(eq(institutions.territoryCode, '1219043')),
      'the refused run registered no institution',
    ).toHaveLength(0);

    const client = new TestClient(app);
    expect((await client.post('/api/v1/auth/login', { email, password: 'Zgadywane hasło 2026' })).statusCode).toBe(401);
    await client.signIn(email, oneTimePassword);
    const me = (await client.get('/api/v1/auth/me')).json() as {
      mustChangePassword: boolean;
      activeMembership: { role: string; institutionName: string } | null;
    };
    expect(me).toMatchObject({ mustChangePassword: true, activeMembership: { role: 'admin', institutionName } });
    for (const url of ['/api/v1/users', '/api/v1/institutions', '/api/v1/audit-events', '/api/v1/auth/sessions']) {
      const refused = await client.get(url);
      expect(refused.statusCode, url).toBe(403);
      expect(refused.json().code, url).toBe('passwordChangeRequired');
    }
    const changed = await client.post('/api/v1/auth/password', {
      currentPassword: oneTimePassword,
      newPassword: 'Solne komory pod Wieliczką',
    });
    expect(changed.statusCode).toBe(200);
    expect((await client.get('/api/v1/users')).statusCode).toBe(200);
    expect((await client.get('/api/v1/auth/me')).json().mustChangePassword).toBe(false);
    // The one-time password is spent.
    expect(
      (await new TestClient(app).post('/api/v1/auth/login', { email, password: oneTimePassword })).statusCode,
    ).toBe(401);
  });
});
