/**
 * SECURITY-CRITICAL (docs/security.md §24). The key-encryption keys (KEKs) of the application's
 * encryption at rest. They live in the configuration (DATA_ENCRYPTION_KEYS), never in the database:
 * a copy of the database (a `pg_dump`, a stolen backup) holds only ciphertext and data keys wrapped
 * by a KEK it does not have.
 *
 * `DATA_ENCRYPTION_KEYS` is a comma-separated list of `<id>:<base64 of 32 random bytes>`. The first
 * key is the current one: new data keys are wrapped with it. The others are kept only to unwrap data
 * keys that have not been rotated yet (`npm run keys:rotate` re-wraps them; docs/security.md §24 says
 * how to rotate). Ids name a key in the database (`data_keys.kek_id`), so a key is never renamed.
 */
import { createHash, createSecretKey, type KeyObject } from 'node:crypto';

export type KeyEncryptionKey = { id: string; key: KeyObject };

export type Keyring = {
  /** Wraps every new data key. */
  current: KeyEncryptionKey;
  /** Every configured key by id, the current one included. */
  byId: ReadonlyMap<string, KeyEncryptionKey>;
  isDevelopmentKey: boolean;
};

export class KeyringError extends Error {}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const KEY_BYTES = 32;
const DEVELOPMENT_KEY_ID = 'development';

function keyOf(id: string, bytes: Buffer): KeyEncryptionKey {
  return { id, key: createSecretKey(bytes) };
}

/** Parses `DATA_ENCRYPTION_KEYS`; every problem names the entry at fault, never the key itself. */
export function parseKeyring(encoded: string): Keyring {
  const entries = encoded
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyringError('DATA_ENCRYPTION_KEYS holds no key');
  const keys: KeyEncryptionKey[] = [];
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    const where = `DATA_ENCRYPTION_KEYS entry ${index + 1}`;
    if (!KEY_ID.test(id))
      throw new KeyringError(`${where}: expected <id>:<base64 key>, the id of letters, digits, - or _`);
    if (id === DEVELOPMENT_KEY_ID) throw new KeyringError(`${where}: the id "${DEVELOPMENT_KEY_ID}" is reserved`);
    if (keys.some((key) => key.id === id)) throw new KeyringError(`${where}: the id "${id}" appears twice`);
    const bytes = Buffer.from(entry.slice(separator + 1), 'base64');
    if (bytes.length !== KEY_BYTES)
      throw new KeyringError(`${where} ("${id}"): the key must be base64 of ${KEY_BYTES} random bytes`);
    keys.push(keyOf(id, bytes));
  });
  return { current: keys[0]!, byId: new Map(keys.map((key) => [key.id, key])), isDevelopmentKey: false };
}

/** Public on purpose: development and test data protect nothing. Never accepted in production (config.ts). */
export function developmentKeyring(): Keyring {
  const key = keyOf(DEVELOPMENT_KEY_ID, createHash('sha256').update('kooperacja development data key').digest());
  return { current: key, byId: new Map([[key.id, key]]), isDevelopmentKey: true };
}

/** The configured keyring, or the development keyring with a warning when none is configured. */
export function loadKeyring(
  config: { DATA_ENCRYPTION_KEYS?: string | undefined },
  warn: (message: string) => void = () => {},
): Keyring {
  if (config.DATA_ENCRYPTION_KEYS) return parseKeyring(config.DATA_ENCRYPTION_KEYS);
  warn(
    'DATA_ENCRYPTION_KEYS is not set: sensitive data is encrypted with the public development key (fine for development only).',
  );
  return developmentKeyring();
}
