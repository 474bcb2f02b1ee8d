/**
 * SECURITY-CRITICAL. Device cookies (OWASP "Slow down online guessing attacks with device cookies";
 * docs/security.md §15).
 *
 * After a complete sign-in the browser gets a random 256-bit token that binds it to the account; the
 * database keeps only its SHA-256 (like sessions), so the table does not let anyone forge one. The token
 * grants nothing by itself: it only decides which failure counter a sign-in attempt is checked
 * against, so that failures from elsewhere cannot keep the owner out.
 */
import { randomBytes } from 'node:crypto';
import { and, eq, gt, lte } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { trustedDevices, users } from '../platform/db/tables.js';
import { hashToken } from './sessions.js';

/** How long a browser stays trusted after its last complete sign-in. */
export const TRUSTED_DEVICE_DAYS = 180;

export type TrustedDevice = { publicId: string; userId: string; email: string };

/** The live trusted device a cookie token names, with its user's e-mail; null when unknown, expired or forged. */
export async function findTrustedDevice(db: Executor, token: string | null | undefined): Promise<TrustedDevice | null> {
  if (!token) return null;
  const [row] = await db
    .select({ publicId: trustedDevices.publicId, userId: trustedDevices.userId, email: users.email })
    .from(trustedDevices)
    .innerJoin(users, eq(users.id, trustedDevices.userId))
    .where(and(eq(trustedDevices.id, hashToken(token)), gt(trustedDevices.expiresAt, new Date())))
    .limit(1);
  return row ?? null;
}

/**
 * Marks this browser trusted for the user after a complete sign-in and returns the token for its
 * cookie. A token already trusted for the same user is kept (its expiry moves on); any other token is
 * replaced, so one browser carries one device cookie, for the last person who signed in on it.
 */
export async function rememberTrustedDevice(
  tx: Executor,
  userId: string,
  currentToken: string | null | undefined,
): Promise<string> {
  const expiresAt = new Date(Date.now() + TRUSTED_DEVICE_DAYS * 86_400_000);
  if (currentToken) {
    const kept = await tx
      .update(trustedDevices)
      .set({ lastUsedAt: new Date(), expiresAt })
      .where(
        and(
          eq(trustedDevices.id, hashToken(currentToken)),
          eq(trustedDevices.userId, userId),
          gt(trustedDevices.expiresAt, new Date()),
        ),
      )
      .returning({ id: trustedDevices.id });
    if (kept.length > 0) return currentToken;
  }
  // Expired devices of this user go now; nothing else reads them.
  await tx
    .delete(trustedDevices)
    .where(and(eq(trustedDevices.userId, userId), lte(trustedDevices.expiresAt, new Date())));
  const token = randomBytes(32).toString('base64url');
  await tx.insert(trustedDevices).values({ id: hashToken(token), userId, expiresAt });
  return token;
}
