/**
 * SECURITY-CRITICAL. `npm run keys:rotate`: re-wraps every live data key of the encryption at rest
 * with the current key-encryption key (the first of DATA_ENCRYPTION_KEYS), in batches, each batch
 * audited as `dataKey.rotate` by the command line in its own transaction. The procedure
 * (docs/security.md §24): put the new key first in DATA_ENCRYPTION_KEYS and keep the old one after
 * it, restart the servers, run this command until it reports nothing left under the old key, then
 * remove the old key and restart again. Safe to repeat and to run while the servers run (PostgreSQL);
 * on the embedded database stop the app first (one process per data folder).
 *
 * Exit codes: 0 nothing left under another key, 2 keys remain under a key-encryption key the
 * configuration lacks (listed), 1 could not run (bad configuration, no database, database in use).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadConfigOrReport } from '../server/src/platform/config.js';
import { DatabaseLockedError, openDatabase, type DatabaseHandle } from '../server/src/platform/db/database.js';
import { loadKeyring } from '../server/src/platform/encryption/keyring.js';
import { rotateDataKeys } from '../server/src/platform/encryption/data-keys.js';
import { recordAuditEvent } from '../server/src/audit/audit.service.js';

const EXIT_DONE = 0;
const EXIT_CANNOT_RUN = 1;
const EXIT_KEYS_REMAIN = 2;

async function main(): Promise<number> {
  const config = loadConfigOrReport();
  if (!config) return EXIT_CANNOT_RUN;
  const keyring = loadKeyring(config, (message) => console.error(`Warning: ${message}`));
  let database: DatabaseHandle;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      console.error(
        `Cannot rotate while Kooperacja is running on the data folder ${path.resolve(error.dataDir)} ` +
          `(process ${error.pid}). Stop the app, then run npm run keys:rotate again.`,
      );
      return EXIT_CANNOT_RUN;
    }
    console.error(`Cannot open the database: ${(error as Error).message}`);
    return EXIT_CANNOT_RUN;
  }
  const context = { actor: null, requestId: `keys:rotate:${randomUUID()}`, ip: null };
  try {
    const report = await rotateDataKeys(database.db, keyring, {
      recordBatch: (tx, batch) =>
        recordAuditEvent(tx, context, {
          action: 'dataKey.rotate',
          subjectType: 'dataKey',
          details: { via: 'commandLine', rewrapped: batch.rewrapped, kekId: batch.kekId },
          purpose: 'security',
        }),
      onBatch: (total) => console.log(`re-wrapped ${total} data keys with "${keyring.current.id}"`),
    });
    console.log(`Rotation: ${report.rewrapped} data keys re-wrapped with "${keyring.current.id}".`);
    const remaining = Object.entries(report.remainingByKek);
    if (remaining.length === 0) {
      console.log('Every live data key is wrapped by the current key: older keys may leave DATA_ENCRYPTION_KEYS.');
      return EXIT_DONE;
    }
    for (const [kekId, keys] of remaining)
      console.error(
        keyring.byId.has(kekId)
          ? `${keys} data keys remain under "${kekId}" (held by a transaction meanwhile): run again.`
          : `${keys} data keys remain under "${kekId}", which DATA_ENCRYPTION_KEYS does not hold: add it after the current key and run again.`,
      );
    return EXIT_KEYS_REMAIN;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
