/**
 * SECURITY-CRITICAL. Password hashing (argon2id) and the strength rule of SECURITY.md 13: at least
 * 10 characters, no composition rules, refused when common, breached-looking or built from local words.
 */
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
  const words = [...localWords, ...personalWords.map((w) => normalizeForSearch(w)).filter((w) => w.length >= 3)];
  // A password that is only a local word plus digits/symbols (e.g. "Kooperacja2026!") is guessable.
  if (stripped.length > 0 && words.some((word) => stripped === word || stripped === word + word))
    return 'passwordTooCommon';
  return null;
}
