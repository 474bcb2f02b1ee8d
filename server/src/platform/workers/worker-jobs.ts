/**
 * SECURITY-RELEVANT. CPU-bound work on hostile input (an uploaded sheet or document) off the event
 * loop, so that one request cannot freeze the server for everyone (security issue 6, item 2).
 *
 * Each job runs in a fresh worker thread with a time budget (the thread is terminated when it runs
 * out, even inside a tight loop) and a memory budget (V8's old generation of that thread; a thread
 * over it is stopped by Node, not the process). At most `maxRunning` jobs run at once, so imports
 * never take every core; a few more wait their turn, and beyond that the caller hears `busy`.
 * The job receives a structured-cloned copy of its input and returns plain data, which the main
 * thread then uses (database work stays on the main thread). An `AppError` thrown by the job
 * arrives as the same AppError; an abort signal (the app closing) terminates the thread at once.
 *
 * A job is an exported function of its own module (`defineWorkerJob`); the module is loaded in the
 * thread through tsx (worker-entry.mjs), so the same code runs under `node --import tsx` and vitest,
 * or, in the production build (dist/), as the compiled `.js` beside it without a TypeScript loader.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../http/problem.js';
import type { WorkerData, WorkerReply } from './worker-thread.js';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** A job: `exportName` of `module`, typed by the function it names (`defineWorkerJob<typeof fn>`). */
export type WorkerJob<Input, Output> = {
  name: string;
  module: URL;
  exportName: string;
  /** Type carrier only. */
  readonly signature?: (input: Input) => Output;
};

/** True when this file runs compiled (dist/, scripts/build-server.mjs) rather than from the TypeScript sources. */
const isBuilt = import.meta.url.endsWith('.js');

/** A job's module is named by its source (`./x.ts`); the production build runs the compiled `./x.js`. */
export function defineWorkerJob<F extends (input: never) => unknown>(
  module: URL,
  exportName: string,
): WorkerJob<Parameters<F>[0], Awaited<ReturnType<F>>> {
  const runnable = isBuilt && module.pathname.endsWith('.ts') ? new URL(module.href.replace(/\.ts$/, '.js')) : module;
  return { name: exportName, module: runnable, exportName };
}

/** Time from the thread's start (loading its modules included) and the thread's V8 old generation. */
export type WorkerBudget = { timeMs: number; memoryMb: number };

export type WorkerJobFailure =
  /** Ran out of time: terminated. */
  | 'timeout'
  /** Ran out of memory: stopped by Node. */
  | 'memory'
  /** Every slot and waiting place taken, or waited too long for a slot. */
  | 'busy'
  /** The signal fired (the app is closing): terminated or never started. */
  | 'aborted'
  /** The thread died without an answer, or the job threw something other than an AppError. */
  | 'crashed';

export class WorkerJobError extends Error {
  constructor(
    readonly reason: WorkerJobFailure,
    readonly job: string,
    detail?: string,
  ) {
    super(`worker job ${job}: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

type Log = { info: (details: object, message: string) => void; warn: (details: object, message: string) => void };

export type RunOptions = { budget: WorkerBudget; signal?: AbortSignal; log?: Log };

type Waiter = { start: () => void; fail: (reason: WorkerJobFailure) => void };

export class WorkerJobRunner {
  #running = 0;
  readonly #waiting: Waiter[] = [];

  constructor(readonly limits: { maxRunning: number; maxWaiting: number; maxWaitMs: number }) {}

  /** Jobs running now and jobs waiting for a slot (for tests and diagnostics). */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  async run<Input, Output>(job: WorkerJob<Input, Output>, input: Input, options: RunOptions): Promise<Output> {
    if (options.signal?.aborted) throw new WorkerJobError('aborted', job.name);
    await this.#acquire(job.name, options.signal);
    return this.#spawn(job, input, options);
  }

  #acquire(job: string, signal: AbortSignal | undefined): Promise<void> {
    if (this.#running < this.limits.maxRunning) {
      this.#running += 1;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.limits.maxWaiting) return Promise.reject(new WorkerJobError('busy', job));
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.#waiting.indexOf(waiter);
        if (index >= 0) this.#waiting.splice(index, 1);
      };
      const waiter: Waiter = {
        // The releasing job hands its slot over: #running stays as it is.
        start: () => {
          leave();
          resolve();
        },
        fail: (reason) => {
          leave();
          reject(new WorkerJobError(reason, job));
        },
      };
      const timer = setTimeout(() => waiter.fail('busy'), this.limits.maxWaitMs);
      const onAbort = () => waiter.fail('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Called once the thread has exited, so that a slot is a core that is really free again. */
  #release(): void {
    const next = this.#waiting[0];
    if (next) next.start();
    else this.#running -= 1;
  }

  #spawn<Input, Output>(job: WorkerJob<Input, Output>, input: Input, options: RunOptions): Promise<Output> {
    const { budget, signal, log } = options;
    const startedAt = Date.now();
    log?.info({ job: job.name }, 'worker job started');
    const data: WorkerData = { module: job.module.href, exportName: job.exportName, input };
    let worker: Worker;
    try {
      worker = new Worker(ENTRY, {
        workerData: data,
        // Not the parent's flags: the thread registers its own loader (worker-entry.mjs).
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb },
      });
    } catch (error) {
      this.#release();
      throw new WorkerJobError('crashed', job.name, (error as Error).message);
    }
    worker.once('exit', () => this.#release());

    return new Promise<Output>((resolve, reject) => {
      let isSettled = false;
      const settle = (outcome: string, answer: () => void) => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        void worker.terminate();
        const details = { job: job.name, outcome, ms: Date.now() - startedAt };
        if (outcome === 'ok' || outcome === 'refused') log?.info(details, 'worker job finished');
        else log?.warn(details, 'worker job stopped');
        answer();
      };
      const fail = (reason: WorkerJobFailure, detail?: string) =>
        settle(reason, () => reject(new WorkerJobError(reason, job.name, detail)));
      const timer = setTimeout(() => fail('timeout', `${budget.timeMs} ms`), budget.timeMs);
      const onAbort = () => fail('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) onAbort();

      worker.once('message', (reply: WorkerReply) => {
        if (reply.ok) settle('ok', () => resolve(reply.value as Output));
        else if ('appError' in reply) {
          const { code, errors, headers } = reply.appError;
          settle('refused', () => reject(new AppError(code, errors, headers)));
        } else fail('crashed', reply.error);
      });
      worker.once('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') fail('memory', `${budget.memoryMb} MB`);
        else fail('crashed', error.message);
      });
      worker.once('exit', (code) => fail('crashed', `exited with ${code} before answering`));
    });
  }
}

/**
 * The process's runner for uploads: one or two jobs at a time (never every core), four waiting.
 * Shared by every app in the process, as the cores are.
 */
export const workerJobs = new WorkerJobRunner({
  maxRunning: Math.max(1, Math.min(2, availableParallelism() - 1)),
  maxWaiting: 4,
  maxWaitMs: 20_000,
});

/**
 * A signal that fires when `app` starts closing (preClose: before Fastify waits for the requests in
 * flight), so that jobs of those requests are terminated and SIGTERM ends the server promptly.
 */
export function abortOnClose(app: FastifyInstance): AbortSignal {
  const controller = new AbortController();
  app.addHook('preClose', async () => controller.abort());
  return controller.signal;
}
