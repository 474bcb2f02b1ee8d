/**
 * SECURITY-CRITICAL. What sign-in and one's own account share when they check a password: the
 * words a password must not be built from, the trusted device a request comes from, and counting a
 * failure towards the lockout (with the e-mail that tells the person). Low-level throttle storage is
 * in login-throttle.ts, sessions in sessions.ts.
 */
import type { Config } from '../platform/config.js';
import type { Database, Executor } from '../platform/db/database.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import type { UserRow } from './accounts.presenter.js';
import { findActiveAdministratorIds } from './accounts.queries.js';
import { recordLoginFailure, type ThrottleSettings } from './login-throttle.js';
import { findTrustedDevice } from './trusted-devices.js';
import { deliverNotificationEmails, notifyUsers } from '../notifications/notifications.service.js';
import { mailerFor } from '../notifications/mailer.js';
import { lockedOutForAdminNotification, lockedOutNotification } from './notification-kinds.js';
import type { SessionSettings } from './sessions.js';

export type AccountsDependencies = { db: Database; config: Config };

/** The device cookie's token the request carried, if any (trusted-devices.ts). */
export type DeviceToken = string | null | undefined;

export function sessionSettings(config: Config): SessionSettings {
  return { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS };
}

export function throttleSettings(config: Config): ThrottleSettings {
  return {
    maxAccountFailures: config.LOGIN_MAX_FAILURES,
    maxIpFailures: config.LOGIN_IP_MAX_FAILURES,
    lockoutMinutes: config.LOGIN_LOCKOUT_MINUTES,
  };
}

/** Words a password must not be built from: the e-mail's local part and the person's names. */
export function personalWords(email: string, displayName: string): string[] {
  const localPart = email.split('@')[0] ?? '';
  return [
    localPart,
    ...localPart.split(/[._+-]+/),
    displayName.replace(/\s+/g, ''),
    ...displayName.split(/\s+/),
  ].filter(Boolean);
}

/**
 * The trusted device an attempt comes from: the device cookie's, when it is valid for this very user.
 * A forged, expired or another user's cookie counts as no cookie (no bypass of the account lockout).
 */
export async function trustedDeviceIdFor(
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
export async function countLoginFailure(
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
export function emailLockoutNotifications(db: Database, config: Config, notificationIds: string[]): void {
  if (notificationIds.length === 0) return;
  deliverNotificationEmails(db, mailerFor(config), notificationIds).catch(() => undefined);
}
