/**
 * SECURITY-CRITICAL. Password hashing (argon2id) and the strength rule of docs/security.md §13: at least
 * 10 characters, no composition rules, refused when common, breached-looking or built from local words.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { commonPasswords, localWords } from './common-passwords.js';
import { normalizeForSearch } from '../../../shared/src/text.js';

const ARGON2ID = 2;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

const ONE_TIME_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A one-time password for a new account: 20 characters from a 32-letter alphabet without look-alikes
 * (no I, O, 0, 1), 100 bits from the system's CSPRNG, shown as five groups of four to be read out or typed.
 */
export function generateOneTimePassword(): string {
  const chars = [...randomBytes(20)].map((byte) => ONE_TIME_ALPHABET[byte % 32]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** A hash of a random password: verifying against it costs as much as a real check (no timing oracle). */
let dummyHash: Promise<string> | null = null;
export function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}

/** Returns a field error code when the password is too weak, or null. */
export function checkPasswordStrength(
  password: string,
  personalWords: string[] = [],
): 'passwordTooShort' | 'passwordTooCommon' | null {
  if ([...password].length < 10) return 'passwordTooShort';
  const folded = normalizeForSearch(password).replace(/\s+/g, '');
  if (commonPasswords.has(folded)) return 'passwordTooCommon';
  // One repeated character or a plain run like 1234567890 / qwertyuiop.
  if (/^(.)\1+$/.test(folded)) return 'passwordTooCommon';
  const stripped = folded.replace(/[^a-z]/g, '');
  if (stripped.length === 0) return null;
  // A common password, a local word or the person's own name, alone or twice, with digits and
  // symbols around it ("Kooperacja2026!", "Dragon12345", "Bolesławiec2025") is an early guess.
  const half = stripped.length % 2 === 0 ? stripped.slice(0, stripped.length / 2) : null;
  const body = half !== null && half + half === stripped ? half : stripped;
  if ((body.length >= 4 && commonPasswords.has(body)) || localWords.has(body)) return 'passwordTooCommon';
  // "Zofia Źrebięcka", "zofia.zrebiecka@gops.pl": each part and the whole, letters only.
  const personal = personalWords
    .flatMap((w) => {
      const parts = normalizeForSearch(w).split(/[^a-z]+/);
      return [...parts, parts.join('')];
    })
    .filter((w) => w.length >= 3);
  if (personal.includes(body)) return 'passwordTooCommon';
  return null;
}
