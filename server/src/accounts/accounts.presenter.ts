/**
 * Row -> response whitelists for accounts. Never spread a row: users carry the password hash, the
 * TOTP secret and recovery-code hashes, none of which may leave the server.
 */
import type { Me, MembershipView, SessionView, UserSummary } from '../../../shared/src/contracts/auth.js';
import type { InstitutionKind, Role } from '../../../shared/src/contracts/common.js';
import type { ActingMembership, Actor } from '../platform/auth/actor.js';
import { canReadAudit } from '../audit/audit.policy.js';
import { canCreateInstitution } from '../institutions/institutions.policy.js';
import { canCreatePartnership } from '../partnerships/partnerships.policy.js';
import { canManageUsers } from './accounts.policy.js';

export type MembershipRow = {
  id: string;
  userId: string;
  institutionId: string;
  institutionName: string;
  institutionKind: string;
  role: string;
};

export type UserRow = {
  id: string;
  email: string;
  displayName: string;
  isActive: boolean;
  totpEnabledAt: Date | null;
};

export type SessionRow = {
  publicId: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
};

export function presentMembership(membership: ActingMembership | MembershipRow): MembershipView {
  return {
    id: membership.id,
    institutionId: membership.institutionId,
    institutionName: membership.institutionName,
    institutionKind: membership.institutionKind as InstitutionKind,
    role: membership.role as Role,
  };
}

/** The signed-in user with the abilities the UI may offer; abilities come from the domains' policies. */
export function presentMe(actor: Actor, csrfToken: string, isSecondFactorPending = false): Me {
  return {
    id: actor.userId,
    email: actor.email,
    displayName: actor.displayName,
    mustChangePassword: actor.mustChangePassword,
    isTotpEnabled: actor.isTotpEnabled,
    memberships: actor.memberships.map(presentMembership),
    activeMembership: actor.membership ? presentMembership(actor.membership) : null,
    abilities: {
      manageUsers: canManageUsers(actor),
      readAudit: canReadAudit(actor),
      createInstitution: canCreateInstitution(actor),
      createPartnership: canCreatePartnership(actor),
    },
    csrfToken,
    isSecondFactorPending,
  };
}

export function presentUserSummary(user: UserRow, memberships: readonly MembershipRow[]): UserSummary {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    isActive: user.isActive,
    isTotpEnabled: user.totpEnabledAt !== null,
    memberships: memberships.map(presentMembership),
  };
}

/** Sessions are shown by their public id; the primary key is the token's hash and never leaves the server. */
export function presentSession(session: SessionRow, currentSessionPublicId: string | null): SessionView {
  return {
    id: session.publicId,
    createdAt: session.createdAt.toISOString(),
    lastSeenAt: session.lastSeenAt.toISOString(),
    expiresAt: session.expiresAt.toISOString(),
    ip: session.ip,
    userAgent: session.userAgent,
    isCurrent: session.publicId === currentSessionPublicId,
  };
}
