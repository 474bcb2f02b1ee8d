/**
 * `npm run db:migrate`: opens the configured database (DATABASE_URL, or the embedded one in
 * DATA_DIR), applies the pending migrations from server/migrations, loads the TERYT register and
 * prints what was applied. Safe to run again: it then applies nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { ConfigError, loadConfig } from '../server/src/platform/config.js';
import {
  DatabaseLockedError,
  migrateDatabase,
  migrationsFolder,
  openDatabase,
  type DatabaseHandle,
} from '../server/src/platform/db/database.js';
import { loadTerritories } from '../server/src/territories/territories.loader.js';

type JournalEntry = { idx: number; when: number; tag: string };

function readJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

/** The `created_at` (journal `when`) of every migration already applied; empty on a new database. */
async function appliedMigrations(handle: DatabaseHandle): Promise<Set<number>> {
  const exists = await handle.db.execute(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`,
  );
  const existsRows = (exists as unknown as { rows: Array<{ exists: boolean }> }).rows;
  if (!existsRows[0]?.exists) return new Set();
  const result = await handle.db.execute(sql`select created_at from drizzle.__drizzle_migrations`);
  const rows = (result as unknown as { rows: Array<{ created_at: string | number }> }).rows;
  return new Set(rows.map((row) => Number(row.created_at)));
}

/** Hides a password in a connection string before printing it. */
function describeTarget(config: { DATABASE_URL?: string; DATA_DIR: string }): string {
  if (!config.DATABASE_URL) return `embedded PGlite in ${path.resolve(config.DATA_DIR)}`;
  const url = new URL(config.DATABASE_URL);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}

async function main(): Promise<void> {
  const config = loadConfig();
  console.log(`Database: ${describeTarget(config)}`);
  const handle = await openDatabase(config);
  try {
    const journal = readJournal();
    const before = await appliedMigrations(handle);
    const started = Date.now();
    await migrateDatabase(handle);
    const after = await appliedMigrations(handle);
    const applied = journal.filter((entry) => after.has(entry.when) && !before.has(entry.when));
    if (applied.length === 0) {
      console.log(`Migrations: none pending (${after.size} of ${journal.length} applied).`);
    } else {
      console.log(`Migrations applied (${applied.length}, ${Date.now() - started} ms):`);
      for (const entry of applied) console.log(`  + ${entry.tag}`);
    }
    const missing = journal.filter((entry) => !after.has(entry.when));
    if (missing.length > 0) {
      throw new Error(`after migrating, still not applied: ${missing.map((entry) => entry.tag).join(', ')}`);
    }
    const loaded = await loadTerritories(handle.db);
    console.log(loaded > 0 ? `TERYT register: loaded ${loaded} territorial units.` : 'TERYT register: already loaded.');
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) {
    console.error(`db:migrate: ${error.message}`);
  } else {
    console.error(`db:migrate failed: ${(error as Error).message}`);
  }
  process.exit(1);
});
