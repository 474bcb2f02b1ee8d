import type { InstitutionKind, Role } from '../../../../shared/src/contracts/common.js';

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
