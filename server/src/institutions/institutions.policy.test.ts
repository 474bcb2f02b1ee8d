/**
 * The permission table of the institution registry. A change here is a permission change: review it
 * as one. Relations: `own` = the actor's institution, `registeredByOwn` = an institution the actor's
 * institution registered, `foreign` = neither.
 */
import { describe, expect, it } from 'vitest';
import { roles, type Role } from '../../../shared/src/contracts/common.js';
import type { Actor } from '../platform/auth/actor.js';
import {
  canArchiveInstitution,
  canCreateInstitution,
  canListInstitutions,
  canReadInstitution,
  canUpdateInstitution,
  type InstitutionRecord,
} from './institutions.policy.js';

const ACTOR_INSTITUTION = '00000000-0000-4000-8000-00000000000a';
const OTHER_INSTITUTION = '00000000-0000-4000-8000-00000000000b';

type Relation = 'own' | 'registeredByOwn' | 'foreign';
type Action = 'list' | 'read' | 'create' | `update:${Relation}` | `archive:${Relation}`;

const actions: readonly Action[] = [
  'list',
  'read',
  'create',
  'update:own',
  'update:registeredByOwn',
  'update:foreign',
  'archive:own',
  'archive:registeredByOwn',
  'archive:foreign',
];

/** Y = allowed, . = refused; columns in the order of `actions`. */
// prettier-ignore
const expected: Record<Role, string> = {
  //                     list read create upd:own upd:reg upd:for arc:own arc:reg arc:for
  admin:                'Y    Y    Y      Y       Y       Y       Y       Y       Y',
  director:             'Y    Y    Y      Y       Y       .       Y       Y       .',
  networkCoordinator:   'Y    Y    Y      Y       Y       .       .       .       .',
  caseManager:          'Y    Y    .      .       .       .       .       .       .',
  partnerRepresentative:'Y    Y    .      Y       .       .       .       .       .',
  specialist:           'Y    Y    .      .       .       .       .       .       .',
  supervisor:           'Y    Y    .      .       .       .       .       .       .',
  evaluator:            'Y    Y    .      .       .       .       .       .       .',
  ropsCoordinator:      'Y    Y    Y      .       Y       .       .       .       .',
  pcprAnimator:         'Y    Y    Y      .       Y       .       .       .       .',
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
  if (relation === 'own') return { id: ACTOR_INSTITUTION, registeredByInstitutionId: null, archivedAt };
  if (relation === 'registeredByOwn')
    return { id: OTHER_INSTITUTION, registeredByInstitutionId: ACTOR_INSTITUTION, archivedAt };
  return { id: OTHER_INSTITUTION, registeredByInstitutionId: '00000000-0000-4000-8000-00000000000c', archivedAt };
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
