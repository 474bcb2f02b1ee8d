/**
 * The deployment's job runner: pg-boss on PostgreSQL, the in-process twin on PGlite (jobs.ts).
 * The composition root (main.ts) makes one, lets the domains register their work, starts it after
 * the server listens and stops it before the database closes.
 */
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { createInProcessJobRunner } from './in-process-runner.js';
import type { JobLogger, JobRunner } from './jobs.js';
import { createPgBossJobRunner } from './pg-boss-runner.js';

export function createJobRunner(
  database: DatabaseHandle,
  config: Pick<Config, 'JOBS_ENABLED' | 'DATABASE_URL'>,
  logger: JobLogger,
): JobRunner {
  if (database.kind === 'postgres') {
    if (!database.pool || !config.DATABASE_URL) throw new Error('A PostgreSQL database needs its pool and URL');
    return createPgBossJobRunner({
      pool: database.pool,
      connectionString: config.DATABASE_URL,
      logger,
      isEnabled: config.JOBS_ENABLED,
    });
  }
  return createInProcessJobRunner({ logger, isEnabled: config.JOBS_ENABLED });
}
