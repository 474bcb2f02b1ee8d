/**
 * SECURITY-CRITICAL. Sign-in with throttling and a second factor, and sign-out (/api/v1/auth/login*,
 * /logout). Every attempt, successful or not, is an audit event (docs/security.md §8). Password hashing runs
 * before a transaction opens, so no transaction waits on it.
 */
import type { LoginInput, Me, SecondFactorInput } from '../../../shared/src/contracts/auth.js';
import type { Config } from '../platform/config.js';
import type { Executor } from '../platform/db/database.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import { AppError } from '../platform/http/problem.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from '../audit/audit.service.js';
import { presentMe } from './accounts.presenter.js';
import {
  consumeRecoveryCode,
  consumeTotpStep,
  findCredentialsByEmail,
  findCredentialsById,
  type UserCredentials,
} from './accounts.queries.js';
import { isThrottled, resetLoginThrottle, throttleKeysFor } from './login-throttle.js';
import { getDummyHash, verifyPassword } from './passwords.js';
import { rememberTrustedDevice } from './trusted-devices.js';
import { createSession, loadSession, revokeSessionByToken } from './sessions.js';
import { findTotpStep, hashRecoveryCode } from './totp.js';
import {
  type AccountsDependencies,
  type DeviceToken,
  sessionSettings,
  trustedDeviceIdFor,
  countLoginFailure,
  emailLockoutNotifications,
} from './credentials.js';

/**
 * What the browser needs after a sign-in step: the session cookie's token, the body to send and, once
 * signed in completely, the token of its device cookie.
 */
export type SignInOutcome =
  | { status: 'signedIn'; token: string; deviceToken: string; me: Me }
  | { status: 'secondFactorRequired'; token: string; csrfToken: string };

type ClientInfo = { userAgent: string | null; previousToken: string | null; deviceToken: DeviceToken };

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
