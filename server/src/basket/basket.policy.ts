/**
 * Who may see and change a partnership's basket of services. Built on the partnership rules:
 * whoever may read the partnership may read its published basket; the leader's director and network
 * coordinators and the appointed coordinators (canManagePartnership) run it; a partner's staff keep
 * their own institution's service cards; changes by anyone else go through change requests
 * (proposed by a member, reviewed by a network coordinator, decided by the leader).
 */
import type { Actor } from '../platform/auth/actor.js';
import {
  canManagePartnership,
  canReadPartnership,
  type PartnershipRecord,
} from '../partnerships/partnerships.policy.js';
import type { Role } from '../../../shared/src/contracts/common.js';
import type { ServiceStatus } from '../../../shared/src/contracts/basket.js';

export type ServiceRecord = {
  providerInstitutionId: string | null;
  status: ServiceStatus;
};

/** Roles through which a partner institution keeps its own service cards (tool 7). */
export const cardKeeperRoles: readonly Role[] = ['partnerRepresentative', 'director', 'networkCoordinator'];

export function isPartnershipMember(actor: Actor, partnership: PartnershipRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  return (
    partnership.leaderInstitutionId === membership.institutionId ||
    partnership.activeMemberInstitutionIds.includes(membership.institutionId) ||
    partnership.coordinatorUserIds.includes(actor.userId)
  );
}

/** The published basket: everyone who may read the partnership (members, regional roles, admins). */
export function canReadBasket(actor: Actor, partnership: PartnershipRecord): boolean {
  return canReadPartnership(actor, partnership);
}

function isCardKeeperOf(actor: Actor, partnership: PartnershipRecord, providerInstitutionId: string | null): boolean {
  const membership = actor.membership;
  if (!membership || !providerInstitutionId) return false;
  return (
    membership.institutionId === providerInstitutionId &&
    cardKeeperRoles.includes(membership.role) &&
    (partnership.activeMemberInstitutionIds.includes(providerInstitutionId) ||
      partnership.leaderInstitutionId === providerInstitutionId)
  );
}

/** Drafts, submitted, suspended and withdrawn cards: the provider's card keepers and the basket's managers. */
export function canReadService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  if (!canReadBasket(actor, partnership)) return false;
  if (service.status === 'published') return true;
  return canManagePartnership(actor, partnership) || isCardKeeperOf(actor, partnership, service.providerInstitutionId);
}

/**
 * A partner's card keepers create cards of their own institution (origin `partner`); the basket's
 * managers create any card, including neighbourhood and self-help services.
 */
export function canCreateService(
  actor: Actor,
  partnership: PartnershipRecord,
  card: { providerInstitutionId: string | null; origin: string },
): boolean {
  if (canManagePartnership(actor, partnership)) return true;
  return card.origin === 'partner' && isCardKeeperOf(actor, partnership, card.providerInstitutionId);
}

export function canUpdateService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  if (service.status === 'withdrawn') return false;
  return canManagePartnership(actor, partnership) || isCardKeeperOf(actor, partnership, service.providerInstitutionId);
}

export function canSubmitService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  return service.status === 'draft' && canUpdateService(actor, partnership, service);
}

/** Publishing, suspending and withdrawing are the leader's: the basket is the partnership's list. */
export function canPublishService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  return ['draft', 'submitted', 'suspended'].includes(service.status) && canManagePartnership(actor, partnership);
}

export function canSuspendService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  return service.status === 'published' && canManagePartnership(actor, partnership);
}

export function canWithdrawService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  return service.status !== 'withdrawn' && canManagePartnership(actor, partnership);
}

/** Back to the provider for rework: a submitted or suspended card, by whoever may edit it. */
export function canReturnServiceToDraft(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  return (
    (service.status === 'submitted' || service.status === 'suspended') && canUpdateService(actor, partnership, service)
  );
}

/**
 * A partner card names a provider that takes part in the partnership (the leader or a member that has
 * not left); neighbourhood and self-help services may come from anywhere.
 */
export function isProviderInPartnership(partnership: PartnershipRecord, providerInstitutionId: string | null): boolean {
  if (!providerInstitutionId) return false;
  return (
    partnership.leaderInstitutionId === providerInstitutionId ||
    partnership.activeMemberInstitutionIds.includes(providerInstitutionId)
  );
}

/** "Still current": the provider's card keepers or the basket's managers confirm a published card. */
export function canConfirmService(actor: Actor, partnership: PartnershipRecord, service: ServiceRecord): boolean {
  return service.status === 'published' && canUpdateService(actor, partnership, service);
}

/** Anyone working in the partnership may propose a change or a new service. */
export function canProposeChange(actor: Actor, partnership: PartnershipRecord): boolean {
  return isPartnershipMember(actor, partnership) || actor.membership?.role === 'admin';
}

/** Network coordinators review requests: the leader's and the partnership's appointed ones. */
export function canReviewChangeRequest(actor: Actor, partnership: PartnershipRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  if (membership.role !== 'networkCoordinator') return false;
  return (
    partnership.coordinatorUserIds.includes(actor.userId) ||
    partnership.leaderInstitutionId === membership.institutionId
  );
}

/** The leader (its director) applies or refuses a reviewed request. */
export function canDecideChangeRequest(actor: Actor, partnership: PartnershipRecord): boolean {
  const membership = actor.membership;
  if (!membership) return false;
  if (membership.role === 'admin') return true;
  return membership.role === 'director' && partnership.leaderInstitutionId === membership.institutionId;
}

/** Bulk changes (spreadsheet or HSDS import) and the public page belong to the basket's managers. */
export function canImportBasket(actor: Actor, partnership: PartnershipRecord): boolean {
  return canManagePartnership(actor, partnership);
}

export function canPublishBasketPage(actor: Actor, partnership: PartnershipRecord): boolean {
  return canManagePartnership(actor, partnership);
}
