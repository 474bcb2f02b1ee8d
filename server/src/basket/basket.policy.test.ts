/** Table-driven: every role in every relation to a partnership and a card, against every basket action. */
import { describe, expect, it } from 'vitest';
import { roles, type InstitutionKind, type Role } from '../../../shared/src/contracts/common.js';
import type { Actor } from '../platform/auth/actor.js';
import type { PartnershipRecord } from '../partnerships/partnerships.policy.js';
import {
  canConfirmService,
  canCreateService,
  canDecideChangeRequest,
  canImportBasket,
  canProposeChange,
  canPublishService,
  canReadBasket,
  canReadService,
  canReviewChangeRequest,
  canSubmitService,
  canUpdateService,
  type ServiceRecord,
} from './basket.policy.js';

const LEADER = 'leader-ops';
const SCHOOL = 'member-school';
const OTHER_MEMBER = 'member-ngo';
const partnership: PartnershipRecord = {
  id: 'p1',
  territoryCode: '1219053',
  leaderInstitutionId: LEADER,
  activeMemberInstitutionIds: [LEADER, SCHOOL, OTHER_MEMBER],
  coordinatorUserIds: ['appointed-coordinator'],
};
const schoolDraft: ServiceRecord = { providerInstitutionId: SCHOOL, status: 'draft' };
const schoolPublished: ServiceRecord = { providerInstitutionId: SCHOOL, status: 'published' };

type Relation =
  'leader' | 'ownProviderSchool' | 'otherMember' | 'ropsSameVoivodeship' | 'ropsOtherVoivodeship' | 'unrelated';
const relations: Record<Relation, { institutionId: string; kind: InstitutionKind; territory: string }> = {
  leader: { institutionId: LEADER, kind: 'ops', territory: '1219053' },
  ownProviderSchool: { institutionId: SCHOOL, kind: 'school', territory: '1219053' },
  otherMember: { institutionId: OTHER_MEMBER, kind: 'ngo', territory: '1219053' },
  ropsSameVoivodeship: { institutionId: 'rops-krakow', kind: 'rops', territory: '1261011' },
  ropsOtherVoivodeship: { institutionId: 'rops-lodz', kind: 'rops', territory: '1061011' },
  unrelated: { institutionId: 'elsewhere', kind: 'ops', territory: '0201011' },
};

function actor(role: Role, relation: Relation, userId = 'someone'): Actor {
  const r = relations[relation];
  const membership = {
    id: 'm',
    institutionId: r.institutionId,
    institutionName: 'x',
    institutionKind: r.kind,
    institutionTerritoryCode: r.territory,
    role,
  };
  return {
    userId,
    displayName: 'x',
    email: 'x@example.pl',
    sessionId: 's',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership,
    memberships: [membership],
  };
}

const allowed = (check: (a: Actor) => boolean) =>
  roles.flatMap((role) =>
    (Object.keys(relations) as Relation[])
      .filter((relation) => check(actor(role, relation)))
      .map((rel) => `${role}@${rel}`),
  );

describe('basket policy', () => {
  it('lets members and regional roles of the voivodeship read the published basket, nobody unrelated', () => {
    const readers = allowed((a) => canReadBasket(a, partnership));
    for (const role of roles) {
      expect(readers).toContain(`${role}@leader`);
      expect(readers).toContain(`${role}@otherMember`);
      // Admins are deployment administrators and see every basket.
      if (role === 'admin') continue;
      expect(readers).not.toContain(`${role}@ropsOtherVoivodeship`);
      expect(readers).not.toContain(`${role}@unrelated`);
    }
    expect(readers).toContain('ropsCoordinator@ropsSameVoivodeship');
    expect(readers).not.toContain('caseManager@ropsSameVoivodeship');
  });

  it('shows a draft only to the basket managers, the provider’s card keepers and admins', () => {
    expect(allowed((a) => canReadService(a, partnership, schoolDraft)).sort()).toEqual(
      [
        'admin@leader',
        'admin@otherMember',
        'admin@ownProviderSchool',
        'admin@ropsOtherVoivodeship',
        'admin@ropsSameVoivodeship',
        'admin@unrelated',
        'director@leader',
        'director@ownProviderSchool',
        'networkCoordinator@leader',
        'networkCoordinator@ownProviderSchool',
        'partnerRepresentative@ownProviderSchool',
      ].sort(),
    );
    expect(allowed((a) => canReadService(a, partnership, schoolPublished))).toContain('caseManager@otherMember');
  });

  it('lets a partner create partner cards only for its own institution; managers any origin', () => {
    const own = { providerInstitutionId: SCHOOL, origin: 'partner' };
    const neighbourhood = { providerInstitutionId: null, origin: 'neighbourhood' };
    expect(canCreateService(actor('partnerRepresentative', 'ownProviderSchool'), partnership, own)).toBe(true);
    expect(canCreateService(actor('partnerRepresentative', 'otherMember'), partnership, own)).toBe(false);
    expect(canCreateService(actor('partnerRepresentative', 'ownProviderSchool'), partnership, neighbourhood)).toBe(
      false,
    );
    expect(canCreateService(actor('caseManager', 'ownProviderSchool'), partnership, own)).toBe(false);
    expect(canCreateService(actor('networkCoordinator', 'leader'), partnership, neighbourhood)).toBe(true);
    expect(canCreateService(actor('caseManager', 'leader'), partnership, neighbourhood)).toBe(false);
    expect(
      canCreateService(actor('specialist', 'otherMember', 'appointed-coordinator'), partnership, neighbourhood),
    ).toBe(false);
    expect(
      canCreateService(actor('networkCoordinator', 'otherMember', 'appointed-coordinator'), partnership, neighbourhood),
    ).toBe(true);
  });

  it('keeps publishing with the basket managers, submitting and confirming with the card keepers too', () => {
    expect(
      allowed((a) => canPublishService(a, partnership, schoolDraft)).filter((x) => !x.startsWith('admin')),
    ).toEqual(['director@leader', 'networkCoordinator@leader']);
    expect(allowed((a) => canSubmitService(a, partnership, schoolDraft))).toContain(
      'partnerRepresentative@ownProviderSchool',
    );
    expect(canSubmitService(actor('partnerRepresentative', 'ownProviderSchool'), partnership, schoolPublished)).toBe(
      false,
    );
    expect(canConfirmService(actor('partnerRepresentative', 'ownProviderSchool'), partnership, schoolPublished)).toBe(
      true,
    );
    expect(canConfirmService(actor('partnerRepresentative', 'ownProviderSchool'), partnership, schoolDraft)).toBe(
      false,
    );
    expect(
      canUpdateService(actor('partnerRepresentative', 'ownProviderSchool'), partnership, {
        ...schoolDraft,
        status: 'withdrawn',
      }),
    ).toBe(false);
    expect(canUpdateService(actor('partnerRepresentative', 'otherMember'), partnership, schoolDraft)).toBe(false);
  });

  it('routes change requests: members propose, network coordinators review, the leader’s director decides', () => {
    const proposers = allowed((a) => canProposeChange(a, partnership));
    expect(proposers).toContain('caseManager@leader');
    expect(proposers).toContain('specialist@otherMember');
    expect(proposers).not.toContain('ropsCoordinator@ropsSameVoivodeship');
    expect(proposers).not.toContain('caseManager@unrelated');
    expect(allowed((a) => canReviewChangeRequest(a, partnership)).filter((x) => !x.startsWith('admin'))).toEqual([
      'networkCoordinator@leader',
    ]);
    expect(
      canReviewChangeRequest(actor('networkCoordinator', 'otherMember', 'appointed-coordinator'), partnership),
    ).toBe(true);
    expect(allowed((a) => canDecideChangeRequest(a, partnership)).filter((x) => !x.startsWith('admin'))).toEqual([
      'director@leader',
    ]);
    expect(allowed((a) => canImportBasket(a, partnership)).filter((x) => !x.startsWith('admin'))).toEqual([
      'director@leader',
      'networkCoordinator@leader',
    ]);
  });
});
