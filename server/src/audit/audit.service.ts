/**
 * SECURITY-CRITICAL. The append-only audit log (docs/security.md §8-10), sealed in signed blocks
 * (audit.sealer.ts; verified by audit.verifier.ts).
 *
 * Appending is one INSERT in the caller's transaction: no lock, no read of the previous event, so
 * no audited request waits for another's transaction. The event carries the SHA-256 of its own
 * content; the database stamps the writing transaction (xact_id). It commits or rolls back with the
 * change it describes, so personal data leaves the server only when its audit event has committed
 * with it (fail closed).
 */
import type { Database, Executor } from '../platform/db/database.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import type { z } from 'zod';
import type { AuditAction, AuditListQuery, AuditPage, AuditPurpose } from '../../../shared/src/contracts/audit.js';
import { findAuditEventPage, insertAuditEvent, insertAuditEvents } from './audit.queries.js';
import { presentAuditEvent } from './audit.presenter.js';
import { resolveAuditSubjectNames } from './audit.subject-names.js';
import { computeContentHash, type HashedEventFields } from './audit.hashing.js';
import type { AuditSealKey } from './audit.seal-key.js';
import { verifyAuditChain, type ChainVerification } from './audit.verifier.js';

export { computeAuditHash, computeContentHash, GENESIS_HASH } from './audit.hashing.js';
export { sealAuditEvents, startAuditSealer } from './audit.sealer.js';
export { verifyAuditChain, type ChainVerification } from './audit.verifier.js';

type AuditPageView = z.infer<typeof AuditPage>;

export type AuditOutcome = 'success' | 'denied' | 'failure';

export type AuditEventInput = {
  action: AuditAction;
  subjectType?: string | null;
  subjectId?: string | null;
  outcome?: AuditOutcome;
  /** Field names changed, counts, reasons: never personal data values. */
  details?: Record<string, unknown>;
  /** Why personal data was processed (docs/security.md §8), on events that touch personal data. */
  purpose?: AuditPurpose | null;
};

function auditRowOf(context: RequestContext, event: AuditEventInput) {
  const fields: HashedEventFields & { action: AuditAction; outcome: AuditOutcome; purpose: AuditPurpose | null } = {
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
    purpose: event.purpose ?? null,
  };
  return { ...fields, contentHash: computeContentHash(fields) };
}

async function appendInTransaction(tx: Executor, context: RequestContext, event: AuditEventInput): Promise<void> {
  await insertAuditEvent(tx, auditRowOf(context, event));
}

/**
 * Appends an event inside the caller's transaction. Call it from within `db.transaction(...)` so the
 * event commits or rolls back with the change it describes.
 */
export async function recordAuditEvent(tx: Executor, context: RequestContext, event: AuditEventInput): Promise<void> {
  await appendInTransaction(tx, context, event);
}

/**
 * Appends several events of one change in the caller's transaction with one multi-row INSERT (a
 * bulk load such as the demo data): the same rows as one recordAuditEvent call each, in order.
 */
export async function recordAuditEvents(
  tx: Executor,
  context: RequestContext,
  events: readonly AuditEventInput[],
): Promise<void> {
  await insertAuditEvents(
    tx,
    events.map((event) => auditRowOf(context, event)),
  );
}

/** Appends an event in a transaction of its own: for refusals and failures, whose work was rolled back. */
export async function recordStandaloneAuditEvent(
  db: Database,
  context: RequestContext,
  event: AuditEventInput,
): Promise<void> {
  await db.transaction((tx) => appendInTransaction(tx, context, event));
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
  const viewer = requireActor(context);
  return db.transaction(async (tx) => {
    const { rows, total } = await findAuditEventPage(tx, query);
    const subjectNames = await resolveAuditSubjectNames(tx, viewer, rows);
    const { page, pageSize, ...filters } = query;
    await recordAuditEvent(tx, context, {
      action: 'audit.list',
      subjectType: 'auditLog',
      purpose: 'oversight',
      details: { filters, page, pageSize, resultCount: rows.length },
    });
    return { items: rows.map((row) => presentAuditEvent(row, subjectNames)), total, page, pageSize };
  });
}

/**
 * Verifies the whole log in one repeatable-read snapshot (events committing meanwhile cannot look
 * missing) and records that it was checked, and with what result.
 */
export async function verifyAuditLog(
  db: Database,
  context: RequestContext,
  key: AuditSealKey,
): Promise<ChainVerification> {
  const verification = await db.transaction((tx) => verifyAuditChain(tx, { key }), {
    isolationLevel: 'repeatable read',
    accessMode: 'read only',
  });
  await recordStandaloneAuditEvent(db, context, {
    action: 'audit.verify',
    subjectType: 'auditLog',
    purpose: 'oversight',
    details: {
      isValid: verification.isValid,
      checkedCount: verification.checkedCount,
      firstBrokenId: verification.firstBrokenId,
      firstBrokenSealId: verification.firstBrokenSealId,
      unsealedCount: verification.unsealedCount,
    },
  });
  return verification;
}
