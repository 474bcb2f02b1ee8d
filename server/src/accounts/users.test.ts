/**
 * User administration over HTTP against a real database: admins only, every read and write audited,
 * deactivation and password resets effective at the user's next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { auditEvents, sessions } from '../platform/db/tables.js';
import { buildInstitution, buildUser, signInAs, TEST_PASSWORD } from '../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';

let context: TestContext;
let admin: TestClient;
let adminUserId: string;
let addressCounter = 0;

function newClient(): TestClient {
  addressCounter += 1;
  return new TestClient(context, `10.2.${Math.floor(addressCounter / 250)}.${addressCounter % 250}`);
}

async function auditEventsOf(action: string, subjectId?: string) {
  const conditions = [eq(auditEvents.action, action)];
  if (subjectId) conditions.push(eq(auditEvents.subjectId, subjectId));
  return context.database.db
    .select()
    .from(auditEvents)
    .where(and(...conditions));
}

const STRONG_PASSWORD = 'Poranna mgła nad Wisłą';

beforeAll(async () => {
  context = await createTestContext();
  const signedIn = await signInAs(context, 'admin');
  admin = signedIn.client;
  adminUserId = signedIn.user.id;
});

afterAll(async () => {
  await context.close();
});

describe('POST /users', () => {
  it('creates a user who must change the password before anything else', async () => {
    const institution = await buildInstitution(context.database.db);
    const email = `jadwiga.nowak.${Date.now()}@test.kooperacja.pl`;
    const created = await admin.post('/api/v1/users', {
      email: `  ${email.toUpperCase()} `,
      displayName: 'Jadwiga Nowak-Łęcka',
      password: STRONG_PASSWORD,
      memberships: [{ institutionId: institution.id, role: 'caseManager' }],
    });
    expect(created.statusCode).toBe(201);
    const summary = created.json();
    expect(summary).toEqual({
      id: expect.any(String),
      email,
      displayName: 'Jadwiga Nowak-Łęcka',
      isActive: true,
      isTotpEnabled: false,
      memberships: [
        expect.objectContaining({ institutionId: institution.id, role: 'caseManager', institutionKind: 'ops' }),
      ],
    });
    expect(await auditEventsOf('user.create', summary.id)).toHaveLength(1);

    const user = await newClient().signIn(email, STRONG_PASSWORD);
    expect((await user.get('/api/v1/auth/me')).json().mustChangePassword).toBe(true);
    const blocked = await user.get('/api/v1/auth/sessions');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('passwordChangeRequired');
    expect(
      (
        await user.post('/api/v1/auth/password', {
          currentPassword: STRONG_PASSWORD,
          newPassword: 'Zielone jabłko w sadzie',
        })
      ).statusCode,
    ).toBe(200);
    expect((await user.get('/api/v1/auth/sessions')).statusCode).toBe(200);
    expect((await user.get('/api/v1/auth/me')).json().mustChangePassword).toBe(false);
  });

  it('refuses a taken e-mail, unknown institutions, weak passwords and unknown fields', async () => {
    const institution = await buildInstitution(context.database.db);
    const existing = await buildUser(context.database.db);
    const valid = {
      email: `nowy.${Date.now()}@test.kooperacja.pl`,
      displayName: 'Tomasz Żółkiewski',
      password: STRONG_PASSWORD,
      memberships: [{ institutionId: institution.id, role: 'specialist' }],
    };

    const taken = await admin.post('/api/v1/users', { ...valid, email: existing.email });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'duplicate', errors: [{ field: 'email', code: 'emailTaken' }] });

    const unknownInstitution = await admin.post('/api/v1/users', {
      ...valid,
      memberships: [
        valid.memberships[0],
        { institutionId: '00000000-0000-4000-8000-000000000000', role: 'caseManager' },
      ],
    });
    expect(unknownInstitution.statusCode).toBe(400);
    expect(unknownInstitution.json().errors).toEqual([
      expect.objectContaining({ field: 'memberships.1.institutionId', code: 'unknownInstitution' }),
    ]);

    const weak = await admin.post('/api/v1/users', { ...valid, password: 'Zolkiewski2026' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors).toEqual([expect.objectContaining({ field: 'password', code: 'passwordTooCommon' })]);

    const massAssignment = await admin.post('/api/v1/users', {
      ...valid,
      isActive: false,
      mustChangePassword: false,
      role: 'admin',
    });
    expect(massAssignment.statusCode).toBe(400);
    expect(
      massAssignment
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['isActive', 'mustChangePassword', 'role']);

    // Nothing was half-written by the refused attempts.
    const list = await admin.post('/api/v1/users/search', { q: valid.email });
    expect(list.json().total).toBe(0);
  });
});

describe('GET /users and GET /users/:id', () => {
  it('searches by name without diacritics and by e-mail, filters by institution, pages, and audits the ids shown', async () => {
    const institution = await buildInstitution(context.database.db, {
      name: 'Gminny Ośrodek Pomocy Społecznej w Gromadce',
      kind: 'gops',
    });
    const first = await buildUser(context.database.db, { institutionId: institution.id, displayName: 'Łucja Świątek' });
    const second = await buildUser(context.database.db, {
      institutionId: institution.id,
      displayName: 'Łucja Świątek-Bąk',
    });
    await buildUser(context.database.db, { displayName: 'Łucja Świątek z innej gminy' });

    const byName = await admin.post('/api/v1/users/search', {
      q: 'lucja swiatek',
      institutionId: institution.id,
      pageSize: 1,
    });
    expect(byName.statusCode).toBe(200);
    const page = byName.json();
    expect(page).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(page.items).toHaveLength(1);
    expect(JSON.stringify(page)).not.toMatch(/password|totpSecret|recovery/i);

    const secondPage = await admin.post('/api/v1/users/search', {
      q: 'ŁUCJA',
      institutionId: institution.id,
      pageSize: 1,
      page: 2,
    });
    const shownIds = [page.items[0].id, secondPage.json().items[0].id].sort();
    expect(shownIds).toEqual([first.id, second.id].sort());

    const byEmail = await admin.post('/api/v1/users/search', { q: first.email });
    expect(byEmail.json().items.map((u: { id: string }) => u.id)).toEqual([first.id]);

    const listEvents = await auditEventsOf('user.list');
    const event = listEvents.find((e) => (e.details as { userIds: string[] }).userIds.includes(page.items[0].id));
    expect(event).toMatchObject({
      outcome: 'success',
      actorUserId: adminUserId,
      details: { count: 1, total: 2, hasQuery: true },
    });
    expect(JSON.stringify(event!.details)).not.toContain('lucja');

    // Names never travel in a URL: the list without words is a GET, a search in the URL is refused.
    const inUrl = await admin.get(`/api/v1/users?q=${encodeURIComponent('lucja swiatek')}`);
    expect(inUrl.statusCode).toBe(400);
    expect(inUrl.json().errors).toEqual([
      expect.objectContaining({ field: 'querystring.q', code: 'unrecognized_keys' }),
    ]);
    const byInstitution = await admin.get(`/api/v1/users?institutionId=${institution.id}`);
    expect(byInstitution.json().total).toBe(2);
  });

  it('reads one user with an audit event; an unknown id is 404', async () => {
    const user = await buildUser(context.database.db, { displayName: 'Bożena Żak' });
    const response = await admin.get(`/api/v1/users/${user.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      id: user.id,
      displayName: 'Bożena Żak',
      memberships: [{ id: user.membershipId }],
    });
    expect(await auditEventsOf('user.read', user.id)).toEqual([
      expect.objectContaining({ outcome: 'success', actorUserId: adminUserId }),
    ]);
    expect((await admin.get('/api/v1/users/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await admin.get('/api/v1/users/nie-uuid')).statusCode).toBe(400);
  });
});

describe('PATCH /users/:id', () => {
  it('deactivation ends the user’s sessions at their next request and blocks sign-in', async () => {
    const user = await buildUser(context.database.db);
    const client = await newClient().signIn(user.email, TEST_PASSWORD);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);

    const response = await admin.patch(`/api/v1/users/${user.id}`, { isActive: false, displayName: 'Anna Wiśniewska' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ isActive: false, displayName: 'Anna Wiśniewska' });
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);
    const live = await context.database.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, user.id), isNull(sessions.revokedAt)));
    expect(live).toHaveLength(0);
    const signIn = await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(signIn.json().code).toBe('invalidCredentials');
    expect(await auditEventsOf('user.update', user.id)).toEqual([
      expect.objectContaining({
        details: expect.objectContaining({ fields: ['displayName', 'isActive'], revokedSessions: 1 }),
      }),
    ]);

    expect((await admin.patch(`/api/v1/users/${user.id}`, { isActive: true })).statusCode).toBe(200);
    await newClient().signIn(user.email, TEST_PASSWORD);
  });

  it('an admin cannot deactivate their own account', async () => {
    const response = await admin.patch(`/api/v1/users/${adminUserId}`, { isActive: false });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ field: 'isActive', code: 'cannotDeactivateSelf' }),
    ]);
    expect((await admin.get('/api/v1/auth/me')).statusCode).toBe(200);
  });
});

describe('POST /users/:id/password-reset', () => {
  it('sets a temporary password, ends the sessions and forces a change at the next sign-in', async () => {
    const user = await buildUser(context.database.db);
    const client = await newClient().signIn(user.email, TEST_PASSWORD);
    const weak = await admin.post(`/api/v1/users/${user.id}/password-reset`, { newPassword: '1234567890' });
    expect(weak.statusCode).toBe(400);
    expect(
      (await admin.post(`/api/v1/users/${user.id}/password-reset`, { newPassword: STRONG_PASSWORD })).statusCode,
    ).toBe(200);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);

    const again = await newClient().signIn(user.email, STRONG_PASSWORD);
    for (const path of ['/api/v1/auth/sessions', '/api/v1/users']) {
      const response = await again.get(path);
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('passwordChangeRequired');
    }
    expect(
      (
        await again.post('/api/v1/auth/password', {
          currentPassword: STRONG_PASSWORD,
          newPassword: 'Własne hasło po resecie',
        })
      ).statusCode,
    ).toBe(200);
    expect((await again.get('/api/v1/auth/sessions')).statusCode).toBe(200);
    expect(await auditEventsOf('user.password.reset', user.id)).toHaveLength(1);
  });
});

describe('memberships', () => {
  it('adds and removes roles; the last one stays; a removed acting role falls back at the next request', async () => {
    const user = await buildUser(context.database.db, { role: 'caseManager' });
    const school = await buildInstitution(context.database.db, { kind: 'school', name: 'Zespół Szkół w Wieliczce' });
    const added = await admin.post(`/api/v1/users/${user.id}/memberships`, {
      institutionId: school.id,
      role: 'partnerRepresentative',
    });
    expect(added.statusCode).toBe(200);
    const schoolMembership = added
      .json()
      .memberships.find((m: { institutionId: string }) => m.institutionId === school.id);
    expect(schoolMembership).toMatchObject({
      role: 'partnerRepresentative',
      institutionName: 'Zespół Szkół w Wieliczce',
    });

    const duplicate = await admin.post(`/api/v1/users/${user.id}/memberships`, {
      institutionId: school.id,
      role: 'partnerRepresentative',
    });
    expect(duplicate.statusCode).toBe(409);
    const unknown = await admin.post(`/api/v1/users/${user.id}/memberships`, {
      institutionId: '00000000-0000-4000-8000-000000000000',
      role: 'specialist',
    });
    expect(unknown.json().errors).toEqual([
      expect.objectContaining({ field: 'institutionId', code: 'unknownInstitution' }),
    ]);

    const client = await newClient().signIn(user.email, TEST_PASSWORD);
    await client.put('/api/v1/auth/me/active-membership', { membershipId: schoolMembership.id });
    const removed = await admin.delete(`/api/v1/users/${user.id}/memberships/${schoolMembership.id}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().memberships.map((m: { id: string }) => m.id)).toEqual([user.membershipId]);
    expect((await client.get('/api/v1/auth/me')).json().activeMembership.id).toBe(user.membershipId);

    const last = await admin.delete(`/api/v1/users/${user.id}/memberships/${user.membershipId}`);
    expect(last.statusCode).toBe(422);
    expect(last.json().errors).toEqual([expect.objectContaining({ field: 'membershipId', code: 'lastMembership' })]);

    const someoneElse = await buildUser(context.database.db);
    expect((await admin.delete(`/api/v1/users/${user.id}/memberships/${someoneElse.membershipId}`)).statusCode).toBe(
      404,
    );
    expect((await auditEventsOf('user.membership.add', user.id)).length).toBe(1);
    expect((await auditEventsOf('user.membership.remove', user.id)).length).toBe(1);
  });
});

describe('sessions of a user', () => {
  it('admins list (audited) and end anyone’s sessions', async () => {
    const user = await buildUser(context.database.db);
    const first = await newClient().signIn(user.email, TEST_PASSWORD);
    const second = await newClient().signIn(user.email, TEST_PASSWORD);
    const list = await admin.get(`/api/v1/users/${user.id}/sessions`);
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(2);
    expect(list.json().items.every((s: { isCurrent: boolean }) => !s.isCurrent)).toBe(true);
    expect(await auditEventsOf('user.sessions.list', user.id)).toHaveLength(1);

    const revoke = await admin.post(`/api/v1/users/${user.id}/sessions/revoke`);
    expect(revoke.json()).toEqual({ ok: true, revokedCount: 2 });
    expect((await first.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await second.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await admin.get(`/api/v1/users/${user.id}/sessions`)).json().items).toHaveLength(0);
  });
});

describe('access', () => {
  it('refuses every /users route to a non-admin and audits the refusal', async () => {
    const { client, user } = await signInAs(context, 'director');
    const target = await buildUser(context.database.db);
    const attempts = [
      () => client.get('/api/v1/users'),
      () => client.get(`/api/v1/users/${target.id}`),
      () =>
        client.post('/api/v1/users', {
          email: 'intruz@test.kooperacja.pl',
          displayName: 'Intruz',
          password: STRONG_PASSWORD,
          memberships: [{ institutionId: user.institutionId, role: 'admin' }],
        }),
      () => client.patch(`/api/v1/users/${target.id}`, { isActive: false }),
      () => client.post(`/api/v1/users/${target.id}/password-reset`, { newPassword: STRONG_PASSWORD }),
      () => client.post(`/api/v1/users/${target.id}/sessions/revoke`),
    ];
    for (const attempt of attempts) {
      const response = await attempt();
      expect(response.statusCode).toBe(403);
      expect(response.json().code).toBe('forbidden');
      expect(response.body).not.toContain(target.email);
    }
    const denied = await context.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.actorUserId, user.id), eq(auditEvents.outcome, 'denied')));
    expect(denied.map((e) => e.action).sort()).toEqual(
      ['user.create', 'user.list', 'user.password.reset', 'user.read', 'user.sessions.revoke', 'user.update'].sort(),
    );
    expect((await newClient().get('/api/v1/users')).statusCode).toBe(401);
  });
});
