/**
 * SECURITY-CRITICAL. Runs work under a record rule and audits its refusals (the rule itself is
 * written at platform/auth/record-rule.ts): a `RecordRefusal` thrown by the work rolls its
 * transaction back, is recorded as a `denied` event in a transaction of its own, then answered with
 * one problem code per kind (404 not visible, 403 not allowed).
 */
import type { Database, Transaction } from '../platform/db/database.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { RecordRefusal, refusalError } from '../platform/auth/record-rule.js';
import { recordStandaloneAuditEvent } from './audit.service.js';

/** Records the refusal as a denied event (its own transaction) and throws its answer. */
export async function refuseWithAudit(db: Database, context: RequestContext, refusal: RecordRefusal): Promise<never> {
  await recordStandaloneAuditEvent(db, context, {
    action: refusal.subject.action,
    subjectType: refusal.subject.subjectType,
    subjectId: refusal.subject.subjectId,
    outcome: 'denied',
    details: refusal.auditDetails,
  });
  throw refusalError(refusal);
}

/**
 * Runs `work` in a transaction; a `RecordRefusal` it throws rolls the work back and becomes an
 * audited refusal. Every other error passes through unchanged.
 */
export async function withRecordRule<T>(
  db: Database,
  context: RequestContext,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(work);
  } catch (error) {
    if (error instanceof RecordRefusal) return refuseWithAudit(db, context, error);
    throw error;
  }
}
