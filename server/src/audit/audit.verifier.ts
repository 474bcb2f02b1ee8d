/**
 * SECURITY-CRITICAL. Verifies the audit log end to end and names the first broken point:
 * 1. every event's own hash against its content (an UPDATE names the event), and the legacy chain
 *    of the events written before sealing existed;
 * 2. every sealed block in order: its events all present (a DELETE names the missing event), their
 *    count and Merkle root (an insertion or deletion in the past), the running count (only grows),
 *    the link to the previous block, its hash and its Ed25519 signature (an edit with every hash
 *    recomputed fails here: the key is not in the database);
 * 3. the events not yet sealed: one whose id lies among sealed blocks must come from a transaction
 *    that was open then (else it was inserted into the past), and those older than a minute are
 *    counted (the sealer is not running).
 * Deleting the newest events is caught by 2 once they are sealed (at most a second after commit):
 * their block still names them. Deleting whole newest blocks as well needs the table owner; the
 * newest checkpoint (count and hash) is printed by `npm run audit:verify` for keeping elsewhere.
 */
import { asc, gt, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { auditEvents, auditSeals } from '../platform/db/tables.js';
import {
  computeAuditHash,
  computeContentHash,
  computeMerkleRoot,
  computeSealHash,
  GENESIS_HASH,
} from './audit.hashing.js';
import { developmentAuditSealKey, isSealSignatureValid, type AuditSealKey } from './audit.seal-key.js';
import { findLateArrivalWindow, isLateArrivalPossible } from './audit.sealer.js';

export const STALE_UNSEALED_SECONDS = 60;

export type AuditBreak =
  | 'hashMismatch'
  | 'previousHashMismatch'
  | 'hashMissing'
  | 'eventMissing'
  | 'sealMembersMismatch'
  | 'merkleRootMismatch'
  | 'cumulativeCountMismatch'
  | 'sealChainMismatch'
  | 'sealHashMismatch'
  | 'sealKeyUnknown'
  | 'sealSignatureInvalid'
  | 'orphanSealMember'
  | 'insertedInPast';

export type ChainVerification = {
  isValid: boolean;
  checkedCount: number;
  firstBrokenId: number | null;
  firstBrokenSealId: number | null;
  reason: AuditBreak | null;
  sealedCount: number;
  unsealedCount: number;
  staleUnsealedCount: number;
  lastSealedAt: string | null;
  sealCount: number;
  /** The newest signed checkpoint: keep it outside the database to detect a truncated log later. */
  checkpoint: { sealId: number; cumulativeCount: number; sealHash: string } | null;
};

type Break = { reason: AuditBreak; eventId?: number | null; sealId?: number | null };

async function queryRows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

async function verifyEvents(db: Executor, batchSize: number): Promise<{ checkedCount: number; broken: Break | null }> {
  let legacyPrevious = GENESIS_HASH;
  let lastId = 0;
  let checkedCount = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(batchSize);
    if (rows.length === 0) return { checkedCount, broken: null };
    for (const row of rows) {
      if (row.contentHash !== null) {
        if (computeContentHash(row) !== row.contentHash)
          return { checkedCount, broken: { reason: 'hashMismatch', eventId: row.id } };
      } else if (row.hash !== null) {
        if (row.previousHash !== legacyPrevious)
          return { checkedCount, broken: { reason: 'previousHashMismatch', eventId: row.id } };
        if (computeAuditHash(legacyPrevious, row) !== row.hash)
          return { checkedCount, broken: { reason: 'hashMismatch', eventId: row.id } };
        legacyPrevious = row.hash;
      } else {
        return { checkedCount, broken: { reason: 'hashMissing', eventId: row.id } };
      }
      lastId = row.id;
      checkedCount += 1;
    }
  }
}

type MemberRow = { sealId: string | number; eventId: string | number; leaf: string | null; isPresent: boolean };

async function verifySeals(
  db: Executor,
  key: AuditSealKey,
  batchSize: number,
): Promise<{ broken: Break | null; sealCount: number; last: typeof auditSeals.$inferSelect | null }> {
  let previousHash = GENESIS_HASH;
  let previousCount = 0;
  let lastId = 0;
  let sealCount = 0;
  let last: typeof auditSeals.$inferSelect | null = null;
  const sealBatch = Math.max(1, Math.floor(batchSize / 50));
  for (;;) {
    const seals = await db
      .select()
      .from(auditSeals)
      .where(gt(auditSeals.id, lastId))
      .orderBy(asc(auditSeals.id))
      .limit(sealBatch);
    if (seals.length === 0) return { broken: null, sealCount, last };
    const members = await queryRows<MemberRow>(
      db,
      sql`select m.seal_id as "sealId", m.event_id as "eventId", coalesce(e.content_hash, e.hash) as leaf,
                 (e.id is not null) as "isPresent"
            from audit_seal_members m left join audit_events e on e.id = m.event_id
           where m.seal_id between ${seals[0]!.id} and ${seals.at(-1)!.id}
           order by m.seal_id, m.event_id`,
    );
    const membersBySeal = new Map<number, MemberRow[]>();
    for (const member of members) {
      const list = membersBySeal.get(Number(member.sealId)) ?? [];
      list.push(member);
      membersBySeal.set(Number(member.sealId), list);
    }
    for (const seal of seals) {
      const own = membersBySeal.get(seal.id) ?? [];
      const missing = own.find((m) => !m.isPresent);
      if (missing)
        return {
          broken: { reason: 'eventMissing', eventId: Number(missing.eventId), sealId: seal.id },
          sealCount,
          last,
        };
      const firstEventId = own.length > 0 ? Number(own[0]!.eventId) : null;
      if (
        own.length !== seal.eventCount ||
        firstEventId !== seal.firstEventId ||
        Number(own.at(-1)?.eventId) !== seal.lastEventId
      )
        return { broken: { reason: 'sealMembersMismatch', sealId: seal.id }, sealCount, last };
      if (computeMerkleRoot(own.map((m) => m.leaf!)) !== seal.merkleRoot)
        return { broken: { reason: 'merkleRootMismatch', sealId: seal.id }, sealCount, last };
      if (seal.cumulativeCount !== previousCount + seal.eventCount)
        return { broken: { reason: 'cumulativeCountMismatch', sealId: seal.id }, sealCount, last };
      if (seal.previousSealHash !== previousHash)
        return { broken: { reason: 'sealChainMismatch', sealId: seal.id }, sealCount, last };
      if (computeSealHash(seal) !== seal.sealHash)
        return { broken: { reason: 'sealHashMismatch', sealId: seal.id }, sealCount, last };
      if (seal.keyId !== key.keyId) return { broken: { reason: 'sealKeyUnknown', sealId: seal.id }, sealCount, last };
      if (!isSealSignatureValid(key, seal.sealHash, seal.signature))
        return { broken: { reason: 'sealSignatureInvalid', sealId: seal.id }, sealCount, last };
      previousHash = seal.sealHash;
      previousCount = seal.cumulativeCount;
      lastId = seal.id;
      sealCount += 1;
      last = seal;
    }
  }
}

type UnsealedRow = { id: string | number; xactId: string | number | null; rowXmin: string | number; isStale: boolean };

async function verifyUnsealed(
  db: Executor,
): Promise<{ broken: Break | null; unsealedCount: number; staleCount: number }> {
  const [orphan] = await queryRows<{ eventId: string | number }>(
    db,
    sql`select m.event_id as "eventId" from audit_seal_members m
         where not exists (select 1 from audit_seals s where s.id = m.seal_id) order by m.event_id limit 1`,
  );
  if (orphan)
    return { broken: { reason: 'orphanSealMember', eventId: Number(orphan.eventId) }, unsealedCount: 0, staleCount: 0 };
  const [highest] = await queryRows<{ value: string | number | null }>(
    db,
    sql`select max(event_id) as value from audit_seal_members`,
  );
  const highestSealedId = Number(highest?.value ?? 0);
  const rows = await queryRows<UnsealedRow>(
    db,
    sql`select e.id, e.xact_id as "xactId", (e.xmin::text)::bigint as "rowXmin",
               (e.occurred_at < now() - make_interval(secs => ${STALE_UNSEALED_SECONDS})) as "isStale"
          from audit_events e
         where not exists (select 1 from audit_seal_members m where m.event_id = e.id)
         order by e.id`,
  );
  for (const row of rows) {
    const id = Number(row.id);
    if (id >= highestSealedId) break;
    const window = await findLateArrivalWindow(db, id);
    const event = { xactId: row.xactId === null ? null : Number(row.xactId), rowXmin: Number(row.rowXmin) };
    if (!window || !isLateArrivalPossible(event, window))
      return { broken: { reason: 'insertedInPast', eventId: id }, unsealedCount: rows.length, staleCount: 0 };
  }
  return { broken: null, unsealedCount: rows.length, staleCount: rows.filter((r) => r.isStale).length };
}

/**
 * Walks the whole log and names the first broken point. Run it inside one repeatable-read
 * transaction (verifyAuditLog does) so that events committing meanwhile do not look missing.
 */
export async function verifyAuditChain(
  db: Executor,
  options: { key?: AuditSealKey; batchSize?: number } = {},
): Promise<ChainVerification> {
  const key = options.key ?? developmentAuditSealKey();
  const batchSize = options.batchSize ?? 5_000;
  const events = await verifyEvents(db, batchSize);
  const seals = await verifySeals(db, key, batchSize);
  const unsealed = await verifyUnsealed(db);
  const broken = events.broken ?? seals.broken ?? unsealed.broken;
  const sealedCount = seals.last?.cumulativeCount ?? 0;
  return {
    isValid: broken === null,
    checkedCount: events.checkedCount,
    firstBrokenId: broken?.eventId ?? null,
    firstBrokenSealId: broken?.sealId ?? null,
    reason: broken?.reason ?? null,
    sealedCount,
    unsealedCount: unsealed.unsealedCount,
    staleUnsealedCount: unsealed.staleCount,
    lastSealedAt: seals.last?.sealedAt.toISOString() ?? null,
    sealCount: seals.sealCount,
    checkpoint: seals.last
      ? { sealId: seals.last.id, cumulativeCount: seals.last.cumulativeCount, sealHash: seals.last.sealHash }
      : null,
  };
}
