// Entry of a worker thread of worker-jobs.ts. Plain JavaScript, because a new thread starts without
// the TypeScript loader whatever the parent was started with. In the production build (dist/, see
// scripts/build-server.mjs) the compiled worker-thread.js sits beside this file and runs as it is;
// from the sources (node --import tsx, or vitest) the thread registers tsx first, then runs the
// TypeScript (worker-thread.ts).
import { existsSync } from 'node:fs';

const built = new URL('./worker-thread.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker-thread.ts');
}
