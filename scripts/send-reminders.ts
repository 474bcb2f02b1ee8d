/**
 * `npm run basket:remind`: sends the stale-service reminders for every partnership's basket now, by
 * running the scheduled job's handler once (the deployment also runs it every REMINDER_INTERVAL_HOURS
 * hours). Each stale service is reminded at most once in 30 days, so running it by hand next to
 * the running servers is harmless.
 * Exit codes: 0 done, 1 could not run (bad configuration, no database, database in use).
 *
 * On the embedded database this takes the data-folder lock like the app does, so it refuses while
 * the app runs (PGlite allows one process per folder); the app's own scheduled job covers that case.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrReport } from '../server/src/platform/config.js';
import { DatabaseLockedError, openDatabase, type DatabaseHandle } from '../server/src/platform/db/database.js';
import { sendStaleServiceReminders } from '../server/src/basket/reminders/reminders.js';

const EXIT_DONE = 0;
const EXIT_CANNOT_RUN = 1;

async function main(): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return EXIT_CANNOT_RUN;

  // Opening a missing folder would create an empty database; say so instead of "0 services".
  if (config.databaseKind === 'pglite' && !existsSync(path.join(config.DATA_DIR, 'pglite'))) {
    console.error(`No Kooperacja database in ${path.resolve(config.DATA_DIR)} (set DATA_DIR or DATABASE_URL).`);
    return EXIT_CANNOT_RUN;
  }

  let database: DatabaseHandle;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      console.error(
        `Kooperacja is running on ${path.resolve(error.dataDir)} (process ${error.pid}); its scheduled job sends ` +
          'the reminders. Stop it to run them by hand.',
      );
      return EXIT_CANNOT_RUN;
    }
    console.error(`Cannot open the database: ${(error as Error).message}`);
    return EXIT_CANNOT_RUN;
  }

  try {
    const result = await sendStaleServiceReminders(database.db, config);
    console.log(
      `Stale services: ${result.staleServices}; reminded now: ${result.remindedServices}; ` +
        `notifications: ${result.notifications}; e-mails: ${result.emails}`,
    );
    return EXIT_DONE;
  } catch (error) {
    console.error(`Cannot send the reminders: ${(error as Error).message}`);
    return EXIT_CANNOT_RUN;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
