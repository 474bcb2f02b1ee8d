/**
 * SECURITY-RELEVANT. The names of the audit log's subjects (an institution, a partnership, a service
 * card, a user), so the log shows "PZK Łódź Bałuty" rather than a UUID. Each name comes through its
 * own domain's visibility rule for the viewer, never around it: a subject the viewer may not read
 * gets no name, only its kind ("instytucja (brak dostępu)" in the app). Today only administrators
 * read the log and they may read every subject; the rule keeps holding if other readers come.
 */
import type { Actor } from '../platform/auth/actor.js';
import type { Executor } from '../platform/db/database.js';
import { canManageUsers } from '../accounts/accounts.policy.js';
import { findUserDisplayNames } from '../accounts/accounts.queries.js';
import { findVisibleServiceNames } from '../basket/cards/cards.queries.js';
import { canReadInstitution } from '../institutions/institutions.policy.js';
import { findInstitutionNames } from '../institutions/institutions.queries.js';
import { findVisiblePartnershipNames } from '../partnerships/partnerships.queries.js';

/** Subject types that have a name to show; other subjects (a session, the log itself) show their kind. */
export const namedAuditSubjectTypes = ['institution', 'partnership', 'service', 'user'] as const;
export type NamedAuditSubjectType = (typeof namedAuditSubjectTypes)[number];

export function isNamedAuditSubjectType(value: string | null): value is NamedAuditSubjectType {
  return (namedAuditSubjectTypes as readonly string[]).includes(value ?? '');
}

/** Ids are UUIDs in every named table; anything else (a test's subject, a typo'd filter) has no name. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The key of a subject in the map resolveAuditSubjectNames returns. */
export function auditSubjectKey(subjectType: string, subjectId: string): string {
  return `${subjectType}:${subjectId}`;
}

/**
 * Names of the subjects the viewer may read, keyed by auditSubjectKey; subjects the viewer may not
 * read, or that no longer exist, are absent. One query per kind of subject on the page.
 */
export async function resolveAuditSubjectNames(
  db: Executor,
  viewer: Actor,
  subjects: ReadonlyArray<{ subjectType: string | null; subjectId: string | null }>,
): Promise<Map<string, string>> {
  const idsByType = new Map<NamedAuditSubjectType, string[]>(namedAuditSubjectTypes.map((type) => [type, []]));
  for (const { subjectType, subjectId } of subjects) {
    if (isNamedAuditSubjectType(subjectType) && subjectId && UUID.test(subjectId)) {
      idsByType.get(subjectType)!.push(subjectId);
    }
  }
  const ids = (type: NamedAuditSubjectType) => idsByType.get(type)!;
  // One after the other: they share the caller's transaction, which runs one statement at a time.
  const institutionNames = canReadInstitution(viewer)
    ? await findInstitutionNames(db, ids('institution'))
    : new Map<string, string>();
  const partnershipNames = await findVisiblePartnershipNames(db, viewer, ids('partnership'));
  const serviceNames = await findVisibleServiceNames(db, viewer, ids('service'));
  // People: whoever manages accounts sees every name, everyone else their own.
  const userNames = await findUserDisplayNames(
    db,
    ids('user').filter((id) => canManageUsers(viewer) || id === viewer.userId),
  );
  const names = new Map<string, string>();
  const add = (type: NamedAuditSubjectType, found: Map<string, string>) => {
    for (const [id, name] of found) names.set(auditSubjectKey(type, id), name);
  };
  add('institution', institutionNames);
  add('partnership', partnershipNames);
  add('service', serviceNames);
  add('user', userNames);
  return names;
}
