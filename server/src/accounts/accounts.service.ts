/**
 * SECURITY-CRITICAL. Rules of the accounts domain: sign-in with throttling and a second factor,
 * own password, sessions and TOTP, and user administration.
 *
 * Every write and every read of another person's account commits together with its audit event
 * (docs/security.md §8-9). Password hashing runs before a transaction opens, so no transaction waits on it.
 */
import { and, eq, isNull } from 'drizzle-orm';
import type {
  AddMembershipInput,
  ChangePasswordInput,
  CreateUserInput,
  LoginInput,
  Me,
  RecoveryCodes,
  ResetPasswordInput,
  SecondFactorInput,
  SessionView,
  TotpEnableInput,
  TotpDisableInput,
  TotpSetup,
  UpdateUserInput,
  UserSearchInput,
  UserPage,
  UserSummary,
} from '../../../shared/src/contracts/auth.js';
import type { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Database, Executor } from '../platform/db/database.js';
import { memberships, users } from '../platform/db/tables.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import { isUniqueViolation } from '../platform/db/errors.js';
import { AppError, fieldError, type FieldError } from '../platform/http/problem.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from '../audit/audit.service.js';
import { canChangeUserStatus } from './accounts.policy.js';
import { presentMe, presentSession, presentUserSummary, type UserRow } from './accounts.presenter.js';
import {
  consumeRecoveryCode,
  consumeTotpStep,
  detachMembershipFromSessions,
  findCredentialsByEmail,
  findCredentialsById,
  findActiveAdministratorIds,
  findExistingInstitutionIds,
  findMembershipsOfUsers,
  findUserById,
  isEmailTaken,
  listLiveSessions,
  listUsers,
  lockUserById,
  revokeOwnSession,
  setActiveMembership,
  type UserCredentials,
} from './accounts.queries.js';
import {
  isThrottled,
  recordLoginFailure,
  resetLoginThrottle,
  throttleKeysFor,
  type ThrottleSettings,
} from './login-throttle.js';
import {
  checkPasswordStrength,
  generateOneTimePassword,
  getDummyHash,
  hashPassword,
  verifyPassword,
} from './passwords.js';
import { registerInstitutionInTransaction, type CreateInstitutionData } from '../institutions/index.js';
import { findTrustedDevice, rememberTrustedDevice } from './trusted-devices.js';
import { deliverNotificationEmails, notifyUsers } from '../notifications/notifications.service.js';
import { mailerFor } from '../notifications/mailer.js';
import { lockedOutForAdminNotification, lockedOutNotification } from './notification-kinds.js';
import {
  createSession,
  loadSession,
  revokeSessionByToken,
  revokeUserSessions,
  type SessionSettings,
} from './sessions.js';
import { buildOtpauthUrl, findTotpStep, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode } from './totp.js';

export type AccountsDependencies = { db: Database; config: Config };

/**
 * What the browser needs after a sign-in step: the session cookie's token, the body to send and, once
 * signed in completely, the token of its device cookie.
 */
export type SignInOutcome =
  | { status: 'signedIn'; token: string; deviceToken: string; me: Me }
  | { status: 'secondFactorRequired'; token: string; csrfToken: string };

/** The device cookie's token the request carried, if any (trusted-devices.ts). */
export type DeviceToken = string | null | undefined;

type ClientInfo = { userAgent: string | null; previousToken: string | null; deviceToken: DeviceToken };

function sessionSettings(config: Config): SessionSettings {
  return { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS };
}

function throttleSettings(config: Config): ThrottleSettings {
  return {
    maxAccountFailures: config.LOGIN_MAX_FAILURES,
    maxIpFailures: config.LOGIN_IP_MAX_FAILURES,
    lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES,
  };
}

/** Words a password must not be built from: the e-mail's local part and the person's names. */
function personalWords(email: string, displayName: string): string[] {
  const localPart = email.split('@')[0] ?? '';
  return [
    localPart,
    ...localPart.split(/[._+-]+/),
    displayName.replace(/\s+/g, ''),
    ...displayName.split(/\s+/),
  ].filter(Boolean);
}

/** Starts a session and loads its actor inside the transaction that created it. */
async function startSession(
  tx: Executor,
  config: Config,
  ctx: RequestContext,
  userId: string,
  userAgent: string | null,
  isSecondFactorPending: boolean,
) {
  const session = await createSession(
    tx,
    { userId, ip: ctx.ip, userAgent, isSecondFactorPending },
    sessionSettings(config),
  );
  const loaded = await loadSession(tx, session.token, sessionSettings(config));
  if (!loaded) throw new Error('A session created in this transaction could not be loaded');
  return { ...session, actor: loaded.actor };
}

/**
 * The trusted device an attempt comes from: the device cookie's, when it is valid for this very user.
 * A forged, expired or another user's cookie counts as no cookie (no bypass of the account lockout).
 */
async function trustedDeviceIdFor(
  db: Executor,
  deviceToken: DeviceToken,
  user: { email: string } | { userId: string },
): Promise<string | null> {
  const device = await findTrustedDevice(db, deviceToken);
  if (!device) return null;
  const isSameUser = 'email' in user ? device.email === user.email : device.userId === user.userId;
  return isSameUser ? device.publicId : null;
}

/**
 * Counts a failed attempt (password, second factor or current password) in the caller's transaction.
 * When it locks the account for untrusted sources, the lockout is audited and announced to the owner
 * and the administrators, once per lockout window; returns the notifications to e-mail after commit.
 */
async function countLoginFailure(
  tx: Executor,
  ctx: RequestContext,
  config: Config,
  attempt: { email: string; user: UserRow | null; trustedDeviceId: string | null },
): Promise<string[]> {
  const { isAccountNewlyLocked } = await recordLoginFailure(
    tx,
    attempt.email,
    ctx.ip,
    throttleSettings(config),
    attempt.trustedDeviceId,
  );
  if (!isAccountNewlyLocked) return [];
  const { user } = attempt;
  await recordAuditEvent(tx, ctx, {
    action: 'auth.loginLockout',
    outcome: 'failure',
    subjectType: user ? 'user' : null,
    subjectId: user?.id ?? null,
    details: { failures: config.LOGIN_MAX_FAILURES, lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES },
  });
  // An e-mail nobody uses is audited only: there is no account to warn about, and announcing it
  // would let anyone flood the administrators by guessing made-up addresses.
  if (!user) return [];
  const params = { failures: config.LOGIN_MAX_FAILURES, lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES };
  const ownIds = await notifyUsers(tx, [user.id], lockedOutNotification, params);
  const administratorIds = (await findActiveAdministratorIds(tx)).filter((id) => id !== user.id);
  const adminIds = await notifyUsers(tx, administratorIds, lockedOutForAdminNotification, {
    ...params,
    accountId: user.id,
  });
  return [...ownIds, ...adminIds];
}

/**
 * E-mails the lockout notifications after commit without waiting: the answer to the attempt must not
 * wait on a mail server, nor reveal by its timing that the account exists. Best effort, like all
 * notification e-mail (the notification stays in the app).
 */
function emailLockoutNotifications(db: Database, config: Config, notificationIds: string[]): void {
  if (notificationIds.length === 0) return;
  deliverNotificationEmails(db, mailerFor(config), notificationIds).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

/**
 * Password step of sign-in. Unknown e-mail, wrong password and deactivated account take the same time
 * (an argon2 verification each) and give the same answer; a lockout answers the same for all three.
 * An attempt with a device cookie valid for this account is checked against that device's counter
 * instead of the account's and the address's (login-throttle.ts).
 */
export async function signIn(
  deps: AccountsDependencies,
  ctx: RequestContext,
  input: LoginInput,
  client: ClientInfo,
): Promise<SignInOutcome> {
  const { db, config } = deps;
  const email = input.email;
  const trustedDeviceId = await trustedDeviceIdFor(db, client.deviceToken, { email });
  if (await isThrottled(db, throttleKeysFor(email, ctx.ip, trustedDeviceId))) {
    const known = await findCredentialsByEmail(db, email);
    await recordStandaloneAuditEvent(db, ctx, {
      action: 'auth.login',
      outcome: 'denied',
      subjectType: known ? 'user' : null,
      subjectId: known?.id ?? null,
      details: { reason: 'locked', isTrustedDevice: trustedDeviceId !== null },
    });
    throw new AppError('locked');
  }

  const user = await findCredentialsByEmail(db, email);
  const isPasswordCorrect = await verifyPassword(user?.passwordHash ?? (await getDummyHash()), input.password);
  const failureReason = !user
    ? 'unknownAccount'
    : !isPasswordCorrect
      ? 'wrongPassword'
      : !user.isActive
        ? 'inactive'
        : null;
  if (!user || failureReason) {
    const notificationIds = await db.transaction(async (tx) => {
      await recordAuditEvent(tx, ctx, {
        action: 'auth.login',
        outcome: 'failure',
        subjectType: user ? 'user' : null,
        subjectId: user?.id ?? null,
        details: { reason: failureReason, isTrustedDevice: trustedDeviceId !== null },
      });
      return countLoginFailure(tx, ctx, config, { email, user, trustedDeviceId });
    });
    emailLockoutNotifications(db, config, notificationIds);
    throw new AppError('invalidCredentials');
  }

  const isSecondFactorPending = user.totpEnabledAt !== null;
  return db.transaction(async (tx) => {
    // A cookie from before sign-in is never reused: the new session gets a new id (session fixation).
    if (client.previousToken) await revokeSessionByToken(tx, client.previousToken);
    // With a second factor pending the counter stays: otherwise the password alone would buy
    // a fresh budget of TOTP guesses at every sign-in.
    if (!isSecondFactorPending) await resetLoginThrottle(tx, email, trustedDeviceId);
    const session = await startSession(tx, config, ctx, user.id, client.userAgent, isSecondFactorPending);
    await recordAuditEvent(
      tx,
      { ...ctx, actor: session.actor },
      {
        action: 'auth.login',
        subjectType: 'user',
        subjectId: user.id,
        details: {
          secondFactor: isSecondFactorPending ? 'pending' : 'notEnrolled',
          isTrustedDevice: trustedDeviceId !== null,
        },
      },
    );
    if (isSecondFactorPending)
      return { status: 'secondFactorRequired', token: session.token, csrfToken: session.csrfToken };
    const deviceToken = await rememberTrustedDevice(tx, user.id, client.deviceToken);
    return { status: 'signedIn', token: session.token, deviceToken, me: presentMe(session.actor, session.csrfToken) };
  });
}

/**
 * Second step: a TOTP code (each step once) or a recovery code (each once). Success replaces the
 * pending session with a new one; failures count towards the account lockout.
 */
export async function completeSignInWithSecondFactor(
  deps: AccountsDependencies,
  ctx: RequestContext,
  pendingToken: string,
  input: SecondFactorInput,
  client: Omit<ClientInfo, 'previousToken'>,
): Promise<Extract<SignInOutcome, { status: 'signedIn' }>> {
  const { db, config } = deps;
  const actor = requireActor(ctx);
  const method = input.code ? 'totp' : 'recoveryCode';
  const trustedDeviceId = await trustedDeviceIdFor(db, client.deviceToken, { userId: actor.userId });
  if (await isThrottled(db, throttleKeysFor(actor.email, ctx.ip, trustedDeviceId))) {
    await recordStandaloneAuditEvent(db, ctx, {
      action: 'auth.secondFactor',
      outcome: 'denied',
      subjectType: 'user',
      subjectId: actor.userId,
      details: { reason: 'locked', method },
    });
    throw new AppError('locked');
  }
  const user = await findCredentialsById(db, actor.userId);
  const outcome = await db.transaction(async (tx) => {
    if (!user || !user.isActive || !user.totpSecret || !user.totpEnabledAt) return null;
    const isAccepted = input.code
      ? await consumeTotpCode(tx, user, input.code)
      : await consumeRecoveryCode(tx, user.id, hashRecoveryCode(input.recoveryCode ?? ''));
    if (!isAccepted) return null;
    await revokeSessionByToken(tx, pendingToken);
    await resetLoginThrottle(tx, user.email, trustedDeviceId);
    const session = await startSession(tx, config, ctx, user.id, client.userAgent, false);
    await recordAuditEvent(
      tx,
      { ...ctx, actor: session.actor },
      {
        action: 'auth.secondFactor',
        subjectType: 'user',
        subjectId: user.id,
        details: { method, isTrustedDevice: trustedDeviceId !== null },
      },
    );
    const deviceToken = await rememberTrustedDevice(tx, user.id, client.deviceToken);
    return {
      status: 'signedIn' as const,
      token: session.token,
      deviceToken,
      me: presentMe(session.actor, session.csrfToken),
    };
  });
  if (outcome) return outcome;
  const notificationIds = await db.transaction(async (tx) => {
    await recordAuditEvent(tx, ctx, {
      action: 'auth.secondFactor',
      outcome: 'failure',
      subjectType: 'user',
      subjectId: actor.userId,
      details: { reason: 'invalidCode', method, isTrustedDevice: trustedDeviceId !== null },
    });
    return countLoginFailure(tx, ctx, config, { email: actor.email, user, trustedDeviceId });
  });
  emailLockoutNotifications(db, config, notificationIds);
  throw new AppError('invalidSecondFactor');
}

async function consumeTotpCode(tx: Executor, user: UserCredentials, code: string): Promise<boolean> {
  const step = user.totpSecret ? findTotpStep(code, user.totpSecret) : null;
  return step !== null && consumeTotpStep(tx, user.id, step);
}

export async function signOut(deps: AccountsDependencies, ctx: RequestContext, token: string): Promise<void> {
  const actor = requireActor(ctx);
  await deps.db.transaction(async (tx) => {
    await revokeSessionByToken(tx, token);
    await recordAuditEvent(tx, ctx, { action: 'auth.logout', subjectType: 'user', subjectId: actor.userId });
  });
}

// ---------------------------------------------------------------------------------------------
// Own account
// ---------------------------------------------------------------------------------------------

/** Switches the capacity (institution + role) the user acts in; only one of their own memberships. */
export async function switchActiveMembership(
  deps: AccountsDependencies,
  ctx: RequestContext,
  membershipId: string,
  csrfToken: string,
): Promise<Me> {
  const actor = requireActor(ctx);
  const membership = actor.memberships.find((m) => m.id === membershipId);
  if (!membership) throw new AppError('notFound');
  await deps.db.transaction(async (tx) => {
    await setActiveMembership(tx, actor.sessionId, membership.id);
    await recordAuditEvent(
      tx,
      { ...ctx, actor: { ...actor, membership } },
      {
        action: 'auth.membership.switch',
        subjectType: 'membership',
        subjectId: membership.id,
        details: { fromMembershipId: actor.membership?.id ?? null },
      },
    );
  });
  return presentMe({ ...actor, membership }, csrfToken);
}

/**
 * Changes the user's own password. The current password is required (a hijacked session alone must
 * not take over the account) and its failures count towards the lockout. Other sessions end.
 */
export async function changeOwnPassword(
  deps: AccountsDependencies,
  ctx: RequestContext,
  input: ChangePasswordInput,
  deviceToken: DeviceToken,
): Promise<void> {
  const { db, config } = deps;
  const actor = requireActor(ctx);
  const trustedDeviceId = await trustedDeviceIdFor(db, deviceToken, { userId: actor.userId });
  if (await isThrottled(db, throttleKeysFor(actor.email, ctx.ip, trustedDeviceId))) throw new AppError('locked');
  const user = await findCredentialsById(db, actor.userId);
  if (!user) throw new AppError('unauthenticated');
  const isCurrentCorrect = await verifyPassword(user.passwordHash, input.currentPassword);
  const errors: FieldError[] = [];
  if (!isCurrentCorrect) errors.push(fieldError('currentPassword', 'wrongPassword'));
  const weakness = checkPasswordStrength(input.newPassword, personalWords(user.email, user.displayName));
  if (weakness) errors.push(fieldError('newPassword', weakness));
  if (!isCurrentCorrect) {
    const notificationIds = await db.transaction(async (tx) => {
      await recordAuditEvent(tx, ctx, {
        action: 'auth.password.change',
        outcome: 'failure',
        subjectType: 'user',
        subjectId: user.id,
        details: { reason: 'wrongPassword' },
      });
      return countLoginFailure(tx, ctx, config, { email: user.email, user, trustedDeviceId });
    });
    emailLockoutNotifications(db, config, notificationIds);
  }
  if (errors.length > 0) throw new AppError('validation', errors);

  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: false, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, user.id));
    const revokedCount = await revokeUserSessions(tx, user.id, actor.sessionId);
    await recordAuditEvent(tx, ctx, {
      action: 'auth.password.change',
      subjectType: 'user',
      subjectId: user.id,
      details: { revokedSessions: revokedCount, wasForced: user.mustChangePassword },
    });
  });
}

export async function listOwnSessions(deps: AccountsDependencies, ctx: RequestContext): Promise<SessionView[]> {
  const actor = requireActor(ctx);
  const rows = await listLiveSessions(deps.db, actor.userId, deps.config.SESSION_IDLE_MINUTES);
  return rows.map((row) => presentSession(row, actor.sessionId));
}

/** Ends one of the user's own sessions; a foreign or unknown id is "not found". Returns whether it was the current one. */
export async function endOwnSession(
  deps: AccountsDependencies,
  ctx: RequestContext,
  sessionPublicId: string,
): Promise<{ isCurrent: boolean }> {
  const actor = requireActor(ctx);
  await deps.db.transaction(async (tx) => {
    if (!(await revokeOwnSession(tx, actor.userId, sessionPublicId))) throw new AppError('notFound');
    await recordAuditEvent(tx, ctx, {
      action: 'auth.session.revoke',
      subjectType: 'session',
      subjectId: sessionPublicId,
    });
  });
  return { isCurrent: sessionPublicId === actor.sessionId };
}

export async function endOtherOwnSessions(deps: AccountsDependencies, ctx: RequestContext): Promise<number> {
  const actor = requireActor(ctx);
  return deps.db.transaction(async (tx) => {
    const revokedCount = await revokeUserSessions(tx, actor.userId, actor.sessionId);
    await recordAuditEvent(tx, ctx, {
      action: 'auth.session.revokeOthers',
      subjectType: 'user',
      subjectId: actor.userId,
      details: { revokedSessions: revokedCount },
    });
    return revokedCount;
  });
}

// ---------------------------------------------------------------------------------------------
// TOTP
// ---------------------------------------------------------------------------------------------

/** Stores a new, unconfirmed secret; it protects nothing until a code from it is confirmed. */
export async function setUpTotp(deps: AccountsDependencies, ctx: RequestContext): Promise<z.infer<typeof TotpSetup>> {
  const actor = requireActor(ctx);
  const secret = generateTotpSecret();
  await deps.db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      .set({ totpSecret: secret, totpEnabledAt: null, totpLastUsedStep: null, updatedAt: new Date() })
      .where(and(eq(users.id, actor.userId), isNull(users.totpEnabledAt)))
      .returning({ id: users.id });
    if (rows.length === 0) throw new AppError('totpAlreadyEnabled');
    await recordAuditEvent(tx, ctx, { action: 'auth.totp.setup', subjectType: 'user', subjectId: actor.userId });
  });
  return { secret, otpauthUrl: buildOtpauthUrl(actor.email, secret) };
}

/** Confirms the secret with a current code and hands out recovery codes, shown this once only. */
export async function enableTotp(
  deps: AccountsDependencies,
  ctx: RequestContext,
  input: z.infer<typeof TotpEnableInput>,
): Promise<z.infer<typeof RecoveryCodes>> {
  const actor = requireActor(ctx);
  const user = await findCredentialsById(deps.db, actor.userId);
  if (!user) throw new AppError('unauthenticated');
  if (user.totpEnabledAt) throw new AppError('totpAlreadyEnabled');
  if (!user.totpSecret) throw new AppError('validation', [fieldError('code', 'totpNotSetUp')]);
  const step = findTotpStep(input.code, user.totpSecret);
  if (step === null) throw new AppError('validation', [fieldError('code', 'invalidTotpCode')]);
  const recoveryCodes = generateRecoveryCodes();
  await deps.db.transaction(async (tx) => {
    const rows = await tx
      .update(users)
      // The confirming code's step counts as used, so it cannot be replayed at the next sign-in.
      .set({
        totpEnabledAt: new Date(),
        totpLastUsedStep: step,
        recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode),
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, user.id), eq(users.totpSecret, user.totpSecret!), isNull(users.totpEnabledAt)))
      .returning({ id: users.id });
    if (rows.length === 0) throw new AppError('validation', [fieldError('code', 'totpNotSetUp')]);
    await recordAuditEvent(tx, ctx, { action: 'auth.totp.enable', subjectType: 'user', subjectId: user.id });
  });
  return { recoveryCodes };
}

/** Turning the second factor off needs the password again: a session left open must not weaken the account. */
export async function disableTotp(
  deps: AccountsDependencies,
  ctx: RequestContext,
  input: z.infer<typeof TotpDisableInput>,
  deviceToken: DeviceToken,
): Promise<void> {
  const { db, config } = deps;
  const actor = requireActor(ctx);
  const trustedDeviceId = await trustedDeviceIdFor(db, deviceToken, { userId: actor.userId });
  if (await isThrottled(db, throttleKeysFor(actor.email, ctx.ip, trustedDeviceId))) throw new AppError('locked');
  const user = await findCredentialsById(db, actor.userId);
  if (!user) throw new AppError('unauthenticated');
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    const notificationIds = await db.transaction(async (tx) => {
      await recordAuditEvent(tx, ctx, {
        action: 'auth.totp.disable',
        outcome: 'failure',
        subjectType: 'user',
        subjectId: user.id,
        details: { reason: 'wrongPassword' },
      });
      return countLoginFailure(tx, ctx, config, { email: user.email, user, trustedDeviceId });
    });
    emailLockoutNotifications(db, config, notificationIds);
    throw new AppError('validation', [fieldError('password', 'wrongPassword')]);
  }
  if (!user.totpEnabledAt && !user.totpSecret)
    throw new AppError('unprocessable', [fieldError('(body)', 'totpNotEnabled')]);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({
        totpSecret: null,
        totpEnabledAt: null,
        totpLastUsedStep: null,
        recoveryCodeHashes: [],
        updatedAt: new Date(),
      })
      .where(eq(users.id, user.id));
    await recordAuditEvent(tx, ctx, { action: 'auth.totp.disable', subjectType: 'user', subjectId: user.id });
  });
}

// ---------------------------------------------------------------------------------------------
// User administration (routes allow canManageUsers only)
// ---------------------------------------------------------------------------------------------

async function summarizeUser(tx: Executor, userId: string): Promise<UserSummary> {
  const user = await findUserById(tx, userId);
  if (!user) throw new AppError('notFound');
  const grouped = await findMembershipsOfUsers(tx, [user.id]);
  return presentUserSummary(user, grouped.get(user.id) ?? []);
}

/** One audit event for the whole page, naming every account it disclosed. */
export async function listUsersForAdmin(
  deps: AccountsDependencies,
  ctx: RequestContext,
  query: z.infer<typeof UserSearchInput>,
): Promise<z.infer<typeof UserPage>> {
  return deps.db.transaction(async (tx) => {
    const { rows, total } = await listUsers(tx, query);
    const grouped = await findMembershipsOfUsers(
      tx,
      rows.map((r) => r.id),
    );
    await recordAuditEvent(tx, ctx, {
      action: 'user.list',
      subjectType: 'user',
      details: {
        count: rows.length,
        total,
        userIds: rows.map((r) => r.id),
        // The search text may be a person's name: only whether there was one is kept.
        hasQuery: Boolean(query.q),
        institutionId: query.institutionId ?? null,
        page: query.page,
      },
    });
    return {
      items: rows.map((row) => presentUserSummary(row, grouped.get(row.id) ?? [])),
      total,
      page: query.page,
      pageSize: query.pageSize,
    };
  });
}

export async function createUser(
  deps: AccountsDependencies,
  ctx: RequestContext,
  input: CreateUserInput,
): Promise<UserSummary> {
  const errors: FieldError[] = [];
  const weakness = checkPasswordStrength(input.password, personalWords(input.email, input.displayName));
  if (weakness) errors.push(fieldError('password', weakness));
  const seen = new Set<string>();
  input.memberships.forEach((m, index) => {
    const key = `${m.institutionId}/${m.role}`;
    if (seen.has(key)) errors.push(fieldError(`memberships.${index}`, 'unique'));
    seen.add(key);
  });
  if (errors.length > 0) throw new AppError('validation', errors);

  const passwordHash = await hashPassword(input.password);
  return withUniqueEmail(() =>
    deps.db.transaction(async (tx) => {
      const userId = await insertUserInTransaction(tx, ctx, input, passwordHash);
      return summarizeUser(tx, userId);
    }),
  );
}

/** Two creations of the same e-mail at once: the unique index decides, the answer stays a 409. */
async function withUniqueEmail<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('duplicate', [fieldError('email', 'emailTaken')]);
    throw error;
  }
}

/**
 * The one way an account is created: the user, who must change the password at first sign-in, their
 * memberships and the `user.create` event, in the caller's transaction. Returns the new user's id.
 */
async function insertUserInTransaction(
  tx: Executor,
  ctx: RequestContext,
  input: Pick<CreateUserInput, 'email' | 'displayName' | 'memberships'>,
  passwordHash: string,
  auditDetails: Record<string, unknown> = {},
): Promise<string> {
  if (await isEmailTaken(tx, input.email)) throw new AppError('duplicate', [fieldError('email', 'emailTaken')]);
  const existing = await findExistingInstitutionIds(
    tx,
    input.memberships.map((m) => m.institutionId),
  );
  const unknown = input.memberships.flatMap((m, index) =>
    existing.has(m.institutionId) ? [] : [fieldError(`memberships.${index}.institutionId`, 'unknownInstitution')],
  );
  if (unknown.length > 0) throw new AppError('validation', unknown);
  const [created] = await tx
    .insert(users)
    .values({ email: input.email, displayName: input.displayName, passwordHash, mustChangePassword: true })
    .returning({ id: users.id });
  const userId = created!.id;
  await tx
    .insert(memberships)
    .values(input.memberships.map((m) => ({ userId, institutionId: m.institutionId, role: m.role })));
  await recordAuditEvent(tx, ctx, {
    action: 'user.create',
    subjectType: 'user',
    subjectId: userId,
    details: {
      ...auditDetails,
      memberships: input.memberships.map((m) => ({ institutionId: m.institutionId, role: m.role })),
    },
  });
  return userId;
}

/** The administrator's institution: an existing one, or one to register with the account. */
export type AdministratorInstitution = { id: string } | { register: CreateInstitutionData };

export type CreatedAdministrator = {
  userId: string;
  institutionId: string;
  /** Shown once to the operator; only its argon2id hash is stored, and it must be changed at first sign-in. */
  oneTimePassword: string;
};

/**
 * `npm run admin:create`: an administrator account for a new installation (or a locked-out one),
 * with a random one-time password the person must change at first sign-in. The actor is the command
 * line (no user); the account, its admin membership, the institution when it is registered here and
 * the audit events commit together.
 */
export async function createAdministratorFromCommandLine(
  db: Database,
  ctx: RequestContext,
  input: { email: string; displayName: string; institution: AdministratorInstitution },
): Promise<CreatedAdministrator> {
  let oneTimePassword = generateOneTimePassword();
  // A random password is never weak in practice; the check keeps the one rule for every password.
  while (checkPasswordStrength(oneTimePassword, personalWords(input.email, input.displayName)))
    oneTimePassword = generateOneTimePassword();
  const passwordHash = await hashPassword(oneTimePassword);
  return withUniqueEmail(() =>
    db.transaction(async (tx) => {
      if (await isEmailTaken(tx, input.email)) throw new AppError('duplicate', [fieldError('email', 'emailTaken')]);
      const institutionId =
        'id' in input.institution
          ? input.institution.id
          : await registerInstitutionInTransaction(tx, ctx, input.institution.register, null);
      const userId = await insertUserInTransaction(
        tx,
        ctx,
        { email: input.email, displayName: input.displayName, memberships: [{ institutionId, role: 'admin' }] },
        passwordHash,
        { via: 'commandLine' },
      );
      return { userId, institutionId, oneTimePassword };
    }),
  );
}

export async function readUser(deps: AccountsDependencies, ctx: RequestContext, userId: string): Promise<UserSummary> {
  return deps.db.transaction(async (tx) => {
    const summary = await summarizeUser(tx, userId);
    await recordAuditEvent(tx, ctx, { action: 'user.read', subjectType: 'user', subjectId: userId });
    return summary;
  });
}

/** Deactivation ends every session of the user in the same transaction: effective at their next request. */
export async function updateUser(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  input: UpdateUserInput,
): Promise<UserSummary> {
  const actor = requireActor(ctx);
  return deps.db.transaction(async (tx) => {
    const user = await lockUserById(tx, userId);
    if (!user) throw new AppError('notFound');
    if (input.isActive === false && !canChangeUserStatus(actor, user)) {
      throw new AppError('unprocessable', [fieldError('isActive', 'cannotDeactivateSelf')]);
    }
    const changes: Partial<typeof users.$inferInsert> = {};
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.isActive !== undefined) changes.isActive = input.isActive;
    const changedFields = Object.keys(changes);
    if (changedFields.length > 0)
      await tx
        .update(users)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(users.id, userId));
    const revokedCount = input.isActive === false ? await revokeUserSessions(tx, userId) : 0;
    await recordAuditEvent(tx, ctx, {
      action: 'user.update',
      subjectType: 'user',
      subjectId: userId,
      details: { fields: changedFields, isActive: input.isActive ?? null, revokedSessions: revokedCount },
    });
    return summarizeUser(tx, userId);
  });
}

/** Sets a temporary password the user must replace at their next sign-in; their sessions end and any lockout lifts. */
export async function resetUserPassword(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  input: z.infer<typeof ResetPasswordInput>,
): Promise<void> {
  const target = await findUserById(deps.db, userId);
  if (!target) throw new AppError('notFound');
  const weakness = checkPasswordStrength(input.newPassword, personalWords(target.email, target.displayName));
  if (weakness) throw new AppError('validation', [fieldError('newPassword', weakness)]);
  const passwordHash = await hashPassword(input.newPassword);
  await deps.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, mustChangePassword: true, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where(eq(users.id, userId));
    const revokedCount = await revokeUserSessions(tx, userId);
    await resetLoginThrottle(tx, target.email, null);
    await recordAuditEvent(tx, ctx, {
      action: 'user.password.reset',
      subjectType: 'user',
      subjectId: userId,
      details: { revokedSessions: revokedCount },
    });
  });
}

export async function addUserMembership(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  input: z.infer<typeof AddMembershipInput>,
): Promise<UserSummary> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockUserById(tx, userId))) throw new AppError('notFound');
    const existing = await findExistingInstitutionIds(tx, [input.institutionId]);
    if (!existing.has(input.institutionId))
      throw new AppError('validation', [fieldError('institutionId', 'unknownInstitution')]);
    const current = (await findMembershipsOfUsers(tx, [userId])).get(userId) ?? [];
    if (current.some((m) => m.institutionId === input.institutionId && m.role === input.role)) {
      throw new AppError('duplicate', [fieldError('role', 'alreadyHasRole')]);
    }
    const [created] = await tx
      .insert(memberships)
      .values({ userId, institutionId: input.institutionId, role: input.role })
      .returning({ id: memberships.id });
    await recordAuditEvent(tx, ctx, {
      action: 'user.membership.add',
      subjectType: 'user',
      subjectId: userId,
      details: { membershipId: created!.id, institutionId: input.institutionId, role: input.role },
    });
    return summarizeUser(tx, userId);
  });
}

/** Removing a role takes effect at the user's next request; the last role cannot be removed. */
export async function removeUserMembership(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
  membershipId: string,
): Promise<UserSummary> {
  return deps.db.transaction(async (tx) => {
    if (!(await lockUserById(tx, userId))) throw new AppError('notFound');
    const current = (await findMembershipsOfUsers(tx, [userId])).get(userId) ?? [];
    const target = current.find((m) => m.id === membershipId);
    if (!target) throw new AppError('notFound');
    if (current.length === 1) throw new AppError('unprocessable', [fieldError('membershipId', 'lastMembership')]);
    await detachMembershipFromSessions(tx, membershipId);
    await tx.delete(memberships).where(and(eq(memberships.id, membershipId), eq(memberships.userId, userId)));
    await recordAuditEvent(tx, ctx, {
      action: 'user.membership.remove',
      subjectType: 'user',
      subjectId: userId,
      details: { membershipId, institutionId: target.institutionId, role: target.role },
    });
    return summarizeUser(tx, userId);
  });
}

export async function listUserSessions(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
): Promise<SessionView[]> {
  const actor = requireActor(ctx);
  return deps.db.transaction(async (tx) => {
    if (!(await findUserById(tx, userId))) throw new AppError('notFound');
    const rows = await listLiveSessions(tx, userId, deps.config.SESSION_IDLE_MINUTES);
    await recordAuditEvent(tx, ctx, {
      action: 'user.sessions.list',
      subjectType: 'user',
      subjectId: userId,
      details: { count: rows.length },
    });
    return rows.map((row) => presentSession(row, actor.sessionId));
  });
}

export async function endUserSessions(
  deps: AccountsDependencies,
  ctx: RequestContext,
  userId: string,
): Promise<number> {
  return deps.db.transaction(async (tx) => {
    if (!(await findUserById(tx, userId))) throw new AppError('notFound');
    const revokedCount = await revokeUserSessions(tx, userId);
    await recordAuditEvent(tx, ctx, {
      action: 'user.sessions.revoke',
      subjectType: 'user',
      subjectId: userId,
      details: { revokedSessions: revokedCount },
    });
    return revokedCount;
  });
}
