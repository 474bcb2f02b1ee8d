/**
 * Table-driven: every role in every relation to a partnership and a card, against every basket
 * action. Each action lists exactly who is allowed; everybody else in the table is refused, so a rule
 * that widens or narrows shows up as a changed list.
 */
import { describe, expect, it } from 'vitest';
import { roles, type InstitutionKind, type Role } from '../../../shared/src/contracts/common.js';
import type { ServiceStatus } from '../../../shared/src/contracts/basket.js';
import type { Actor } from '../platform/auth/actor.js';
import type { PartnershipRecord } from '../partnerships/partnerships.policy.js';
import {
  canConfirmService,
  canCreateService,
  canDecideChangeRequest,
  canImportBasket,
  canProposeChange,
  canPublishBasketPage,
  canPublishService,
  canReadBasket,
  canReadService,
  canReturnServiceToDraft,
  canReviewChangeRequest,
  canSubmitService,
  canSuspendService,
  canUpdateService,
  canWithdrawService,
  isProviderInPartnership,
  type ServiceRecord,
} from './basket.policy.js';

const LEADER = 'leader-ops';
const SCHOOL = 'member-school';
const OTHER_MEMBER = 'member-ngo';
const APPOINTED_USER = 'appointed-coordinator';
const partnership: PartnershipRecord = {
  id: 'p1',
  territoryCode: '1219053',
  leaderInstitutionId: LEADER,
  activeMemberInstitutionIds: [LEADER, SCHOOL, OTHER_MEMBER],
  coordinatorUserIds: [APPOINTED_USER],
};

/** How the actor's acting institution (and, for the appointed coordinator, the user) relates to the partnership. */
const relations = {
  leader: { institutionId: LEADER, kind: 'ops', territory: '1219053' },
  // Appointed by name: their own institution takes no part; only the user id links them.
  appointedCoordinator: {
    institutionId: 'coordinator-home',
    kind: 'ngo',
    territory: '1061011',
    userId: APPOINTED_USER,
  },
  ownProvider: { institutionId: SCHOOL, kind: 'school', territory: '1219053' },
  otherMember: { institutionId: OTHER_MEMBER, kind: 'ngo', territory: '1219053' },
  ropsSameVoivodeship: { institutionId: 'rops-krakow', kind: 'rops', territory: '1261011' },
  ropsOtherVoivodeship: { institutionId: 'rops-lodz', kind: 'rops', territory: '1061011' },
  pcprSamePowiat: { institutionId: 'pcpr-wieliczka', kind: 'pcpr', territory: '1219011' },
  unrelated: { institutionId: 'elsewhere', kind: 'ops', territory: '0201011' },
} satisfies Record<string, { institutionId: string; kind: InstitutionKind; territory: string; userId?: string }>;
type Relation = keyof typeof relations;
const relationNames = Object.keys(relations) as Relation[];

function actor(role: Role, relation: Relation): Actor {
  const r: (typeof relations)[Relation] & { userId?: string } = relations[relation];
  const membership = {
    id: 'm',
    institutionId: r.institutionId,
    institutionName: 'x',
    institutionKind: r.kind,
    institutionTerritoryCode: r.territory,
    role,
  };
  return {
    userId: r.userId ?? 'someone',
    displayName: 'x',
    email: 'x@example.pl',
    sessionId: 's',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership,
    memberships: [membership],
  };
}

const cell = (role: Role, relation: Relation) => `${role}@${relation}`;
/** The sorted list of role@relation the check allows. */
const allowed = (check: (a: Actor) => boolean) =>
  roles
    .flatMap((role) => relationNames.filter((relation) => check(actor(role, relation))).map((r) => cell(role, r)))
    .sort();
const list = (...cells: string[][]) => [...new Set(cells.flat())].sort();

const ADMINS = relationNames.map((r) => cell('admin', r));
/** canManagePartnership: the leader's director and network coordinators, the appointed network coordinator. */
const MANAGERS = ['director@leader', 'networkCoordinator@leader', 'networkCoordinator@appointedCoordinator'];
/** The provider's (the school's) card keepers. */
const KEEPERS = ['partnerRepresentative@ownProvider', 'director@ownProvider', 'networkCoordinator@ownProvider'];
/** Everyone working in the partnership: any role at the leader or a member, and the appointed coordinator. */
const MEMBERS = roles.flatMap((role) =>
  (['leader', 'appointedCoordinator', 'ownProvider', 'otherMember'] as Relation[]).map((r) => cell(role, r)),
);
const REGIONAL = [
  'ropsCoordinator@ropsSameVoivodeship',
  'evaluator@ropsSameVoivodeship',
  'supervisor@ropsSameVoivodeship',
  'pcprAnimator@pcprSamePowiat',
];
const NOBODY: string[] = [];

const card = (status: ServiceStatus, providerInstitutionId: string | null = SCHOOL): ServiceRecord => ({
  providerInstitutionId,
  status,
});
type CardCheck = (a: Actor, p: PartnershipRecord, s: ServiceRecord) => boolean;

describe('basket policy: who may do what, every role x relation', () => {
  const cases: Array<[string, (a: Actor) => boolean, string[]]> = [
    ['read the published basket', (a) => canReadBasket(a, partnership), list(ADMINS, MEMBERS, REGIONAL)],
    [
      'read a published card',
      (a) => canReadService(a, partnership, card('published')),
      list(ADMINS, MEMBERS, REGIONAL),
    ],
    ...(['draft', 'submitted', 'suspended', 'withdrawn'] as const).map(
      (status): [string, (a: Actor) => boolean, string[]] => [
        `read a ${status} card`,
        (a) => canReadService(a, partnership, card(status)),
        list(ADMINS, MANAGERS, KEEPERS),
      ],
    ),
    [
      'read a draft of a provider outside the registry',
      (a) => canReadService(a, partnership, card('draft', null)),
      list(ADMINS, MANAGERS),
    ],
    [
      'create the school’s partner card',
      (a) => canCreateService(a, partnership, { providerInstitutionId: SCHOOL, origin: 'partner' }),
      list(ADMINS, MANAGERS, KEEPERS),
    ],
    [
      'create a neighbourhood card',
      (a) => canCreateService(a, partnership, { providerInstitutionId: null, origin: 'neighbourhood' }),
      list(ADMINS, MANAGERS),
    ],
    [
      'create a self-help card naming the school',
      (a) => canCreateService(a, partnership, { providerInstitutionId: SCHOOL, origin: 'selfHelp' }),
      list(ADMINS, MANAGERS),
    ],
    [
      'create a partner card of a non-member',
      (a) => canCreateService(a, partnership, { providerInstitutionId: 'elsewhere', origin: 'partner' }),
      list(ADMINS, MANAGERS),
    ],
    ['propose a change', (a) => canProposeChange(a, partnership), list(ADMINS, MEMBERS)],
    [
      'review a change request',
      (a) => canReviewChangeRequest(a, partnership),
      list(ADMINS, ['networkCoordinator@leader', 'networkCoordinator@appointedCoordinator']),
    ],
    ['decide a change request', (a) => canDecideChangeRequest(a, partnership), list(ADMINS, ['director@leader'])],
    ['import into the basket', (a) => canImportBasket(a, partnership), list(ADMINS, MANAGERS)],
    ['publish the basket page', (a) => canPublishBasketPage(a, partnership), list(ADMINS, MANAGERS)],
  ];
  it.each(cases)('%s', (_name, check, expected) => {
    expect(allowed(check)).toEqual(expected);
  });

  /** [action, check, status of the school's card, who may]; a status the action does not apply to: nobody. */
  const cardCases: Array<[string, CardCheck, ServiceStatus, string[]]> = [
    ['update', canUpdateService, 'draft', list(ADMINS, MANAGERS, KEEPERS)],
    ['update', canUpdateService, 'submitted', list(ADMINS, MANAGERS, KEEPERS)],
    ['update', canUpdateService, 'published', list(ADMINS, MANAGERS, KEEPERS)],
    ['update', canUpdateService, 'suspended', list(ADMINS, MANAGERS, KEEPERS)],
    ['update', canUpdateService, 'withdrawn', NOBODY],
    ['submit', canSubmitService, 'draft', list(ADMINS, MANAGERS, KEEPERS)],
    ['submit', canSubmitService, 'submitted', NOBODY],
    ['submit', canSubmitService, 'published', NOBODY],
    ['publish', canPublishService, 'draft', list(ADMINS, MANAGERS)],
    ['publish', canPublishService, 'submitted', list(ADMINS, MANAGERS)],
    ['publish', canPublishService, 'suspended', list(ADMINS, MANAGERS)],
    ['publish', canPublishService, 'published', NOBODY],
    ['publish', canPublishService, 'withdrawn', NOBODY],
    ['suspend', canSuspendService, 'published', list(ADMINS, MANAGERS)],
    ['suspend', canSuspendService, 'draft', NOBODY],
    ['suspend', canSuspendService, 'suspended', NOBODY],
    ['withdraw', canWithdrawService, 'draft', list(ADMINS, MANAGERS)],
    ['withdraw', canWithdrawService, 'published', list(ADMINS, MANAGERS)],
    ['withdraw', canWithdrawService, 'withdrawn', NOBODY],
    ['returnToDraft', canReturnServiceToDraft, 'submitted', list(ADMINS, MANAGERS, KEEPERS)],
    ['returnToDraft', canReturnServiceToDraft, 'suspended', list(ADMINS, MANAGERS, KEEPERS)],
    ['returnToDraft', canReturnServiceToDraft, 'draft', NOBODY],
    ['returnToDraft', canReturnServiceToDraft, 'published', NOBODY],
    ['confirm', canConfirmService, 'published', list(ADMINS, MANAGERS, KEEPERS)],
    ['confirm', canConfirmService, 'draft', NOBODY],
    ['confirm', canConfirmService, 'suspended', NOBODY],
  ];
  it.each(cardCases)('%s a %s card of the school', (_action, check, status, expected) => {
    expect(allowed((a) => check(a, partnership, card(status)))).toEqual(expected);
  });

  it('gives card keepers nothing over a card of another member or of a provider outside the registry', () => {
    for (const check of [canUpdateService, canSubmitService, canConfirmService] as CardCheck[]) {
      const status = check === canConfirmService ? 'published' : 'draft';
      expect(allowed((a) => check(a, partnership, card(status, OTHER_MEMBER)))).toEqual(
        list(ADMINS, MANAGERS, [
          'partnerRepresentative@otherMember',
          'director@otherMember',
          'networkCoordinator@otherMember',
        ]),
      );
      expect(allowed((a) => check(a, partnership, card(status, null)))).toEqual(list(ADMINS, MANAGERS));
    }
  });

  it('drops a card keeper whose institution left the partnership', () => {
    const afterLeaving = { ...partnership, activeMemberInstitutionIds: [LEADER, OTHER_MEMBER] };
    const keeper = actor('partnerRepresentative', 'ownProvider');
    expect(canReadBasket(keeper, afterLeaving)).toBe(false);
    expect(canUpdateService(keeper, afterLeaving, card('draft'))).toBe(false);
    expect(canCreateService(keeper, afterLeaving, { providerInstitutionId: SCHOOL, origin: 'partner' })).toBe(false);
  });

  it('treats the leader and members that have not left as providers of partner cards', () => {
    expect(isProviderInPartnership(partnership, LEADER)).toBe(true);
    expect(isProviderInPartnership(partnership, SCHOOL)).toBe(true);
    expect(isProviderInPartnership(partnership, 'elsewhere')).toBe(false);
    expect(isProviderInPartnership(partnership, null)).toBe(false);
  });

  it('refuses an actor without an acting membership everything', () => {
    const nobody = { ...actor('admin', 'leader'), membership: null, memberships: [] };
    expect(canReadBasket(nobody, partnership)).toBe(false);
    expect(canReadService(nobody, partnership, card('published'))).toBe(false);
    expect(canCreateService(nobody, partnership, { providerInstitutionId: SCHOOL, origin: 'partner' })).toBe(false);
    expect(canUpdateService(nobody, partnership, card('draft'))).toBe(false);
    expect(canProposeChange(nobody, partnership)).toBe(false);
    expect(canReviewChangeRequest(nobody, partnership)).toBe(false);
    expect(canDecideChangeRequest(nobody, partnership)).toBe(false);
  });
});
