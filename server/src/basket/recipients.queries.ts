/**
 * SQL of who hears about work waiting in a partnership's basket (recipients.ts): the memberships of
 * active users through which someone could act on the basket as its leader's staff or as an
 * appointed coordinator. Which of them may act is the basket policy's call, not this query's.
 */
import { and, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import type { ActingMembership } from '../platform/auth/actor.js';
import { institutions, memberships, partnershipCoordinators, users } from '../platform/db/tables.js';

export type CandidateMembership = ActingMembership & { userId: string };

/**
 * Memberships of active users at the partnership's leader institution, and every membership of its
 * appointed coordinators (the policy decides which capacity counts). Administrators of the
 * deployment are not among them: they may act on every basket but are not its staff.
 */
export async function findPartnershipStaffMemberships(
  db: Executor,
  partnership: { id: string; leaderInstitutionId: string },
): Promise<CandidateMembership[]> {
  const appointed = db
    .select({ userId: partnershipCoordinators.userId })
    .from(partnershipCoordinators)
    .where(eq(partnershipCoordinators.partnershipId, partnership.id));
  return db
    .select({
      userId: memberships.userId,
      id: memberships.id,
      institutionId: memberships.institutionId,
      institutionName: institutions.name,
      institutionKind: institutions.kind,
      institutionTerritoryCode: institutions.territoryCode,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(institutions, eq(institutions.id, memberships.institutionId))
    .where(
      and(
        eq(users.isActive, true),
        or(eq(memberships.institutionId, partnership.leaderInstitutionId), inArray(memberships.userId, appointed)),
      ),
    )
    .orderBy(memberships.userId, memberships.id);
}
