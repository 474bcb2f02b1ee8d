/**
 * Entry point: validates configuration, opens and migrates the database, loads TERYT and (on the
 * first start of an embedded database outside production) the demo data, then serves the app until
 * SIGINT/SIGTERM. A database without users and without demo data gets a hint to `npm run admin:create`.
 */
import { loadConfigOrReport } from './platform/config.js';
import {
  DatabaseLockedError,
  migrateDatabase,
  MigrationPermissionError,
  openDatabase,
} from './platform/db/database.js';
import { auditGuardWeakness } from './platform/db/app-role.js';
import { buildApp } from './platform/http/app.js';
import { loadTerritories } from './territories/territories.loader.js';
import { DEMO_PASSWORD, hasAnyUser, seedDemoData, shouldSeedDemoData } from './demo/demo-data.js';
import { startStaleServiceReminderTimer } from './basket/reminders/reminders.js';
import { sealAuditEvents, startAuditSealer } from './audit/audit.sealer.js';
import { loadAuditSealKey } from './audit/audit.seal-key.js';

async function main(): Promise<void> {
  const config = loadConfigOrReport();
  if (!config) process.exit(1);

  let database;
  try {
    database = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      console.error(`Kooperacja: ${error.message}`);
      process.exit(1);
    }
    console.error(`Kooperacja: cannot open the database: ${(error as Error).message}`);
    process.exit(1);
  }

  try {
    await migrateDatabase(database);
  } catch (error) {
    if (error instanceof MigrationPermissionError) {
      console.error(`Kooperacja: ${error.message}`);
      await database.close();
      process.exit(1);
    }
    throw error;
  }
  if (database.kind === 'postgres' && config.NODE_ENV === 'production') {
    const weakness = await auditGuardWeakness(database.db);
    if (weakness) {
      console.warn(
        `Kooperacja: warning: ${weakness}, so it could switch off the audit log's guard. Run the server as ` +
          'a role of its own granted with `npm run db:grant-app-role` (README, "Deployment on PostgreSQL").',
      );
    }
  }
  await loadTerritories(database.db);
  const shouldSeed = shouldSeedDemoData(config);
  const isEmpty = !(await hasAnyUser(database.db));
  const demoLogins = shouldSeed && isEmpty ? await seedDemoData(database.db) : null;

  const app = await buildApp({ config, database });
  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`;

  const lines = [`Kooperacja is running at ${url} (database: ${database.kind})`];
  if (demoLogins) {
    lines.push('Demo accounts (password for all: ' + DEMO_PASSWORD + '):');
    for (const login of demoLogins)
      lines.push(`  ${login.email.padEnd(30)} ${login.role.padEnd(22)} ${login.institution}`);
  } else if (shouldSeed) {
    lines.push(`Demo accounts exist already, e.g. admin@kooperacja.demo / ${DEMO_PASSWORD} (unless changed).`);
  } else if (isEmpty) {
    lines.push(
      'No accounts yet. Create the first administrator (a one-time password is printed) with:',
      '  npm run admin:create -- --email <e-mail> --name "<first and last name>" --institution-name "<institution>" --territory <TERYT gmina code>',
      database.kind === 'pglite'
        ? 'Stop the server first (one process per data folder). See the README, "First administrator".'
        : 'See the README, "First administrator".',
    );
  }
  console.log(lines.join('\n'));

  // Stale-service reminders every REMINDER_INTERVAL_HOURS hours (0 = off); unref'd, stopped on shutdown.
  const stopReminders = startStaleServiceReminderTimer(database.db, config, (error) =>
    app.log.error({ err: error }, 'stale-service reminders failed'),
  );

  // The audit sealer: signs the committed events about once a second (issue 7 item 4).
  const sealKey = loadAuditSealKey(config, (message) => app.log.warn(message));
  const stopSealer = startAuditSealer(database.db, sealKey, 1_000, (error) =>
    app.log.error({ err: error }, 'audit sealing failed'),
  );

  let isClosing = false;
  const shutdown = async (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      console.error('Kooperacja: shutdown took longer than 20 s, exiting');
      process.exit(1);
    }, 20_000);
    timer.unref();
    stopReminders();
    stopSealer();
    try {
      await app.close();
      // Seal what the last requests wrote, so a stopped log verifies with nothing pending.
      await sealAuditEvents(database.db, sealKey).catch((error: unknown) =>
        app.log.error({ err: error }, 'final audit sealing failed'),
      );
      await database.close();
      process.exit(0);
    } catch (error) {
      console.error(`Kooperacja: error during shutdown: ${(error as Error).message}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
