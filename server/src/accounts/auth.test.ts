/**
 * Sign-in, sessions, CSRF, own password and TOTP over HTTP against a real database.
 * Each test signs in from its own client address, so address-level throttling of one test does not
 * leak into another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { authenticator } from 'otplib';
import { auditEvents, notifications, sessions } from '../platform/db/tables.js';
import { buildInstitution, buildUser, TEST_PASSWORD } from '../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../testing/test-app.js';
import { sessionCookieName } from '../platform/http/app.js';
import { deviceCookieName } from './cookies.js';

const MAX_FAILURES = 3;
const IP_MAX_FAILURES = 6;
let context: TestContext;
let addressCounter = 0;

/** A client from an address no other test uses. */
function newClient(): TestClient {
  addressCounter += 1;
  return new TestClient(context, `10.1.${Math.floor(addressCounter / 250)}.${addressCounter % 250}`);
}

async function signedInClient(email: string, password = TEST_PASSWORD): Promise<TestClient> {
  return newClient().signIn(email, password);
}

async function auditEventsOf(action: string, subjectId?: string) {
  const conditions = [eq(auditEvents.action, action)];
  if (subjectId) conditions.push(eq(auditEvents.subjectId, subjectId));
  return context.database.db
    .select()
    .from(auditEvents)
    .where(and(...conditions));
}

/** Posts the password step and keeps the pending session's CSRF token, without requiring signedIn. */
async function startSignIn(client: TestClient, email: string, password = TEST_PASSWORD) {
  const response = await client.post('/api/v1/auth/login', { email, password });
  const body = response.json() as { status: string; csrfToken?: string; me?: { csrfToken: string } };
  client.csrfToken = body.csrfToken ?? body.me?.csrfToken ?? client.csrfToken;
  return { response, body };
}

/** The device cookie a response set, as a Cookie header pair; null when it set none. */
function deviceCookieFrom(response: { cookies: Array<{ name: string; value: string }> }): string | null {
  const cookie = response.cookies.find((c) => c.name === deviceCookieName(context.config));
  return cookie ? `${cookie.name}=${cookie.value}` : null;
}

/** Signs in completely from a new browser and returns that browser's device cookie. */
async function trustedBrowserOf(email: string): Promise<string> {
  const response = await newClient().post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  expect(response.statusCode).toBe(200);
  return deviceCookieFrom(response)!;
}

/** Posts the password step from the client, sending the given device cookie with its own cookie. */
function signInWithDevice(client: TestClient, device: string, email: string, password = TEST_PASSWORD) {
  return client.post(
    '/api/v1/auth/login',
    { email, password },
    { cookie: [client.cookie, device].filter(Boolean).join('; ') },
  );
}

/** An attacker without any device cookie, from a new address each time, locks the account. */
async function lockOutFromElsewhere(email: string) {
  for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
    const response = await newClient().post('/api/v1/auth/login', { email, password: `Zgaduję hasło ${attempt}` });
    expect(response.statusCode).toBe(401);
  }
}

async function notificationsOf(userId: string, kind: string) {
  return context.database.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.kind, kind)));
}

const codeForNextStep = (secret: string) => authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);

beforeAll(async () => {
  context = await createTestContext({
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    LOGIN_IP_MAX_FAILURES: String(IP_MAX_FAILURES),
  });
});

afterAll(async () => {
  await context.close();
});

describe('POST /auth/login', () => {
  it('signs in, sets an HttpOnly SameSite=Lax session cookie and audits the sign-in', async () => {
    const user = await buildUser(context.database.db, { role: 'admin' });
    const client = newClient();
    const response = await client.post('/api/v1/auth/login', {
      email: user.email.toUpperCase(),
      password: TEST_PASSWORD,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.status).toBe('signedIn');
    expect(body.me).toMatchObject({ id: user.id, email: user.email, mustChangePassword: false, isTotpEnabled: false });
    expect(body.me.abilities).toEqual({
      manageUsers: true,
      readAudit: true,
      createInstitution: true,
      createPartnership: true,
    });
    expect(body.me.activeMembership.id).toBe(user.membershipId);
    const cookie = response.cookies.find((c) => c.name === sessionCookieName(context.config))!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(JSON.stringify(body)).not.toMatch(/passwordHash|totpSecret|recovery/i);

    const events = await auditEventsOf('auth.login', user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'success', actorUserId: user.id, subjectType: 'user' });
  });

  it('answers the same 401 for an unknown e-mail, a wrong password and a deactivated account', async () => {
    const user = await buildUser(context.database.db);
    const inactive = await buildUser(context.database.db, { isActive: false });
    const attempts = [
      { email: 'nikt.taki@test.kooperacja.pl', password: TEST_PASSWORD },
      { email: user.email, password: 'Nie to hasło, zupełnie' },
      { email: inactive.email, password: TEST_PASSWORD },
    ];
    const bodies = [];
    for (const attempt of attempts) {
      const response = await newClient().post('/api/v1/auth/login', attempt);
      expect(response.statusCode).toBe(401);
      const { code, messages, status } = response.json();
      bodies.push({ code, messages, status });
      expect(response.cookies).toHaveLength(0);
    }
    expect(bodies[0]!.code).toBe('invalidCredentials');
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);

    const [failure] = await auditEventsOf('auth.login', user.id);
    expect(failure).toMatchObject({ outcome: 'failure', details: { reason: 'wrongPassword' } });
    expect(JSON.stringify(failure!.details)).not.toContain('Nie to hasło');
    const [inactiveFailure] = await auditEventsOf('auth.login', inactive.id);
    expect(inactiveFailure).toMatchObject({ outcome: 'failure', details: { reason: 'inactive' } });
  });

  it(`locks an account after ${MAX_FAILURES} failures, also for an e-mail nobody uses`, async () => {
    const user = await buildUser(context.database.db);
    const unknownEmail = 'nieistniejacy.uzytkownik@test.kooperacja.pl';
    for (const email of [user.email, unknownEmail]) {
      for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
        const response = await newClient().post('/api/v1/auth/login', { email, password: 'Złe hasło numer jeden' });
        expect(response.statusCode).toBe(401);
      }
    }
    // The right password no longer helps; the unknown e-mail is locked the same way.
    const locked = await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    const lockedUnknown = await newClient().post('/api/v1/auth/login', {
      email: unknownEmail,
      password: TEST_PASSWORD,
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('locked');
    expect(lockedUnknown.statusCode).toBe(429);
    expect(lockedUnknown.json().code).toBe('locked');

    // The lock lifts after the lockout time (moved back in the database instead of waiting).
    await context.database.db.execute(
      sql`update login_throttles set locked_until = now() - interval '1 second' where key = ${`account:${user.email}`}`,
    );
    expect(
      (await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('counts parallel failures without losing any', async () => {
    const user = await buildUser(context.database.db);
    const attempts = Array.from({ length: MAX_FAILURES + 2 }, () =>
      newClient().post('/api/v1/auth/login', { email: user.email, password: 'Równoległe zgadywanie 1' }),
    );
    const statuses = (await Promise.all(attempts)).map((r) => r.statusCode);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(
      (await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).statusCode,
    ).toBe(429);
  });

  it('forgets failures older than the window', async () => {
    const user = await buildUser(context.database.db);
    for (let attempt = 0; attempt < MAX_FAILURES - 1; attempt += 1) {
      await newClient().post('/api/v1/auth/login', { email: user.email, password: 'Dawna pomyłka 1' });
    }
    await context.database.db.execute(
      sql`update login_throttles set window_started_at = now() - make_interval(mins => ${context.config.LOGIN_LOCKOUT_MINUTES + 1}::int) where key = ${`account:${user.email}`}`,
    );
    expect(
      (await newClient().post('/api/v1/auth/login', { email: user.email, password: 'Nowa pomyłka 1' })).statusCode,
    ).toBe(401);
    await signedInClient(user.email);
  });

  it('resets the account counter after a successful sign-in', async () => {
    const user = await buildUser(context.database.db);
    for (let round = 0; round < 2; round += 1) {
      for (let attempt = 0; attempt < MAX_FAILURES - 1; attempt += 1) {
        expect(
          (await newClient().post('/api/v1/auth/login', { email: user.email, password: 'Pomyłka w haśle 1' }))
            .statusCode,
        ).toBe(401);
      }
      await signedInClient(user.email);
    }
  });

  it(`throttles one client address after ${IP_MAX_FAILURES} failures across accounts`, async () => {
    const user = await buildUser(context.database.db);
    const client = newClient();
    for (let attempt = 0; attempt < IP_MAX_FAILURES; attempt += 1) {
      const response = await client.post('/api/v1/auth/login', {
        email: `proba${attempt}@test.kooperacja.pl`,
        password: 'Zgadywane hasło 1',
      });
      expect(response.statusCode).toBe(401);
    }
    const blocked = await client.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(blocked.statusCode).toBe(429);
    // Another address signs in to the same account.
    await signedInClient(user.email);
  });

  it('issues a new session id at every sign-in and ends the session it replaces', async () => {
    const user = await buildUser(context.database.db);
    const client = await signedInClient(user.email);
    const firstCookie = client.cookie!;
    await client.signIn(user.email, TEST_PASSWORD);
    expect(client.cookie).not.toBe(firstCookie);

    const stale = newClient();
    stale.cookie = firstCookie;
    expect((await stale.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
  });
});

describe('device cookies: failures from elsewhere do not lock the owner out', () => {
  it('sets a long-lived HttpOnly SameSite=Strict device cookie after a complete sign-in only', async () => {
    const user = await buildUser(context.database.db);
    const failed = await newClient().post('/api/v1/auth/login', { email: user.email, password: 'Błędne hasło 1' });
    expect(deviceCookieFrom(failed)).toBeNull();
    const response = await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    const cookie = response.cookies.find((c) => c.name === deviceCookieName(context.config))!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 180 * 86_400 });
    expect(cookie.value).toMatch(/^[\w-]{43}$/);
    // Signing in again from the same browser keeps its device cookie.
    const again = await signInWithDevice(newClient(), `${cookie.name}=${cookie.value}`, user.email);
    expect(deviceCookieFrom(again)).toBe(`${cookie.name}=${cookie.value}`);
  });

  it('lets the owner in from a browser used before while an attacker keeps the account locked', async () => {
    const owner = await buildUser(context.database.db);
    const device = await trustedBrowserOf(owner.email);
    await lockOutFromElsewhere(owner.email);

    // The attacker, even with the right password, is refused during the lockout.
    const attacker = await newClient().post('/api/v1/auth/login', { email: owner.email, password: TEST_PASSWORD });
    expect(attacker.statusCode).toBe(429);
    expect(attacker.json().code).toBe('locked');

    const ownerClient = newClient();
    const response = await signInWithDevice(ownerClient, device, owner.email);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'signedIn', me: { id: owner.id } });
    ownerClient.csrfToken = response.json().me.csrfToken;
    expect((await ownerClient.get('/api/v1/auth/sessions')).statusCode).toBe(200);
    // Still signed in, the owner can change the password although untrusted sources stay locked.
    const changed = await ownerClient.post(
      '/api/v1/auth/password',
      { currentPassword: TEST_PASSWORD, newPassword: 'Zielony parasol nad Wisłą' },
      { cookie: `${ownerClient.cookie}; ${device}` },
    );
    expect(changed.statusCode).toBe(200);

    // The owner's sign-in did not lift the lockout for everyone else.
    const stillLocked = await newClient().post('/api/v1/auth/login', {
      email: owner.email,
      password: 'Zielony parasol nad Wisłą',
    });
    expect(stillLocked.statusCode).toBe(429);
    const [success] = (await auditEventsOf('auth.login', owner.id)).filter(
      (e) => e.outcome === 'success' && (e.details as { isTrustedDevice?: boolean }).isTrustedDevice,
    );
    expect(success).toBeDefined();
  });

  it('locks only the device cookie that failed', async () => {
    const owner = await buildUser(context.database.db);
    const device = await trustedBrowserOf(owner.email);
    const otherDevice = await trustedBrowserOf(owner.email);
    expect(otherDevice).not.toBe(device);
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
      const response = await signInWithDevice(newClient(), device, owner.email, `Pomyłka z laptopa ${attempt}`);
      expect(response.statusCode).toBe(401);
    }
    const locked = await signInWithDevice(newClient(), device, owner.email);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('locked');
    // The account and the owner's other browser are not affected.
    expect((await signInWithDevice(newClient(), otherDevice, owner.email)).statusCode).toBe(200);
    await signedInClient(owner.email);
    // Failures with a device cookie do not announce an account lockout.
    expect(await notificationsOf(owner.id, 'accounts.lockedOut')).toHaveLength(0);
  });

  it('gives no bypass for a forged, expired or another user’s device cookie', async () => {
    const owner = await buildUser(context.database.db);
    const other = await buildUser(context.database.db);
    const ownDevice = await trustedBrowserOf(owner.email);
    const othersDevice = await trustedBrowserOf(other.email);
    await lockOutFromElsewhere(owner.email);
    const forged = `${deviceCookieName(context.config)}=${'A'.repeat(43)}`;
    for (const device of [forged, othersDevice]) {
      const response = await signInWithDevice(newClient(), device, owner.email);
      expect(response.statusCode).toBe(429);
      expect(response.json().code).toBe('locked');
    }
    await context.database.db.execute(
      sql`update trusted_devices set expires_at = now() - interval '1 second' where user_id = ${owner.id}`,
    );
    expect((await signInWithDevice(newClient(), ownDevice, owner.email)).statusCode).toBe(429);
  });

  it('tells the owner and the administrators once per lockout window, and audits the lockout', async () => {
    const admin = await buildUser(context.database.db, { role: 'admin' });
    const owner = await buildUser(context.database.db, { displayName: 'Łucja Żabińska' });
    const device = await trustedBrowserOf(owner.email);
    await lockOutFromElsewhere(owner.email);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(
        (await newClient().post('/api/v1/auth/login', { email: owner.email, password: `Dalej ${attempt}` })).statusCode,
      ).toBe(429);
    }
    const forAdmin = async () =>
      (await notificationsOf(admin.id, 'accounts.lockedOutForAdmin')).filter(
        (n) => (n.params as { accountId?: string }).accountId === owner.id,
      );
    expect(await notificationsOf(owner.id, 'accounts.lockedOut')).toHaveLength(1);
    expect(await forAdmin()).toHaveLength(1);
    // The account by id only, and a link to the user's page (opened with the usual checks and audit).
    expect((await forAdmin())[0]!.params).toEqual({
      accountId: owner.id,
      failures: MAX_FAILURES,
      lockoutMinutes: context.config.LOGIN_LOCKOUT_MINUTES,
    });
    expect((await forAdmin())[0]!.link).toBe(`/uzytkownicy/${owner.id}`);
    const lockouts = await auditEventsOf('auth.loginLockout', owner.id);
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ outcome: 'failure', subjectType: 'user' });

    // The owner sees it in the app, signed in from the trusted browser.
    const ownerClient = newClient();
    const signedIn = await signInWithDevice(ownerClient, device, owner.email);
    ownerClient.csrfToken = signedIn.json().me.csrfToken;
    const list = await ownerClient.get('/api/v1/notifications');
    expect(list.json().items).toEqual([
      expect.objectContaining({ kind: 'accounts.lockedOut', link: '/konto', isRead: false }),
    ]);

    // A new lockout after the window is announced again, once.
    await context.database.db.execute(
      sql`update login_throttles set locked_until = now() - interval '1 second' where key = ${`account:${owner.email}`}`,
    );
    await lockOutFromElsewhere(owner.email);
    expect(await notificationsOf(owner.id, 'accounts.lockedOut')).toHaveLength(2);
    expect(await forAdmin()).toHaveLength(2);
  });

  it('answers a locked unknown e-mail exactly like a locked account, and announces nothing for it', async () => {
    const owner = await buildUser(context.database.db);
    const admin = await buildUser(context.database.db, { role: 'admin' });
    const unknownEmail = 'nikogo.tu.nie.ma@test.kooperacja.pl';
    const device = await trustedBrowserOf(owner.email);
    await lockOutFromElsewhere(owner.email);
    await lockOutFromElsewhere(unknownEmail);
    const known = await signInWithDevice(newClient(), device, owner.email, 'Złe hasło z zaufanej');
    expect(known.statusCode).toBe(401);
    const lockedKnown = await newClient().post('/api/v1/auth/login', { email: owner.email, password: TEST_PASSWORD });
    // A device cookie for another account does not change the answer for an unknown e-mail.
    const lockedUnknown = await signInWithDevice(newClient(), device, unknownEmail);
    const shape = (r: typeof lockedKnown) => ({
      statusCode: r.statusCode,
      body: { ...r.json(), instance: undefined, requestId: undefined },
      cookies: r.cookies.map((c) => c.name),
    });
    expect(shape(lockedUnknown)).toEqual(shape(lockedKnown));
    expect(lockedUnknown.statusCode).toBe(429);
    const unknownLockouts = (await auditEventsOf('auth.loginLockout')).filter((e) => e.subjectId === null);
    expect(unknownLockouts.length).toBeGreaterThanOrEqual(1);
    const adminNotices = await notificationsOf(admin.id, 'accounts.lockedOutForAdmin');
    expect(adminNotices.map((n) => JSON.stringify(n.params)).join()).not.toContain(unknownEmail);
  });
});

describe('sessions', () => {
  it('logout ends the server session, clears the cookie and sends Clear-Site-Data', async () => {
    const user = await buildUser(context.database.db);
    const client = await signedInClient(user.email);
    const cookie = client.cookie!;
    const response = await client.post('/api/v1/auth/logout');
    expect(response.statusCode).toBe(200);
    // Not "cookies": the device cookie outlives the session; the session cookie is expired by name.
    expect(response.headers['clear-site-data']).toBe('"cache", "storage"');
    expect(client.cookie).toBeNull();

    const replay = newClient();
    replay.cookie = cookie;
    const me = await replay.get('/api/v1/auth/me');
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('unauthenticated');
    expect(await auditEventsOf('auth.logout', user.id)).toHaveLength(1);
  });

  it('ends a session idle for longer than the idle timeout', async () => {
    const user = await buildUser(context.database.db);
    const client = await signedInClient(user.email);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    await context.database.db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - make_interval(mins => ${context.config.SESSION_IDLE_MINUTES + 1}::int)` })
      .where(eq(sessions.userId, user.id));
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('ends a session at its absolute expiry, however active', async () => {
    const user = await buildUser(context.database.db);
    const client = await signedInClient(user.email);
    const [row] = await context.database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    const lifetimeHours = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 3_600_000;
    expect(lifetimeHours).toBeCloseTo(context.config.SESSION_ABSOLUTE_HOURS, 1);
    await context.database.db
      .update(sessions)
      .set({
        createdAt: sql`now() - interval '13 hours'`,
        expiresAt: sql`now() - interval '1 hour'`,
        lastSeenAt: sql`now()`,
      })
      .where(eq(sessions.userId, user.id));
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('lists own sessions, ends one, and signs out elsewhere', async () => {
    const user = await buildUser(context.database.db);
    const laptop = await signedInClient(user.email);
    const phone = await signedInClient(user.email);
    const tablet = await signedInClient(user.email);
    const other = await buildUser(context.database.db);
    const otherClient = await signedInClient(other.email);

    const list = await laptop.get('/api/v1/auth/sessions');
    expect(list.statusCode).toBe(200);
    const items = list.json().items as Array<{ id: string; isCurrent: boolean; ip: string }>;
    expect(items).toHaveLength(3);
    expect(items.filter((s) => s.isCurrent)).toHaveLength(1);
    expect(JSON.stringify(items)).not.toMatch(/csrf|token/i);

    // A session of someone else looks like one that does not exist.
    const otherSessionId = (await otherClient.get('/api/v1/auth/sessions')).json().items[0].id as string;
    expect((await laptop.delete(`/api/v1/auth/sessions/${otherSessionId}`)).statusCode).toBe(404);
    expect((await otherClient.get('/api/v1/auth/me')).statusCode).toBe(200);

    const phoneSessionId = (await phone.get('/api/v1/auth/sessions'))
      .json()
      .items.find((s: { isCurrent: boolean }) => s.isCurrent).id;
    expect((await laptop.delete(`/api/v1/auth/sessions/${phoneSessionId}`)).statusCode).toBe(200);
    expect((await phone.get('/api/v1/auth/me')).statusCode).toBe(401);

    const revoke = await laptop.post('/api/v1/auth/sessions/revoke-others');
    expect(revoke.json()).toEqual({ ok: true, revokedCount: 1 });
    expect((await tablet.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await laptop.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect(await auditEventsOf('auth.session.revokeOthers', user.id)).toHaveLength(1);
  });

  it('switches the acting membership only to one of the user’s own', async () => {
    const user = await buildUser(context.database.db, { role: 'caseManager' });
    const school = await buildInstitution(context.database.db, {
      kind: 'school',
      sector: 'public',
      name: 'Szkoła Podstawowa nr 5 w Łodzi',
    });
    const admin = await signedInClientWithRole('admin');
    const added = await admin.post(`/api/v1/users/${user.id}/memberships`, {
      institutionId: school.id,
      role: 'partnerRepresentative',
    });
    expect(added.statusCode).toBe(200);
    const schoolMembershipId = added
      .json()
      .memberships.find((m: { institutionId: string }) => m.institutionId === school.id).id;
    const foreign = await buildUser(context.database.db);

    const client = await signedInClient(user.email);
    const refused = await client.put('/api/v1/auth/me/active-membership', { membershipId: foreign.membershipId });
    expect(refused.statusCode).toBe(404);
    const switched = await client.put('/api/v1/auth/me/active-membership', { membershipId: schoolMembershipId });
    expect(switched.statusCode).toBe(200);
    expect(switched.json().activeMembership).toMatchObject({
      id: schoolMembershipId,
      role: 'partnerRepresentative',
      institutionKind: 'school',
    });
    expect((await client.get('/api/v1/auth/me')).json().activeMembership.id).toBe(schoolMembershipId);
  });
});

async function signedInClientWithRole(role: 'admin' | 'caseManager') {
  const user = await buildUser(context.database.db, { role });
  return signedInClient(user.email);
}

describe('CSRF and Origin', () => {
  it('refuses a state change with the cookie but without the CSRF token, or from a foreign origin', async () => {
    const user = await buildUser(context.database.db);
    const client = await signedInClient(user.email);
    const token = client.csrfToken;

    client.csrfToken = null;
    const withoutToken = await client.post('/api/v1/auth/sessions/revoke-others');
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json().code).toBe('csrf');

    client.csrfToken = 'x'.repeat(token!.length);
    expect((await client.post('/api/v1/auth/logout')).statusCode).toBe(403);

    client.csrfToken = token;
    const foreignOrigin = await client.post(
      '/api/v1/auth/sessions/revoke-others',
      {},
      { origin: 'https://zly-serwis.example' },
    );
    expect(foreignOrigin.statusCode).toBe(403);
    expect(foreignOrigin.json().code).toBe('csrf');

    expect((await client.post('/api/v1/auth/sessions/revoke-others')).statusCode).toBe(200);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);

    // Each refusal is in the audit log, with the signed-in user and which check refused it.
    const refusals = await context.database.db
      .select({ action: auditEvents.action, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.actorUserId, user.id), eq(auditEvents.outcome, 'denied')))
      .orderBy(auditEvents.id);
    expect(
      refusals.map((r) => [(r.details as { reason: string }).reason, (r.details as { check: string }).check]),
    ).toEqual([
      ['csrf', 'token'],
      ['csrf', 'token'],
      ['csrf', 'origin'],
    ]);
    expect(refusals[0]!.action).toBe('auth.session.revokeOthers');
  });

  it('audits an anonymous call of a records route, not of "who am I"', async () => {
    const countDenied = async () =>
      (
        await context.database.db
          .select({ id: auditEvents.id })
          .from(auditEvents)
          .where(and(eq(auditEvents.outcome, 'denied'), sql`${auditEvents.actorUserId} is null`))
      ).length;
    const before = await countDenied();
    const anonymous = new TestClient(context);
    expect((await anonymous.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect(await countDenied()).toBe(before);
    const institution = await buildInstitution(context.database.db);
    expect((await anonymous.get(`/api/v1/institutions/${institution.id}`)).statusCode).toBe(401);
    const [event] = await context.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.outcome, 'denied'), sql`${auditEvents.actorUserId} is null`))
      .orderBy(sql`${auditEvents.id} desc`)
      .limit(1);
    expect(await countDenied()).toBe(before + 1);
    expect(event).toMatchObject({
      action: 'institution.read',
      details: { reason: 'unauthenticated', route: '/api/v1/institutions/:id', method: 'GET' },
    });
  });
});

describe('POST /auth/password', () => {
  it('requires the current password and a strong new one, then ends the other sessions', async () => {
    const user = await buildUser(context.database.db, {
      displayName: 'Grzegorz Brzęczyszczykiewicz',
      email: `grzegorz.b.${Date.now()}@test.kooperacja.pl`,
    });
    const client = await signedInClient(user.email);
    const elsewhere = await signedInClient(user.email);

    const wrongCurrent = await client.post('/api/v1/auth/password', {
      currentPassword: 'Nie moje hasło 1',
      newPassword: 'Kolorowa łódka na jeziorze',
    });
    expect(wrongCurrent.statusCode).toBe(400);
    expect(wrongCurrent.json().errors).toEqual([
      expect.objectContaining({ field: 'currentPassword', code: 'wrongPassword' }),
    ]);

    const tooShort = await client.post('/api/v1/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'krótkie',
    });
    expect(tooShort.statusCode).toBe(400);
    expect(tooShort.json().errors).toEqual([
      expect.objectContaining({ field: 'newPassword', code: 'passwordTooShort' }),
    ]);

    for (const weak of ['haslo123456', 'Brzęczyszczykiewicz!', 'Kooperacja2026!']) {
      const response = await client.post('/api/v1/auth/password', {
        currentPassword: TEST_PASSWORD,
        newPassword: weak,
      });
      expect(response.statusCode, weak).toBe(400);
      expect(response.json().errors).toEqual([
        expect.objectContaining({ field: 'newPassword', code: 'passwordTooCommon' }),
      ]);
    }

    const newPassword = 'Kolorowa łódka na jeziorze';
    const changed = await client.post('/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword });
    expect(changed.statusCode).toBe(200);
    expect((await elsewhere.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await client.get('/api/v1/auth/me')).statusCode).toBe(200);
    await signedInClient(user.email, newPassword);
    expect(
      (await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).statusCode,
    ).toBe(401);
    const events = await auditEventsOf('auth.password.change', user.id);
    expect(events.map((e) => e.outcome).sort()).toEqual(['failure', 'success']);
  });
});

describe('TOTP second factor', () => {
  async function enrol(client: TestClient) {
    const setup = await client.post('/api/v1/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json() as { secret: string; otpauthUrl: string };
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/Kooperacja:/);
    expect(otpauthUrl).toContain('issuer=Kooperacja');

    const wrong = await client.post('/api/v1/auth/totp/enable', {
      code: authenticator.generate(secret) === '123456' ? '654321' : '123456',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].code).toBe('invalidTotpCode');

    const enable = await client.post('/api/v1/auth/totp/enable', { code: authenticator.generate(secret) });
    expect(enable.statusCode).toBe(200);
    const { recoveryCodes } = enable.json() as { recoveryCodes: string[] };
    return { secret, recoveryCodes };
  }

  it('enrols, then asks for a code at sign-in; a code and a recovery code each work once', async () => {
    const user = await buildUser(context.database.db);
    const { secret, recoveryCodes } = await enrol(await signedInClient(user.email));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    // Password step: a pending session that opens nothing but the second step, /me and logout.
    const client = newClient();
    const { response, body } = await startSignIn(client, user.email);
    expect(response.statusCode).toBe(200);
    expect(body).toEqual({ status: 'secondFactorRequired', csrfToken: expect.any(String) });
    const pendingCookie = client.cookie!;
    const blocked = await client.get('/api/v1/auth/sessions');
    expect(blocked.statusCode).toBe(401);
    expect(blocked.json().code).toBe('secondFactorRequired');
    expect((await client.get('/api/v1/auth/me')).json()).toMatchObject({ isSecondFactorPending: true });
    expect(
      (
        await client.post('/api/v1/auth/password', {
          currentPassword: TEST_PASSWORD,
          newPassword: 'Przejęte konto na zawsze',
        })
      ).statusCode,
    ).toBe(401);

    // The code that confirmed the enrolment was used already.
    const replayed = await client.post('/api/v1/auth/login/second-factor', { code: authenticator.generate(secret) });
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json().code).toBe('invalidSecondFactor');

    const nextCode = codeForNextStep(secret);
    const accepted = await client.post('/api/v1/auth/login/second-factor', { code: nextCode });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().status).toBe('signedIn');
    expect(accepted.json().me.isTotpEnabled).toBe(true);
    client.csrfToken = accepted.json().me.csrfToken;
    expect(client.cookie).not.toBe(pendingCookie);
    expect((await client.get('/api/v1/auth/sessions')).statusCode).toBe(200);
    const stale = newClient();
    stale.cookie = pendingCookie;
    expect((await stale.get('/api/v1/auth/me')).statusCode).toBe(401);

    // The same code in a new sign-in is refused.
    const again = newClient();
    await startSignIn(again, user.email);
    expect((await again.post('/api/v1/auth/login/second-factor', { code: nextCode })).statusCode).toBe(401);

    // A recovery code works once, typed however the person copies it.
    const messy = ` ${recoveryCodes[0]!.toUpperCase().replace('-', ' ')} `;
    const recovered = await again.post('/api/v1/auth/login/second-factor', { recoveryCode: messy });
    expect(recovered.statusCode).toBe(200);
    const third = newClient();
    await startSignIn(third, user.email);
    expect((await third.post('/api/v1/auth/login/second-factor', { recoveryCode: recoveryCodes[0] })).statusCode).toBe(
      401,
    );
    expect((await third.post('/api/v1/auth/login/second-factor', { recoveryCode: recoveryCodes[1] })).statusCode).toBe(
      200,
    );

    const events = await auditEventsOf('auth.secondFactor', user.id);
    expect(events.filter((e) => e.outcome === 'success')).toHaveLength(3);
    expect(events.filter((e) => e.outcome === 'failure')).toHaveLength(3);
  });

  it('accepts a code once even when two sign-ins send it at the same moment', async () => {
    const user = await buildUser(context.database.db);
    const { secret } = await enrol(await signedInClient(user.email));
    const clients = [newClient(), newClient()];
    for (const client of clients) await startSignIn(client, user.email);
    const code = codeForNextStep(secret);
    const responses = await Promise.all(
      clients.map((client) => client.post('/api/v1/auth/login/second-factor', { code })),
    );
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('counts wrong codes towards the account lockout', async () => {
    const user = await buildUser(context.database.db);
    const { secret } = await enrol(await signedInClient(user.email));
    const client = newClient();
    await startSignIn(client, user.email);
    for (let attempt = 0; attempt < MAX_FAILURES; attempt += 1) {
      const wrong = String((Number(codeForNextStep(secret)) + 1 + attempt) % 1_000_000).padStart(6, '0');
      expect((await client.post('/api/v1/auth/login/second-factor', { code: wrong })).statusCode).toBe(401);
    }
    const locked = await client.post('/api/v1/auth/login/second-factor', { code: codeForNextStep(secret) });
    expect(locked.statusCode).toBe(429);
    expect(
      (await newClient().post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).statusCode,
    ).toBe(429);
  });

  it('lets the owner through both steps from a trusted browser while the account is locked', async () => {
    const user = await buildUser(context.database.db);
    const { secret, recoveryCodes } = await enrol(await signedInClient(user.email));
    const first = newClient();
    await startSignIn(first, user.email);
    const completed = await first.post('/api/v1/auth/login/second-factor', { code: codeForNextStep(secret) });
    expect(completed.statusCode).toBe(200);
    const device = deviceCookieFrom(completed)!;
    expect(device).toBeTruthy();

    await lockOutFromElsewhere(user.email);
    const owner = newClient();
    const passwordStep = await signInWithDevice(owner, device, user.email);
    expect(passwordStep.json()).toMatchObject({ status: 'secondFactorRequired' });
    owner.csrfToken = passwordStep.json().csrfToken;
    const secondStep = await owner.post(
      '/api/v1/auth/login/second-factor',
      { recoveryCode: recoveryCodes[0] },
      { cookie: `${owner.cookie}; ${device}` },
    );
    expect(secondStep.statusCode).toBe(200);
    expect(secondStep.json().status).toBe('signedIn');
  });

  it('turns the second factor off only with the password', async () => {
    const user = await buildUser(context.database.db);
    const client = await signedInClient(user.email);
    await enrol(client);
    expect((await client.post('/api/v1/auth/totp/setup')).json().code).toBe('totpAlreadyEnabled');
    const wrong = await client.post('/api/v1/auth/totp/disable', { password: 'Nie pamiętam hasła' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0]).toMatchObject({ field: 'password', code: 'wrongPassword' });
    expect((await client.post('/api/v1/auth/totp/disable', { password: TEST_PASSWORD })).statusCode).toBe(200);
    expect((await client.get('/api/v1/auth/me')).json().isTotpEnabled).toBe(false);
    await signedInClient(user.email);
  });
});
