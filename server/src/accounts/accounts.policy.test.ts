/**
 * Who may manage accounts, role by role, and which policy each accounts route declares.
 * A change in either table is a permission change: review it as one.
 */
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { roles, type Role } from '../../../shared/src/contracts/common.js';
import type { ActingMembership, Actor } from '../platform/auth/actor.js';
import type { AppDependencies } from '../platform/http/app.js';
import type { RoutePolicy } from '../platform/http/route-policy.js';
import { loadConfig } from '../platform/config.js';
import { canChangeUserStatus, canManageOwnAccount, canManageUsers } from './accounts.policy.js';
import { signInRoutes } from './sign-in.routes.js';
import { ownAccountRoutes } from './own-account.routes.js';
import { userRoutes } from './users.routes.js';

const ACTOR_ID = '11111111-1111-4111-8111-111111111111';
const OTHER_ID = '22222222-2222-4222-8222-222222222222';

function actorWith(role: Role | null): Actor {
  const membership: ActingMembership | null = role
    ? {
        id: '33333333-3333-4333-8333-333333333333',
        institutionId: '44444444-4444-4444-8444-444444444444',
        institutionName: 'Miejski Ośrodek Pomocy Społecznej w Łodzi',
        institutionKind: 'mops',
        institutionTerritoryCode: '1061011',
        role,
      }
    : null;
  return {
    userId: ACTOR_ID,
    displayName: 'Katarzyna Wójcik',
    email: 'k.wojcik@test.kooperacja.pl',
    sessionId: '55555555-5555-4555-8555-555555555555',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership,
    memberships: membership ? [membership] : [],
  };
}

type Expectation = {
  manageUsers: boolean;
  manageOwnAccount: boolean;
  deactivateOther: boolean;
  deactivateSelf: boolean;
};
const adminOnly: Expectation = {
  manageUsers: false,
  manageOwnAccount: true,
  deactivateOther: false,
  deactivateSelf: false,
};

const expected: Record<Role | 'noMembership', Expectation> = {
  admin: { manageUsers: true, manageOwnAccount: true, deactivateOther: true, deactivateSelf: false },
  director: adminOnly,
  networkCoordinator: adminOnly,
  caseManager: adminOnly,
  partnerRepresentative: adminOnly,
  specialist: adminOnly,
  supervisor: adminOnly,
  evaluator: adminOnly,
  ropsCoordinator: adminOnly,
  pcprAnimator: adminOnly,
  noMembership: adminOnly,
};

describe('accounts policy', () => {
  it('covers every role', () => {
    expect(Object.keys(expected).sort()).toEqual([...roles, 'noMembership'].sort());
  });

  const cases = Object.entries(expected).flatMap(([role, expectation]) => {
    const actor = actorWith(role === 'noMembership' ? null : (role as Role));
    return [
      { role, action: 'manageUsers', allowed: canManageUsers(actor), expected: expectation.manageUsers },
      { role, action: 'manageOwnAccount', allowed: canManageOwnAccount(actor), expected: expectation.manageOwnAccount },
      {
        role,
        action: 'deactivateOther',
        allowed: canChangeUserStatus(actor, { id: OTHER_ID }),
        expected: expectation.deactivateOther,
      },
      {
        role,
        action: 'deactivateSelf',
        allowed: canChangeUserStatus(actor, { id: ACTOR_ID }),
        expected: expectation.deactivateSelf,
      },
    ];
  });

  it.each(cases)('$role $action -> $expected', ({ allowed, expected: isExpected }) => {
    expect(allowed).toBe(isExpected);
  });
});

describe('declared route policies', () => {
  it('every accounts route declares the expected policy', async () => {
    const declared: string[] = [];
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.addHook('onRoute', (route) => {
      const policy = route.config?.policy as RoutePolicy | undefined;
      const allow = !policy ? 'NONE' : typeof policy.allow === 'string' ? policy.allow : policy.allow.name;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods.filter((m) => m !== 'HEAD')) {
        declared.push(
          `${method} ${route.url} ${policy?.action ?? '-'} ${allow}${policy?.isAllowedDuringSignIn ? ' duringSignIn' : ''}`,
        );
      }
    });
    // Registration only: no request reaches the database.
    const deps = { config: loadConfig({ NODE_ENV: 'test' }), database: {} } as unknown as AppDependencies;
    await app.register(async (scope) => signInRoutes(scope, deps), { prefix: '/api/v1' });
    await app.register(async (scope) => ownAccountRoutes(scope, deps), { prefix: '/api/v1' });
    await app.register(async (scope) => userRoutes(scope, deps), { prefix: '/api/v1' });
    await app.ready();
    await app.close();
    expect(declared.sort()).toEqual(
      [
        'POST /api/v1/auth/login auth.login public',
        'POST /api/v1/auth/login/second-factor auth.secondFactor signedIn duringSignIn',
        'POST /api/v1/auth/logout auth.logout signedIn duringSignIn',
        'GET /api/v1/auth/me auth.me signedIn duringSignIn',
        'PUT /api/v1/auth/me/active-membership auth.membership.switch canManageOwnAccount',
        'POST /api/v1/auth/password auth.password.change canManageOwnAccount duringSignIn',
        'GET /api/v1/auth/sessions auth.session.list canManageOwnAccount',
        'DELETE /api/v1/auth/sessions/:id auth.session.revoke canManageOwnAccount',
        'POST /api/v1/auth/sessions/revoke-others auth.session.revokeOthers canManageOwnAccount',
        'POST /api/v1/auth/totp/setup auth.totp.setup canManageOwnAccount',
        'POST /api/v1/auth/totp/enable auth.totp.enable canManageOwnAccount',
        'POST /api/v1/auth/totp/disable auth.totp.disable canManageOwnAccount',
        'GET /api/v1/users user.list canManageUsers',
        'POST /api/v1/users user.create canManageUsers',
        'POST /api/v1/users/search user.list canManageUsers',
        'GET /api/v1/users/:id user.read canManageUsers',
        'PATCH /api/v1/users/:id user.update canManageUsers',
        'POST /api/v1/users/:id/password-reset user.password.reset canManageUsers',
        'POST /api/v1/users/:id/memberships user.membership.add canManageUsers',
        'DELETE /api/v1/users/:id/memberships/:membershipId user.membership.remove canManageUsers',
        'GET /api/v1/users/:id/sessions user.sessions.list canManageUsers',
        'POST /api/v1/users/:id/sessions/revoke user.sessions.revoke canManageUsers',
      ].sort(),
    );
  });
});
