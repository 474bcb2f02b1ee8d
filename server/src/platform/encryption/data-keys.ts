/**
 * SECURITY-CRITICAL (docs/security.md §24). The stored data keys: one per host record, created in
 * the host's own transaction, opened for each read or write of the record's sensitive values, and
 * destroyed to erase them. `rotateDataKeys` re-wraps every live key with the keyring's current
 * key-encryption key, in short batches (rows locked with SKIP LOCKED, so two runs or a running
 * server never wait on each other), after which the old key can leave the configuration.
 */
import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/database.js';
import { dataKeys } from '../db/tables.js';
import { createDataKey, DecryptionError, rewrapDataKey, unwrapDataKey, type DataKey } from './envelope.js';
import type { Keyring } from './keyring.js';

/** The data key of a record that was erased: its values can no longer be read by anyone. */
export class DataKeyDestroyedError extends Error {
  constructor(readonly dataKeyId: string) {
    super(`data key ${dataKeyId} was destroyed`);
  }
}

/** The record a data key protects: its kind (`case`) and id. */
export type DataKeyHost = { type: string; id: string };

export async function createHostDataKey(db: Executor, keyring: Keyring, host: DataKeyHost): Promise<DataKey> {
  const id = randomUUID();
  const { dataKey, wrapped } = createDataKey(keyring, id);
  await db.insert(dataKeys).values({
    id,
    hostType: host.type,
    hostId: host.id,
    kekId: wrapped.kekId,
    wrappedKey: wrapped.wrapped.toString('base64'),
  });
  return dataKey;
}

/**
 * The data key `id` of the record `host`. A key of another record is refused like a missing one,
 * so a domain that passes the wrong key cannot write one record's values under another's key (and
 * so outlive the other's erasure).
 */
export async function openHostDataKey(db: Executor, keyring: Keyring, id: string, host: DataKeyHost): Promise<DataKey> {
  const [row] = await db
    .select({ kekId: dataKeys.kekId, wrappedKey: dataKeys.wrappedKey })
    .from(dataKeys)
    .where(and(eq(dataKeys.id, id), eq(dataKeys.hostType, host.type), eq(dataKeys.hostId, host.id)));
  if (!row) throw new DecryptionError(`data key ${id} of ${host.type} ${host.id} does not exist`);
  if (row.wrappedKey === null) throw new DataKeyDestroyedError(id);
  return unwrapDataKey(keyring, id, { kekId: row.kekId, wrapped: Buffer.from(row.wrappedKey, 'base64') });
}

/** Erases every value encrypted with the key (crypto-shredding); the row stays as the record of it. */
export async function destroyHostDataKey(db: Executor, id: string): Promise<boolean> {
  const destroyed = await db
    .update(dataKeys)
    .set({ wrappedKey: null, destroyedAt: new Date() })
    .where(and(eq(dataKeys.id, id), isNull(dataKeys.destroyedAt)))
    .returning({ id: dataKeys.id });
  return destroyed.length > 0;
}

export type RotationReport = {
  /** Data keys re-wrapped with the current key by this run. */
  rewrapped: number;
  /** Live data keys still wrapped by another key, by key id (empty when the rotation is complete). */
  remainingByKek: Record<string, number>;
};

/**
 * Re-wraps every live data key not wrapped by the current key-encryption key, `batchSize` at a
 * time, each batch in its own transaction. A key wrapped by a key-encryption key the keyring lacks
 * stays as it is and is counted in `remainingByKek` (configure that key and run again).
 */
export async function rotateDataKeys(
  db: Database,
  keyring: Keyring,
  options: {
    batchSize?: number;
    /** Called in each batch's transaction (to audit it with the batch); then the running total. */
    recordBatch?: (tx: Executor, batch: { rewrapped: number; kekId: string }) => Promise<void>;
    onBatch?: (rewrappedSoFar: number) => void;
  } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const usable = [...keyring.byId.keys()].filter((id) => id !== keyring.current.id);
  let rewrapped = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: dataKeys.id, kekId: dataKeys.kekId, wrappedKey: dataKeys.wrappedKey })
        .from(dataKeys)
        .where(
          and(
            isNull(dataKeys.destroyedAt),
            usable.length > 0
              ? sql`${dataKeys.kekId} in (${sql.join(
                  usable.map((id) => sql`${id}`),
                  sql`, `,
                )})`
              : sql`false`,
          ),
        )
        .limit(batchSize)
        .for('update', { skipLocked: true });
      const now = new Date();
      for (const row of rows) {
        const next = rewrapDataKey(keyring, row.id, {
          kekId: row.kekId,
          wrapped: Buffer.from(row.wrappedKey!, 'base64'),
        });
        if (!next) continue;
        await tx
          .update(dataKeys)
          .set({ kekId: next.kekId, wrappedKey: next.wrapped.toString('base64'), rotatedAt: now })
          .where(eq(dataKeys.id, row.id));
      }
      if (rows.length > 0) await options.recordBatch?.(tx, { rewrapped: rows.length, kekId: keyring.current.id });
      return rows.length;
    });
    rewrapped += done;
    if (done > 0) options.onBatch?.(rewrapped);
    if (done < batchSize) break;
  }
  const remaining = await db
    .select({ kekId: dataKeys.kekId, keys: count() })
    .from(dataKeys)
    .where(and(isNull(dataKeys.destroyedAt), ne(dataKeys.kekId, keyring.current.id)))
    .groupBy(dataKeys.kekId);
  return { rewrapped, remainingByKek: Object.fromEntries(remaining.map((row) => [row.kekId, row.keys])) };
}
