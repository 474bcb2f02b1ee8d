/**
 * `npm run keys:rotate` as an operator runs it (docs/security.md §24): with the new key first and
 * the old one after it, every data key is re-wrapped, each batch audited; with the old key removed
 * too early, the command names the key it lacks and exits 2; on the embedded database it refuses
 * while the folder is in use. The command runs as a child process.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openPglite, type DatabaseHandle } from '../db/database.js';
import { auditEvents, dataKeys } from '../db/tables.js';
import { openTestDatabase } from '../../testing/test-app.js';
import { createHostDataKey, openHostDataKey } from './data-keys.js';
import { decryptText, encryptText } from './envelope.js';
import { parseKeyring } from './keyring.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TIMEOUT = 120_000;
const oldEntry = `2026-06:${randomBytes(32).toString('base64')}`;
const newEntry = `2026-12:${randomBytes(32).toString('base64')}`;

async function rotate(database: { url: string | null; folder: string | null }, keys: string) {
  const { DATABASE_URL: _url, NODE_ENV: _env, ...inherited } = process.env;
  const env = {
    ...inherited,
    LOG_LEVEL: 'warn',
    DATA_ENCRYPTION_KEYS: keys,
    ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: database.folder! }),
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'scripts/rotate-data-keys.ts'],
      { cwd: repositoryRoot, env, timeout: 90_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run keys:rotate', () => {
  const isPostgres = Boolean(process.env.DATABASE_URL);
  let url: string | null = null;
  let folder: string | null = null;
  let drop = async () => {};
  /** PostgreSQL: open throughout; PGlite: opened only between commands (one process per folder). */
  let open: () => Promise<DatabaseHandle>;
  let release: (handle: DatabaseHandle) => Promise<void>;

  beforeAll(async () => {
    if (isPostgres) {
      const test = await openTestDatabase();
      url = test.url;
      drop = test.drop;
      open = async () => test.database;
      release = async () => {};
    } else {
      folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-keys-'));
      open = async () => {
        const handle = await openPglite(folder!);
        await migrateDatabase(handle);
        return handle;
      };
      release = (handle) => handle.close();
    }
  });
  afterAll(async () => {
    await drop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it(
    're-wraps every data key with the new key, audited, and names a key the configuration lacks',
    async () => {
      let handle = await open();
      const keys = [];
      const hosts = Array.from({ length: 3 }, () => ({ type: 'case', id: randomUUID() }));
      for (const host of hosts) keys.push(await createHostDataKey(handle.db, parseKeyring(oldEntry), host));
      const values = keys.map((key) => encryptText(key, 'ZNACZNIK-ROTACJA', `case.summary:${key.id}`));
      await release(handle);

      // Too early: the old key already removed from the configuration.
      const early = await rotate({ url, folder }, newEntry);
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('3 data keys remain under "2026-06", which DATA_ENCRYPTION_KEYS does not hold');

      const run = await rotate({ url, folder }, `${newEntry},${oldEntry}`);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Rotation: 3 data keys re-wrapped with "2026-12".');

      handle = await open();
      try {
        const after = parseKeyring(newEntry);
        for (const [i, key] of keys.entries()) {
          const opened = await openHostDataKey(handle.db, after, key.id, hosts[i]!);
          expect(decryptText(opened, values[i]!, `case.summary:${key.id}`)).toBe('ZNACZNIK-ROTACJA');
        }
        const kekIds = await handle.db.select({ kekId: dataKeys.kekId }).from(dataKeys);
        expect(new Set(kekIds.map((row) => row.kekId))).toEqual(new Set(['2026-12']));
        const events = await handle.db.select().from(auditEvents).where(eq(auditEvents.action, 'dataKey.rotate'));
        expect(events).toEqual([
          expect.objectContaining({
            actorUserId: null,
            outcome: 'success',
            purpose: 'security',
            details: { via: 'commandLine', rewrapped: 3, kekId: '2026-12' },
          }),
        ]);
      } finally {
        await release(handle);
      }
      // Run again: nothing to do, nothing audited, done.
      const again = await rotate({ url, folder }, newEntry);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Rotation: 0 data keys re-wrapped');
    },
    TIMEOUT,
  );

  it.runIf(!isPostgres)(
    'refuses on the embedded database while the app holds the folder',
    async () => {
      const handle = await openPglite(folder!);
      try {
        const result = await rotate({ url, folder }, newEntry);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain('Cannot rotate while Kooperacja is running');
      } finally {
        await handle.close();
      }
    },
    TIMEOUT,
  );
});
