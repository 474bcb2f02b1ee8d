/**
 * `npm run db:migrate`: opens the configured database (DATABASE_URL, or the embedded one in
 * DATA_DIR), applies the pending migrations from server/migrations, loads the TERYT register and
 * prints what was applied. Safe to run again: it then applies nothing.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/src/platform/config.js';
import {
  appliedMigrationTimestamps,
  DatabaseLockedError,
  migrateDatabase,
  MigrationPermissionError,
  openDatabase,
  readMigrationJournal,
} from '../server/src/platform/db/database.js';
import { loadTerritories } from '../server/src/territories/territories.loader.js';

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
    const journal = readMigrationJournal();
    const before = await appliedMigrationTimestamps(handle.db);
    const started = Date.now();
    await migrateDatabase(handle);
    const after = await appliedMigrationTimestamps(handle.db);
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
  if (
    error instanceof ConfigError ||
    error instanceof DatabaseLockedError ||
    error instanceof MigrationPermissionError
  ) {
    console.error(`db:migrate: ${error.message}`);
  } else {
    console.error(`db:migrate failed: ${(error as Error).message}`);
  }
  process.exit(1);
});
