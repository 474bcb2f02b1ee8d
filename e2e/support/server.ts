/**
 * Starts the real server as a child process on a free port with a fresh database and the demo
 * data, waits for /readyz, and stops it (and removes its data) afterwards. The database is a fresh
 * PGlite folder, or, when DATABASE_URL is set, a fresh PostgreSQL database on that server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServerProcess } from '../../server/src/testing/server-process.js';

export { repositoryRoot } from '../../server/src/testing/server-process.js';

export type RunningServer = { baseUrl: string; stop: () => Promise<void>; output: () => string };

/** Creates an empty PostgreSQL database for one e2e run; returns its URL and a function that drops it. */
async function createPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `kooperacja_e2e_${randomBytes(5).toString('hex')}`;
  const withName = (database: string) => {
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${database}`;
    return parsed.toString();
  };
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: withName('postgres') });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create database "${name}"`);
  return { url: withName(name), drop: () => run(`drop database if exists "${name}" with (force)`) };
}

export async function startServer(): Promise<RunningServer> {
  const postgres = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : null;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kooperacja-e2e-'));
  const cleanUp = async () => {
    await rm(dataDir, { recursive: true, force: true });
    await postgres?.drop();
  };
  try {
    const server = await startServerProcess({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      NODE_ENV: 'test',
      DATABASE_URL: postgres?.url ?? '',
      PUBLIC_ORIGIN: '',
      // The journeys count their own notifications; the scheduled stale-card reminders (on
      // PostgreSQL pg-boss runs the day's window at start) would add to them. They have their own
      // tests on both databases (server/src/basket/reminders).
      REMINDER_INTERVAL_HOURS: '0',
    });
    return {
      baseUrl: server.baseUrl,
      output: server.output,
      stop: async () => {
        await server.stop();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
