/**
 * SECURITY-CRITICAL. The one way a service refuses a request by a record rule (docs/security.md §1, §2, §8).
 *
 * The 403/404 rule, the same in every domain:
 * - a record the actor may not see answers 404 `notFound`, with exactly the body of a missing record,
 *   so ids cannot be probed ("not found" and "not yours" look the same);
 * - a record the actor may see but may not act on answers 403 `forbidden` (with field errors when
 *   the refusal names fields only an administrator changes);
 * - a record that does not exist answers 404 `notFound` too (a plain `AppError`: nothing to refuse).
 *
 * A service throws a `RecordRefusal` inside its transaction, so the work rolls back; the runner
 * (`withRecordRule` in audit/refusals.ts) then records a `denied` audit event in a transaction of its
 * own, which survives the rollback, and answers with `refusalError(refusal)`.
 */
import { AppError, fieldError } from '../http/problem.js';
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';

/** What was refused, as the denied audit event names it. */
export type RefusedSubject = {
  /** The action of the refused request, e.g. `institution.update`. */
  action: AuditAction;
  subjectType: string;
  subjectId: string | null;
};

/** `notVisible`: 404 like a missing record. `notAllowed`: visible, not the actor's to act on: 403. */
export type RefusalKind = 'notVisible' | 'notAllowed';

export class RecordRefusal extends Error {
  private constructor(
    readonly kind: RefusalKind,
    readonly subject: RefusedSubject,
    /** Why, in the audit event's `details.reason`: a stable word, never personal data. */
    readonly reason: string,
    /** Fields only an administrator changes, named in the 403 and in the audit event. */
    readonly fields: readonly string[] = [],
  ) {
    super(reason);
  }

  /** The actor may not see the record: answered exactly like a missing one (404). */
  static notVisible(subject: RefusedSubject, reason = 'notVisible'): RecordRefusal {
    return new RecordRefusal('notVisible', subject, reason);
  }

  /** The actor sees the record but may not do this to it (403). */
  static notAllowed(subject: RefusedSubject, reason = 'recordRule'): RecordRefusal {
    return new RecordRefusal('notAllowed', subject, reason);
  }

  /** The actor may change the record but not these fields, which decide who reaches it (403 naming them). */
  static accessDecidingFields(subject: RefusedSubject, fields: readonly string[]): RecordRefusal {
    return new RecordRefusal('notAllowed', subject, 'accessDecidingField', fields);
  }

  /** The audit event's details: the reason, and the refused field names when there are any. */
  get auditDetails(): Record<string, unknown> {
    return this.fields.length > 0 ? { reason: this.reason, fields: this.fields } : { reason: this.reason };
  }
}

/** The answer to a refusal: one problem code per kind. */
export function refusalError(refusal: RecordRefusal): AppError {
  if (refusal.kind === 'notVisible') return new AppError('notFound');
  return new AppError(
    'forbidden',
    refusal.fields.map((field) => fieldError(field, 'adminOnlyField')),
  );
}
