/**
 * Scheduled and queued work, run once per deployment however many app nodes serve it (issue 7,
 * item 7). One interface, two adapters:
 *
 * - PostgreSQL (several nodes on one database): pg-boss in its own schema `pgboss`
 *   (pg-boss-runner.ts). A schedule is a job per time window: every node offers the job for the
 *   current window with `singletonKey` + `singletonSeconds`, pg-boss's unique index keeps one, and
 *   one node's worker runs it, with retries. pg-boss's own cron has a one-minute floor and no PGlite
 *   twin, so it is not used.
 * - PGlite (one process per data folder by design): the same interface in process
 *   (in-process-runner.ts): timers, an in-memory queue, retries with backoff.
 *
 * A fast recurring task (the audit sealer, every second) cannot go through a queue with a
 * one-minute floor; `repeatOnLeader` runs it on one elected node: each node holds a dedicated
 * connection and tries `pg_try_advisory_lock` on it; the holder runs the task every tick and the
 * others stand by. If the holder dies, PostgreSQL drops its session lock and another node takes
 * over at its next tick. A session lock is no fence (a leader cut off mid-run may overlap the next
 * one for one tick), so leader tasks, like every handler here, must be idempotent.
 *
 * Handlers are idempotent and retried; a failing handler is logged and never crashes the server.
 */

/** What a handler learns about its run. */
export type JobRun = {
  name: string;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
};

export type JobHandler<Payload extends object = Record<string, never>> = (
  payload: Payload,
  run: JobRun,
) => Promise<void>;

export type RetryOptions = {
  /** Retries after the first failure (so retryLimit + 1 tries in all); default 3. */
  retryLimit?: number;
  /** Seconds before the first retry; each later one waits twice as long (backoff); default 30. */
  retryDelaySeconds?: number;
};

export type EnqueueOptions = {
  /** While a job with this key waits or runs, another one with the same key is not added. */
  singletonKey?: string;
};

export type JobLogger = {
  error: (details: Record<string, unknown>, message: string) => void;
  warn: (details: Record<string, unknown>, message: string) => void;
  info: (details: Record<string, unknown>, message: string) => void;
};

export type JobRunner = {
  readonly kind: 'pg-boss' | 'in-process';
  /**
   * Runs `handler` once per window of `everyMs` for the whole deployment (queued and retried). The
   * first run comes at start: on PostgreSQL the windows are aligned to the epoch and the run of the
   * window the deployment starts in comes at once (unless another node ran it already); in process
   * the first run comes at start and then one every `everyMs`. Handlers are idempotent, so a run at
   * every restart does no harm. Register before start(); `everyMs` is at least a minute (use
   * repeatOnLeader for faster ticks).
   */
  schedule: (name: string, every: { everyMs: number }, handler: JobHandler, options?: RetryOptions) => void;
  /** Declares the handler of a queue that enqueue() feeds. Register before start(). */
  handle: <Payload extends object>(name: string, handler: JobHandler<Payload>, options?: RetryOptions) => void;
  /** Adds a job to a handled queue; false when a job with the same singletonKey is already pending. */
  enqueue: <Payload extends object>(name: string, payload: Payload, options?: EnqueueOptions) => Promise<boolean>;
  /**
   * Runs `task` every `everyMs` (down to 100 ms) on one node of the deployment at a time, for fast
   * bookkeeping like the audit sealer. Not queued and not retried: the next tick is the retry.
   */
  repeatOnLeader: (name: string, everyMs: number, task: () => Promise<void>) => void;
  /** Starts the schedules and workers (nothing runs when the node opts out with JOBS_ENABLED=false). */
  start: () => Promise<void>;
  /** Stops taking work and waits for running handlers; call before closing the database. */
  stop: () => Promise<void>;
};

/** pg-boss's schema on PostgreSQL; it belongs to the app role (db/app-role.ts). */
export const JOB_SCHEMA = 'pgboss';

/** Windows shorter than this belong to repeatOnLeader (pg-boss polls, and keeps a row per run). */
export const MIN_SCHEDULE_MS = 60_000;
export const MIN_LEADER_TICK_MS = 100;
export const DEFAULT_RETRY: Required<RetryOptions> = { retryLimit: 3, retryDelaySeconds: 30 };

/** The wait before retry number `retry` (1-based): retryDelaySeconds, doubled for each later retry. */
export function retryDelayMs(options: Required<RetryOptions>, retry: number): number {
  return options.retryDelaySeconds * 1000 * 2 ** (retry - 1);
}

/** Job names are also pg-boss queue names: letters, digits, dots, dashes, underscores. */
export function assertJobName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) throw new Error(`Not a job name: ${name}`);
}
