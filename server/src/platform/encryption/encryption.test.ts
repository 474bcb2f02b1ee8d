/**
 * Encryption at rest (docs/security.md §24): what the envelope promises a data controller. A value
 * reads back only with its own data key and in its own place; a tampered or moved value is refused;
 * rotating the key-encryption key re-wraps the data keys so the old key can be retired; the
 * configuration names a bad entry without echoing any key.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createDataKey,
  decryptBytes,
  decryptText,
  DecryptionError,
  encryptBytes,
  encryptText,
  isEncryptedText,
  rewrapDataKey,
  unwrapDataKey,
} from './envelope.js';
import { developmentKeyring, KeyringError, loadKeyring, parseKeyring } from './keyring.js';

const keyText = () => randomBytes(32).toString('base64');
const MARKER = 'ZNACZNIK-DIAGNOZA-Żółć-7f3a';

describe('the keyring from DATA_ENCRYPTION_KEYS', () => {
  it('takes the first key as current and keeps the others for unwrapping', () => {
    const keyring = parseKeyring(` 2026-12:${keyText()} , 2026-06:${keyText()}`);
    expect(keyring.current.id).toBe('2026-12');
    expect([...keyring.byId.keys()]).toEqual(['2026-12', '2026-06']);
    expect(keyring.isDevelopmentKey).toBe(false);
  });

  it('names the entry at fault and never echoes a key', () => {
    const secret = keyText();
    const problems = [
      '',
      `:${secret}`,
      `bad id:${secret}`,
      `k1:${Buffer.alloc(16).toString('base64')}`,
      `k1:${secret},k1:${keyText()}`,
      `development:${secret}`,
    ].map((value) => {
      try {
        parseKeyring(value);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(KeyringError);
        return (error as Error).message;
      }
    });
    expect(problems).toEqual([
      'DATA_ENCRYPTION_KEYS holds no key',
      'DATA_ENCRYPTION_KEYS entry 1: expected <id>:<base64 key>, the id of letters, digits, - or _',
      'DATA_ENCRYPTION_KEYS entry 1: expected <id>:<base64 key>, the id of letters, digits, - or _',
      'DATA_ENCRYPTION_KEYS entry 1 ("k1"): the key must be base64 of 32 random bytes',
      'DATA_ENCRYPTION_KEYS entry 2: the id "k1" appears twice',
      'DATA_ENCRYPTION_KEYS entry 1: the id "development" is reserved',
    ]);
    for (const problem of problems) expect(problem).not.toContain(secret);
  });

  it('falls back to the public development key with a warning', () => {
    const warnings: string[] = [];
    const keyring = loadKeyring({}, (message) => warnings.push(message));
    expect(keyring.isDevelopmentKey).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('DATA_ENCRYPTION_KEYS is not set')]);
    expect(loadKeyring({ DATA_ENCRYPTION_KEYS: `k1:${keyText()}` }).isDevelopmentKey).toBe(false);
  });
});

describe('values encrypted with a record’s data key', () => {
  const keyring = parseKeyring(`k1:${keyText()}`);

  it('reads back with Polish letters, shows no plaintext, and differs each time it is written', () => {
    const { dataKey } = createDataKey(keyring, 'case-1');
    const stored = encryptText(dataKey, MARKER, 'case.diagnosis:case-1');
    expect(isEncryptedText(stored)).toBe(true);
    expect(stored).not.toContain('ZNACZNIK');
    expect(Buffer.from(stored.slice(5), 'base64url').includes(Buffer.from(MARKER))).toBe(false);
    expect(encryptText(dataKey, MARKER, 'case.diagnosis:case-1')).not.toBe(stored);
    expect(decryptText(dataKey, stored, 'case.diagnosis:case-1')).toBe(MARKER);
  });

  it('refuses a value moved to another field, another record or tampered with', () => {
    const one = createDataKey(keyring, 'case-1').dataKey;
    const other = createDataKey(keyring, 'case-2').dataKey;
    const stored = encryptText(one, MARKER, 'case.diagnosis:case-1');
    expect(() => decryptText(one, stored, 'case.summary:case-1')).toThrow(DecryptionError);
    expect(() => decryptText(other, stored, 'case.diagnosis:case-1')).toThrow(DecryptionError);
    // The same key material under another record's id still refuses: the id is bound in.
    expect(() => decryptText({ id: 'case-2', key: one.key }, stored, 'case.diagnosis:case-1')).toThrow(DecryptionError);
    const bytes = Buffer.from(stored.slice(5), 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => decryptText(one, `enc1.${bytes.toString('base64url')}`, 'case.diagnosis:case-1')).toThrow(
      DecryptionError,
    );
    expect(() => decryptText(one, MARKER, 'case.diagnosis:case-1')).toThrow('not an encrypted value');
  });

  it('encrypts files the same way', () => {
    const { dataKey } = createDataKey(keyring, 'case-1');
    const scan = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(MARKER), randomBytes(2048)]);
    const stored = encryptBytes(dataKey, scan, 'document:doc-1');
    expect(stored.includes(Buffer.from(MARKER))).toBe(false);
    expect(decryptBytes(dataKey, stored, 'document:doc-1').equals(scan)).toBe(true);
    expect(() => decryptBytes(dataKey, stored, 'document:doc-2')).toThrow(DecryptionError);
  });
});

describe('rotating the key-encryption key', () => {
  it('re-wraps data keys with the new key, after which the old key can be removed', () => {
    const oldKey = `2026-06:${keyText()}`;
    const newKey = `2026-12:${keyText()}`;
    const before = parseKeyring(oldKey);
    const { dataKey, wrapped } = createDataKey(before, 'case-1');
    const stored = encryptText(dataKey, MARKER, 'case.diagnosis:case-1');
    expect(wrapped.kekId).toBe('2026-06');

    // Step 1: the new key first, the old one kept; existing data keys still open.
    const during = parseKeyring(`${newKey},${oldKey}`);
    expect(decryptText(unwrapDataKey(during, 'case-1', wrapped), stored, 'case.diagnosis:case-1')).toBe(MARKER);
    const rewrapped = rewrapDataKey(during, 'case-1', wrapped)!;
    expect(rewrapped.kekId).toBe('2026-12');
    expect(rewrapDataKey(during, 'case-1', rewrapped)).toBeNull();

    // Step 2: the old key removed; the re-wrapped data key opens, one left behind does not.
    const after = parseKeyring(newKey);
    expect(decryptText(unwrapDataKey(after, 'case-1', rewrapped), stored, 'case.diagnosis:case-1')).toBe(MARKER);
    expect(() => unwrapDataKey(after, 'case-1', wrapped)).toThrow('key-encryption key "2026-06" is not configured');
    // A wrapped data key moved to another record does not open there.
    expect(() => unwrapDataKey(after, 'case-2', rewrapped)).toThrow(DecryptionError);
  });

  it('does not open a data key wrapped with the development key under a real keyring', () => {
    const { wrapped } = createDataKey(developmentKeyring(), 'case-1');
    expect(() => unwrapDataKey(parseKeyring(`k1:${keyText()}`), 'case-1', wrapped)).toThrow(
      'key-encryption key "development" is not configured',
    );
  });
});
