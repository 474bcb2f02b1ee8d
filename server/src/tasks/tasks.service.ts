/**
 * "Do zrobienia": asks every declared provider for the items waiting for the signed-in person in
 * their acting membership and answers the kinds that have any, in the providers' order. Someone
 * without an acting membership has nothing to do here (an empty list, not an error: the home page
 * asks for everyone). Items are public data (task-providers.ts), so the read is not audited; opening
 * the record an item links to is, as usual.
 */
import type { Database } from '../platform/db/database.js';
import { isActingInInstitution, requireActor, type RequestContext } from '../platform/auth/actor.js';
import type { Config } from '../platform/config.js';
import { TASK_ITEMS_PER_KIND, type TaskList } from '../../../shared/src/contracts/tasks.js';
import type { TaskProvider } from './task-providers.js';

export async function listTasks(
  db: Database,
  context: RequestContext,
  providers: readonly TaskProvider[],
  config: Pick<Config, 'STALE_SERVICE_MONTHS'>,
): Promise<TaskList> {
  const actor = requireActor(context);
  if (!isActingInInstitution(actor)) return { groups: [], total: 0 };
  // One repeatable-read snapshot for all providers, so the counts agree with each other and with
  // the items (a card published meanwhile cannot be counted in one kind and missing from another).
  return db.transaction(
    async (tx) => {
      const groups: TaskList['groups'] = [];
      for (const provider of providers) {
        const { count, items } = await provider.findTasks({ db: tx, actor, config, limit: TASK_ITEMS_PER_KIND });
        if (count > 0) groups.push({ kind: provider.kind, count, items: items.slice(0, TASK_ITEMS_PER_KIND) });
      }
      return { groups, total: groups.reduce((sum, group) => sum + group.count, 0) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
