/**
 * Security-relevant: who is told that work waits for them in a partnership's basket. The recipients
 * are exactly the partnership's staff (recipients.queries.ts) who, acting through one of their
 * memberships, pass the same policy function that guards the work (canPublishService,
 * canReviewChangeRequest, canDecideChangeRequest), so a notification never reaches someone who
 * could not act on it, and the to-do ("Do zrobienia") lists the same work for the same people.
 */
import type { Executor } from '../platform/db/database.js';
import type { Actor } from '../platform/auth/actor.js';
import type { PartnershipRecord } from '../partnerships/partnerships.policy.js';
import { findPartnershipStaffMemberships, type CandidateMembership } from './recipients.queries.js';

/** The person as the policy would see them acting through this membership (no session: a decision only). */
function actorThrough(candidate: CandidateMembership): Actor {
  const { userId, ...membership } = candidate;
  return {
    userId,
    displayName: '',
    email: '',
    sessionId: '',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership,
    memberships: [membership],
  };
}

/**
 * Users of the partnership's staff who may do the work in at least one of their memberships, without
 * the one who caused the notification (they know already).
 */
export async function findUsersWhoMayAct(
  db: Executor,
  partnership: PartnershipRecord,
  mayAct: (actor: Actor) => boolean,
  options: { exceptUserId?: string } = {},
): Promise<string[]> {
  const candidates = await findPartnershipStaffMemberships(db, partnership);
  const userIds = candidates.filter((candidate) => mayAct(actorThrough(candidate))).map((c) => c.userId);
  return [...new Set(userIds)].filter((userId) => userId !== options.exceptUserId);
}
