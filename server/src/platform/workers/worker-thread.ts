/**
 * Inside a worker thread of worker-jobs.ts: imports the job's module, runs its export on the input
 * and posts one message back. An AppError travels as its code and field errors (a class does not
 * cross threads), anything else as a message; the thread then ends by itself.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../http/problem.js';

export type WorkerData = { module: string; exportName: string; input: unknown };
export type WorkerReply =
  | { ok: true; value: unknown }
  | { ok: false; appError: Pick<AppError, 'code' | 'errors' | 'headers'> }
  | { ok: false; error: string };

async function run(): Promise<WorkerReply> {
  const { module, exportName, input } = workerData as WorkerData;
  try {
    const job = ((await import(module)) as Record<string, unknown>)[exportName];
    if (typeof job !== 'function') throw new Error(`${module} has no function ${exportName}`);
    return { ok: true, value: await (job as (input: unknown) => unknown)(input) };
  } catch (error) {
    if (error instanceof AppError) {
      return { ok: false, appError: { code: error.code, errors: error.errors, headers: error.headers } };
    }
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const reply = await run();
try {
  parentPort!.postMessage(reply);
} catch (error) {
  // A value that cannot be cloned is the job's bug; say so rather than die silently.
  parentPort!.postMessage({ ok: false, error: `reply not transferable: ${(error as Error).message}` });
}
