/** Audit rows -> AuditEventView, field by field; previous_hash and xact_id stay on the server. */
import type { AuditEventView } from '../../../shared/src/contracts/audit.js';
import type { AuditEventRow } from './audit.queries.js';

export function presentAuditEvent(row: AuditEventRow): AuditEventView {
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
    outcome: row.outcome,
    ip: row.ip,
    details: (row.details ?? {}) as Record<string, unknown>,
    purpose: row.purpose,
    hash: row.contentHash ?? row.hash ?? '',
    sealId: row.sealId,
  };
}
