/**
 * SECURITY-CRITICAL. One's own account (/api/v1/auth/me/*, /password, /sessions, /totp): the acting
 * membership, the password, one's sessions and the second factor. Every change commits with its audit
 * event; a wrong current password counts towards the lockout as at sign-in.
 */
import type {
  ChangePasswordInput,
  Me,
  RecoveryCodes,
  SessionView,
  TotpEnableInput,
  TotpDisableInput,
  TotpSetup,
} from '../../../shared/src/contracts/auth.js';
import type { z } from 'zod';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
import { AppError, fieldError, type FieldError } from '../platform/http/problem.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import { presentMe, presentSession } from './accounts.presenter.js';
import {
  clearUserTotp,
  enableUserTotp,
  findCredentialsById,
  listLiveSessions,
  revokeOwnSession,
  setActiveMembership,
  setUserPassword,
  startTotpSetup,
} from './accounts.queries.js';
import { isThrottled, throttleKeysFor } from './login-throttle.js';
import { checkPasswordStrength, hashPassword, verifyPassword } from './passwords.js';
import { revokeUserSessions } from './sessions.js';
import { buildOtpauthUrl, findTotpStep, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode } from './totp.js';
import {
  type AccountsDependencies,
  type DeviceToken,
  personalWords,
  trustedDeviceIdFor,
  countLoginFailure,
  emailLockoutNotifications,
} from './credentials.js';

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
 * The start of a change that asks for the password again (a new password, turning off the second
 * factor): the signed-in actor, their credentials, and the device; answers 423 while the account,
 * the address or the device is locked out, like a sign-in.
 */
async function beginReauthentication(deps: AccountsDependencies, ctx: RequestContext, deviceToken: DeviceToken) {
  const { db } = deps;
  const actor = requireActor(ctx);
  const trustedDeviceId = await trustedDeviceIdFor(db, deviceToken, { userId: actor.userId });
  if (await isThrottled(db, throttleKeysFor(actor.email, ctx.ip, trustedDeviceId))) throw new AppError('locked');
  const user = await findCredentialsById(db, actor.userId);
  if (!user) throw new AppError('unauthenticated');
  return { actor, user, trustedDeviceId };
}

type Credentials = NonNullable<Awaited<ReturnType<typeof findCredentialsById>>>;

/**
 * A wrong password given again counts as a failed sign-in (audited, towards the lockout, with the
 * lockout e-mail), so asking for the password again cannot be used to guess it.
 */
async function recordWrongPassword(
  deps: AccountsDependencies,
  ctx: RequestContext,
  action: 'auth.password.change' | 'auth.totp.disable',
  user: Credentials,
  trustedDeviceId: string | null,
): Promise<void> {
  const { db, config } = deps;
  const notificationIds = await db.transaction(async (tx) => {
    await recordAuditEvent(tx, ctx, {
      action,
      outcome: 'failure',
      subjectType: 'user',
      subjectId: user.id,
      details: { reason: 'wrongPassword' },
    });
    return countLoginFailure(tx, ctx, config, { email: user.email, user, trustedDeviceId });
  });
  emailLockoutNotifications(db, config, notificationIds);
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
  const { db } = deps;
  const { actor, user, trustedDeviceId } = await beginReauthentication(deps, ctx, deviceToken);
  const isCurrentCorrect = await verifyPassword(user.passwordHash, input.currentPassword);
  const errors: FieldError[] = [];
  if (!isCurrentCorrect) errors.push(fieldError('currentPassword', 'wrongPassword'));
  const weakness = checkPasswordStrength(input.newPassword, personalWords(user.email, user.displayName));
  if (weakness) errors.push(fieldError('newPassword', weakness));
  if (!isCurrentCorrect) {
    await recordWrongPassword(deps, ctx, 'auth.password.change', user, trustedDeviceId);
  }
  if (errors.length > 0) throw new AppError('validation', errors);

  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await setUserPassword(tx, user.id, passwordHash, { mustChangePassword: false });
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

/** Stores a new, unconfirmed secret; it protects nothing until a code from it is confirmed. */
export async function setUpTotp(deps: AccountsDependencies, ctx: RequestContext): Promise<z.infer<typeof TotpSetup>> {
  const actor = requireActor(ctx);
  const secret = generateTotpSecret();
  await deps.db.transaction(async (tx) => {
    if (!(await startTotpSetup(tx, actor.userId, secret))) throw new AppError('totpAlreadyEnabled');
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
    // The confirming code's step counts as used, so it cannot be replayed at the next sign-in.
    const isEnabled = await enableUserTotp(tx, user.id, user.totpSecret!, step, recoveryCodes.map(hashRecoveryCode));
    if (!isEnabled) throw new AppError('validation', [fieldError('code', 'totpNotSetUp')]);
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
  const { db } = deps;
  const { user, trustedDeviceId } = await beginReauthentication(deps, ctx, deviceToken);
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await recordWrongPassword(deps, ctx, 'auth.totp.disable', user, trustedDeviceId);
    throw new AppError('validation', [fieldError('password', 'wrongPassword')]);
  }
  if (!user.totpEnabledAt && !user.totpSecret)
    throw new AppError('unprocessable', [fieldError('(body)', 'totpNotEnabled')]);
  await db.transaction(async (tx) => {
    await clearUserTotp(tx, user.id);
    await recordAuditEvent(tx, ctx, { action: 'auth.totp.disable', subjectType: 'user', subjectId: user.id });
  });
}
