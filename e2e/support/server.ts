/**
 * Starts the real server as a child process on a free port with a fresh database and the demo
 * data, waits for /readyz, and stops it (and removes its data) afterwards. The database is a fresh
 * PGlite folder, or, when DATABASE_URL is set, a fresh PostgreSQL database on that server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

export type RunningServer = { baseUrl: string; stop: () => Promise<void>; output: () => string };

async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function waitForReady(
  baseUrl: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The server was not ready within ${timeoutMs} ms:\n${output()}`);
}

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
  const port = await findFreePort();
  const postgres = process.env.DATABASE_URL ? await createPostgresDatabase(process.env.DATABASE_URL) : null;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kooperacja-e2e-'));
  let log = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
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
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const output = () => log;
  try {
    await waitForReady(baseUrl, child, output);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
    await postgres?.drop();
    throw error;
  }
  return {
    baseUrl,
    output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
      await postgres?.drop();
    },
  };
}
