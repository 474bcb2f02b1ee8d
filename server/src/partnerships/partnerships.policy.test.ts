/**
 * Role x relation x action -> allowed, for every role. A change in this table is a permission
 * change and is reviewed as one (STYLE.md §3).
 */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/auth/actor.js';
import { roles, type InstitutionKind, type Role } from '../../../shared/src/contracts/common.js';
import {
  accessDecidingPartnershipFields,
  canChangePartnershipField,
  canCreatePartnership,
  canEditPartnerships,
  canListPartnerships,
  canManagePartnership,
  canManagePartnershipMembers,
  canReadPartnership,
  canReadPartnerships,
  type PartnershipRecord,
} from './partnerships.policy.js';

const ACTOR_USER = 'a0000000-0000-4000-8000-000000000001';
const OTHER_USER = 'a0000000-0000-4000-8000-000000000002';
const LEADER = 'b0000000-0000-4000-8000-000000000001';
const MEMBER = 'b0000000-0000-4000-8000-000000000002';
const LEFT_MEMBER = 'b0000000-0000-4000-8000-000000000003';
const ELSEWHERE = 'b0000000-0000-4000-8000-000000000004';

/** The partnership in Wieliczka (voivodeship 12, powiat 1219); `LEFT_MEMBER` is not in the active list. */
const partnership: PartnershipRecord = {
  id: 'c0000000-0000-4000-8000-000000000001',
  territoryCode: '1219053',
  leaderInstitutionId: LEADER,
  activeMemberInstitutionIds: [LEADER, MEMBER],
  coordinatorUserIds: [OTHER_USER],
};

type Relation = {
  institutionId: string;
  institutionKind: InstitutionKind;
  territoryCode: string;
  isCoordinator?: boolean;
};

const relations = {
  leader: { institutionId: LEADER, institutionKind: 'ops', territoryCode: '1219053' },
  member: { institutionId: MEMBER, institutionKind: 'school', territoryCode: '1219053' },
  leftMember: { institutionId: LEFT_MEMBER, institutionKind: 'police', territoryCode: '1219053' },
  // An appointed coordinator acting from outside the leader (e.g. moved to another OPS).
  coordinator: { institutionId: ELSEWHERE, institutionKind: 'ops', territoryCode: '1061011', isCoordinator: true },
  ropsSameVoivodeship: { institutionId: ELSEWHERE, institutionKind: 'rops', territoryCode: '1261011' },
  ropsOtherVoivodeship: { institutionId: ELSEWHERE, institutionKind: 'rops', territoryCode: '1061011' },
  pcprSamePowiat: { institutionId: ELSEWHERE, institutionKind: 'pcpr', territoryCode: '1219022' },
  pcprOtherPowiat: { institutionId: ELSEWHERE, institutionKind: 'pcpr', territoryCode: '1261011' },
  unrelated: { institutionId: ELSEWHERE, institutionKind: 'ops', territoryCode: '1061011' },
} satisfies Record<string, Relation>;
type RelationName = keyof typeof relations;

const ALL: readonly Role[] = roles;
const ADMIN: readonly Role[] = ['admin'];

/** Who may read and who may manage, per relation; every role not listed is refused. */
const expected: Record<RelationName, { read: readonly Role[]; manage: readonly Role[] }> = {
  leader: { read: ALL, manage: ['admin', 'director', 'networkCoordinator'] },
  member: { read: ALL, manage: ADMIN },
  leftMember: { read: ADMIN, manage: ADMIN },
  coordinator: { read: ALL, manage: ['admin', 'networkCoordinator'] },
  ropsSameVoivodeship: { read: ['admin', 'ropsCoordinator', 'evaluator', 'supervisor'], manage: ADMIN },
  ropsOtherVoivodeship: { read: ADMIN, manage: ADMIN },
  pcprSamePowiat: { read: ['admin', 'pcprAnimator'], manage: ADMIN },
  pcprOtherPowiat: { read: ADMIN, manage: ADMIN },
  unrelated: { read: ADMIN, manage: ADMIN },
};

function actorFor(role: Role, relation: Relation): Actor {
  const membership = {
    id: 'd0000000-0000-4000-8000-000000000001',
    institutionId: relation.institutionId,
    institutionName: 'Instytucja testowa w Łodzi',
    institutionKind: relation.institutionKind,
    institutionTerritoryCode: relation.territoryCode,
    role,
  };
  return {
    userId: relation.isCoordinator ? OTHER_USER : ACTOR_USER,
    displayName: 'Zofia Źrebięcka',
    email: 'zofia@test.kooperacja.pl',
    sessionId: 'e0000000-0000-4000-8000-000000000001',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership,
    memberships: [membership],
  };
}

const cases = (Object.keys(relations) as RelationName[]).flatMap((relationName) =>
  roles.flatMap((role) => [
    { action: 'read' as const, relationName, role, isAllowed: expected[relationName].read.includes(role) },
    { action: 'manage' as const, relationName, role, isAllowed: expected[relationName].manage.includes(role) },
  ]),
);

describe('partnership policy: role x relation x action', () => {
  it.each(cases)('$action as $role ($relationName) -> $isAllowed', ({ action, relationName, role, isAllowed }) => {
    const actor = actorFor(role, relations[relationName]);
    const check = action === 'read' ? canReadPartnership : canManagePartnership;
    expect(check(actor, partnership)).toBe(isAllowed);
  });

  it('manage never exceeds read', () => {
    for (const { relationName, role } of cases) {
      const actor = actorFor(role, relations[relationName]);
      if (canManagePartnership(actor, partnership)) expect(canReadPartnership(actor, partnership)).toBe(true);
    }
  });
});

describe('partnership policy: create and list', () => {
  const creatorRoles: readonly Role[] = ['admin', 'director', 'networkCoordinator'];
  const kinds: InstitutionKind[] = ['ops', 'gops', 'mops', 'cus', 'pcpr', 'rops', 'school', 'ngo'];
  const createCases = kinds.flatMap((kind) =>
    roles.map((role) => ({
      role,
      kind,
      isAllowed: role === 'admin' || (creatorRoles.includes(role) && ['ops', 'gops', 'mops', 'cus'].includes(kind)),
    })),
  );

  it.each(createCases)('create as $role of $kind -> $isAllowed', ({ role, kind, isAllowed }) => {
    const actor = actorFor(role, { institutionId: ELSEWHERE, institutionKind: kind, territoryCode: '1061011' });
    expect(canCreatePartnership(actor)).toBe(isAllowed);
  });

  it.each(roles.map((role) => ({ role })))('list as $role -> true (the query scopes the rows)', ({ role }) => {
    expect(canListPartnerships(actorFor(role, relations.unrelated))).toBe(true);
  });

  it('refuses everything to a signed-in person without an acting membership', () => {
    const actor: Actor = { ...actorFor('admin', relations.leader), membership: null, memberships: [] };
    expect(canListPartnerships(actor)).toBe(false);
    expect(canCreatePartnership(actor)).toBe(false);
    expect(canReadPartnership(actor, partnership)).toBe(false);
    expect(canManagePartnership(actor, partnership)).toBe(false);
  });
});

/**
 * The route gates: what a role may attempt before any record is loaded. A gate is never narrower than
 * the record rule it stands before (no one the record rule allows is stopped at the route).
 */
describe('partnership policy: route gates', () => {
  const gateCases = roles.map((role) => ({
    role,
    isManagerRole: ['admin', 'director', 'networkCoordinator'].includes(role),
  }));

  it.each(gateCases)('gates as $role: read yes, edit and members $isManagerRole', ({ role, isManagerRole }) => {
    const actor = actorFor(role, relations.unrelated);
    expect(canReadPartnerships(actor)).toBe(true);
    expect(canEditPartnerships(actor)).toBe(isManagerRole);
    expect(canManagePartnershipMembers(actor)).toBe(isManagerRole);
  });

  it('never stops at the route someone the record rule lets through', () => {
    for (const { relationName, role } of cases) {
      const actor = actorFor(role, relations[relationName]);
      if (canReadPartnership(actor, partnership)) expect(canReadPartnerships(actor)).toBe(true);
      if (canManagePartnership(actor, partnership)) {
        expect(canEditPartnerships(actor)).toBe(true);
        expect(canManagePartnershipMembers(actor)).toBe(true);
      }
    }
  });

  it('lets nobody without an acting membership past any gate', () => {
    const actor: Actor = { ...actorFor('admin', relations.leader), membership: null, memberships: [] };
    expect(canReadPartnerships(actor)).toBe(false);
    expect(canEditPartnerships(actor)).toBe(false);
    expect(canManagePartnershipMembers(actor)).toBe(false);
  });
});

/**
 * Role x field of the partnership the actor runs (through the leader) -> may change it. Territory and
 * leader decide who else reaches the partnership: after founding only an administrator changes them.
 */
const partnershipFields = [
  'name',
  'areaDescription',
  'modelVariant',
  'establishedOn',
  'stage',
  'coordinatorUserIds',
  'territoryCode',
  'leaderInstitutionId',
] as const;
// prettier-ignore
const expectedFields: Record<Role, string> = {
  //                     name area model established stage coordinators territory leader
  admin:                'Y    Y    Y     Y           Y     Y            Y         Y',
  director:             'Y    Y    Y     Y           Y     Y            .         .',
  networkCoordinator:   'Y    Y    Y     Y           Y     Y            .         .',
  caseManager:          '.    .    .     .           .     .            .         .',
  partnerRepresentative:'.    .    .     .           .     .            .         .',
  specialist:           '.    .    .     .           .     .            .         .',
  supervisor:           '.    .    .     .           .     .            .         .',
  evaluator:            '.    .    .     .           .     .            .         .',
  ropsCoordinator:      '.    .    .     .           .     .            .         .',
  pcprAnimator:         '.    .    .     .           .     .            .         .',
};

describe('partnership policy: role x field of a partnership the leader runs', () => {
  const fieldCases = roles.flatMap((role) => {
    const marks = expectedFields[role].split(/\s+/);
    return partnershipFields.map((field, index) => ({ role, field, isAllowed: marks[index] === 'Y' }));
  });

  it('has a row for every role and a column for every field, access-deciding fields included', () => {
    expect(Object.keys(expectedFields).sort()).toEqual([...roles].sort());
    for (const role of roles) expect(expectedFields[role].split(/\s+/)).toHaveLength(partnershipFields.length);
    expect(partnershipFields).toEqual(expect.arrayContaining([...accessDecidingPartnershipFields]));
  });

  it.each(fieldCases)('$role of the leader may change $field -> $isAllowed', ({ role, field, isAllowed }) => {
    expect(canChangePartnershipField(actorFor(role, relations.leader), partnership, field)).toBe(isAllowed);
  });

  it.each(accessDecidingPartnershipFields)('nobody but an admin changes %s, whatever the relation', (field) => {
    for (const relationName of Object.keys(relations) as RelationName[]) {
      for (const role of roles) {
        const actor = actorFor(role, relations[relationName]);
        expect(canChangePartnershipField(actor, partnership, field)).toBe(role === 'admin');
      }
    }
  });
});
