/**
 * Security-relevant: the mechanism of "Do zrobienia" (to-do). A domain declares, for each kind of
 * work that waits for someone, a provider that answers the items waiting for one actor; the
 * composition root lists the providers (server/src/composition.ts), so a new capability adds its own
 * without touching this folder.
 *
 * The rule every provider keeps: an item appears exactly for those who may act on it, decided by the
 * owning domain's policy functions (never a copy of them here) on records found by its scoped
 * queries; "not yours" is simply absent. Items carry public data only (names of service cards and
 * partnerships), never a family's name or a case detail, like notifications.
 */
import type { Executor } from '../platform/db/database.js';
import type { ActingActor } from '../platform/auth/actor.js';
import type { Config } from '../platform/config.js';
import type { TaskItem } from '../../../shared/src/contracts/tasks.js';

/** What a provider is given: the database, the acting person, the deployment's settings. */
export type TaskProviderInput = {
  db: Executor;
  actor: ActingActor;
  config: Pick<Config, 'STALE_SERVICE_MONTHS'>;
  /** Most items to answer; the count is the whole number whatever the limit. */
  limit: number;
};

/** The items of one kind waiting for the actor: how many in all and the first `limit` of them. */
export type TaskProviderResult = { count: number; items: TaskItem[] };

export type TaskProvider = {
  /** `<domain>.<name>`, e.g. `basket.cardToPublish`; the web words it `tasks.kinds.<kind>`. */
  kind: `${string}.${string}`;
  findTasks: (input: TaskProviderInput) => Promise<TaskProviderResult>;
};

/** Declares a provider (a typed identity, so declarations read alike in every domain). */
export function defineTaskProvider(provider: TaskProvider): TaskProvider {
  return provider;
}

/** Refuses two providers of one kind: the web client would show one group twice. */
export function assertDistinctTaskKinds(providers: readonly TaskProvider[]): void {
  const seen = new Set<string>();
  for (const provider of providers) {
    if (seen.has(provider.kind)) throw new Error(`Task kind ${provider.kind} is provided twice`);
    seen.add(provider.kind);
  }
}
