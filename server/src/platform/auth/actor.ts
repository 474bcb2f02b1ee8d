import type { InstitutionKind, Role } from '../../../../shared/src/contracts/common.js';
import { AppError } from '../http/problem.js';

export type ActingMembership = {
  id: string;
  institutionId: string;
  institutionName: string;
  institutionKind: InstitutionKind;
  /** TERYT code of the institution's gmina: regional roles see partnerships in their voivodeship or powiat. */
  institutionTerritoryCode: string;
  role: Role;
};

/**
 * The signed-in person as policies see them: one acting membership (institution + role) at a time,
 * chosen at sign-in and switchable, so every action and audit event names the capacity it was done in.
 */
export type Actor = {
  userId: string;
  displayName: string;
  email: string;
  sessionId: string;
  mustChangePassword: boolean;
  isTotpEnabled: boolean;
  membership: ActingMembership | null;
  memberships: ActingMembership[];
};

/** Request context every service gets: who, from where, under which request id. */
export type RequestContext = {
  actor: Actor | null;
  requestId: string;
  ip: string | null;
};

/** A signed-in actor who acts through a membership (an institution and a role). */
export type ActingActor = Actor & { membership: ActingMembership };

/**
 * The one guard for "a signed-in person": no session answers 401 `unauthenticated`. Route policies
 * refuse anonymous callers first; this guards a service against a route that forgot.
 */
export function requireActor(context: RequestContext): Actor {
  if (!context.actor) throw new AppError('unauthenticated');
  return context.actor;
}

/**
 * The one guard for "acting in an institution": no session answers 401, a session without an acting
 * membership 403 `forbidden`.
 */
export function requireActingActor(context: RequestContext): ActingActor {
  const actor = requireActor(context);
  if (!isActingInInstitution(actor)) throw new AppError('forbidden');
  return actor;
}

/** Route gate: the actor acts through a membership; what they may do with a record is the service's rule. */
export function isActingInInstitution(actor: Actor): actor is ActingActor {
  return actor.membership !== null;
}
