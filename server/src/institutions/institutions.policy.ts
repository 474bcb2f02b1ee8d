/**
 * SECURITY-RELEVANT. Who may do what with the institution registry. The registry itself is shared
 * reference data; contact persons in it are personal data, so reads of an institution's detail are
 * audited. An institution's kind and territory decide what its staff may see (regional roles see
 * partnerships in their voivodeship or powiat, only an OPS/CUS founds a partnership), so those fields
 * are the deployment administrator's alone: staff who could change them would widen their own reach.
 */
import type { Actor } from '../platform/auth/actor.js';
import type { Role } from '../../../shared/src/contracts/common.js';

export type InstitutionRecord = {
  id: string;
  /** Null when a deployment administrator registered it: no institution's staff inherit it. */
  registeredByInstitutionId: string | null;
  archivedAt: Date | null;
  /** Whether anyone (an active account) works in it; then its own director keeps it, not the registrar. */
  hasOwnStaff: boolean;
};

/**
 * Fields of an institution that policies and scoped queries read (ActingMembership.institutionKind
 * and institutionTerritoryCode): changed only by a deployment administrator, audited as a
 * permission change. Everything else (names, address, contacts, areas, sector) its keepers edit.
 */
export const accessDecidingInstitutionFields = ['kind', 'territoryCode'] as const;
export type AccessDecidingInstitutionField = (typeof accessDecidingInstitutionFields)[number];

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

/** The registrar's staff keep an institution only while it has no staff of its own. */
function isRegistrarOf(actor: Actor, institution: InstitutionRecord): boolean {
  const membership = actor.membership;
  if (!membership || institution.hasOwnStaff || institution.registeredByInstitutionId === null) return false;
  return institution.registeredByInstitutionId === membership.institutionId;
}

/** Own institution, or one the actor's institution registered and nobody works in yet; admins any. */
export function canUpdateInstitution(actor: Actor, institution: InstitutionRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  const isOwn = membership.institutionId === institution.id;
  const isRegistrar = isRegistrarOf(actor, institution);
  if (membership.role === 'director' || membership.role === 'networkCoordinator') return isOwn || isRegistrar;
  if (membership.role === 'partnerRepresentative') return isOwn;
  if (membership.role === 'ropsCoordinator' || membership.role === 'pcprAnimator') return isRegistrar;
  return false;
}

/**
 * Archiving hides an institution from new work: admins, the institution's own director, and the
 * registering institution's director while the institution has no staff of its own.
 */
export function canArchiveInstitution(actor: Actor, institution: InstitutionRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  return (
    membership.role === 'director' && (institution.id === membership.institutionId || isRegistrarOf(actor, institution))
  );
}

/** Kind and territory (accessDecidingInstitutionFields): only a deployment administrator changes them. */
export function canChangeInstitutionAccessFields(actor: Actor): boolean {
  return actor.membership?.role === 'admin';
}

/** Whether the actor may change this one field of the institution (the field table in the policy tests). */
export function canChangeInstitutionField(actor: Actor, institution: InstitutionRecord, field: string): boolean {
  if (!canUpdateInstitution(actor, institution)) return false;
  const isAccessDeciding = (accessDecidingInstitutionFields as readonly string[]).includes(field);
  return !isAccessDeciding || canChangeInstitutionAccessFields(actor);
}
