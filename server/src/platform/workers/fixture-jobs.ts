/** Jobs for worker-jobs.test.ts (not used by the app). */
import { AppError, fieldError } from '../http/problem.js';

export function echo(input: { text: string; bytes: Uint8Array }) {
  return { text: input.text.toUpperCase(), length: input.bytes.length, isMainThread: false };
}

export function spin(): never {
  for (;;) {
    // A tight loop: only terminating the thread stops it.
  }
}

export function hoard(): number {
  const kept: number[][] = [];
  for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i + kept.length));
}

export function refuse(): never {
  throw new AppError('payloadTooLarge', [fieldError('file', 'tooManyRows')]);
}

export function fail(): never {
  throw new Error('a bug in the job');
}

export async function wait(input: { ms: number }) {
  await new Promise((resolve) => setTimeout(resolve, input.ms));
  return input.ms;
}
