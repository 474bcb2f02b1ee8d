/**
 * The job runner of an embedded (PGlite) deployment: one process per data folder, so "once per
 * deployment" is "once in this process". Timers feed an in-memory queue; a failed job is retried
 * with backoff; queued jobs do not survive a restart (the schedules offer them again, and handlers
 * are idempotent). Timers are unref'd: they never keep the process alive.
 */
import {
  assertJobName,
  DEFAULT_RETRY,
  MIN_LEADER_TICK_MS,
  MIN_SCHEDULE_MS,
  retryDelayMs,
  type EnqueueOptions,
  type JobHandler,
  type JobLogger,
  type JobRunner,
  type RetryOptions,
} from './jobs.js';

/** Node timers overflow past 2^31-1 ms (~24.8 days) and would fire at once; longer waits are capped. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Queue = { handler: JobHandler<object>; retry: Required<RetryOptions> };
type Job = { name: string; payload: object; singletonKey: string | null };

export type InProcessRunnerOptions = {
  logger: JobLogger;
  /** false: the node opts out (JOBS_ENABLED=false); jobs may be registered and enqueued, none run. */
  isEnabled?: boolean;
  /** Tests only: schedules may tick faster than MIN_SCHEDULE_MS. */
  allowFastSchedules?: boolean;
};

export function createInProcessJobRunner(options: InProcessRunnerOptions): JobRunner {
  const { logger, isEnabled = true, allowFastSchedules = false } = options;
  const queues = new Map<string, Queue>();
  const schedules: Array<{ name: string; everyMs: number }> = [];
  const leaderTasks: Array<{ name: string; everyMs: number; task: () => Promise<void> }> = [];
  /** singletonKeys of jobs waiting or running, per queue. */
  const pendingKeys = new Map<string, Set<string>>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  /** Jobs offered before start(), or on a node that opted out. */
  const waiting: Job[] = [];
  let isStarted = false;
  let isStopped = false;

  function later(ms: number, action: () => void, repeat = false): void {
    const wait = Math.min(ms, MAX_TIMER_MS);
    const timer = repeat ? setInterval(action, wait) : setTimeout(action, wait);
    timer.unref();
    timers.add(timer);
  }

  function register(name: string, handler: JobHandler<object>, retry: RetryOptions | undefined): void {
    assertJobName(name);
    if (isStarted) throw new Error(`Job ${name}: register before start()`);
    if (queues.has(name)) throw new Error(`Job ${name} is registered twice`);
    queues.set(name, { handler, retry: { ...DEFAULT_RETRY, ...retry } });
  }

  function offer(job: Job): boolean {
    const keys = pendingKeys.get(job.name) ?? new Set<string>();
    pendingKeys.set(job.name, keys);
    if (job.singletonKey !== null) {
      if (keys.has(job.singletonKey)) return false;
      keys.add(job.singletonKey);
    }
    if (isStarted && !isStopped && isEnabled) attempt(job, 1);
    else waiting.push(job);
    return true;
  }

  function attempt(job: Job, attemptNumber: number): void {
    const queue = queues.get(job.name);
    if (!queue) return;
    const execution = (async () => {
      try {
        await queue.handler(job.payload, { name: job.name, attempt: attemptNumber });
        settle(job);
      } catch (error) {
        const retriesLeft = queue.retry.retryLimit - (attemptNumber - 1);
        if (retriesLeft > 0 && !isStopped) {
          const wait = retryDelayMs(queue.retry, attemptNumber);
          logger.warn({ err: error, job: job.name, attempt: attemptNumber, retryInMs: wait }, 'job failed, will retry');
          later(wait, () => {
            if (!isStopped) attempt(job, attemptNumber + 1);
          });
        } else {
          logger.error({ err: error, job: job.name, attempt: attemptNumber }, 'job failed, giving up');
          settle(job);
        }
      }
    })();
    running.add(execution);
    void execution.finally(() => running.delete(execution));
  }

  function settle(job: Job): void {
    if (job.singletonKey !== null) pendingKeys.get(job.name)?.delete(job.singletonKey);
  }

  return {
    kind: 'in-process',
    schedule(name, every, handler, retry) {
      if (every.everyMs < MIN_SCHEDULE_MS && !allowFastSchedules) {
        throw new Error(`Job ${name}: schedules run at most once a minute; use repeatOnLeader for faster ticks`);
      }
      register(name, handler as JobHandler<object>, retry);
      schedules.push({ name, everyMs: every.everyMs });
    },
    handle(name, handler, retry) {
      register(name, handler as JobHandler<object>, retry);
    },
    async enqueue(name, payload, enqueueOptions: EnqueueOptions = {}) {
      if (!queues.has(name)) throw new Error(`Job ${name} has no handler`);
      return offer({ name, payload, singletonKey: enqueueOptions.singletonKey ?? null });
    },
    repeatOnLeader(name, everyMs, task) {
      assertJobName(name);
      if (isStarted) throw new Error(`Job ${name}: register before start()`);
      leaderTasks.push({ name, everyMs: Math.max(everyMs, MIN_LEADER_TICK_MS), task });
    },
    async start() {
      if (isStarted) return;
      isStarted = true;
      if (!isEnabled) {
        logger.info({}, 'scheduled work is off on this node (JOBS_ENABLED=false)');
        return;
      }
      for (const job of waiting.splice(0)) attempt(job, 1);
      for (const { name, everyMs } of schedules) {
        // The window's job: one at a time (a run still going when the next window opens is not
        // doubled). The first comes at start, as on PostgreSQL: a server restarted more often than
        // its window (a daily job, a nightly restart) still runs it.
        const offerWindowJob = () => void offer({ name, payload: {}, singletonKey: name });
        offerWindowJob();
        later(everyMs, offerWindowJob, true);
      }
      for (const { name, everyMs, task } of leaderTasks) {
        let isBusy = false;
        later(
          everyMs,
          () => {
            if (isBusy || isStopped) return;
            isBusy = true;
            const execution = task()
              .catch((error: unknown) => logger.error({ err: error, job: name }, 'leader task failed'))
              .finally(() => {
                isBusy = false;
              });
            running.add(execution);
            void execution.finally(() => running.delete(execution));
          },
          true,
        );
      }
    },
    async stop() {
      isStopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...running]);
    },
  };
}
