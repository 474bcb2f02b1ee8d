/**
 * The permission table of the institution registry. A change here is a permission change: review it
 * as one. Relations: `own` = the actor's institution, `registeredByOwn` = an institution the actor's
 * institution registered and nobody works in yet, `registeredByOwnStaffed` = the same once it has
 * staff of its own, `registeredByAdmin` = registered by a deployment administrator (no registrar),
 * `foreign` = none of these.
 */
import { describe, expect, it } from 'vitest';
import { roles, type Role } from '../../../shared/src/contracts/common.js';
import type { Actor } from '../platform/auth/actor.js';
import {
  accessDecidingInstitutionFields,
  canArchiveInstitution,
  canChangeInstitutionField,
  canCreateInstitution,
  canListInstitutions,
  canReadInstitution,
  canUpdateInstitution,
  type InstitutionRecord,
} from './institutions.policy.js';

const ACTOR_INSTITUTION = '00000000-0000-4000-8000-00000000000a';
const OTHER_INSTITUTION = '00000000-0000-4000-8000-00000000000b';

type Relation = 'own' | 'registeredByOwn' | 'registeredByOwnStaffed' | 'registeredByAdmin' | 'foreign';
type Action = 'list' | 'read' | 'create' | `update:${Relation}` | `archive:${Relation}`;

const actions: readonly Action[] = [
  'list',
  'read',
  'create',
  'update:own',
  'update:registeredByOwn',
  'update:registeredByOwnStaffed',
  'update:registeredByAdmin',
  'update:foreign',
  'archive:own',
  'archive:registeredByOwn',
  'archive:registeredByOwnStaffed',
  'archive:registeredByAdmin',
  'archive:foreign',
];

/** Y = allowed, . = refused; columns in the order of `actions` (upd/arc: own, reg, reg+staff, by admin, foreign). */
// prettier-ignore
const expected: Record<Role, string> = {
  //                     list read create  upd: own reg stf adm for   arc: own reg stf adm for
  admin:                'Y    Y    Y           Y   Y   Y   Y   Y         Y   Y   Y   Y   Y',
  director:             'Y    Y    Y           Y   Y   .   .   .         Y   Y   .   .   .',
  networkCoordinator:   'Y    Y    Y           Y   Y   .   .   .         .   .   .   .   .',
  caseManager:          'Y    Y    .           .   .   .   .   .         .   .   .   .   .',
  partnerRepresentative:'Y    Y    .           Y   .   .   .   .         .   .   .   .   .',
  specialist:           'Y    Y    .           .   .   .   .   .         .   .   .   .   .',
  supervisor:           'Y    Y    .           .   .   .   .   .         .   .   .   .   .',
  evaluator:            'Y    Y    .           .   .   .   .   .         .   .   .   .   .',
  ropsCoordinator:      'Y    Y    Y           .   Y   .   .   .         .   .   .   .   .',
  pcprAnimator:         'Y    Y    Y           .   Y   .   .   .         .   .   .   .   .',
};

/**
 * Role x field of the own institution (or, for regional roles, one their institution registered and
 * nobody works in yet) -> may change it. Kind and territory decide access (regional reach, who may
 * found a partnership): only a deployment administrator changes them.
 */
const fields = [
  'name',
  'shortName',
  'sector',
  'cooperationAreas',
  'street',
  'postalCode',
  'city',
  'email',
  'phone',
  'website',
  'contacts',
  'kind',
  'territoryCode',
] as const;
// prettier-ignore
const expectedFields: Record<Role, string> = {
  //                     name short sector areas street postal city email phone www contacts kind territory
  admin:                'Y    Y     Y      Y     Y      Y      Y    Y     Y     Y   Y        Y    Y',
  director:             'Y    Y     Y      Y     Y      Y      Y    Y     Y     Y   Y        .    .',
  networkCoordinator:   'Y    Y     Y      Y     Y      Y      Y    Y     Y     Y   Y        .    .',
  caseManager:          '.    .     .      .     .      .      .    .     .     .   .        .    .',
  partnerRepresentative:'Y    Y     Y      Y     Y      Y      Y    Y     Y     Y   Y        .    .',
  specialist:           '.    .     .      .     .      .      .    .     .     .   .        .    .',
  supervisor:           '.    .     .      .     .      .      .    .     .     .   .        .    .',
  evaluator:            '.    .     .      .     .      .      .    .     .     .   .        .    .',
  ropsCoordinator:      'Y    Y     Y      Y     Y      Y      Y    Y     Y     Y   Y        .    .',
  pcprAnimator:         'Y    Y     Y      Y     Y      Y      Y    Y     Y     Y   Y        .    .',
};

function actorWith(role: Role | null): Actor {
  const membership =
    role === null
      ? null
      : {
          id: '00000000-0000-4000-8000-0000000000ff',
          institutionId: ACTOR_INSTITUTION,
          institutionName: 'Miejski Ośrodek Pomocy Społecznej w Łodzi',
          institutionKind: 'mops' as const,
          institutionTerritoryCode: '1061011',
          role,
        };
  return {
    userId: '00000000-0000-4000-8000-000000000001',
    displayName: 'Zofia Źrebięcka',
    email: 'zofia@test.kooperacja.pl',
    sessionId: '00000000-0000-4000-8000-000000000002',
    mustChangePassword: false,
    isTotpEnabled: true,
    membership,
    memberships: membership ? [membership] : [],
  };
}

function recordFor(relation: Relation, archivedAt: Date | null = null): InstitutionRecord {
  if (relation === 'own')
    return { id: ACTOR_INSTITUTION, registeredByInstitutionId: null, archivedAt, hasOwnStaff: true };
  if (relation === 'registeredByOwn')
    return { id: OTHER_INSTITUTION, registeredByInstitutionId: ACTOR_INSTITUTION, archivedAt, hasOwnStaff: false };
  if (relation === 'registeredByOwnStaffed')
    return { id: OTHER_INSTITUTION, registeredByInstitutionId: ACTOR_INSTITUTION, archivedAt, hasOwnStaff: true };
  if (relation === 'registeredByAdmin')
    return { id: OTHER_INSTITUTION, registeredByInstitutionId: null, archivedAt, hasOwnStaff: false };
  return {
    id: OTHER_INSTITUTION,
    registeredByInstitutionId: '00000000-0000-4000-8000-00000000000c',
    archivedAt,
    hasOwnStaff: false,
  };
}

function isAllowed(actor: Actor, action: Action, archivedAt: Date | null = null): boolean {
  const [verb, relation] = action.split(':') as [string, Relation | undefined];
  switch (verb) {
    case 'list':
      return canListInstitutions(actor);
    case 'read':
      return canReadInstitution(actor);
    case 'create':
      return canCreateInstitution(actor);
    case 'update':
      return canUpdateInstitution(actor, recordFor(relation!, archivedAt));
    default:
      return canArchiveInstitution(actor, recordFor(relation!, archivedAt));
  }
}

const cases = roles.flatMap((role) => {
  const marks = expected[role].split(/\s+/);
  return actions.map((action, index) => ({ role, action, isExpected: marks[index] === 'Y' }));
});

describe('institutions policy', () => {
  it('has a row for every role and a column for every action', () => {
    expect(Object.keys(expected).sort()).toEqual([...roles].sort());
    for (const role of roles) expect(expected[role].split(/\s+/)).toHaveLength(actions.length);
  });

  it.each(cases)('$role may $action: $isExpected', ({ role, action, isExpected }) => {
    expect(isAllowed(actorWith(role), action)).toBe(isExpected);
  });

  it.each(cases)(
    '$role on an archived record, $action: same answer (archiving does not lock editors out)',
    ({ role, action, isExpected }) => {
      expect(isAllowed(actorWith(role), action, new Date('2026-01-02T10:00:00Z'))).toBe(isExpected);
    },
  );

  it.each(actions)('a signed-in person without any membership is refused: %s', (action) => {
    expect(isAllowed(actorWith(null), action)).toBe(false);
  });
});

const fieldCases = roles.flatMap((role) => {
  const marks = expectedFields[role].split(/\s+/);
  return fields.map((field, index) => ({ role, field, isExpected: marks[index] === 'Y' }));
});

/** The institution the role keeps: its own, or for regional roles one they registered (no staff yet). */
function keptRecordFor(role: Role): InstitutionRecord {
  return recordFor(role === 'ropsCoordinator' || role === 'pcprAnimator' ? 'registeredByOwn' : 'own');
}

describe('institutions policy: fields', () => {
  it('has a row for every role and a column for every field, access-deciding fields included', () => {
    expect(Object.keys(expectedFields).sort()).toEqual([...roles].sort());
    for (const role of roles) expect(expectedFields[role].split(/\s+/)).toHaveLength(fields.length);
    expect(fields).toEqual(expect.arrayContaining([...accessDecidingInstitutionFields]));
  });

  it.each(fieldCases)(
    '$role may change $field of the institution it keeps: $isExpected',
    ({ role, field, isExpected }) => {
      expect(canChangeInstitutionField(actorWith(role), keptRecordFor(role), field)).toBe(isExpected);
    },
  );

  it.each(accessDecidingInstitutionFields)('nobody but an admin changes %s, on any record', (field) => {
    const relations: Relation[] = ['own', 'registeredByOwn', 'registeredByOwnStaffed', 'registeredByAdmin', 'foreign'];
    for (const role of roles) {
      for (const relation of relations) {
        expect(canChangeInstitutionField(actorWith(role), recordFor(relation), field)).toBe(role === 'admin');
      }
    }
  });
});
