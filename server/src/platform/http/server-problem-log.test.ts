/**
 * A refusal the server answers with a 5xx (here the documents' integrity check) is the server's
 * fault, not the user's: the operator finds it in the technical log with its problem code and the
 * request id, and the log keeps no message text (docs/security.md §11).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config.js';
import { buildKooperacjaApp } from '../../composition.js';
import { openTestDatabase } from '../../testing/test-app.js';
import { AppError } from './problem.js';

const logLines: string[] = [];
let app: FastifyInstance;
let close: () => Promise<void>;

beforeAll(async () => {
  const { database, drop } = await openTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', WEB_DIST_DIR: './.tmp/no-web' });
  app = await buildKooperacjaApp({ config, database }, { logStream: { write: (line) => void logLines.push(line) } });
  app.get('/api/v1/test-integrity', { config: { policy: { action: 'test.integrity', allow: 'public' } } }, () => {
    throw new AppError('documentIntegrity');
  });
  app.get('/api/v1/test-not-found', { config: { policy: { action: 'test.notFound', allow: 'public' } } }, () => {
    throw new AppError('notFound');
  });
  await app.ready();
  close = async () => {
    await app.close();
    await database.close();
    await drop();
  };
});
afterAll(async () => {
  await close?.();
});

describe('the technical log of a server-side problem', () => {
  it('logs a 5xx problem with its code and request id, and a user’s 4xx not as an error', async () => {
    const failed = await app.inject({ method: 'GET', url: '/api/v1/test-integrity' });
    expect(failed.statusCode).toBe(500);
    const requestId = (failed.json() as { requestId: string }).requestId;
    await app.inject({ method: 'GET', url: '/api/v1/test-not-found' });
    const errors = logLines
      .map((line) => JSON.parse(line) as { level: number; msg?: string; problem?: string; reqId?: string })
      .filter((line) => line.level >= 50);
    expect(errors).toEqual([
      expect.objectContaining({ msg: 'server-side problem', problem: 'documentIntegrity', reqId: requestId }),
    ]);
  });
});
