/**
 * Opens the database: embedded PGlite (default, data in DATA_DIR) or PostgreSQL (DATABASE_URL).
 * Both run the same migrations through the drizzle migrator and expose the same typed handle.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './tables.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle; the same queries run on it as on the database. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Executor = Database | Transaction;

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

export type DatabaseHandle = {
  db: Database;
  kind: 'pglite' | 'postgres';
  close: () => Promise<void>;
  /** The raw PGlite instance, when embedded (tests dump and clone it). */
  pglite?: PGlite;
  pool?: pg.Pool;
};

export class DatabaseLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data folder ${dataDir} is in use by another Kooperacja process (PID ${pid}). ` +
        'PGlite allows a single process per folder: stop the other process or set DATA_DIR to another folder.',
    );
  }
}

/**
 * PGlite has no lock of its own: two processes on one folder silently lose writes. We take an
 * exclusive lock file holding our PID; a lock left by a dead process is taken over.
 */
function acquireDataDirLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'kooperacja.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && isProcessAlive(pid)) throw new DatabaseLockedError(dataDir, pid);
      unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const pgliteExtensions = { pg_trgm };

/** Opens an embedded database in a folder (created if missing), or in memory when dataDir is undefined. */
export async function openPglite(
  dataDir: string | undefined,
  options: { loadDataDir?: Blob } = {},
): Promise<DatabaseHandle> {
  let release = () => {};
  if (dataDir) {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
    release = acquireDataDirLock(dataDir);
  }
  try {
    const client = await PGlite.create({
      dataDir: dataDir ? path.join(dataDir, 'pglite') : undefined,
      extensions: pgliteExtensions,
      loadDataDir: options.loadDataDir,
    });
    const db = drizzlePglite(client, { schema }) as unknown as Database;
    return {
      db,
      kind: 'pglite',
      pglite: client,
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

export async function openPostgres(connectionString: string, options: { max?: number } = {}): Promise<DatabaseHandle> {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the
  // pool replaces it and the next query reports any lasting failure.
  pool.on('error', (error: Error & { code?: string }) => {
    if (error.code !== '57P01') console.error(`Kooperacja: idle database connection lost: ${error.message}`);
  });
  // Surface a bad URL or a down server at start, with the driver's own message.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePostgres(pool, { schema }) as unknown as Database;
  return { db, kind: 'postgres', pool, close: () => pool.end() };
}

export async function openDatabase(config: { DATABASE_URL?: string; DATA_DIR: string }): Promise<DatabaseHandle> {
  return config.DATABASE_URL ? openPostgres(config.DATABASE_URL) : openPglite(config.DATA_DIR);
}

export type MigrationJournalEntry = { idx: number; when: number; tag: string };

/** The shipped migrations, in order (drizzle-kit's journal). */
export function readMigrationJournal(): MigrationJournalEntry[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
    entries: MigrationJournalEntry[];
  };
  return journal.entries;
}

/** The `created_at` (journal `when`) of every migration already applied; empty on a new database. */
export async function appliedMigrationTimestamps(db: Executor): Promise<Set<number>> {
  const exists = await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`);
  if (!(exists as unknown as { rows: Array<{ exists: boolean }> }).rows[0]?.exists) return new Set();
  const result = await db.execute(sql`select created_at from drizzle.__drizzle_migrations`);
  const rows = (result as unknown as { rows: Array<{ created_at: string | number }> }).rows;
  return new Set(rows.map((row) => Number(row.created_at)));
}

export class MigrationPermissionError extends Error {}

/**
 * Applies the pending migrations. On an up-to-date database it changes nothing, so a server that
 * connects as the restricted app role (app-role.ts), which may not create anything, starts; with
 * migrations pending, that role is told to leave them to the owner (`npm run db:migrate`).
 */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === 'pglite') {
    await migratePglite(handle.db as never, { migrationsFolder });
    return;
  }
  const applied = await appliedMigrationTimestamps(handle.db);
  const pending = readMigrationJournal().filter((entry) => !applied.has(entry.when));
  if (pending.length === 0) return;
  try {
    await migratePostgres(handle.db as never, { migrationsFolder });
  } catch (error) {
    const codes: unknown[] = [];
    for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
      codes.push((current as { code?: unknown }).code);
    }
    if (codes.includes('42501')) {
      throw new MigrationPermissionError(
        `${pending.length} migration(s) pending (${pending.map((entry) => entry.tag).join(', ')}) and this ` +
          'database role may not apply them: run `npm run db:migrate` with the owner role’s DATABASE_URL first.',
      );
    }
    throw error;
  }
}

/** Number of migration files shipped vs applied: /readyz is ready only when they match. */
export function expectedMigrationCount(): number {
  return readMigrationJournal().length;
}
