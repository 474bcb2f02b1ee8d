/**
 * The embedded deployment's job runner (PGlite: one process per data folder): schedules, retries
 * with backoff, singleton keys, a failing handler that is logged and never escapes, the opt-out.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInProcessJobRunner } from './in-process-runner.js';
import { retryDelayMs, type JobLogger, type JobRunner } from './jobs.js';

type Logged = { level: 'error' | 'warn' | 'info'; message: string; details: Record<string, unknown> };

function recordingLogger(): { logger: JobLogger; logged: Logged[] } {
  const logged: Logged[] = [];
  const at =
    (level: Logged['level']) =>
    (details: Record<string, unknown>, message: string): void => {
      logged.push({ level, message, details });
    };
  return { logger: { error: at('error'), warn: at('warn'), info: at('info') }, logged };
}

const runners: JobRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.stop()));
});

function runner(options: { isEnabled?: boolean } = {}) {
  const { logger, logged } = recordingLogger();
  const created = createInProcessJobRunner({ logger, allowFastSchedules: true, ...options });
  runners.push(created);
  return { runner: created, logged };
}

describe('the in-process job runner', () => {
  it('runs a schedule every window, one run at a time', async () => {
    const { runner: jobs } = runner();
    let runs = 0;
    jobs.schedule('test.tick', { everyMs: 10 }, async () => {
      runs += 1;
    });
    await jobs.start();
    await vi.waitFor(() => expect(runs).toBeGreaterThanOrEqual(3), { timeout: 5000 });
  });

  it('runs the first window at start, not a whole window later (a daily job on a server restarted nightly)', async () => {
    const { runner: jobs } = runner();
    const runs: number[] = [];
    jobs.schedule('test.daily', { everyMs: 24 * 60 * 60 * 1000 }, async () => {
      runs.push(Date.now());
    });
    await jobs.start();
    await vi.waitFor(() => expect(runs).toHaveLength(1), { timeout: 5000 });
  });

  it('refuses schedules under a minute outside tests, and registration after start', async () => {
    const { logger } = recordingLogger();
    const strict = createInProcessJobRunner({ logger });
    runners.push(strict);
    expect(() => strict.schedule('test.fast', { everyMs: 1000 }, async () => {})).toThrow(/repeatOnLeader/);
    await strict.start();
    expect(() => strict.handle('test.late', async () => {})).toThrow(/before start/);
    expect(() => strict.schedule('bad name!', { everyMs: 60_000 }, async () => {})).toThrow(/Not a job name/);
  });

  it('retries a failing job with backoff, logs each failure and gives up after retryLimit', async () => {
    const { runner: jobs, logged } = runner();
    const attempts: number[] = [];
    jobs.handle(
      'test.flaky',
      async (_payload: { cardId: string }, run) => {
        attempts.push(run.attempt);
        throw new Error('SMTP niedostępny');
      },
      { retryLimit: 2, retryDelaySeconds: 0 },
    );
    await jobs.start();
    expect(await jobs.enqueue('test.flaky', { cardId: 'k-1' })).toBe(true);
    await vi.waitFor(() => expect(logged.some((entry) => entry.message === 'job failed, giving up')).toBe(true));
    expect(attempts).toEqual([1, 2, 3]);
    expect(logged.filter((entry) => entry.message === 'job failed, will retry')).toHaveLength(2);
    expect(logged.at(-1)!.details).toMatchObject({ job: 'test.flaky', attempt: 3 });
  });

  it('succeeds on a retry after a failure', async () => {
    const { runner: jobs } = runner();
    const attempts: number[] = [];
    jobs.handle(
      'test.once-flaky',
      async (_payload, run) => {
        attempts.push(run.attempt);
        if (run.attempt === 1) throw new Error('chwilowy błąd');
      },
      { retryDelaySeconds: 0 },
    );
    await jobs.start();
    await jobs.enqueue('test.once-flaky', {});
    await vi.waitFor(() => expect(attempts).toEqual([1, 2]));
  });

  it('doubles the wait before each later retry', () => {
    const options = { retryLimit: 3, retryDelaySeconds: 30 };
    expect([1, 2, 3].map((retry) => retryDelayMs(options, retry))).toEqual([30_000, 60_000, 120_000]);
  });

  it('keeps one pending job per singletonKey and takes the key again once it is done', async () => {
    const { runner: jobs } = runner();
    const handled: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    jobs.handle('test.single', async (payload: { label: string }) => {
      handled.push(payload.label);
      await gate;
    });
    await jobs.start();
    expect(await jobs.enqueue('test.single', { label: 'pierwszy' }, { singletonKey: 'karta-1' })).toBe(true);
    expect(await jobs.enqueue('test.single', { label: 'drugi' }, { singletonKey: 'karta-1' })).toBe(false);
    expect(await jobs.enqueue('test.single', { label: 'inna karta' }, { singletonKey: 'karta-2' })).toBe(true);
    release();
    await vi.waitFor(() => expect(handled).toEqual(['pierwszy', 'inna karta']));
    await vi.waitFor(async () =>
      expect(await jobs.enqueue('test.single', { label: 'trzeci' }, { singletonKey: 'karta-1' })).toBe(true),
    );
    await vi.waitFor(() => expect(handled).toContain('trzeci'));
  });

  it('runs nothing on a node that opted out, and refuses unknown jobs', async () => {
    const { runner: jobs, logged } = runner({ isEnabled: false });
    let runs = 0;
    jobs.schedule('test.off', { everyMs: 5 }, async () => {
      runs += 1;
    });
    jobs.repeatOnLeader('test.off-leader', 5, async () => {
      runs += 1;
    });
    await jobs.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(0);
    expect(logged.map((entry) => entry.message)).toContain('scheduled work is off on this node (JOBS_ENABLED=false)');
    await expect(jobs.enqueue('test.unknown', {})).rejects.toThrow(/no handler/);
  });

  it('runs a leader task on its tick; a failing one is logged and ticks on', async () => {
    const { runner: jobs, logged } = runner();
    let ticks = 0;
    jobs.repeatOnLeader('test.sealer', 100, async () => {
      ticks += 1;
      if (ticks === 1) throw new Error('pierwszy tik zawodzi');
    });
    await jobs.start();
    await vi.waitFor(() => expect(ticks).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    expect(logged.find((entry) => entry.message === 'leader task failed')?.details).toMatchObject({
      job: 'test.sealer',
    });
  });

  it('waits for a running handler when it stops, then runs nothing more', async () => {
    const { runner: jobs } = runner();
    const events: string[] = [];
    jobs.handle('test.slow', async () => {
      events.push('started');
      await new Promise((resolve) => setTimeout(resolve, 30));
      events.push('finished');
    });
    await jobs.start();
    await jobs.enqueue('test.slow', {});
    await vi.waitFor(() => expect(events).toEqual(['started']));
    await jobs.stop();
    expect(events).toEqual(['started', 'finished']);
  });
});
