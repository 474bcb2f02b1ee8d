/**
 * SECURITY-CRITICAL. TOTP second factor and recovery codes (docs/security.md §14).
 *
 * A code is bound to its 30-second step; the last step used is stored so that a code (and any code
 * of an earlier step) works once. Recovery codes are stored only as SHA-256 hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';

export const TOTP_ISSUER = 'Kooperacja';
const RECOVERY_CODE_COUNT = 10;

// One step either side tolerates clock drift between the phone and the server.
const verifier = authenticator.clone({ window: 1 });

export function generateTotpSecret(): string {
  // 20 bytes = 160 bits, the key length RFC 4226 recommends.
  return verifier.generateSecret(20);
}

export function buildOtpauthUrl(email: string, secret: string): string {
  return verifier.keyuri(email, TOTP_ISSUER, secret);
}

/** The time step the code belongs to, or null when it matches none in the window. */
export function findTotpStep(code: string, secret: string): number | null {
  const delta = verifier.checkDelta(code, secret);
  if (delta === null) return null;
  const stepSeconds = verifier.allOptions().step;
  return Math.floor(Date.now() / 1000 / stepSeconds) + delta;
}

/** Upper and lower case, dashes and spaces are forgiven: people copy codes from paper. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code)).digest('hex');
}

/** Ten codes of 10 base32 characters (50 bits each), shown as xxxxx-xxxxx. */
export function generateRecoveryCodes(): string[] {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = [...randomBytes(10)].map((byte) => alphabet[byte % 32]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}
