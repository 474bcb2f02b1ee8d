/**
 * The sealed audit log (issue 7 item 4) on both databases: appending takes no lock, the sealer
 * signs committed events in blocks, late committers are sealed later, and each kind of tampering is
 * named by the verifier: an UPDATE, a DELETE in the middle, a row inserted into the past, the newest
 * rows deleted, and an edit with every hash recomputed but no key. Tampering runs as the owner with
 * the guard triggers switched off, the only way left to rewrite history.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, count, eq, sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { createTestContext, type TestContext } from '../testing/test-app.js';
import { migrateDatabase, migrationsFolder, openPglite, type Database } from '../platform/db/database.js';
import { auditEvents, auditSealMembers, auditSeals } from '../platform/db/tables.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from './audit.service.js';
import { sealAuditEvents } from './audit.sealer.js';
import { verifyAuditChain } from './audit.verifier.js';
import {
  computeAuditHash,
  computeContentHash,
  computeMerkleRoot,
  computeSealHash,
  GENESIS_HASH,
} from './audit.hashing.js';
import { developmentAuditSealKey, parseAuditSealKey } from './audit.seal-key.js';

const systemContext: RequestContext = { actor: null, requestId: 'sealer-test', ip: null };
const key = developmentAuditSealKey();

/** Ignores only the 57P01 that pg-pool raises when the harness drops a database with connections closing. */
function ignoreTerminationAtClose(testContext: TestContext): TestContext {
  const rethrowOthers = (error: Error & { code?: string }) => {
    if (error.code !== '57P01') throw error;
  };
  testContext.database.pool?.on('error', rethrowOthers);
  testContext.database.pool?.on('connect', (client) => client.on('error', rethrowOthers));
  return testContext;
}

/** Rewrites history as the owner, with the guard triggers of the three audit tables off. */
async function tamper(database: Database, statement: ReturnType<typeof sql>): Promise<void> {
  await database.transaction(async (tx) => {
    for (const table of ['audit_events', 'audit_seals', 'audit_seal_members'])
      await tx.execute(sql`alter table ${sql.identifier(table)} disable trigger user`);
    await tx.execute(statement);
    for (const table of ['audit_events', 'audit_seals', 'audit_seal_members'])
      await tx.execute(sql`alter table ${sql.identifier(table)} enable trigger user`);
  });
}

async function writeEvents(db: Database, countToWrite: number, label: string): Promise<void> {
  for (let i = 0; i < countToWrite; i += 1)
    await recordStandaloneAuditEvent(db, systemContext, { action: 'test.sealed', details: { label, i } });
}

async function eventIds(db: Database): Promise<number[]> {
  return (await db.select({ id: auditEvents.id }).from(auditEvents).orderBy(asc(auditEvents.id))).map((r) => r.id);
}

/** Each tampering test gets a database of its own: the damage is for good. */
async function withIsolatedLog(work: (db: Database, context: TestContext) => Promise<void>): Promise<void> {
  const isolated = ignoreTerminationAtClose(await createTestContext());
  try {
    await work(isolated.database.db, isolated);
  } finally {
    await isolated.close();
  }
}

let context: TestContext;
const db = () => context.database.db;

beforeAll(async () => {
  context = ignoreTerminationAtClose(await createTestContext());
});
afterAll(async () => {
  await context?.close();
});

describe('sealing', () => {
  it('seals committed events in a signed block and verifies them, nothing pending after', async () => {
    await writeEvents(db(), 4, 'first');
    const first = await sealAuditEvents(db(), key);
    expect(first.sealedCount).toBeGreaterThanOrEqual(4);
    expect(first.blockId).not.toBeNull();
    expect(await sealAuditEvents(db(), key)).toEqual({ sealedCount: 0, blockId: null, refusedEventIds: [] });

    await writeEvents(db(), 3, 'second');
    expect((await sealAuditEvents(db(), key)).sealedCount).toBe(3);
    const verification = await verifyAuditChain(db(), { key });
    const [total] = await db().select({ value: count() }).from(auditEvents);
    expect(verification).toMatchObject({
      isValid: true,
      reason: null,
      firstBrokenId: null,
      checkedCount: Number(total!.value),
      sealedCount: Number(total!.value),
      unsealedCount: 0,
      staleUnsealedCount: 0,
    });
    expect(verification.sealCount).toBeGreaterThanOrEqual(2);
    expect(verification.lastSealedAt).not.toBeNull();
  });

  it('counts unsealed events until the sealer runs, and keeps them valid', async () => {
    await writeEvents(db(), 2, 'pending');
    expect(await verifyAuditChain(db(), { key })).toMatchObject({ isValid: true, unsealedCount: 2 });
    await sealAuditEvents(db(), key);
    expect(await verifyAuditChain(db(), { key })).toMatchObject({ isValid: true, unsealedCount: 0 });
  });

  it('stays one valid log with 50 concurrent writers while a long transaction writes 300 events', async () => {
    const before = await verifyAuditChain(db(), { key });
    const isPostgres = context.database.kind === 'postgres';
    let releaseLongTransaction = () => {};
    const released = new Promise<void>((resolve) => {
      releaseLongTransaction = resolve;
    });
    let longTransactionWrote = () => {};
    const wrote = new Promise<void>((resolve) => {
      longTransactionWrote = resolve;
    });
    // The import-like transaction takes its ids first and commits last: its events arrive late.
    const longTransaction = db().transaction(async (tx) => {
      for (let i = 0; i < 300; i += 1)
        await recordAuditEvent(tx, systemContext, { action: 'test.longImport', details: { i } });
      longTransactionWrote();
      // PGlite runs one transaction at a time: there the others simply follow it.
      if (isPostgres) await released;
    });
    await wrote;
    const writers = Promise.all(
      Array.from({ length: 50 }, (_, writer) =>
        recordStandaloneAuditEvent(
          db(),
          { ...systemContext, requestId: `writer-${writer}` },
          { action: 'test.parallel', details: { writer } },
        ),
      ),
    );
    await writers;
    const whileOpen = await sealAuditEvents(db(), key);
    if (isPostgres) {
      // The 50 writers did not wait for the open transaction, and were sealed without it.
      expect(whileOpen.sealedCount).toBe(50);
    }
    releaseLongTransaction();
    await longTransaction;
    const late = await sealAuditEvents(db(), key);
    expect(whileOpen.sealedCount + late.sealedCount).toBe(350);
    expect(late.refusedEventIds).toEqual([]);

    const after = await verifyAuditChain(db(), { key, batchSize: 7 });
    expect(after).toMatchObject({
      isValid: true,
      checkedCount: before.checkedCount + 350,
      sealedCount: before.sealedCount + 350,
      unsealedCount: 0,
    });
    const rows = await db().select().from(auditEvents).where(eq(auditEvents.action, 'test.parallel'));
    expect(new Set(rows.map((r) => (r.details as { writer: number }).writer)).size).toBe(50);
  });

  it('lets only one sealer seal at a time and never seals an event twice', async () => {
    await writeEvents(db(), 20, 'race');
    const results = await Promise.all([
      sealAuditEvents(db(), key),
      sealAuditEvents(db(), key),
      sealAuditEvents(db(), key),
    ]);
    expect(results.reduce((sum, r) => sum + r.sealedCount, 0)).toBe(20);
    const [duplicates] = await db()
      .select({ value: count() })
      .from(sql`(select event_id from audit_seal_members group by event_id having count(*) > 1) as twice`);
    expect(Number(duplicates!.value)).toBe(0);
    expect((await verifyAuditChain(db(), { key })).isValid).toBe(true);
  });

  it('refuses blocks signed with another key', async () => {
    const otherKey = parseAuditSealKey(Buffer.alloc(32, 9).toString('base64'));
    expect(await verifyAuditChain(db(), { key: otherKey })).toMatchObject({ isValid: false, reason: 'sealKeyUnknown' });
  });
});

describe('tampering is named by the verifier', () => {
  it('an UPDATE of a row names the row', async () => {
    await withIsolatedLog(async (isolated) => {
      await writeEvents(isolated, 5, 'update');
      await sealAuditEvents(isolated, key);
      const ids = await eventIds(isolated);
      const altered = ids.at(-3)!;
      await tamper(isolated, sql`update audit_events set details = '{"i": 99}'::jsonb where id = ${altered}`);
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenId: altered,
        reason: 'hashMismatch',
      });
    });
  });

  it('a DELETE in the middle names the missing event', async () => {
    await withIsolatedLog(async (isolated) => {
      await writeEvents(isolated, 5, 'delete');
      await sealAuditEvents(isolated, key);
      const ids = await eventIds(isolated);
      const deleted = ids.at(-3)!;
      await tamper(isolated, sql`delete from audit_events where id = ${deleted}`);
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenId: deleted,
        reason: 'eventMissing',
      });
    });
  });

  it('a row inserted into the past is named, and the sealer refuses to seal it', async () => {
    await withIsolatedLog(async (isolated) => {
      await writeEvents(isolated, 2, 'before-gap');
      // A rolled-back transaction leaves a gap in the ids: the forger's place in the past.
      const rollback = new Error('rollback');
      await isolated
        .transaction(async (tx) => {
          await recordAuditEvent(tx, systemContext, { action: 'test.rolledBack' });
          throw rollback;
        })
        .catch((error: unknown) => {
          if (error !== rollback) throw error;
        });
      await writeEvents(isolated, 2, 'after-gap');
      await sealAuditEvents(isolated, key);
      const ids = await eventIds(isolated);
      const gap = ids.findIndex((id, index) => index > 0 && id !== ids[index - 1]! + 1);
      const forgedId = ids[gap]! - 1;

      // As the app could: an INSERT with a correct content hash and a transaction id of its choosing.
      const forged = {
        occurredAt: new Date(Date.now() - 3_600_000),
        requestId: null,
        actorUserId: null,
        actorInstitutionId: null,
        actorRole: null,
        action: 'test.forged',
        subjectType: null,
        subjectId: null,
        outcome: 'success' as const,
        ip: null,
        details: {},
        purpose: null,
      };
      const [firstSeal] = await isolated.select().from(auditSeals).orderBy(asc(auditSeals.id)).limit(1);
      await isolated.insert(auditEvents).values({
        ...forged,
        id: forgedId,
        contentHash: computeContentHash(forged),
        xactId: firstSeal!.snapshotXmin,
      });
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenId: forgedId,
        reason: 'insertedInPast',
      });
      const sealing = await sealAuditEvents(isolated, key);
      expect(sealing.refusedEventIds).toEqual([forgedId]);

      // Claiming a place in an existing block breaks that block's count.
      await isolated.insert(auditSealMembers).values({ eventId: forgedId, sealId: firstSeal!.id });
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenSealId: firstSeal!.id,
        reason: 'sealMembersMismatch',
      });
    });
  });

  it('deleting the newest rows is detected against the newest signed block', async () => {
    await withIsolatedLog(async (isolated) => {
      await writeEvents(isolated, 6, 'newest');
      await sealAuditEvents(isolated, key);
      const ids = await eventIds(isolated);
      const newest = ids.slice(-2);
      await tamper(isolated, sql`delete from audit_events where id >= ${newest[0]}`);
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenId: newest[0],
        reason: 'eventMissing',
      });
      // Deleting their block memberships too leaves the block short of its signed count.
      const [lastSeal] = await isolated
        .select()
        .from(auditSeals)
        .orderBy(sql`${auditSeals.id} desc`)
        .limit(1);
      await tamper(isolated, sql`delete from audit_seal_members where event_id >= ${newest[0]}`);
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenSealId: lastSeal!.id,
        reason: 'sealMembersMismatch',
      });
    });
  });

  it('an edit with its hash and every block hash recomputed fails on the signature', async () => {
    await withIsolatedLog(async (isolated) => {
      await writeEvents(isolated, 3, 'block-1');
      await sealAuditEvents(isolated, key);
      await writeEvents(isolated, 3, 'block-2');
      await sealAuditEvents(isolated, key);
      const ids = await eventIds(isolated);
      const altered = ids.at(-5)!;
      const [row] = await isolated.select().from(auditEvents).where(eq(auditEvents.id, altered));
      const rewritten = { ...row!, details: { label: 'block-1', i: 42 } };
      await tamper(
        isolated,
        sql`update audit_events set details = ${JSON.stringify(rewritten.details)}::jsonb,
                   content_hash = ${computeContentHash(rewritten)} where id = ${altered}`,
      );
      // The attacker recomputes every block's Merkle root and hash, in order; only the key is missing.
      const seals = await isolated.select().from(auditSeals).orderBy(asc(auditSeals.id));
      let previousSealHash = GENESIS_HASH;
      let firstRewritten: number | null = null;
      for (const seal of seals) {
        const members = await isolated
          .select({ hash: auditEvents.contentHash, legacy: auditEvents.hash })
          .from(auditSealMembers)
          .innerJoin(auditEvents, eq(auditEvents.id, auditSealMembers.eventId))
          .where(eq(auditSealMembers.sealId, seal.id))
          .orderBy(asc(auditSealMembers.eventId));
        const merkleRoot = computeMerkleRoot(members.map((m) => m.hash ?? m.legacy!));
        const sealHash = computeSealHash({ ...seal, previousSealHash, merkleRoot });
        if (sealHash !== seal.sealHash) {
          firstRewritten ??= seal.id;
          await tamper(
            isolated,
            sql`update audit_seals set merkle_root = ${merkleRoot}, previous_seal_hash = ${previousSealHash},
                       seal_hash = ${sealHash} where id = ${seal.id}`,
          );
        }
        previousSealHash = sealHash;
      }
      expect(firstRewritten).not.toBeNull();
      expect(await verifyAuditChain(isolated, { key })).toMatchObject({
        isValid: false,
        firstBrokenSealId: firstRewritten,
        reason: 'sealSignatureInvalid',
      });
    });
  });
});

describe('the legacy chain carried over by migration 0009', () => {
  it('verifies, is sealed by the first block, and still names a broken legacy row', { timeout: 180_000 }, async () => {
    // A database just before the sealing migration, with a legacy chain; then the rest of the migrations.
    const folder = mkdtempSync(path.join(os.tmpdir(), 'kooperacja-legacy-audit-'));
    const legacyMigrations = path.join(folder, 'migrations');
    cpSync(migrationsFolder, legacyMigrations, { recursive: true });
    const journalPath = path.join(legacyMigrations, 'meta/_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    // Every migration before the one that brought sealing (found by name: the number may change).
    const sealing = journal.entries.findIndex((entry) => entry.tag.endsWith('_audit_seals'));
    expect(sealing).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, sealing) }));
    const handle = await openPglite(undefined);
    try {
      await migratePglite(handle.db as never, { migrationsFolder: legacyMigrations });
      let previousHash = GENESIS_HASH;
      const legacyIds: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        const fields = {
          occurredAt: new Date(Date.UTC(2026, 10, 1, 8, i)),
          requestId: `legacy-${i}`,
          actorUserId: null,
          actorInstitutionId: null,
          actorRole: null,
          action: 'test.legacy',
          subjectType: null,
          subjectId: null,
          outcome: 'success',
          ip: null,
          details: { i },
        };
        const hash = computeAuditHash(previousHash, fields);
        const result = await handle.db.execute(
          sql`insert into audit_events (occurred_at, request_id, action, outcome, details, previous_hash, hash)
              values (${fields.occurredAt.toISOString()}, ${fields.requestId}, ${fields.action}, ${fields.outcome},
                      ${JSON.stringify(fields.details)}::jsonb, ${previousHash}, ${hash}) returning id`,
        );
        legacyIds.push(Number((result as unknown as { rows: Array<{ id: number }> }).rows[0]!.id));
        previousHash = hash;
      }
      await migrateDatabase(handle);
      const [legacyRow] = await handle.db.select().from(auditEvents).where(eq(auditEvents.id, legacyIds[0]!));
      expect(legacyRow).toMatchObject({ contentHash: null, xactId: null, purpose: null });
      expect(await verifyAuditChain(handle.db, { key })).toMatchObject({
        isValid: true,
        checkedCount: 3,
        unsealedCount: 3,
      });

      await writeEvents(handle.db, 2, 'after-migration');
      const first = await sealAuditEvents(handle.db, key);
      expect(first.sealedCount).toBe(5);
      expect(await verifyAuditChain(handle.db, { key })).toMatchObject({
        isValid: true,
        checkedCount: 5,
        sealedCount: 5,
        sealCount: 1,
      });

      await tamper(handle.db, sql`update audit_events set action = 'test.rewritten' where id = ${legacyIds[1]}`);
      expect(await verifyAuditChain(handle.db, { key })).toMatchObject({
        isValid: false,
        firstBrokenId: legacyIds[1],
        reason: 'hashMismatch',
      });
    } finally {
      await handle.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
