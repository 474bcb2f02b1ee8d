/**
 * SECURITY-RELEVANT. The uploads of the basket imports (sheet and HSDS) are read in worker threads
 * (platform/workers/worker-jobs.ts) with the budget of IMPORT_TIME_LIMIT_SECONDS and
 * IMPORT_MEMORY_LIMIT_MB, so that one hostile file cannot freeze the server. A file refused for
 * its size or for the budget is an audited refusal (denied, with the reason); nothing is written.
 * The app closing terminates the jobs in flight (their requests get 503), so SIGTERM ends promptly.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { AppError, fieldError } from '../../platform/http/problem.js';
import { recordStandaloneAuditEvent } from '../../audit/audit.service.js';
import {
  abortOnClose,
  workerJobs,
  WorkerJobError,
  type WorkerBudget,
  type WorkerJob,
} from '../../platform/workers/worker-jobs.js';

/** Seconds a client is told to wait when every import worker is taken. */
const BUSY_RETRY_AFTER_SECONDS = 15;

export type ImportUpload = {
  db: Database;
  context: RequestContext;
  partnershipId: string;
  format: 'xlsx' | 'hsds';
  log?: FastifyBaseLogger;
};

export type ImportJobs = {
  /** Runs the job on the upload; its plain result, or the problem to answer (refusals audited). */
  read<Input, Output>(job: WorkerJob<Input, Output>, input: Input, upload: ImportUpload): Promise<Output>;
};

/** The problem a worker failure is answered with, and the reason the audit records (null: not audited). */
function importProblem(error: WorkerJobError): { problem: AppError; reason: string | null } {
  switch (error.reason) {
    case 'timeout':
    case 'memory':
      return {
        problem: new AppError('unprocessable', [fieldError('file', 'importTooComplex')]),
        reason: error.reason === 'timeout' ? 'timeLimit' : 'memoryLimit',
      };
    case 'busy':
      return {
        problem: new AppError('unavailable', [fieldError('file', 'importBusy')], {
          'retry-after': String(BUSY_RETRY_AFTER_SECONDS),
        }),
        reason: null,
      };
    case 'aborted':
      return { problem: new AppError('unavailable', undefined, { 'retry-after': '30' }), reason: null };
    case 'crashed':
      // A bug, not the sender's fault: the error handler logs it and answers 500.
      throw error;
  }
}

/** Refusals of the file itself for its size (413): worth an audit event, unlike a typo (400/422). */
const isSizeRefusal = (error: AppError) => error.code === 'payloadTooLarge';

export function importJobs(app: FastifyInstance, config: Config): ImportJobs {
  const signal = abortOnClose(app);
  const budget: WorkerBudget = {
    timeMs: config.IMPORT_TIME_LIMIT_SECONDS * 1000,
    memoryMb: config.IMPORT_MEMORY_LIMIT_MB,
  };
  return {
    async read(job, input, upload) {
      let problem: AppError;
      let reason: string | null;
      try {
        return await workerJobs.run(job, input, { budget, signal, log: upload.log });
      } catch (error) {
        if (error instanceof WorkerJobError) ({ problem, reason } = importProblem(error));
        else if (error instanceof AppError) {
          problem = error;
          reason = isSizeRefusal(error) ? (error.errors?.[0]?.code ?? 'tooLarge') : null;
        } else throw error;
      }
      if (reason) {
        await recordStandaloneAuditEvent(upload.db, upload.context, {
          action: 'basket.import.preview',
          subjectType: 'partnership',
          subjectId: upload.partnershipId,
          outcome: 'denied',
          details: { reason, format: upload.format },
        });
      }
      throw problem;
    },
  };
}
