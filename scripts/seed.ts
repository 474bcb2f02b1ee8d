/**
 * `npm run db:seed`: loads the demo data (one partnership in Wieliczka, its institutions and one
 * account per role) into the configured database, but only when it holds no users yet, and prints
 * the logins. Run `npm run db:migrate` first on PostgreSQL; on the embedded database this migrates too.
 * Refused with NODE_ENV=production, before the database is opened: the demo password is public.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../server/src/platform/config.js';
import { DatabaseLockedError, migrateDatabase, openDatabase } from '../server/src/platform/db/database.js';
import { loadTerritories } from '../server/src/territories/territories.loader.js';
import { DEMO_PASSWORD, demoDataRefusal, hasAnyUser, seedDemoData } from '../server/src/demo/demo-data.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const refusal = demoDataRefusal(config);
  if (refusal) {
    console.error(`db:seed: ${refusal}`);
    process.exit(1);
  }
  const handle = await openDatabase(config);
  try {
    console.log(
      `Database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${path.resolve(config.DATA_DIR)}`}`,
    );
    // The demo data refers to TERYT codes and needs the schema: make sure both are there.
    await migrateDatabase(handle);
    await loadTerritories(handle.db);
    if (await hasAnyUser(handle.db)) {
      console.log('Users exist already: demo data not loaded (it is only loaded into a database without users).');
      return;
    }
    const logins = await seedDemoData(handle.db);
    console.log(`Demo data loaded. Accounts (password for all: ${DEMO_PASSWORD}):`);
    for (const login of logins)
      console.log(`  ${login.email.padEnd(30)} ${login.role.padEnd(22)} ${login.institution}`);
    console.log('These are public demo credentials: never seed a production database.');
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) {
    console.error(`db:seed: ${error.message}`);
  } else {
    console.error(`db:seed failed: ${(error as Error).message}`);
  }
  process.exit(1);
});
