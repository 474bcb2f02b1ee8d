/**
 * The stored data keys on both databases (docs/security.md §24): a record's key opens only under
 * the configured keyring, the rotation re-wraps every live key so that the old key-encryption key
 * can be removed, the database holds no key material in the clear, and a destroyed key erases its
 * record's values.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../testing/test-app.js';
import type { DatabaseHandle } from '../db/database.js';
import { dataKeys } from '../db/tables.js';
import {
  createHostDataKey,
  DataKeyDestroyedError,
  destroyHostDataKey,
  openHostDataKey,
  rotateDataKeys,
} from './data-keys.js';
import { decryptText, DecryptionError, encryptText } from './envelope.js';
import { parseKeyring } from './keyring.js';

const MARKER = 'ZNACZNIK-SYTUACJA-RODZINY-ąęś';
const entry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const newCase = () => ({ type: 'case', id: randomUUID() });

let database: DatabaseHandle;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ database, drop } = await openTestDatabase());
});

afterAll(async () => {
  await drop();
});

describe('data keys in the database', () => {
  it('opens a record’s key under its keyring, and holds nothing a copy of the database could use', async () => {
    const keyring = parseKeyring(entry('k1'));
    const host = newCase();
    const created = await createHostDataKey(database.db, keyring, host);
    const stored = encryptText(created, MARKER, `case.summary:${created.id}`);
    const opened = await openHostDataKey(database.db, keyring, created.id, host);
    expect(decryptText(opened, stored, `case.summary:${created.id}`)).toBe(MARKER);
    // Another record's key is refused like a missing one: nothing is written under a wrong key.
    await expect(openHostDataKey(database.db, keyring, created.id, newCase())).rejects.toThrow('does not exist');
    await expect(openHostDataKey(database.db, keyring, created.id, { ...host, type: 'team' })).rejects.toThrow(
      DecryptionError,
    );

    const [row] = await database.db.select().from(dataKeys).where(eq(dataKeys.id, created.id));
    expect(row).toMatchObject({ hostType: 'case', hostId: host.id, kekId: 'k1', destroyedAt: null });
    // The wrapped key is not the key: a database copy without the configuration cannot decrypt.
    const raw = created.key.export();
    expect(Buffer.from(row!.wrappedKey!, 'base64').includes(raw)).toBe(false);
    await expect(openHostDataKey(database.db, parseKeyring(entry('k1')), created.id, host)).rejects.toThrow(
      DecryptionError,
    );
  });

  it('rotates: every live key is re-wrapped with the new key, then the old key can go', async () => {
    const oldEntry = entry('2026-06');
    const newEntry = entry('2026-12');
    const before = parseKeyring(oldEntry);
    const hosts = Array.from({ length: 7 }, newCase);
    const keys = [];
    for (const host of hosts) keys.push(await createHostDataKey(database.db, before, host));
    const values = keys.map((key) => encryptText(key, `${MARKER} ${key.id}`, `case.summary:${key.id}`));
    const destroyedHost = newCase();
    const destroyed = await createHostDataKey(database.db, before, destroyedHost);
    expect(await destroyHostDataKey(database.db, destroyed.id)).toBe(true);

    const during = parseKeyring(`${newEntry},${oldEntry}`);
    const batches: number[] = [];
    const report = await rotateDataKeys(database.db, during, { batchSize: 3, onBatch: (n) => batches.push(n) });
    expect(report.remainingByKek).toEqual({ k1: 1 }); // the first test's key: a key-encryption key not configured here
    expect(report.rewrapped).toBe(7);
    expect(batches).toEqual([3, 6, 7]);
    // A second run has nothing left to do.
    expect((await rotateDataKeys(database.db, during)).rewrapped).toBe(0);

    const after = parseKeyring(newEntry);
    for (const [i, key] of keys.entries()) {
      const opened = await openHostDataKey(database.db, after, key.id, hosts[i]!);
      expect(decryptText(opened, values[i]!, `case.summary:${key.id}`)).toBe(`${MARKER} ${key.id}`);
    }
    const [row] = await database.db.select().from(dataKeys).where(eq(dataKeys.id, keys[0]!.id));
    expect(row!.kekId).toBe('2026-12');
    expect(row!.rotatedAt).toBeInstanceOf(Date);
    // The destroyed key stayed destroyed: rotation never brings a key back.
    await expect(openHostDataKey(database.db, after, destroyed.id, destroyedHost)).rejects.toThrow(
      DataKeyDestroyedError,
    );
  });

  it('erases a record’s values by destroying its key, once', async () => {
    const keyring = parseKeyring(entry('k1'));
    const host = newCase();
    const key = await createHostDataKey(database.db, keyring, host);
    expect(await destroyHostDataKey(database.db, key.id)).toBe(true);
    expect(await destroyHostDataKey(database.db, key.id)).toBe(false);
    await expect(openHostDataKey(database.db, keyring, key.id, host)).rejects.toThrow(DataKeyDestroyedError);
    const [row] = await database.db.select().from(dataKeys).where(eq(dataKeys.id, key.id));
    expect(row).toMatchObject({ wrappedKey: null, destroyedAt: expect.any(Date) });
  });
});
