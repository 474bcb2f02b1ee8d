/**
 * Who may do what with the institution registry. The registry itself is shared reference data;
 * contact persons in it are personal data, so reads of an institution's detail are audited.
 */
import type { Actor } from '../platform/auth/actor.js';
import type { Role } from '../../../shared/src/contracts/common.js';

export type InstitutionRecord = { id: string; registeredByInstitutionId: string | null; archivedAt: Date | null };

const registrarRoles: readonly Role[] = ['admin', 'director', 'networkCoordinator', 'ropsCoordinator', 'pcprAnimator'];

export function canListInstitutions(actor: Actor): boolean {
  return actor.membership !== null;
}

export function canReadInstitution(actor: Actor): boolean {
  return actor.membership !== null;
}

export function canCreateInstitution(actor: Actor): boolean {
  return actor.membership !== null && registrarRoles.includes(actor.membership.role);
}

/** Own institution, or one the actor's institution registered; admins any. */
export function canUpdateInstitution(actor: Actor, institution: InstitutionRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  const isOwn = membership.institutionId === institution.id;
  const isRegisteredByOwn = institution.registeredByInstitutionId === membership.institutionId;
  if (membership.role === 'director' || membership.role === 'networkCoordinator') return isOwn || isRegisteredByOwn;
  if (membership.role === 'partnerRepresentative') return isOwn;
  if (membership.role === 'ropsCoordinator' || membership.role === 'pcprAnimator') return isRegisteredByOwn;
  return false;
}

/** Archiving hides an institution from new work; only admins and the registering institution's director. */
export function canArchiveInstitution(actor: Actor, institution: InstitutionRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  return (
    membership.role === 'director' &&
    (institution.registeredByInstitutionId === membership.institutionId || institution.id === membership.institutionId)
  );
}
