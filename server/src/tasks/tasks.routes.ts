/**
 * GET /tasks: the signed-in person's own to-do. Bound to the actor, so the route needs no more than
 * a session; each provider decides per record with its domain's policy (task-providers.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDependencies, AppModule } from '../platform/http/app-composition.js';
import { TaskList } from '../../../shared/src/contracts/tasks.js';
import { assertDistinctTaskKinds, type TaskProvider } from './task-providers.js';
import { listTasks } from './tasks.service.js';

/** The to-do's routes over the providers the composition root hands in. */
export function taskRoutes(providers: readonly TaskProvider[]): AppModule {
  assertDistinctTaskKinds(providers);
  return async function taskModule(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const db = database.db;

    api.get(
      '/tasks',
      {
        config: { policy: { action: 'task.list', allow: 'signedIn' } },
        schema: {
          tags: ['tasks'],
          summary: 'Own to-do ("Do zrobienia"): the work waiting for the caller, by kind, with counts and links',
          response: { 200: TaskList },
        },
      },
      async (request) => listTasks(db, request.ctx, providers, config),
    );
  };
}
