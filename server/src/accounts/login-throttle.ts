/**
 * SECURITY-CRITICAL. Throttling and temporary lockout of sign-in (SECURITY.md 15).
 *
 * Failures are counted per account key (`account:<email>`) and per client key (`ip:<ip>`) in
 * login_throttles. Keys exist for e-mails nobody uses too, so a lockout answers the same whether the
 * account exists or not. The counting runs in one upsert so parallel attempts cannot undercount.
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
 * or from before an expired lock, no longer count. Reaching the limit locks the key.
 */
export async function recordThrottledFailure(
  db: Executor,
  key: string,
  maxFailures: number,
  lockoutMinutes: number,
): Promise<void> {
  const lockout = sql`make_interval(mins => ${lockoutMinutes}::int)`;
  const isFresh = sql`(${loginThrottles.windowStartedAt} <= now() - ${lockout} or ${loginThrottles.lockedUntil} <= now())`;
  const nextFailures = sql`(case when ${isFresh} then 1 else ${loginThrottles.failures} + 1 end)`;
  await db
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
    });
}

/** Counts a failed attempt against both the account and the client address. */
export async function recordLoginFailure(
  db: Executor,
  email: string,
  ip: string | null,
  settings: ThrottleSettings,
): Promise<void> {
  await recordThrottledFailure(db, accountThrottleKey(email), settings.maxAccountFailures, settings.lockoutMinutes);
  await recordThrottledFailure(db, ipThrottleKey(ip), settings.maxIpFailures, settings.lockoutMinutes);
}

/**
 * Clears the account counter after a complete sign-in. The address counter stays: one valid account
 * must not let a client reset its budget for guessing others.
 */
export async function resetAccountThrottle(db: Executor, email: string): Promise<void> {
  await db.delete(loginThrottles).where(eq(loginThrottles.key, accountThrottleKey(email)));
}
