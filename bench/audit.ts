/**
 * The audit trail under load (issue 7 items 4 and 6), for bench/run.ts or on its own
 * (`node --import tsx bench/audit.ts`, on BENCH_AUDIT_URL or DATABASE_URL, a migrated database):
 * 1. an audited read (a row read and its audit event in one transaction), p50/p95 alone;
 * 2. the same while another transaction holds 2,000 fresh audit events open for ~3 s (an import
 *    confirming): before sealing, every audited request waited for it; now none should;
 * 3. the insert rate of 50 concurrent writers; then everything is sealed and verified.
 * It writes `bench.audit*` test events into the database it is given: use the bench database.
 */
import { sql } from 'drizzle-orm';
import { openPostgres, type Database } from '../server/src/platform/db/database.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from '../server/src/audit/audit.service.js';
import { sealAuditEvents } from '../server/src/audit/audit.sealer.js';
import { verifyAuditChain } from '../server/src/audit/audit.verifier.js';
import { developmentAuditSealKey, loadAuditSealKey, type AuditSealKey } from '../server/src/audit/audit.seal-key.js';
import type { RequestContext } from '../server/src/platform/auth/actor.js';
import { summarize, type LatencySummary } from './stats.js';

export type AuditBenchResult = {
  auditedReadAlone: LatencySummary;
  auditedReadDuringImport: LatencySummary;
  importEvents: number;
  importHeldMs: number;
  concurrentWriters: number;
  writerEvents: number;
  insertsPerSecond: number;
  sealMs: number;
  verifyMs: number;
  verification: { isValid: boolean; checkedCount: number; sealedCount: number; unsealedCount: number };
};

const context: RequestContext = { actor: null, requestId: 'bench-audit', ip: null };

async function auditedRead(db: Database): Promise<number> {
  const started = performance.now();
  await db.transaction(async (tx) => {
    await tx.execute(sql`select id, name from institutions order by id limit 1`);
    await recordAuditEvent(tx, context, {
      action: 'test.benchAuditRead',
      subjectType: 'institution',
      purpose: 'administration',
    });
  });
  return performance.now() - started;
}

export async function measureAuditTrail(
  db: Database,
  options: {
    readIterations?: number;
    importEvents?: number;
    holdMs?: number;
    writers?: number;
    eventsPerWriter?: number;
    /** The key the log is sealed with (a running server seals it too); AUDIT_SEAL_KEY or the development key by default. */
    key?: AuditSealKey;
  } = {},
): Promise<AuditBenchResult> {
  const readIterations = options.readIterations ?? 200;
  const importEvents = options.importEvents ?? 2_000;
  const holdMs = options.holdMs ?? 3_000;
  const writers = options.writers ?? 50;
  const eventsPerWriter = options.eventsPerWriter ?? 40;
  const key = options.key ?? (process.env.AUDIT_SEAL_KEY ? loadAuditSealKey(process.env) : developmentAuditSealKey());

  for (let i = 0; i < 20; i += 1) await auditedRead(db);
  const alone: number[] = [];
  for (let i = 0; i < readIterations; i += 1) alone.push(await auditedRead(db));

  // An import-like transaction: 2,000 events, then held open, as a large confirm would be.
  let isImportOpen = false;
  let importStarted = 0;
  let signalWritten = () => {};
  const written = new Promise<void>((resolve) => {
    signalWritten = resolve;
  });
  const importTransaction = db.transaction(async (tx) => {
    for (let i = 0; i < importEvents; i += 1)
      await recordAuditEvent(tx, context, { action: 'test.benchAuditImport', subjectType: 'service', details: { i } });
    isImportOpen = true;
    importStarted = performance.now();
    signalWritten();
    await new Promise((resolve) => setTimeout(resolve, holdMs));
    isImportOpen = false;
  });
  await written;
  const during: number[] = [];
  while (isImportOpen) {
    const elapsed = await auditedRead(db);
    if (isImportOpen) during.push(elapsed);
  }
  await importTransaction;
  const importHeldMs = performance.now() - importStarted;

  const writersStarted = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; i < eventsPerWriter; i += 1)
        await recordStandaloneAuditEvent(db, context, { action: 'test.benchAuditWriter', details: { writer, i } });
    }),
  );
  const writersSeconds = (performance.now() - writersStarted) / 1000;

  const sealStarted = performance.now();
  while ((await sealAuditEvents(db, key)).sealedCount > 0);
  const sealMs = performance.now() - sealStarted;
  const verifyStarted = performance.now();
  const verification = await db.transaction((tx) => verifyAuditChain(tx, { key }), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
  const verifyMs = performance.now() - verifyStarted;
  return {
    auditedReadAlone: summarize(alone),
    auditedReadDuringImport: summarize(during),
    importEvents,
    importHeldMs,
    concurrentWriters: writers,
    writerEvents: writers * eventsPerWriter,
    insertsPerSecond: (writers * eventsPerWriter) / writersSeconds,
    sealMs,
    verifyMs,
    verification: {
      isValid: verification.isValid,
      checkedCount: verification.checkedCount,
      sealedCount: verification.sealedCount,
      unsealedCount: verification.unsealedCount,
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.BENCH_AUDIT_URL ?? process.env.DATABASE_URL;
  if (!url) {
    console.error('Set BENCH_AUDIT_URL (or DATABASE_URL) to a migrated PostgreSQL database.');
    process.exit(1);
  }
  const handle = await openPostgres(url, { max: 60 });
  try {
    console.log(JSON.stringify(await measureAuditTrail(handle.db), null, 2));
  } finally {
    await handle.close();
  }
}
