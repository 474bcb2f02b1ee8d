/**
 * SECURITY-CRITICAL. Throttling and temporary lockout of sign-in (docs/security.md §15).
 *
 * Failures are counted per account key (`account:<email>`) and per client key (`ip:<ip>`) in
 * login_throttles. Keys exist for e-mails nobody uses too, so a lockout answers the same whether the
 * account exists or not. The counting runs in one upsert so parallel attempts cannot undercount.
 *
 * An attempt from a browser trusted for the account (a device cookie, trusted-devices.ts) is counted
 * and checked against that device's own key (`device:<id>`) only: failures from elsewhere, which
 * anyone can cause, lock out untrusted sources but never the owner's own browser, and failures with
 * the cookie lock that cookie only (OWASP "Slow down online guessing attacks with device cookies").
 */
import { eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { loginThrottles } from '../platform/db/tables.js';

export type ThrottleSettings = {
  maxAccountFailures: number;
  maxIpFailures: number;
  lockoutMinutes: number;
};

export function accountThrottleKey(email: string): string {
  return `account:${email}`;
}

export function ipThrottleKey(ip: string | null): string {
  return `ip:${ip ?? 'unknown'}`;
}

export function deviceThrottleKey(trustedDeviceId: string): string {
  return `device:${trustedDeviceId}`;
}

/**
 * The counters an attempt is checked against: its trusted device's alone, or the account's and the
 * client address's for an attempt without a valid device cookie for this account.
 */
export function throttleKeysFor(email: string, ip: string | null, trustedDeviceId: string | null): string[] {
  return trustedDeviceId ? [deviceThrottleKey(trustedDeviceId)] : [accountThrottleKey(email), ipThrottleKey(ip)];
}

/** True when any of the keys is locked right now. */
export async function isThrottled(db: Executor, keys: readonly string[]): Promise<boolean> {
  const rows = await db
    .select({ isLocked: sql<boolean>`coalesce(${loginThrottles.lockedUntil} > now(), false)` })
    .from(loginThrottles)
    .where(inArray(loginThrottles.key, [...keys]));
  return rows.some((row) => row.isLocked === true);
}

/**
 * Counts one failure against a key. The window is the lockout length: failures older than that,
 * or from before an expired lock, no longer count. Reaching the limit locks the key. Returns true
 * for the one failure that locked it (once per lockout window, also under parallel attempts).
 */
export async function recordThrottledFailure(
  db: Executor,
  key: string,
  maxFailures: number,
  lockoutMinutes: number,
): Promise<boolean> {
  const lockout = sql`make_interval(mins => ${lockoutMinutes}::int)`;
  const isFresh = sql`(${loginThrottles.windowStartedAt} <= now() - ${lockout} or ${loginThrottles.lockedUntil} <= now())`;
  const nextFailures = sql`(case when ${isFresh} then 1 else ${loginThrottles.failures} + 1 end)`;
  const [row] = await db
    .insert(loginThrottles)
    .values({
      key,
      failures: 1,
      windowStartedAt: sql`now()`,
      lockedUntil: maxFailures <= 1 ? sql`now() + ${lockout}` : null,
    })
    .onConflictDoUpdate({
      target: loginThrottles.key,
      set: {
        failures: nextFailures,
        windowStartedAt: sql`case when ${isFresh} then now() else ${loginThrottles.windowStartedAt} end`,
        lockedUntil: sql`case when ${nextFailures} >= ${maxFailures}::int then now() + ${lockout} else null end`,
      },
    })
    .returning({ failures: loginThrottles.failures, lockedUntil: loginThrottles.lockedUntil });
  // The upsert serialises on the row, so exactly one failure of a window reaches the limit itself.
  return row !== undefined && row.lockedUntil !== null && row.failures === Math.max(maxFailures, 1);
}

/**
 * Counts a failed attempt against its trusted device, or else against both the account and the client
 * address. Returns whether this failure locked the account for untrusted sources (to announce it).
 */
export async function recordLoginFailure(
  db: Executor,
  email: string,
  ip: string | null,
  settings: ThrottleSettings,
  trustedDeviceId: string | null,
): Promise<{ isAccountNewlyLocked: boolean }> {
  if (trustedDeviceId) {
    const key = deviceThrottleKey(trustedDeviceId);
    await recordThrottledFailure(db, key, settings.maxAccountFailures, settings.lockoutMinutes);
    return { isAccountNewlyLocked: false };
  }
  const isAccountNewlyLocked = await recordThrottledFailure(
    db,
    accountThrottleKey(email),
    settings.maxAccountFailures,
    settings.lockoutMinutes,
  );
  await recordThrottledFailure(db, ipThrottleKey(ip), settings.maxIpFailures, settings.lockoutMinutes);
  return { isAccountNewlyLocked };
}

/**
 * Clears the counter an attempt was checked against after a complete sign-in: the device's, or the
 * account's for an untrusted source. A sign-in from a trusted device leaves the account's lockout in
 * place (it would otherwise hand the attacker a fresh budget). The address counter stays: one valid
 * account must not let a client reset its budget for guessing others.
 */
export async function resetLoginThrottle(db: Executor, email: string, trustedDeviceId: string | null): Promise<void> {
  const key = trustedDeviceId ? deviceThrottleKey(trustedDeviceId) : accountThrottleKey(email);
  await db.delete(loginThrottles).where(eq(loginThrottles.key, key));
}
