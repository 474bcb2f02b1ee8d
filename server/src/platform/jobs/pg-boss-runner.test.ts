/**
 * The PostgreSQL job runner with two nodes (two runners on two pools) on one database: a schedule
 * runs once per window for both, queued jobs are retried, one node at a time runs a leader task and
 * another takes over when it stops. PostgreSQL only: PGlite is one process per data folder, and its
 * runner is tested in in-process-runner.test.ts.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres, type DatabaseHandle } from '../db/database.js';
import { openTestDatabase } from '../../testing/test-app.js';
import type { JobLogger, JobRunner } from './jobs.js';
import { createJobRunner } from './job-runner.js';
import { createPgBossJobRunner } from './pg-boss-runner.js';

const logged: Array<{ message: string; details: Record<string, unknown> }> = [];
const logger: JobLogger = {
  error: (details, message) => logged.push({ message, details }),
  warn: (details, message) => logged.push({ message, details }),
  info: (details, message) => logged.push({ message, details }),
};

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(!databaseUrl)('the pg-boss job runner on two nodes (PostgreSQL only: set DATABASE_URL)', () => {
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  let url: string;
  let drop: () => Promise<void>;
  const runners: JobRunner[] = [];

  beforeAll(async () => {
    const opened = await openTestDatabase();
    first = opened.database;
    url = opened.url!;
    drop = opened.drop;
    second = await openPostgres(url);
  });

  afterAll(async () => {
    await Promise.allSettled(runners.map((runner) => runner.stop()));
    await second?.close();
    await first?.close();
    await drop?.();
  });

  function node(database: DatabaseHandle): JobRunner {
    const runner = createPgBossJobRunner({
      pool: database.pool!,
      connectionString: url,
      logger,
      pollingIntervalSeconds: 0.5,
    });
    runners.push(runner);
    return runner;
  }

  async function jobRows(name: string): Promise<Array<{ state: string }>> {
    const result = await first.db.execute(sql`select state from pgboss.job where name = ${name}`);
    return (result as unknown as { rows: Array<{ state: string }> }).rows;
  }

  it('is the runner the deployment gets on PostgreSQL', () => {
    expect(createJobRunner(first, { JOBS_ENABLED: true, DATABASE_URL: url }, logger).kind).toBe('pg-boss');
  });

  it('runs a schedule once per window for the deployment, retries a failed job, elects one leader', async () => {
    const nodes = [node(first), node(second)];
    const windowRuns: number[] = [];
    const attempts: number[] = [];
    const leaderTicks: number[] = [];
    nodes.forEach((runner, index) => {
      runner.schedule('test.window', { everyMs: 60 * 60 * 1000 }, async () => {
        windowRuns.push(index);
      });
      runner.handle(
        'test.flaky',
        async (_payload: { cardId: string }, run) => {
          attempts.push(run.attempt);
          if (run.attempt === 1) throw new Error('chwilowy błąd');
        },
        { retryLimit: 2, retryDelaySeconds: 0 },
      );
      runner.repeatOnLeader('test.leader', 100, async () => {
        leaderTicks.push(index);
      });
    });
    await Promise.all(nodes.map((runner) => runner.start()));

    // Both nodes offered the window's job at start; the unique index kept one, one worker ran it.
    await vi.waitFor(async () => expect((await jobRows('test.window')).map((r) => r.state)).toEqual(['completed']), {
      timeout: 15_000,
    });
    expect(windowRuns).toHaveLength(1);

    expect(await nodes[1]!.enqueue('test.flaky', { cardId: 'k-1' })).toBe(true);
    await vi.waitFor(() => expect(attempts).toEqual([1, 2]), { timeout: 15_000, interval: 100 });
    expect(logged.some((entry) => entry.message === 'job failed, will retry')).toBe(true);

    await vi.waitFor(() => expect(leaderTicks.length).toBeGreaterThanOrEqual(5), { timeout: 10_000 });
    const leader = leaderTicks[0]!;
    expect(new Set(leaderTicks)).toEqual(new Set([leader]));
    await nodes[leader]!.stop();
    const follower = 1 - leader;
    await vi.waitFor(() => expect(leaderTicks.slice(-3)).toEqual([follower, follower, follower]), {
      timeout: 10_000,
    });

    // The leader's lock connection dies (a failover, a killed backend): it reconnects, takes the lock again.
    await first.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'kooperacja-leader-test.leader'`,
    );
    const ticksBefore = leaderTicks.length;
    await vi.waitFor(() => expect(leaderTicks.length).toBeGreaterThanOrEqual(ticksBefore + 3), { timeout: 10_000 });
  });
});
