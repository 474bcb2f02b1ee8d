import { describe, expect, it } from 'vitest';
import { AppError } from '../http/problem.js';
import { defineWorkerJob, WorkerJobError, WorkerJobRunner, type WorkerJobFailure } from './worker-jobs.js';
import type * as fixtures from './fixture-jobs.js';

const module = new URL('./fixture-jobs.ts', import.meta.url);
const echo = defineWorkerJob<typeof fixtures.echo>(module, 'echo');
const spin = defineWorkerJob<typeof fixtures.spin>(module, 'spin');
const hoard = defineWorkerJob<typeof fixtures.hoard>(module, 'hoard');
const refuse = defineWorkerJob<typeof fixtures.refuse>(module, 'refuse');
const fail = defineWorkerJob<typeof fixtures.fail>(module, 'fail');
const wait = defineWorkerJob<typeof fixtures.wait>(module, 'wait');
const budget = { timeMs: 10_000, memoryMb: 128 };

async function failure(promise: Promise<unknown>): Promise<WorkerJobFailure> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkerJobError);
  return (error as WorkerJobError).reason;
}

describe('worker jobs', () => {
  const runner = () => new WorkerJobRunner({ maxRunning: 1, maxWaiting: 1, maxWaitMs: 20_000 });

  it('runs a TypeScript job in a worker thread on a copy of the input and returns its plain result', async () => {
    const result = await runner().run(echo, { text: 'łódź', bytes: Buffer.from('abc') }, { budget });
    expect(result).toEqual({ text: 'ŁÓDŹ', length: 3, isMainThread: false });
  });

  it('terminates a job over its time budget while the event loop stays free', async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    const started = Date.now();
    try {
      expect(await failure(runner().run(spin, undefined, { budget: { ...budget, timeMs: 1_500 } }))).toBe('timeout');
    } finally {
      clearInterval(ticker);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ticks).toBeGreaterThan(10);
  });

  it('stops a job over its memory budget without harming the process', async () => {
    expect(await failure(runner().run(hoard, undefined, { budget: { timeMs: 30_000, memoryMb: 48 } }))).toBe('memory');
    // The process goes on: the next job runs.
    expect(await runner().run(wait, { ms: 1 }, { budget })).toBe(1);
  });

  it('passes an AppError through as the same problem, and any other error as crashed', async () => {
    const error = await runner()
      .run(refuse, undefined, { budget })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'payloadTooLarge', errors: [{ field: 'file', code: 'tooManyRows' }] });
    expect(await failure(runner().run(fail, undefined, { budget }))).toBe('crashed');
  });

  it('runs at most maxRunning jobs, lets maxWaiting wait and answers busy beyond that', async () => {
    const limited = runner();
    const first = limited.run(wait, { ms: 1_500 }, { budget });
    const second = limited.run(wait, { ms: 1 }, { budget });
    expect(limited.load).toEqual({ running: 1, waiting: 1 });
    expect(await failure(limited.run(wait, { ms: 1 }, { budget }))).toBe('busy');
    const order: string[] = [];
    await Promise.all([first.then(() => order.push('first')), second.then(() => order.push('second'))]);
    expect(order).toEqual(['first', 'second']);
    await new Promise((r) => setTimeout(r, 200));
    expect(limited.load).toEqual({ running: 0, waiting: 0 });
  });

  it('an abort terminates the running job and drops the waiting one', async () => {
    const limited = runner();
    const controller = new AbortController();
    const running = limited.run(spin, undefined, { budget: { ...budget, timeMs: 60_000 }, signal: controller.signal });
    const waiting = limited.run(wait, { ms: 1 }, { budget, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    controller.abort();
    expect(await failure(running)).toBe('aborted');
    expect(await failure(waiting)).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await failure(limited.run(wait, { ms: 1 }, { budget, signal: controller.signal }))).toBe('aborted');
  });
});
