/**
 * Who sees and runs a partnership (PZK). Deny by default: a user sees a partnership only through an
 * explicit rule: their institution leads it or is a member (not `left`), a regional role covers its
 * territory (ROPS: voivodeship, PCPR: powiat), or they are a deployment admin. The list query applies
 * the same rules in SQL (partnerships.queries.ts); keep both in step.
 */
import type { Actor } from '../platform/auth/actor.js';
import { leaderInstitutionKinds, type Role } from '../../../shared/src/contracts/common.js';

export type PartnershipRecord = {
  id: string;
  territoryCode: string;
  leaderInstitutionId: string;
  /** Institutions taking part, with status other than `left`. */
  activeMemberInstitutionIds: readonly string[];
  coordinatorUserIds: readonly string[];
};

const regionalRoles: readonly Role[] = ['ropsCoordinator', 'evaluator', 'supervisor'];

/**
 * Fields of a partnership that decide who reaches it beyond its managers' choice of members: the
 * territory (which ROPS and PCPR see it) and the leader (whose director and coordinators run it).
 * Its managers set them when founding it; afterwards only a deployment administrator changes them,
 * audited as a permission change, so an appointed coordinator now working at another OPS cannot
 * hand the partnership to that OPS, nor its managers show it to another voivodeship's ROPS.
 */
export const accessDecidingPartnershipFields = ['territoryCode', 'leaderInstitutionId'] as const;

/** Roles through which someone runs a partnership (see `canManagePartnership`). */
const managerRoles: readonly Role[] = ['admin', 'director', 'networkCoordinator'];

/** Route gate of the list: anyone acting in an institution; the query shows only what they may read. */
export function canListPartnerships(actor: Actor): boolean {
  return actor.membership !== null;
}

/** Route gate of the detail: anyone acting in an institution may ask; `canReadPartnership` decides per record. */
export function canReadPartnerships(actor: Actor): boolean {
  return actor.membership !== null;
}

/**
 * Route gate of a partnership's edit: only roles through which someone may manage a partnership;
 * `canManagePartnership` then decides for the record (404 when not visible, 403 when not theirs).
 */
export function canEditPartnerships(actor: Actor): boolean {
  return actor.membership !== null && managerRoles.includes(actor.membership.role);
}

/** Route gate of adding and changing member institutions: the same roles as editing, decided per record. */
export function canManagePartnershipMembers(actor: Actor): boolean {
  return actor.membership !== null && managerRoles.includes(actor.membership.role);
}

export function canReadPartnership(actor: Actor, partnership: PartnershipRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  if (partnership.leaderInstitutionId === membership.institutionId) return true;
  if (partnership.activeMemberInstitutionIds.includes(membership.institutionId)) return true;
  if (partnership.coordinatorUserIds.includes(actor.userId)) return true;
  const ownTerritory = membership.institutionTerritoryCode;
  if (membership.institutionKind === 'rops' && regionalRoles.includes(membership.role)) {
    return partnership.territoryCode.slice(0, 2) === ownTerritory.slice(0, 2);
  }
  if (membership.institutionKind === 'pcpr' && membership.role === 'pcprAnimator') {
    return partnership.territoryCode.slice(0, 4) === ownTerritory.slice(0, 4);
  }
  return false;
}

/** Directors and network coordinators of an OPS/CUS found partnerships their institution leads. */
export function canCreatePartnership(actor: Actor): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  return (
    (membership.role === 'director' || membership.role === 'networkCoordinator') &&
    leaderInstitutionKinds.includes(membership.institutionKind)
  );
}

/** The leader's director and coordinators and the partnership's appointed coordinators run it. */
export function canManagePartnership(actor: Actor, partnership: PartnershipRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  if (partnership.coordinatorUserIds.includes(actor.userId) && membership.role === 'networkCoordinator') return true;
  return (
    partnership.leaderInstitutionId === membership.institutionId &&
    (membership.role === 'director' || membership.role === 'networkCoordinator')
  );
}

/** Whether the actor may change this one field of an existing partnership (the field table in the tests). */
export function canChangePartnershipField(actor: Actor, partnership: PartnershipRecord, field: string): boolean {
  if (!canManagePartnership(actor, partnership)) return false;
  const isAccessDeciding = (accessDecidingPartnershipFields as readonly string[]).includes(field);
  return !isAccessDeciding || actor.membership?.role === 'admin';
}
