/**
 * Entry point: validates configuration, opens and migrates the database, loads TERYT and (on the
 * first start of an embedded database outside production) the demo data, then serves the app and
 * runs the scheduled work (platform/jobs) until SIGINT/SIGTERM. A database without users and without demo data gets a hint to `npm run admin:create`.
 */
import { loadConfigOrReport } from './platform/config.js';
import {
  DatabaseLockedError,
  migrateDatabase,
  MigrationPermissionError,
  openDatabase,
} from './platform/db/database.js';
import { auditGuardWeakness } from './platform/db/app-role.js';
import { buildKooperacjaApp } from './composition.js';
import { loadTerritories } from './territories/territories.loader.js';
import { DEMO_PASSWORD, hasAnyUser, seedDemoData, shouldSeedDemoData } from './demo/demo-data.js';
import { scheduleStaleServiceReminders } from './basket/reminders/reminders.js';
import { createJobRunner } from './platform/jobs/job-runner.js';
import { sealAuditEvents } from './audit/audit.sealer.js';
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

  const app = await buildKooperacjaApp({ config, database });
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

  // Scheduled work, once per deployment (pg-boss on PostgreSQL, in process on PGlite); started after
  // listen, so a node that cannot serve takes no jobs, and stopped before the database closes.
  const jobs = createJobRunner(database, config, app.log.child({ module: 'jobs' }));
  scheduleStaleServiceReminders(jobs, database.db, config);
  // The audit sealer signs the committed events about once a second, on one node at a time
  // (docs/security.md §10); sealing is idempotent, so a second sealer after a failover is harmless.
  const sealKey = loadAuditSealKey(config, (message) => app.log.warn(message));
  jobs.repeatOnLeader('audit.seal', 1_000, async () => {
    await sealAuditEvents(database.db, sealKey);
  });
  try {
    await jobs.start();
  } catch (error) {
    console.error(
      `Kooperacja: cannot start the scheduled work: ${(error as Error).message}. On PostgreSQL run ` +
        '`npm run db:grant-app-role` as the owner (README, "Deployment on PostgreSQL"), or set JOBS_ENABLED=false on this node.',
    );
    await app.close();
    await database.close();
    process.exit(1);
  }

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
    try {
      await app.close();
      await jobs.stop();
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
