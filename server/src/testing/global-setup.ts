/**
 * Vitest global setup: builds a migrated database with the TERYT register once, so that each test
 * file starts from a copy in well under a second. PGlite by default; PostgreSQL when DATABASE_URL is
 * set. Everything it makes is named by this run's id and removed in the teardown.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase, openPglite, openPostgres } from '../platform/db/database.js';
import { loadTerritories } from '../territories/territories.loader.js';
import { pgliteTemplatePath, templateDatabase, testDatabasePrefix, withDatabaseName } from './paths.js';

export default async function setup(): Promise<() => Promise<void>> {
  const runId = randomBytes(4).toString('hex');
  process.env.KOOPERACJA_TEST_RUN = runId;
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
    await admin.connect();
    await admin.query(`create database "${templateDatabase(runId)}"`);
    await admin.end();
    const handle = await openPostgres(withDatabaseName(url, templateDatabase(runId)));
    await migrateDatabase(handle);
    await loadTerritories(handle.db);
    await handle.close();
    return async () => {
      const cleanup = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
      await cleanup.connect();
      const leftovers = await cleanup.query<{ datname: string }>(
        'select datname from pg_database where starts_with(datname, $1)',
        [testDatabasePrefix(runId)],
      );
      for (const row of leftovers.rows) await cleanup.query(`drop database if exists "${row.datname}" with (force)`);
      await cleanup.end();
    };
  }
  const handle = await openPglite(undefined);
  await migrateDatabase(handle);
  await loadTerritories(handle.db);
  const dump = await handle.pglite!.dumpDataDir('none');
  const templatePath = pgliteTemplatePath(runId);
  mkdirSync(path.dirname(templatePath), { recursive: true });
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  return async () => rmSync(templatePath, { force: true });
}
