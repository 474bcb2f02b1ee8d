/** Role x action -> allowed for the audit log: administrators only, whatever their institution. */
import { describe, expect, it } from 'vitest';
import type { Actor } from '../platform/auth/actor.js';
import { roles, type InstitutionKind, type Role } from '../../../shared/src/contracts/common.js';
import { canReadAudit, canVerifyAudit } from './audit.policy.js';

function actorFor(role: Role, institutionKind: InstitutionKind): Actor {
  const membership = {
    id: 'd0000000-0000-4000-8000-000000000001',
    institutionId: 'b0000000-0000-4000-8000-000000000001',
    institutionName: 'Regionalny Ośrodek Polityki Społecznej w Łodzi',
    institutionKind,
    institutionTerritoryCode: '1061011',
    role,
  };
  return {
    userId: 'a0000000-0000-4000-8000-000000000001',
    displayName: 'Łucja Żak',
    email: 'lucja@test.kooperacja.pl',
    sessionId: 'e0000000-0000-4000-8000-000000000001',
    mustChangePassword: false,
    isTotpEnabled: true,
    membership,
    memberships: [membership],
  };
}

const actions = { read: canReadAudit, verify: canVerifyAudit };
const kinds: InstitutionKind[] = ['ops', 'rops', 'pcpr', 'school'];
const cases = (Object.keys(actions) as Array<keyof typeof actions>).flatMap((action) =>
  kinds.flatMap((kind) => roles.map((role) => ({ action, role, kind, isAllowed: role === 'admin' }))),
);

describe('audit policy: role x action', () => {
  it.each(cases)('$action as $role of $kind -> $isAllowed', ({ action, role, kind, isAllowed }) => {
    expect(actions[action](actorFor(role, kind))).toBe(isAllowed);
  });

  it('refuses a person without an acting membership', () => {
    const actor: Actor = { ...actorFor('admin', 'ops'), membership: null, memberships: [] };
    expect(canReadAudit(actor)).toBe(false);
    expect(canVerifyAudit(actor)).toBe(false);
  });
});
