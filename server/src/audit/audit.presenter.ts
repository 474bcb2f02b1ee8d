/** Audit rows -> AuditEventView, field by field; previous_hash and xact_id stay on the server. */
import type { AuditEventView } from '../../../shared/src/contracts/audit.js';
import type { AuditEventRow } from './audit.queries.js';
import { auditSubjectKey, isNamedAuditSubjectType } from './audit.subject-names.js';

/**
 * One event as the viewer sees it. `subjectNames` holds only the subjects the viewer may read
 * (resolveAuditSubjectNames): a named kind missing from it is `hidden`, never named.
 */
export function presentAuditEvent(row: AuditEventRow, subjectNames: ReadonlyMap<string, string>): AuditEventView {
  const subjectName =
    row.subjectType && row.subjectId
      ? (subjectNames.get(auditSubjectKey(row.subjectType, row.subjectId)) ?? null)
      : null;
  return {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    requestId: row.requestId,
    actorUserId: row.actorUserId,
    actorDisplayName: row.actorDisplayName,
    actorInstitutionId: row.actorInstitutionId,
    actorInstitutionName: row.actorInstitutionName,
    actorRole: row.actorRole,
    action: row.action,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    subjectName,
    subjectNameStatus: subjectName !== null ? 'shown' : isNamedAuditSubjectType(row.subjectType) ? 'hidden' : 'none',
    outcome: row.outcome,
    ip: row.ip,
    details: (row.details ?? {}) as Record<string, unknown>,
    purpose: row.purpose,
    hash: row.contentHash ?? row.hash ?? '',
    sealId: row.sealId,
  };
}
