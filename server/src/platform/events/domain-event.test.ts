import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle, Executor } from '../db/database.js';
import { openTestDatabase } from '../../testing/test-app.js';
import { defineDomainEvent } from './domain-event.js';

let database: DatabaseHandle;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ database, drop } = await openTestDatabase());
});
afterAll(async () => {
  await database.close();
  await drop();
});

async function probeSetting(tx: Executor): Promise<string | null> {
  const result = await tx.execute(sql`select current_setting('kooperacja.probe', true) as value`);
  return (result as unknown as { rows: Array<{ value: string | null }> }).rows[0]?.value ?? null;
}

describe('domain events', () => {
  it('runs each handler once, in subscription order, inside the publisher’s transaction', async () => {
    const renamed = defineDomainEvent<{ institutionId: string }>('test.renamed');
    const seen: string[] = [];
    const first = async (tx: Executor, payload: { institutionId: string }) => {
      seen.push(`first ${payload.institutionId} ${await probeSetting(tx)}`);
    };
    renamed.subscribe(first);
    renamed.subscribe(first);
    renamed.subscribe(async () => void seen.push('second'));
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('kooperacja.probe', 'in-transaction', true)`);
      await renamed.publish(tx, { institutionId: 'i-1' });
    });
    expect(seen).toEqual(['first i-1 in-transaction', 'second']);
  });

  it('fails the publisher’s transaction when a handler throws, and stops calling an unsubscribed one', async () => {
    const renamed = defineDomainEvent<{ institutionId: string }>('test.renamed');
    let calls = 0;
    const unsubscribe = renamed.subscribe(async () => {
      calls += 1;
      throw new Error('handler failed');
    });
    await expect(database.db.transaction((tx) => renamed.publish(tx, { institutionId: 'i-2' }))).rejects.toThrow(
      'handler failed',
    );
    unsubscribe();
    await database.db.transaction((tx) => renamed.publish(tx, { institutionId: 'i-3' }));
    expect(calls).toBe(1);
  });
});
