import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Each test run has its own id, so two runs on one machine (two developers, or a developer and
 * CI) never drop each other's databases or rewrite each other's PGlite template. The global setup
 * sets KOOPERACJA_TEST_RUN before the workers start; they inherit it.
 */
export function testRunId(): string {
  const id = process.env.KOOPERACJA_TEST_RUN;
  if (!id) throw new Error('KOOPERACJA_TEST_RUN is not set: run tests through vitest (global setup sets it)');
  return id;
}

export const pgliteTemplatePath = (runId = testRunId()) => path.join(root, '.tmp', `test-template-${runId}.tar`);
export const templateDatabase = (runId = testRunId()) => `kooperacja_test_${runId}_template`;
export const testDatabasePrefix = (runId = testRunId()) => `kooperacja_test_${runId}_`;

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
