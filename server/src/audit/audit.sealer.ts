/**
 * SECURITY-CRITICAL. The audit sealer (issue 7 item 4): writers append an event with one INSERT and
 * take no lock; about once a second the sealer gathers the committed events not yet sealed into a
 * block, signs it and chains it to the previous block. Only the sealer serialises, on a *try*
 * advisory lock held while it seals; no writer ever waits for it or for another writer.
 *
 * Why blocks name their events in `audit_seal_members` (insert-only, one row per event) and not as
 * an id range: ids are taken when a transaction inserts, but rows become visible when it commits, so
 * a long transaction (an import) commits events with ids lower than blocks sealed meanwhile. A range
 * would either skip them or have to wait for every open transaction (a ten-second import would hold
 * every seal back ten seconds). The app may not UPDATE events, so a "sealed by" column is out. The
 * member table costs one small row per event, keeps each event in exactly one block (its primary
 * key), and lets a block hold any set of ids.
 *
 * Why a late event cannot be forged into the past: a legitimate late event was written by a
 * transaction that was still open when the first block with a higher last id was sealed; that
 * block records its snapshot (the ids of the transactions open then, and xmax). The sealer checks a
 * late event's inserting transaction against them using the row's own `xmin` system column, which no
 * INSERT can choose; a row inserted later into the past fails the check, stays unsealed, and the
 * verifier names it ("insertedInPast").
 *
 * Which events to look at: every committed unsealed event visible to the sealer's snapshot. To keep
 * that scan small, only events above the highest sealed id, or written by a transaction at or above
 * the previous block's snapshot xmin (anything older was committed and visible to that block, so it
 * is sealed already). The whole visible set is sealed at once: no batch limit, so that argument
 * holds without exceptions.
 */
import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db/database.js';
import { auditSealMembers, auditSeals } from '../platform/db/tables.js';
import { computeMerkleRoot, computeSealHash, GENESIS_HASH } from './audit.hashing.js';
import { signSealHash, type AuditSealKey } from './audit.seal-key.js';

const AUDIT_SEALER_LOCK = 7_301_002;
const XID_MODULUS = 2 ** 32;
const MEMBER_INSERT_CHUNK = 5_000;

export type SealResult = {
  sealedCount: number;
  blockId: number | null;
  /** Visible unsealed events refused because they cannot have been written when their id says. */
  refusedEventIds: number[];
};

type CandidateEvent = { id: number; leaf: string | null; xactId: number | null; rowXmin: number };

type SealSnapshot = { xmin: number; xmax: number; inProgressXactIds: number[] };

/** The part of a block that decides whether an event may arrive late (see the file comment). */
export type LateArrivalWindow = { snapshotXmax: number; inProgressXactIds: number[] };

async function queryRows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

/**
 * Could this event have been written by a transaction open when `window`'s block was sealed? Its
 * transaction id (xact_id, full 64 bits) must be one of the block's open transactions, and the row's
 * xmin (32 bits, the top transaction or one of its subtransactions, which come later) must lie between
 * that id and the block's xmax.
 */
export function isLateArrivalPossible(
  event: { xactId: number | null; rowXmin: number },
  window: LateArrivalWindow,
): boolean {
  if (event.xactId === null || !window.inProgressXactIds.includes(event.xactId)) return false;
  const epochBase = event.xactId - (event.xactId % XID_MODULUS);
  let rowXmin64 = epochBase + event.rowXmin;
  if (rowXmin64 < event.xactId) rowXmin64 += XID_MODULUS;
  return rowXmin64 >= event.xactId && rowXmin64 < window.snapshotXmax;
}

/** The first block whose last event id is above `eventId`: the one a late event arrived after. */
export async function findLateArrivalWindow(db: Executor, eventId: number): Promise<LateArrivalWindow | null> {
  const [row] = await queryRows<{ snapshotXmax: string | number; inProgressXactIds: Array<string | number> }>(
    db,
    sql`select snapshot_xmax as "snapshotXmax", in_progress_xact_ids as "inProgressXactIds"
          from audit_seals where last_event_id > ${eventId} order by id limit 1`,
  );
  if (!row) return null;
  return { snapshotXmax: Number(row.snapshotXmax), inProgressXactIds: row.inProgressXactIds.map(Number) };
}

async function gatherCandidates(
  tx: Executor,
  previous: { snapshotXmin: number } | null,
  highestSealedId: number,
): Promise<{ snapshot: SealSnapshot; events: CandidateEvent[] }> {
  // One statement, so the candidates and the snapshot recorded with them are the same snapshot.
  const scope = previous ? sql`(e.id > ${highestSealedId} or e.xact_id >= ${previous.snapshotXmin})` : sql`true`;
  const [row] = await queryRows<{ xmin: string; xmax: string; xip: string[]; events: CandidateEvent[] }>(
    tx,
    sql`with snap as materialized (select pg_current_snapshot() as s),
         candidates as (
           select e.id, coalesce(e.content_hash, e.hash) as leaf, e.xact_id as "xactId",
                  (e.xmin::text)::bigint as "rowXmin"
             from audit_events e
            where ${scope}
              and not exists (select 1 from audit_seal_members m where m.event_id = e.id))
       select pg_snapshot_xmin(s)::text as xmin, pg_snapshot_xmax(s)::text as xmax,
              array(select x::text from pg_snapshot_xip(s) as x) as xip,
              coalesce((select json_agg(c order by c.id) from candidates c), '[]'::json) as events
         from snap`,
  );
  return {
    snapshot: {
      xmin: Number(row!.xmin),
      xmax: Number(row!.xmax),
      inProgressXactIds: row!.xip.map(Number).sort((a, b) => a - b),
    },
    events: row!.events.map((e) => ({
      id: Number(e.id),
      leaf: e.leaf,
      xactId: e.xactId === null ? null : Number(e.xactId),
      rowXmin: Number(e.rowXmin),
    })),
  };
}

/**
 * Seals the committed events not yet sealed into one signed block. Returns at once with nothing
 * sealed when another sealer is at work (try lock) or nothing is waiting.
 */
export async function sealAuditEvents(db: Executor, key: AuditSealKey): Promise<SealResult> {
  return db.transaction(async (tx) => {
    const [lock] = await queryRows<{ isLocked: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${AUDIT_SEALER_LOCK}) as "isLocked"`,
    );
    if (!lock?.isLocked) return { sealedCount: 0, blockId: null, refusedEventIds: [] };

    const [previous] = await tx
      .select()
      .from(auditSeals)
      .orderBy(sql`${auditSeals.id} desc`)
      .limit(1);
    const [highest] = await queryRows<{ value: string | number | null }>(
      tx,
      sql`select max(event_id) as value from audit_seal_members`,
    );
    const highestSealedId = Number(highest?.value ?? 0);
    const { snapshot, events } = await gatherCandidates(tx, previous ?? null, highestSealedId);

    const accepted: Array<CandidateEvent & { leaf: string }> = [];
    const refusedEventIds: number[] = [];
    for (const event of events) {
      if (event.leaf === null) {
        refusedEventIds.push(event.id);
        continue;
      }
      if (event.id < highestSealedId) {
        const window = await findLateArrivalWindow(tx, event.id);
        if (!window || !isLateArrivalPossible(event, window)) {
          refusedEventIds.push(event.id);
          continue;
        }
      }
      accepted.push({ ...event, leaf: event.leaf });
    }
    if (accepted.length === 0) return { sealedCount: 0, blockId: null, refusedEventIds };

    const fields = {
      previousSealHash: previous?.sealHash ?? GENESIS_HASH,
      firstEventId: accepted[0]!.id,
      lastEventId: accepted.at(-1)!.id,
      eventCount: accepted.length,
      cumulativeCount: (previous?.cumulativeCount ?? 0) + accepted.length,
      merkleRoot: computeMerkleRoot(accepted.map((e) => e.leaf)),
      snapshotXmin: snapshot.xmin,
      snapshotXmax: snapshot.xmax,
      inProgressXactIds: snapshot.inProgressXactIds,
      sealedAt: new Date(),
      keyId: key.keyId,
    };
    const sealHash = computeSealHash(fields);
    const [block] = await tx
      .insert(auditSeals)
      .values({ ...fields, sealHash, signature: signSealHash(key, sealHash) })
      .returning({ id: auditSeals.id });
    for (let start = 0; start < accepted.length; start += MEMBER_INSERT_CHUNK) {
      await tx
        .insert(auditSealMembers)
        .values(accepted.slice(start, start + MEMBER_INSERT_CHUNK).map((e) => ({ eventId: e.id, sealId: block!.id })));
    }
    return { sealedCount: accepted.length, blockId: block!.id, refusedEventIds };
  });
}

/**
 * Seals every `intervalMs` until stopped (an unref'd timer: it never keeps the process alive). To
 * move onto the job mechanism of issue 7 item 7; running it on several nodes is safe (try lock).
 */
export function startAuditSealer(
  db: Database,
  key: AuditSealKey,
  intervalMs = 1_000,
  onError: (error: unknown) => void = () => {},
): () => void {
  let timer: NodeJS.Timeout | null = null;
  let isStopped = false;
  const tick = async () => {
    try {
      await sealAuditEvents(db, key);
    } catch (error) {
      if (!isStopped) onError(error);
    }
    if (!isStopped) {
      timer = setTimeout(() => void tick(), intervalMs);
      timer.unref();
    }
  };
  timer = setTimeout(() => void tick(), intervalMs);
  timer.unref();
  return () => {
    isStopped = true;
    if (timer) clearTimeout(timer);
  };
}
