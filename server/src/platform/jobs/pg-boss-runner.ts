/**
 * The job runner of a PostgreSQL deployment, where several app nodes share one database: pg-boss
 * (schema `pgboss`: installed by the owner in `db:grant-app-role` and handed to the app role, which
 * lets pg-boss upgrade it at start and add queues; see installJobSchema and app-role.ts). See jobs.ts
 * for the design; in short:
 *
 * - schedule(): each node offers the job of the current window every minute (and at start) with
 *   `singletonKey` = the name and `singletonSeconds` = the window; pg-boss's unique index on
 *   (name, singleton window, key) keeps one job per window, and one node's worker takes it.
 * - enqueue(): a plain pg-boss job, retried with backoff by pg-boss.
 * - repeatOnLeader(): a session advisory lock on a dedicated connection elects one node.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import {
  assertJobName,
  DEFAULT_RETRY,
  JOB_SCHEMA,
  MIN_LEADER_TICK_MS,
  MIN_SCHEDULE_MS,
  type JobHandler,
  type JobLogger,
  type JobRunner,
  type RetryOptions,
} from './jobs.js';

/** How often every node offers the jobs of the current windows (they are deduplicated anyway). */
const OFFER_EVERY_MS = 60_000;
/** pg-boss's default, raised so a completed window's job stays visible to the unique index. */
const ARCHIVE_COMPLETED_DEFAULT_SECONDS = 12 * 60 * 60;

type Queue = { handler: JobHandler<object>; retry: Required<RetryOptions>; windowSeconds: number | null };

export type PgBossRunnerOptions = {
  pool: pg.Pool;
  /** For the leader election's own connection (the pool's connections come and go). */
  connectionString: string;
  logger: JobLogger;
  /** false: the node opts out (JOBS_ENABLED=false): it still enqueues, other nodes do the work. */
  isEnabled?: boolean;
  /** How often a worker looks for jobs; pg-boss's minimum is 0.5 s. Default 2 s. */
  pollingIntervalSeconds?: number;
};

/** A stable 64-bit advisory-lock key per leader task name (namespaced, so it meets no other lock). */
export function leaderLockKey(name: string): bigint {
  // Positive (63 bits), so pg_locks' two 32-bit halves (classid, objid) put it back together unchanged.
  return createHash('sha256').update(`kooperacja.jobs.leader:${name}`).digest().readBigInt64BE(0) & 0x7fffffffffffffffn;
}

/**
 * Installs or upgrades pg-boss's tables in the `pgboss` schema, as the connected role. The app role
 * may not create a schema (that needs CREATE on the database), so `db:grant-app-role` runs this as
 * the owner and then hands the schema to the app role (app-role.ts); from then on pg-boss upgrades
 * its tables itself at the app's start. A server that connects as the owner installs them itself.
 */
export async function installJobSchema(pool: pg.Pool): Promise<void> {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: JOB_SCHEMA,
    supervise: false,
    schedule: false,
    migrate: true,
  });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
}

export function createPgBossJobRunner(options: PgBossRunnerOptions): JobRunner {
  const { pool, connectionString, logger, isEnabled = true, pollingIntervalSeconds = 2 } = options;
  const queues = new Map<string, Queue>();
  const leaderTasks: Array<{ name: string; everyMs: number; task: () => Promise<void> }> = [];
  const timers = new Set<NodeJS.Timeout>();
  const leaderClients = new Set<pg.Client>();
  const running = new Set<Promise<void>>();
  let boss: PgBoss | null = null;
  let isStarted = false;
  let isStopped = false;

  function register(name: string, queue: Queue): void {
    assertJobName(name);
    if (isStarted) throw new Error(`Job ${name}: register before start()`);
    if (queues.has(name)) throw new Error(`Job ${name} is registered twice`);
    queues.set(name, queue);
  }

  function track(execution: Promise<void>): void {
    running.add(execution);
    void execution.finally(() => running.delete(execution));
  }

  async function offerWindowJob(name: string, windowSeconds: number): Promise<void> {
    if (!boss || isStopped) return;
    try {
      await boss.send(name, {}, { singletonKey: name, singletonSeconds: windowSeconds });
    } catch (error) {
      logger.error({ err: error, job: name }, 'could not offer the scheduled job');
    }
  }

  async function startLeaderTask(name: string, everyMs: number, task: () => Promise<void>): Promise<void> {
    const key = leaderLockKey(name);
    let client: pg.Client | null = null;
    let isLeader = false;
    let isBusy = false;
    /** Drops the lock connection (and with it the lock, if held); the next tick starts over. */
    const standDown = (stale: pg.Client) => {
      isLeader = false;
      if (client === stale) client = null;
      leaderClients.delete(stale);
      void stale.end().catch(() => undefined);
    };
    /** Whether this node holds the task's lock, connecting and trying to take it when not. */
    const holdsLead = async (): Promise<boolean> => {
      if (!client) {
        const fresh = new pg.Client({ connectionString, application_name: `kooperacja-leader-${name}` });
        // A dropped connection loses the lock with it: stand down, reconnect at the next tick.
        fresh.on('error', () => standDown(fresh));
        leaderClients.add(fresh);
        client = fresh;
        await fresh.connect();
      }
      // Asked every tick, also by the leader: a connection that died unnoticed fails here, and a lock
      // lost with it (the server ended the session) shows as not held, before the task runs again.
      const result = await client.query<{ isHeld: boolean }>(
        isLeader
          ? `select exists(select from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted
                             and objsubid = 1 and (classid::bigint << 32 | objid::bigint) = $1::bigint) as "isHeld"`
          : 'select pg_try_advisory_lock($1) as "isHeld"',
        [key.toString()],
      );
      isLeader = result.rows[0]?.isHeld === true;
      return isLeader;
    };
    const tick = async () => {
      if (isBusy || isStopped) return;
      isBusy = true;
      try {
        let isLead = false;
        try {
          isLead = await holdsLead();
        } catch (error) {
          logger.warn({ err: error, job: name }, 'leader election failed, trying again at the next tick');
          if (client) standDown(client);
        }
        if (isLead && !isStopped) {
          try {
            await task();
          } catch (error) {
            logger.error({ err: error, job: name }, 'leader task failed');
          }
        }
      } finally {
        isBusy = false;
      }
    };
    const timer = setInterval(() => track(tick()), everyMs);
    timer.unref();
    timers.add(timer);
    track(tick());
  }

  /**
   * Creates the missing queues. Each is a partition of pgboss.job, and two nodes attaching
   * partitions at once deadlock, so the nodes take turns under a session advisory lock.
   */
  async function createQueues(started: PgBoss): Promise<void> {
    const client = await pool.connect();
    const key = leaderLockKey('create-queues').toString();
    try {
      await client.query('select pg_advisory_lock($1)', [key]);
      for (const [name, queue] of queues) {
        if (await started.getQueue(name)) continue;
        await started.createQueue(name, {
          name,
          retryLimit: queue.retry.retryLimit,
          retryDelay: queue.retry.retryDelaySeconds,
          retryBackoff: true,
        });
      }
    } finally {
      await client.query('select pg_advisory_unlock($1)', [key]).catch(() => undefined);
      client.release();
    }
  }

  return {
    kind: 'pg-boss',
    schedule(name, every, handler, retry) {
      if (every.everyMs < MIN_SCHEDULE_MS) {
        throw new Error(`Job ${name}: schedules run at most once a minute; use repeatOnLeader for faster ticks`);
      }
      register(name, {
        handler: handler as JobHandler<object>,
        retry: { ...DEFAULT_RETRY, ...retry },
        windowSeconds: Math.round(every.everyMs / 1000),
      });
    },
    handle(name, handler, retry) {
      register(name, {
        handler: handler as JobHandler<object>,
        retry: { ...DEFAULT_RETRY, ...retry },
        windowSeconds: null,
      });
    },
    async enqueue(name, payload, enqueueOptions = {}) {
      if (!queues.has(name)) throw new Error(`Job ${name} has no handler`);
      if (!boss) throw new Error('The job runner is not started');
      const id = await boss.send(
        name,
        payload,
        enqueueOptions.singletonKey ? { singletonKey: enqueueOptions.singletonKey } : {},
      );
      return id !== null;
    },
    repeatOnLeader(name, everyMs, task) {
      assertJobName(name);
      if (isStarted) throw new Error(`Job ${name}: register before start()`);
      leaderTasks.push({ name, everyMs: Math.max(everyMs, MIN_LEADER_TICK_MS), task });
    },
    async start() {
      if (isStarted) return;
      isStarted = true;
      const longestWindow = Math.max(0, ...[...queues.values()].map((q) => q.windowSeconds ?? 0));
      boss = new PgBoss({
        db: { executeSql: (text, values) => pool.query(text, values) },
        schema: JOB_SCHEMA,
        // Maintenance (expiry, archiving) runs on the working nodes; pg-boss coordinates it itself.
        supervise: isEnabled,
        schedule: false,
        // A window's completed job must outlive its window, or the unique index would let a second one in.
        archiveCompletedAfterSeconds: Math.max(ARCHIVE_COMPLETED_DEFAULT_SECONDS, longestWindow * 2),
      });
      boss.on('error', (error: Error) => logger.error({ err: error }, 'job queue error'));
      await boss.start();
      await createQueues(boss);
      if (!isEnabled) {
        logger.info({}, 'scheduled work is off on this node (JOBS_ENABLED=false)');
        return;
      }
      for (const [name, queue] of queues) {
        await boss.work<object>(name, { pollingIntervalSeconds, includeMetadata: true, batchSize: 1 }, async (jobs) => {
          for (const job of jobs) {
            const attempt = job.retryCount + 1;
            try {
              await queue.handler(job.data, { name, attempt });
            } catch (error) {
              const willRetry = job.retryCount < job.retryLimit;
              logger[willRetry ? 'warn' : 'error'](
                { err: error, job: name, attempt },
                willRetry ? 'job failed, will retry' : 'job failed, giving up',
              );
              throw error;
            }
          }
        });
        const windowSeconds = queue.windowSeconds;
        if (windowSeconds !== null) {
          await offerWindowJob(name, windowSeconds);
          const timer = setInterval(
            () => track(offerWindowJob(name, windowSeconds)),
            Math.min(OFFER_EVERY_MS, windowSeconds * 1000),
          );
          timer.unref();
          timers.add(timer);
        }
      }
      for (const { name, everyMs, task } of leaderTasks) await startLeaderTask(name, everyMs, task);
      logger.info(
        { jobs: [...queues.keys()], leaderTasks: leaderTasks.map((t) => t.name) },
        'scheduled work started (window jobs offered)',
      );
    },
    async stop() {
      if (isStopped) return;
      isStopped = true;
      for (const timer of timers) clearInterval(timer);
      timers.clear();
      await Promise.allSettled([...running]);
      // Closing the leader connections releases their advisory locks at once.
      await Promise.allSettled([...leaderClients].map((client) => client.end()));
      leaderClients.clear();
      await boss?.stop({ graceful: true, wait: true, timeout: 15_000 });
    },
  };
}
