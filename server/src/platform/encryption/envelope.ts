/**
 * SECURITY-CRITICAL (docs/security.md §24). Envelope encryption: each host record (a case; later
 * a partnership's documents) has its own random data key; values and files are encrypted with it
 * (AES-256-GCM), and the data key is stored wrapped by the keyring's current key-encryption key.
 *
 * - Rotating a key-encryption key re-wraps the data keys (one short row each), not every value.
 * - Destroying a data key makes every value of its record unreadable at once, in every backup too
 *   once the backups that still hold it have expired ("crypto-shredding" for erasure).
 * - Every ciphertext is bound to where it belongs (authenticated data: its data key and a context
 *   such as `case.diagnosis:<case id>`), so a value copied to another record or field fails to
 *   decrypt instead of showing up there.
 *
 * Value format, version 1: `enc1.` + base64url(iv 12 bytes | GCM tag 16 bytes | ciphertext). Files
 * use the same layout as bytes, after a one-byte version.
 */
import { createCipheriv, createDecipheriv, randomBytes, type KeyObject, createSecretKey } from 'node:crypto';
import type { Keyring } from './keyring.js';

export type DataKey = { id: string; key: KeyObject };
export type WrappedDataKey = { kekId: string; wrapped: Buffer };

/** Refused decryption: an unknown key, a tampered or moved value. Never says more than that. */
export class DecryptionError extends Error {}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const TEXT_PREFIX = 'enc1.';
const FILE_VERSION = 1;

function seal(key: KeyObject, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

function open(key: KeyObject, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('ciphertext too short');
  try {
    const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DecryptionError('ciphertext does not authenticate');
  }
}

const dataKeyAad = (dataKeyId: string) => `kooperacja data key ${dataKeyId}`;
const valueAad = (dataKey: DataKey, context: string) => `kooperacja value ${dataKey.id} ${context}`;

/** A new random data key for the record `id`, and its wrapped form to store. */
export function createDataKey(keyring: Keyring, id: string): { dataKey: DataKey; wrapped: WrappedDataKey } {
  const raw = randomBytes(32);
  return { dataKey: { id, key: createSecretKey(raw) }, wrapped: wrapDataKey(keyring, id, raw) };
}

export function wrapDataKey(keyring: Keyring, id: string, raw: Buffer): WrappedDataKey {
  return { kekId: keyring.current.id, wrapped: seal(keyring.current.key, raw, dataKeyAad(id)) };
}

function unwrapRaw(keyring: Keyring, id: string, wrapped: WrappedDataKey): Buffer {
  const kek = keyring.byId.get(wrapped.kekId);
  if (!kek) throw new DecryptionError(`key-encryption key "${wrapped.kekId}" is not configured`);
  return open(kek.key, wrapped.wrapped, dataKeyAad(id));
}

export function unwrapDataKey(keyring: Keyring, id: string, wrapped: WrappedDataKey): DataKey {
  return { id, key: createSecretKey(unwrapRaw(keyring, id, wrapped)) };
}

/** The data key wrapped with the current key-encryption key, or null when it already is. */
export function rewrapDataKey(keyring: Keyring, id: string, wrapped: WrappedDataKey): WrappedDataKey | null {
  if (wrapped.kekId === keyring.current.id) return null;
  return wrapDataKey(keyring, id, unwrapRaw(keyring, id, wrapped));
}

export function encryptText(dataKey: DataKey, plaintext: string, context: string): string {
  return (
    TEXT_PREFIX + seal(dataKey.key, Buffer.from(plaintext, 'utf8'), valueAad(dataKey, context)).toString('base64url')
  );
}

export function decryptText(dataKey: DataKey, stored: string, context: string): string {
  if (!stored.startsWith(TEXT_PREFIX)) throw new DecryptionError('not an encrypted value');
  return open(
    dataKey.key,
    Buffer.from(stored.slice(TEXT_PREFIX.length), 'base64url'),
    valueAad(dataKey, context),
  ).toString('utf8');
}

/** Whether a stored text is in the encrypted format (a check for migrations and tests). */
export function isEncryptedText(stored: string): boolean {
  return stored.startsWith(TEXT_PREFIX);
}

export function encryptBytes(dataKey: DataKey, plaintext: Buffer, context: string): Buffer {
  return Buffer.concat([Buffer.from([FILE_VERSION]), seal(dataKey.key, plaintext, valueAad(dataKey, context))]);
}

export function decryptBytes(dataKey: DataKey, stored: Buffer, context: string): Buffer {
  if (stored[0] !== FILE_VERSION) throw new DecryptionError('not an encrypted file');
  return open(dataKey.key, stored.subarray(1), valueAad(dataKey, context));
}
