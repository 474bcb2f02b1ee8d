/**
 * Typed in-process domain events: how one domain reacts to another's change without importing its
 * internals (docs/ARCHITECTURE.md). The publishing domain declares the event in its
 * `<domain>.events.ts`; the composition root subscribes the other domains' handlers.
 *
 * Handlers run synchronously, in subscription order, inside the publisher's transaction: what they
 * write commits or rolls back with the change that caused it, so nothing is half-written, and a
 * handler that throws fails the publisher's request.
 */
import type { Executor } from '../db/database.js';

export type DomainEventHandler<Payload> = (tx: Executor, payload: Payload) => Promise<void>;

export type DomainEvent<Payload> = {
  /** Stable name, e.g. `institution.renamed`. */
  readonly name: string;
  /** Adds a handler; the same handler subscribed twice runs once. Returns its unsubscribe. */
  subscribe: (handler: DomainEventHandler<Payload>) => () => void;
  /** Runs every handler in the given transaction, one after another. */
  publish: (tx: Executor, payload: Payload) => Promise<void>;
};

export function defineDomainEvent<Payload>(name: string): DomainEvent<Payload> {
  const handlers = new Set<DomainEventHandler<Payload>>();
  return {
    name,
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    async publish(tx, payload) {
      for (const handler of handlers) await handler(tx, payload);
    },
  };
}
