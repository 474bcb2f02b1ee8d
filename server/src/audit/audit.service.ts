/**
 * SECURITY-CRITICAL. The append-only, hash-chained audit log (docs/security.md §8-10).
 *
 * Every event carries the SHA-256 of the previous event. Writers take a transaction-scoped advisory
 * lock so that concurrent transactions append one after another and the chain stays linear; the
 * event is inserted in the caller's transaction, so personal data leaves the server only when its
 * audit event has committed with it (fail closed).
 */
import { createHash } from 'node:crypto';
import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db/database.js';
import { auditEvents } from '../platform/db/tables.js';
import type { RequestContext } from '../platform/auth/actor.js';
import type { z } from 'zod';
import type { AuditListQuery, AuditPage } from '../../../shared/src/contracts/audit.js';
import { findAuditEventPage } from './audit.queries.js';
import { presentAuditEvent } from './audit.presenter.js';

type AuditPageView = z.infer<typeof AuditPage>;

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_CHAIN_LOCK = 7_301_001;

export type AuditOutcome = 'success' | 'denied' | 'failure';

export type AuditEventInput = {
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  outcome?: AuditOutcome;
  /** Field names changed, counts, reasons: never personal data values. */
  details?: Record<string, unknown>;
};

type ChainedFields = {
  occurredAt: Date;
  requestId: string | null;
  actorUserId: string | null;
  actorInstitutionId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  outcome: string;
  ip: string | null;
  details: unknown;
};

/** JSON with sorted keys at every depth, so the hash survives jsonb's own key ordering. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function computeAuditHash(previousHash: string, event: ChainedFields): string {
  const payload = canonicalJson({
    occurredAt: event.occurredAt.toISOString(),
    requestId: event.requestId,
    actorUserId: event.actorUserId,
    actorInstitutionId: event.actorInstitutionId,
    actorRole: event.actorRole,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    outcome: event.outcome,
    ip: event.ip,
    details: event.details,
  });
  return createHash('sha256').update(previousHash).update('\n').update(payload).digest('hex');
}

async function appendInTransaction(tx: Executor, context: RequestContext, event: AuditEventInput): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
  const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.id)).limit(1);
  const previousHash = last?.hash ?? GENESIS_HASH;
  const fields: ChainedFields = {
    occurredAt: new Date(),
    requestId: context.requestId,
    actorUserId: context.actor?.userId ?? null,
    actorInstitutionId: context.actor?.membership?.institutionId ?? null,
    actorRole: context.actor?.membership?.role ?? null,
    action: event.action,
    subjectType: event.subjectType ?? null,
    subjectId: event.subjectId ?? null,
    outcome: event.outcome ?? 'success',
    ip: context.ip,
    details: event.details ?? {},
  };
  await tx
    .insert(auditEvents)
    .values({ ...fields, details: fields.details, previousHash, hash: computeAuditHash(previousHash, fields) });
}

/**
 * Appends an event inside the caller's transaction. Call it from within `db.transaction(...)` so the
 * event commits or rolls back with the change it describes.
 */
export async function recordAuditEvent(tx: Executor, context: RequestContext, event: AuditEventInput): Promise<void> {
  await appendInTransaction(tx, context, event);
}

/** Appends an event in a transaction of its own: for refusals and failures, whose work was rolled back. */
export async function recordStandaloneAuditEvent(
  db: Database,
  context: RequestContext,
  event: AuditEventInput,
): Promise<void> {
  await db.transaction((tx) => appendInTransaction(tx, context, event));
}

export type ChainVerification = {
  isValid: boolean;
  checkedCount: number;
  firstBrokenId: number | null;
  reason: string | null;
};

/** Walks the whole chain in id order and names the first row whose link or hash does not match. */
export async function verifyAuditChain(db: Executor, batchSize = 5_000): Promise<ChainVerification> {
  let previousHash = GENESIS_HASH;
  let lastId = 0;
  let checkedCount = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.previousHash !== previousHash) {
        return { isValid: false, checkedCount, firstBrokenId: row.id, reason: 'previousHashMismatch' };
      }
      const expected = computeAuditHash(previousHash, row);
      if (row.hash !== expected) {
        return { isValid: false, checkedCount, firstBrokenId: row.id, reason: 'hashMismatch' };
      }
      previousHash = row.hash;
      lastId = row.id;
      checkedCount += 1;
    }
  }
  return { isValid: true, checkedCount, firstBrokenId: null, reason: null };
}

/**
 * Lists audit events for an administrator. The log names people and what they touched, so reading
 * it is itself an event (`audit.list`), committed with the read (fail closed).
 */
export async function listAuditEvents(
  db: Database,
  context: RequestContext,
  query: z.output<typeof AuditListQuery>,
): Promise<AuditPageView> {
  return db.transaction(async (tx) => {
    const { rows, total } = await findAuditEventPage(tx, query);
    const { page, pageSize, ...filters } = query;
    await recordAuditEvent(tx, context, {
      action: 'audit.list',
      subjectType: 'auditLog',
      details: { filters, page, pageSize, resultCount: rows.length },
    });
    return { items: rows.map(presentAuditEvent), total, page, pageSize };
  });
}

/** Verifies the chain and records that it was checked (and with what result). */
export async function verifyAuditLog(db: Database, context: RequestContext): Promise<ChainVerification> {
  const verification = await verifyAuditChain(db);
  await recordStandaloneAuditEvent(db, context, {
    action: 'audit.verify',
    subjectType: 'auditLog',
    details: {
      isValid: verification.isValid,
      checkedCount: verification.checkedCount,
      firstBrokenId: verification.firstBrokenId,
    },
  });
  return verification;
}
