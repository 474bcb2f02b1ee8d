/**
 * `npm run db:grant-app-role -- <role>`: run as the owner of the tables (DATABASE_URL of the role
 * that runs `npm run db:migrate`), gives the server's own role the rights it needs: read and write
 * the data, and on the audit log only SELECT and INSERT (server/src/platform/db/app-role.ts); it
 * installs the job queue's tables (pg-boss) and hands their schema to that role. Run it
 * once after creating the role and again after each upgrade; it is harmless to repeat.
 * Exit codes: 0 granted, 1 could not (bad configuration, not PostgreSQL, no such role, or a role
 * that is a superuser or owns the tables).
 */
import { loadConfigOrReport } from '../server/src/platform/config.js';
import { openDatabase } from '../server/src/platform/db/database.js';
import { AppRoleError, grantAppRole } from '../server/src/platform/db/app-role.js';
import { installJobSchema } from '../server/src/platform/jobs/pg-boss-runner.js';

async function main(): Promise<number> {
  const role = process.argv[2];
  if (!role) {
    console.error('Usage: DATABASE_URL=postgres://<owner>@host/db npm run db:grant-app-role -- <app role>');
    return 1;
  }
  const config = loadConfigOrReport();
  if (!config) return 1;
  if (config.databaseKind !== 'postgres') {
    console.error('db:grant-app-role is for PostgreSQL (set DATABASE_URL to the owner role); PGlite has one user.');
    return 1;
  }
  const database = await openDatabase(config);
  try {
    // pg-boss's tables first (as the owner: the app role may not create the schema), then the grants.
    await installJobSchema(database.pool!);
    await grantAppRole(database.db, role);
    console.log(
      `Granted ${role}: read and write of the data; on audit_events SELECT and INSERT only; ` +
        `owner of the job queue (schema pgboss). ` +
        `Run the server with DATABASE_URL for ${role}.`,
    );
    return 0;
  } catch (error) {
    console.error(`db:grant-app-role: ${error instanceof AppRoleError ? error.message : (error as Error).message}`);
    return 1;
  } finally {
    await database.close();
  }
}

process.exitCode = await main();
