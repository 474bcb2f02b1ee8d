/**
 * `npm run audit:verify`: verifies the audit log of the configured database (docs/security.md §10): every
 * event's hash, every signed block (with the public half of AUDIT_SEAL_KEY), and the events not yet
 * sealed; names the first broken event or block, and prints the newest signed checkpoint to keep
 * outside the database (a log truncated together with its newest blocks is caught against it). Exit codes: 0 valid, 2 broken, 1 could not check (bad configuration,
 * no database, database in use). Operators run it after a restore and on a schedule.
 *
 * On the embedded database this takes the data-folder lock like the app does, so it refuses while
 * the app runs: PGlite allows one process per folder, and a second one would corrupt it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfigOrReport } from '../server/src/platform/config.js';
import { DatabaseLockedError, openDatabase, type DatabaseHandle } from '../server/src/platform/db/database.js';
import { verifyAuditChain } from '../server/src/audit/audit.verifier.js';
import { AuditSealKeyError, loadAuditSealKey } from '../server/src/audit/audit.seal-key.js';

const EXIT_VALID = 0;
const EXIT_CANNOT_CHECK = 1;
const EXIT_BROKEN = 2;

async function main(): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return EXIT_CANNOT_CHECK;
  let sealKey;
  try {
    sealKey = loadAuditSealKey(config, (message) => console.error(`Warning: ${message}`));
  } catch (error) {
    if (!(error instanceof AuditSealKeyError)) throw error;
    console.error(error.message);
    return EXIT_CANNOT_CHECK;
  }

  // Opening a missing folder would create an empty database; say so instead of "0 events".
  if (config.databaseKind === 'pglite' && !existsSync(path.join(config.DATA_DIR, 'pglite'))) {
    console.error(`No Kooperacja database in ${path.resolve(config.DATA_DIR)} (set DATA_DIR or DATABASE_URL).`);
    return EXIT_CANNOT_CHECK;
  }

  let database: DatabaseHandle;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      console.error(
        `Cannot verify while Kooperacja is running: the data folder ${path.resolve(error.dataDir)} is in use by ` +
          `process ${error.pid}. Stop the app, then run npm run audit:verify again.`,
      );
      return EXIT_CANNOT_CHECK;
    }
    console.error(`Cannot open the database: ${(error as Error).message}`);
    return EXIT_CANNOT_CHECK;
  }

  try {
    const result = await database.db.transaction((tx) => verifyAuditChain(tx, { key: sealKey }), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
    if (result.isValid) {
      console.log(
        `Audit log valid: ${result.checkedCount} events (${result.sealedCount} sealed in ${result.sealCount} blocks, ` +
          `${result.unsealedCount} not yet sealed)`,
      );
      if (result.checkpoint)
        console.error(
          `Newest checkpoint: block #${result.checkpoint.sealId}, ${result.checkpoint.cumulativeCount} events, ${result.checkpoint.sealHash}`,
        );
      if (result.staleUnsealedCount > 0)
        console.error(
          `Warning: ${result.staleUnsealedCount} events older than a minute are not sealed: is the app's sealer running?`,
        );
      return EXIT_VALID;
    }
    const where =
      result.firstBrokenId !== null ? `event #${result.firstBrokenId}` : `block #${result.firstBrokenSealId}`;
    console.log(`Audit log BROKEN at ${where}: ${result.reason}`);
    return EXIT_BROKEN;
  } catch (error) {
    console.error(`Cannot read the audit log: ${(error as Error).message}`);
    return EXIT_CANNOT_CHECK;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
