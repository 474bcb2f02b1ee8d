// Entry of a worker thread of worker-jobs.ts. Plain JavaScript, because a new thread starts without
// the TypeScript loader whatever the parent was started with (node --import tsx, or vitest): it
// registers tsx for this thread, then runs the job (worker-thread.ts).
import { register } from 'tsx/esm/api';

register();
await import('./worker-thread.ts');
