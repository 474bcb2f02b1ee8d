/**
 * SECURITY-RELEVANT. The basket's record rule for a partnership, shared by its sub-features (cards,
 * change requests, exchange, public page, reminders): unknown partnerships answer 404, partnerships
 * whose basket the actor may not read an audited 404 of the same shape (platform/auth/record-rule.ts).
 */
import type { AuditAction } from '../../../shared/src/contracts/audit-actions.js';
import type { Executor } from '../platform/db/database.js';
import type { Actor } from '../platform/auth/actor.js';
import { RecordRefusal } from '../platform/auth/record-rule.js';
import { AppError } from '../platform/http/problem.js';
import {
  unsafeFindPartnershipAccessRecord,
  type PartnershipAccessRecord,
} from '../partnerships/partnerships.queries.js';
import { canReadBasket } from './basket.policy.js';

/** The partnership as basket policies need it; call inside `withRecordRule` so a refusal is audited. */
export async function findVisibleBasketPartnership(
  db: Executor,
  actor: Actor,
  partnershipId: string,
  action: AuditAction,
  options: { forUpdate?: boolean } = {},
): Promise<PartnershipAccessRecord> {
  const partnership = await unsafeFindPartnershipAccessRecord(db, partnershipId, options);
  if (!partnership) throw new AppError('notFound');
  if (!canReadBasket(actor, partnership)) {
    throw RecordRefusal.notVisible({ action, subjectType: 'partnership', subjectId: partnershipId });
  }
  return partnership;
}
