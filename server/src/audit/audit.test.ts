/**
 * The audit log end to end (docs/security.md §8-10): append-only at the database level, appending without
 * a lock under 50 concurrent writers, tampering named by `npm run audit:verify`, and the
 * administrators' API, whose every read is itself audited. Sealing and each kind of tampering:
 * audit.sealer.test.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq, sql } from 'drizzle-orm';
import { createTestContext, type TestClient, type TestContext } from '../testing/test-app.js';
import { buildPartnership, buildUser, signInAs } from '../testing/factories.js';
import { migrateDatabase, openPglite, type Database } from '../platform/db/database.js';
import { auditEvents } from '../platform/db/tables.js';
import type { RequestContext } from '../platform/auth/actor.js';
import type { Role } from '../../../shared/src/contracts/common.js';
import type { AuditEventView, AuditVerification } from '../../../shared/src/contracts/audit.js';
import {
  computeContentHash,
  recordAuditEvent,
  recordStandaloneAuditEvent,
  sealAuditEvents,
  verifyAuditChain,
} from './audit.service.js';
import { developmentAuditSealKey } from './audit.seal-key.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const systemContext: RequestContext = { actor: null, requestId: 'audit-test', ip: null };

let context: TestContext;
const db = () => context.database.db;
const signIn = (role: Role, options: Parameters<typeof buildUser>[1] = {}) => signInAs(context, role, options);

/**
 * pg-pool's end() resolves before its sockets have closed, so the harness's DROP DATABASE ... WITH
 * (FORCE) can reach a connection still closing, which then raises 57P01 with no listener. The 50
 * writers below leave many idle connections, which makes that race likely; ignore exactly that code.
 */
function ignoreTerminationAtClose(testContext: TestContext): TestContext {
  const rethrowOthers = (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  };
  // Idle clients report through the pool; clients already being ended report on themselves.
  testContext.database.pool?.on('error', rethrowOthers);
  testContext.database.pool?.on('connect', (client) => client.on('error', rethrowOthers));
  return testContext;
}

beforeAll(async () => {
  context = ignoreTerminationAtClose(await createTestContext());
});
afterAll(async () => {
  await context?.close();
});

/** Driver errors arrive wrapped by drizzle; the database's own message is further down the chain. */
async function databaseErrorOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const messages: string[] = [];
    for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
      messages.push(String((current as Error).message));
    }
    return messages.join(' | ');
  }
  throw new Error('expected the statement to fail');
}

/** Rewrites history the only way left: as the superuser, with the guard trigger switched off. */
async function tamper(database: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await database.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
  });
}

describe('audit_events is append-only in the database', () => {
  beforeAll(async () => {
    await recordStandaloneAuditEvent(db(), systemContext, { action: 'test.appendOnly' });
  });

  it.each([
    ['UPDATE', sql`update audit_events set action = 'test.rewritten'`],
    ['DELETE', sql`delete from audit_events`],
    ['TRUNCATE', sql`truncate audit_events`],
  ])('refuses %s for the connected role, even a superuser', async (operation, statement) => {
    const message = await databaseErrorOf(db().execute(statement));
    expect(message).toContain(`audit_events is append-only: ${operation} refused`);
    const [row] = await db()
      .select({ value: count() })
      .from(auditEvents)
      .where(eq(auditEvents.action, 'test.appendOnly'));
    expect(Number(row!.value)).toBe(1);
  });
});

describe('appending', () => {
  it('takes no lock: 50 parallel writers each append one event, all of them verify', async () => {
    const before = await verifyAuditChain(db());
    expect(before.isValid).toBe(true);
    await Promise.all(
      Array.from({ length: 50 }, (_, writer) =>
        db().transaction(async (tx) => {
          await tx.execute(sql`select 1`);
          await recordAuditEvent(
            tx,
            { ...systemContext, requestId: `writer-${writer}` },
            { action: 'test.parallel', details: { writer } },
          );
        }),
      ),
    );
    const after = await verifyAuditChain(db(), { batchSize: 7 });
    expect(after).toMatchObject({ isValid: true, checkedCount: before.checkedCount + 50, firstBrokenId: null });
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.parallel'));
    expect(new Set(rows.map((r) => (r.details as { writer: number }).writer)).size).toBe(50);
    expect(rows.every((r) => r.contentHash !== null && r.xactId !== null && r.previousHash === null)).toBe(true);
  });

  it('stores the purpose of processing with the event, covered by its hash', async () => {
    await recordStandaloneAuditEvent(db(), systemContext, { action: 'test.purpose', purpose: 'caseWork' });
    const [row] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.purpose'));
    expect(row!.purpose).toBe('caseWork');
    expect(row!.contentHash).toBe(computeContentHash(row!));
    expect(row!.contentHash).not.toBe(computeContentHash({ ...row!, purpose: 'oversight' }));
  });
});

describe('GET /audit-events', () => {
  let director: { client: TestClient; user: Awaited<ReturnType<typeof buildUser>> };
  let admin: { client: TestClient; user: Awaited<ReturnType<typeof buildUser>> };
  let partnershipId: string;

  beforeAll(async () => {
    director = await signIn('director', { displayName: 'Barbara Dąbrowska' });
    admin = await signIn('admin', { displayName: 'Anna Administratorska' });
    partnershipId = (await buildPartnership(db(), { leaderInstitutionId: director.user.institutionId })).id;
    expect((await director.client.get(`/api/v1/partnerships/${partnershipId}`)).statusCode).toBe(200);
  });

  const list = async (query: string) => {
    const response = await admin.client.get(`/api/v1/audit-events?${query}`);
    expect(response.statusCode).toBe(200);
    return response.json() as { items: AuditEventView[]; total: number; page: number; pageSize: number };
  };

  it.each(['caseManager', 'director', 'ropsCoordinator', 'evaluator', 'supervisor'] as const)(
    'answers 403 to %s and records the refusal',
    async (role) => {
      const { client, user } = await signIn(role);
      expect((await client.get('/api/v1/audit-events')).statusCode).toBe(403);
      expect((await client.get('/api/v1/audit-events/verification')).statusCode).toBe(403);
      const refusals = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.actorUserId, user.id), eq(auditEvents.outcome, 'denied')))
        .orderBy(asc(auditEvents.id));
      expect(refusals.map((r) => r.action)).toEqual(['audit.list', 'audit.verify']);
    },
  );

  it('answers 401 to an anonymous caller', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/api/v1/audit-events' });
    expect(response.statusCode).toBe(401);
  });

  it('lists events newest first with the actor and institution named', async () => {
    const page = await list(`actorUserId=${director.user.id}&action=partnership.`);
    expect(page.total).toBe(1);
    expect(page.items[0]).toMatchObject({
      action: 'partnership.read',
      actorUserId: director.user.id,
      actorDisplayName: 'Barbara Dąbrowska',
      actorInstitutionId: director.user.institutionId,
      actorRole: 'director',
      subjectType: 'partnership',
      subjectId: partnershipId,
      outcome: 'success',
    });
    expect(page.items[0]!.actorInstitutionName).toMatch(/^Ośrodek Pomocy Społecznej w Łodzi/);
    expect(page.items[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(page.items[0]).not.toHaveProperty('previousHash');
    expect(page.items[0]).not.toHaveProperty('xactId');

    const all = await list('pageSize=100');
    const ids = all.items.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('filters by action prefix (literally), subject, outcome and dates, and paginates', async () => {
    expect((await list(`subjectId=${partnershipId}`)).items.map((e) => e.action)).toEqual(['partnership.read']);
    expect((await list('action=partnership%25')).total).toBe(0);
    expect((await list('action=partnership_read')).total).toBe(0);
    const denied = await list('outcome=denied&pageSize=100');
    expect(denied.total).toBeGreaterThan(0);
    expect(denied.items.every((e) => e.outcome === 'denied')).toBe(true);

    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    expect((await list(`from=${today}&to=${today}&actorUserId=${director.user.id}&action=partnership.`)).total).toBe(1);
    expect((await list(`to=${yesterday}`)).total).toBe(0);

    // Each list call appends an audit.list event, so page over a set that does not grow meanwhile.
    const first = await list('action=test.parallel&pageSize=2&page=1');
    const second = await list('action=test.parallel&pageSize=2&page=2');
    expect(first).toMatchObject({ total: 50, page: 1, pageSize: 2 });
    expect(first.items).toHaveLength(2);
    expect(second.items[0]!.id).toBeLessThan(first.items[1]!.id);
  });

  it('audits each read of the log in the same transaction', async () => {
    const before = await db().select({ value: count() }).from(auditEvents).where(eq(auditEvents.action, 'audit.list'));
    const response = await admin.client.get(`/api/v1/audit-events?subjectId=${partnershipId}`);
    const events = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'audit.list'), eq(auditEvents.actorUserId, admin.user.id)))
      .orderBy(asc(auditEvents.id));
    expect(events.length).toBeGreaterThan(0);
    expect(Number(before[0]!.value) + 1).toBe(
      Number(
        (await db().select({ value: count() }).from(auditEvents).where(eq(auditEvents.action, 'audit.list')))[0]!.value,
      ),
    );
    expect(events.at(-1)).toMatchObject({
      outcome: 'success',
      requestId: response.headers['x-request-id'],
      details: { filters: { subjectId: partnershipId }, page: 1, pageSize: 20, resultCount: 1 },
    });
  });

  it('rejects unknown filters', async () => {
    expect((await admin.client.get('/api/v1/audit-events?hash=abc')).statusCode).toBe(400);
    expect((await admin.client.get('/api/v1/audit-events?from=31.12.2025')).statusCode).toBe(400);
  });

  it('verifies the log for an admin and shows the sealing state', async () => {
    await sealAuditEvents(db(), developmentAuditSealKey());
    const response = await admin.client.get('/api/v1/audit-events/verification');
    expect(response.statusCode).toBe(200);
    const body = response.json() as AuditVerification;
    expect(body).toMatchObject({ isValid: true, firstBrokenId: null, firstBrokenSealId: null, reason: null });
    expect(body.checkedCount).toBeGreaterThan(50);
    expect(body.sealedCount).toBeGreaterThan(50);
    expect(body.sealCount).toBeGreaterThan(0);
    expect(body.lastSealedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(body).not.toHaveProperty('checkpoint');

    const [event] = (await list(`action=audit.list&outcome=success&pageSize=100`)).items.slice(-1);
    expect(event).toMatchObject({ purpose: 'oversight' });
    expect(event!.sealId).not.toBeNull();
  });
});

describe('npm run audit:verify', () => {
  const run = promisify(execFile);
  let dataDir: string;

  /** Runs the script as an operator would, against the embedded database in `dataDir`. */
  async function verifyScript(env: Record<string, string>) {
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/verify-audit.ts'], {
        cwd: repositoryRoot,
        env: { ...inherited, LOG_LEVEL: 'silent', ...env },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'kooperacja-verify-'));
    const handle = await openPglite(dataDir);
    try {
      await migrateDatabase(handle);
      for (let i = 0; i < 3; i += 1)
        await recordStandaloneAuditEvent(handle.db, systemContext, { action: 'test.script', details: { i } });
    } finally {
      await handle.close();
    }
    // Migrating a new embedded database from scratch: slow on a busy 2-core machine.
  }, 180_000);
  afterAll(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the number of events of a valid chain and exits 0', async () => {
    const result = await verifyScript({ DATA_DIR: dataDir });
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout.trim()).toBe('Audit log valid: 3 events (0 sealed in 0 blocks, 3 not yet sealed)');
  }, 60_000);

  it('refuses while another process holds the data folder', async () => {
    const handle = await openPglite(dataDir);
    try {
      const result = await verifyScript({ DATA_DIR: dataDir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Cannot verify while Kooperacja is running');
      expect(result.stderr).toContain(`process ${process.pid}`);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it('refuses a folder without a database instead of creating one', async () => {
    const result = await verifyScript({ DATA_DIR: path.join(dataDir, 'missing') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No Kooperacja database');
  }, 60_000);

  it('names the first broken event and exits 2', async () => {
    const handle = await openPglite(dataDir);
    let altered: number;
    try {
      const [second] = await handle.db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .orderBy(asc(auditEvents.id))
        .offset(1)
        .limit(1);
      altered = second!.id;
      await tamper(handle.db, sql`update audit_events set action = 'test.forged' where id = ${altered}`);
    } finally {
      await handle.close();
    }
    const result = await verifyScript({ DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stdout.trim()).toBe(`Audit log BROKEN at event #${altered}: hashMismatch`);
  }, 60_000);
});
