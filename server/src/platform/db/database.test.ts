import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseLockedError, openPglite } from './database.js';

const folders: string[] = [];
const freshFolder = () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'kooperacja-lock-'));
  folders.push(folder);
  return folder;
};

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('embedded database folder lock', () => {
  it('refuses a second opener of the same folder with a clear message, and frees the folder on close', async () => {
    const folder = freshFolder();
    const first = await openPglite(folder);
    expect(readFileSync(path.join(folder, 'kooperacja.lock'), 'utf8')).toBe(String(process.pid));
    await expect(openPglite(folder)).rejects.toThrowError(DatabaseLockedError);
    await expect(openPglite(folder)).rejects.toThrow(/in use by another Kooperacja process/);
    await first.close();
    const second = await openPglite(folder);
    await second.close();
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const folder = freshFolder();
    // A PID of a process that has certainly exited: a child we ran to completion.
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(path.join(folder, 'kooperacja.lock'), child.stdout.toString());
    const handle = await openPglite(folder);
    expect(readFileSync(path.join(folder, 'kooperacja.lock'), 'utf8')).toBe(String(process.pid));
    await handle.close();
  });

  it('keeps data across a restart', async () => {
    const folder = freshFolder();
    const first = await openPglite(folder);
    await first.pglite!.exec('create table kept (value text); insert into kept values ($$Łódź$$);');
    await first.close();
    const second = await openPglite(folder);
    const result = await second.pglite!.query<{ value: string }>('select value from kept');
    expect(result.rows).toEqual([{ value: 'Łódź' }]);
    await second.close();
  });
});

describe('a second app process on the same data folder', () => {
  it('is refused at start with a message naming the folder and the other PID', async () => {
    const folder = freshFolder();
    const holder = await openPglite(folder);
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
        env: { ...process.env, DATA_DIR: folder, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `The data folder ${folder} is in use by another Kooperacja process (PID ${process.pid})`,
      );
    } finally {
      await holder.close();
    }
  });
});
