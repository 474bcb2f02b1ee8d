/**
 * The generated role x endpoint matrix (docs/security.md §1). The snapshot lists, for every API route, its
 * declared action and the roles its policy lets through; a diff there is a permission change and is
 * reviewed as one. The HTTP part then signs in a real user of every role and calls every route:
 * refused roles get 403, allowed roles never get 403 from the route policy (404 or 400 come from
 * the random ids and empty bodies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roles, type InstitutionKind, type Role } from '../../../../shared/src/contracts/common.js';
import type { Actor } from '../auth/actor.js';
import { buildInstitution, signInAs } from '../../testing/factories.js';
import { createTestContext, type TestClient, type TestContext } from '../../testing/test-app.js';

/** The institution kind a person in each role typically works at. */
const institutionKindForRole: Record<Role, InstitutionKind> = {
  admin: 'ops',
  director: 'ops',
  networkCoordinator: 'ops',
  caseManager: 'ops',
  partnerRepresentative: 'school',
  specialist: 'pcpr',
  supervisor: 'rops',
  evaluator: 'rops',
  ropsCoordinator: 'rops',
  pcprAnimator: 'pcpr',
};

function actorWithRole(role: Role): Actor {
  const membership = {
    id: '00000000-0000-4000-8000-000000000001',
    institutionId: '00000000-0000-4000-8000-000000000002',
    institutionName: 'Instytucja testowa',
    institutionKind: institutionKindForRole[role],
    institutionTerritoryCode: '1061011',
    role,
  };
  return {
    userId: '00000000-0000-4000-8000-000000000003',
    displayName: 'Test',
    email: 'test@example.pl',
    sessionId: '00000000-0000-4000-8000-000000000004',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership,
    memberships: [membership],
  };
}

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await context?.close();
});

const fillPath = (url: string) =>
  url.replace(':code', '1061011').replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-00000000abcd');

describe('route permission matrix', () => {
  it('matches the reviewed snapshot of declared policies', async () => {
    const matrix = Object.fromEntries(
      [...context.app.routeTable]
        .sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`))
        .map((route) => {
          const { allow } = route.policy;
          const allowed = typeof allow === 'function' ? roles.filter((role) => allow(actorWithRole(role))) : allow;
          return [`${route.method} ${route.url}`, { action: route.policy.action, allowed }];
        }),
    );
    await expect(JSON.stringify(matrix, null, 2) + '\n').toMatchFileSnapshot('./__snapshots__/route-permissions.json');
  });

  it('refuses every role its policy excludes with 403 and lets the others past the policy', async () => {
    const clients = new Map<Role, TestClient>();
    for (const role of roles) {
      const institution = await buildInstitution(context.database.db, { kind: institutionKindForRole[role] });
      clients.set(role, (await signInAs(context, role, { institutionId: institution.id })).client);
    }
    const guarded = context.app.routeTable.filter((route) => typeof route.policy.allow === 'function');
    expect(guarded.length).toBeGreaterThan(10);
    for (const route of guarded) {
      const allow = route.policy.allow as (actor: Actor) => boolean;
      for (const role of roles) {
        const client = clients.get(role)!;
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const response = await client.request(route.method as 'GET', fillPath(route.url), hasBody ? {} : undefined);
        const label = `${role} ${route.method} ${route.url} -> ${response.statusCode} ${response.body.slice(0, 120)}`;
        if (allow(actorWithRole(role))) {
          expect(response.statusCode, label).not.toBe(403);
          expect(response.statusCode, label).toBeLessThan(500);
        } else {
          expect(response.statusCode, label).toBe(403);
          expect(response.json(), label).toMatchObject({ code: 'forbidden' });
        }
      }
    }
  });
});
