/**
 * Vitest global setup: builds a migrated database with the TERYT register once, so that each test
 * file starts from a copy in well under a second. PGlite by default; PostgreSQL when DATABASE_URL is set.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrateDatabase, openPglite, openPostgres } from '../db/database.js';
import { loadTerritories } from '../../territories/territories.loader.js';
import { TEMPLATE_DATABASE, pgliteTemplatePath, withDatabaseName } from './paths.js';

export default async function setup(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: withDatabaseName(url, 'postgres') });
    await admin.connect();
    // Drop test databases left by an interrupted earlier run, then rebuild the template.
    const stale = await admin.query<{ datname: string }>(
      "select datname from pg_database where datname like 'kooperacja_test_%'",
    );
    for (const row of stale.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
    await admin.query(`create database "${TEMPLATE_DATABASE}"`);
    await admin.end();
    const handle = await openPostgres(withDatabaseName(url, TEMPLATE_DATABASE));
    await migrateDatabase(handle);
    await loadTerritories(handle.db);
    await handle.close();
    return;
  }
  const handle = await openPglite(undefined);
  await migrateDatabase(handle);
  await loadTerritories(handle.db);
  const dump = await handle.pglite!.dumpDataDir('none');
  mkdirSync(path.dirname(pgliteTemplatePath), { recursive: true });
  writeFileSync(pgliteTemplatePath, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
}
