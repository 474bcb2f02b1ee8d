/**
 * The app's own database role (docs/security.md §10): it reads and writes the data and appends to the
 * audit log, but may neither change audit rows nor switch off their guard trigger. The refusals
 * are checked as that role (SET ROLE, on both databases); on PostgreSQL the whole app also runs
 * connected as it.
 */
import { randomBytes } from 'node:crypto';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RequestContext } from '../auth/actor.js';
import { recordAuditEvent, sealAuditEvents, verifyAuditChain } from '../../audit/audit.service.js';
import { developmentAuditSealKey } from '../../audit/audit.seal-key.js';
import { buildKooperacjaApp } from '../../composition.js';
import { buildInstitution, buildUser, GMINA_LODZ } from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import { createPgBossJobRunner, installJobSchema } from '../jobs/pg-boss-runner.js';
import { AppRoleError, auditGuardWeakness, grantAppRole } from './app-role.js';
import {
  migrateDatabase,
  MigrationPermissionError,
  openPostgres,
  readMigrationJournal,
  type Executor,
} from './database.js';
import { auditEvents, institutions } from './tables.js';

const role = `kooperacja_test_app_${randomBytes(4).toString('hex')}`;
const systemContext: RequestContext = { actor: null, requestId: 'app-role-test', ip: null };
let context: TestContext;
const db = () => context.database.db;

beforeAll(async () => {
  context = await createTestContext();
  await db().execute(sql`create role ${sql.identifier(role)} login`);
  await grantAppRole(db(), role);
});

afterAll(async () => {
  if (!context) return;
  await db().execute(sql`drop schema if exists pgboss cascade`);
  await db().execute(sql`drop owned by ${sql.identifier(role)}`);
  await db().execute(sql`drop role ${sql.identifier(role)}`);
  await context.close();
});

/** Runs work as the app role in a transaction that is always rolled back; returns the error text. */
async function asAppRole(work: (tx: Executor) => Promise<unknown>): Promise<string | null> {
  let failure: string | null = null;
  const rollback = new Error('rollback');
  try {
    await db().transaction(async (tx) => {
      await tx.execute(sql`set local role ${sql.identifier(role)}`);
      try {
        await work(tx);
      } catch (error) {
        const messages: string[] = [];
        for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
          messages.push(String((current as Error).message));
        }
        failure = messages.join(' | ');
      }
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return failure;
}

describe('the app role on audit_events', () => {
  it.each([
    ['UPDATE', sql`update audit_events set action = 'test.rewritten'`, 'permission denied for table audit_events'],
    ['DELETE', sql`delete from audit_events`, 'permission denied for table audit_events'],
    ['TRUNCATE', sql`truncate audit_events`, 'permission denied for table audit_events'],
    [
      'DISABLE TRIGGER',
      sql`alter table audit_events disable trigger audit_events_no_update_delete`,
      'must be owner of table audit_events',
    ],
    ['DROP TABLE', sql`drop table audit_events`, 'must be owner of table audit_events'],
    ['UPDATE of a block', sql`update audit_seals set signature = ''`, 'permission denied for table audit_seals'],
    ['DELETE of a block', sql`delete from audit_seals`, 'permission denied for table audit_seals'],
    ['TRUNCATE of blocks', sql`truncate audit_seals`, 'permission denied for table audit_seals'],
    ['DELETE of a membership', sql`delete from audit_seal_members`, 'permission denied for table audit_seal_members'],
    [
      'DISABLE TRIGGER on blocks',
      sql`alter table audit_seals disable trigger audit_seals_no_update_delete`,
      'must be owner of table audit_seals',
    ],
  ])('is refused %s', async (_operation, statement, expected) => {
    await recordAuditEvent(db(), systemContext, { action: 'test.appRole' });
    expect(await asAppRole((tx) => tx.execute(statement))).toContain(expected);
    const [row] = await db().select({ value: count() }).from(auditEvents).where(eq(auditEvents.action, 'test.appRole'));
    expect(Number(row!.value)).toBeGreaterThan(0);
  });

  it('appends to the log, seals it and writes the data', async () => {
    const failure = await asAppRole(async (tx) => {
      await recordAuditEvent(tx, systemContext, { action: 'test.appRoleWrite' });
      // The sealer's own statements, as the app role (inside this transaction, as a savepoint).
      expect((await sealAuditEvents(tx, developmentAuditSealKey())).sealedCount).toBeGreaterThan(0);
      const institution = await buildInstitution(tx, { name: 'Szkoła Podstawowa nr 5 w Łodzi' });
      await tx.update(institutions).set({ city: 'Łódź-Bałuty' }).where(eq(institutions.id, institution.id));
      const [seen] = await tx.select().from(auditEvents).where(eq(auditEvents.action, 'test.appRoleWrite'));
      expect(seen).toBeDefined();
      expect((await verifyAuditChain(tx)).isValid).toBe(true);
      expect(await auditGuardWeakness(tx)).toBeNull();
    });
    expect(failure).toBeNull();
  });

  it('is named as a weakness when the server runs as the tables’ owner or a superuser', async () => {
    expect(await auditGuardWeakness(db())).toMatch(/is a superuser|owns audit_events/);
  });

  it('owns the job queue’s schema, also when it existed before the grant', async () => {
    const ownersOf = async () => {
      const result = await db().execute(
        sql`select nspowner::regrole::text as owner from pg_namespace where nspname = 'pgboss'
            union all select relowner::regrole::text from pg_class where relnamespace = 'pgboss'::regnamespace
            union all select typowner::regrole::text from pg_type
                       where typnamespace = 'pgboss'::regnamespace and typtype = 'e'`,
      );
      return (result as unknown as { rows: Array<{ owner: string }> }).rows.map((row) => row.owner);
    };
    expect(await ownersOf()).toEqual([role]);
    // As after a server once ran as the owner: the schema and objects in it belong to the owner.
    await db().execute(sql`alter schema pgboss owner to current_user`);
    await db().execute(sql`create type pgboss.test_state as enum ('created', 'completed')`);
    await db().execute(sql`create table pgboss.test_jobs (id int primary key, state pgboss.test_state)`);
    expect(new Set(await ownersOf())).not.toContain(role);
    await grantAppRole(db(), role);
    const owners = await ownersOf();
    expect(owners.length).toBeGreaterThanOrEqual(4);
    expect(new Set(owners)).toEqual(new Set([role]));
    await db().execute(sql`drop table pgboss.test_jobs`);
    await db().execute(sql`drop type pgboss.test_state`);
  });

  it('is granted only to a role of its own', async () => {
    const result = await db().execute(sql`select current_user as "user"`);
    const current = (result as unknown as { rows: Array<{ user: string }> }).rows[0]!.user;
    await expect(grantAppRole(db(), current)).rejects.toThrow(AppRoleError);
    await expect(grantAppRole(db(), 'kooperacja_no_such_role')).rejects.toThrow(/does not exist/);
    await expect(grantAppRole(db(), 'x"; drop table audit_events; --')).rejects.toThrow(/Not a plain role name/);
  });
});

// PostgreSQL only: PGlite has one connection and one user, the SET ROLE checks above cover it.
if (process.env.DATABASE_URL) {
  describe('the whole app connected as the app role (PostgreSQL)', () => {
    it('starts on an up-to-date database, signs in and writes an institution with its audit event', async () => {
      const url = new URL(context.databaseUrl!);
      url.username = role;
      url.password = '';
      const handle = await openPostgres(url.toString());
      try {
        await migrateDatabase(handle);
        const app = await buildKooperacjaApp({ config: context.config, database: handle });
        await app.ready();
        const appContext: TestContext = { ...context, app, database: handle };
        try {
          const user = await buildUser(db(), { role: 'director' });
          const client = await new TestClient(appContext).signIn(user.email, user.password);
          const created = await client.post('/api/v1/institutions', {
            name: 'Fundacja „Dobre Miejsce” w Łodzi',
            kind: 'ngo',
            sector: 'ngo',
            cooperationAreas: ['socialAssistance'],
            territoryCode: GMINA_LODZ,
            city: 'Łódź',
            contacts: [],
          });
          expect(created.statusCode, created.body).toBe(201);
          const { id } = created.json() as { id: string };
          const events = await db().select().from(auditEvents).where(eq(auditEvents.subjectId, id));
          expect(events.map((e) => e.action)).toContain('institution.create');
          expect(await auditGuardWeakness(handle.db)).toBeNull();
        } finally {
          await app.close();
        }
      } finally {
        await handle.close();
      }
    });

    it('runs the job queue as the app role after the grant (tables installed by the owner, handed over)', async () => {
      const url = new URL(context.databaseUrl!);
      url.username = role;
      url.password = '';
      // As db:grant-app-role does: the owner installs pg-boss's tables, the grant hands them over.
      await installJobSchema(context.database.pool!);
      await grantAppRole(db(), role);
      const handle = await openPostgres(url.toString());
      const silent = { error: () => {}, warn: () => {}, info: () => {} };
      const runner = createPgBossJobRunner({
        pool: handle.pool!,
        connectionString: url.toString(),
        logger: silent,
        pollingIntervalSeconds: 0.5,
      });
      const handled: string[] = [];
      runner.handle('test.appRoleJob', async (payload: { label: string }) => {
        handled.push(payload.label);
      });
      try {
        await runner.start();
        expect(await runner.enqueue('test.appRoleJob', { label: 'zadanie' })).toBe(true);
        await vi.waitFor(() => expect(handled).toEqual(['zadanie']), { timeout: 15_000, interval: 100 });
      } finally {
        await runner.stop();
        await handle.close();
      }
    });

    it('leaves a pending migration to the owner with a message that says so, changing nothing', async () => {
      const url = new URL(context.databaseUrl!);
      url.username = role;
      url.password = '';
      const handle = await openPostgres(url.toString());
      // Make the newest migration look pending (as after an upgrade), then put it back.
      const result = await db().execute(
        sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)
            returning id, hash, created_at`,
      );
      const [latest] = (result as unknown as { rows: Array<{ id: number; hash: string; created_at: string }> }).rows;
      try {
        const failure = await migrateDatabase(handle).then(
          () => null,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(MigrationPermissionError);
        const newest = readMigrationJournal().at(-1)!.tag;
        expect((failure as Error).message).toContain(`1 migration(s) pending (${newest})`);
        expect((failure as Error).message).toContain('npm run db:migrate');
      } finally {
        await db().execute(
          sql`insert into drizzle.__drizzle_migrations (id, hash, created_at)
              values (${latest!.id}, ${latest!.hash}, ${latest!.created_at})`,
        );
        await handle.close();
      }
    });
  });
}
