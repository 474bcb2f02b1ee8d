/**
 * Reading the audit log for administrators. Unscoped by design: the route admits admins only
 * (audit.policy.ts), and every read of the log is itself audited by the caller.
 */
import { and, count, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../platform/db/database.js';
import { auditEvents, auditSealMembers, institutions, users } from '../platform/db/tables.js';
import type { AuditListQuery } from '../../../shared/src/contracts/audit.js';
import { escapeLikePattern } from '../../../shared/src/text.js';

export type AuditEventRow = typeof auditEvents.$inferSelect & {
  actorDisplayName: string | null;
  actorInstitutionName: string | null;
  sealId: number | null;
};

/**
 * Appends one event: a plain INSERT (the app role may not UPDATE or DELETE events; the database
 * stamps xact_id). The caller computed its content hash.
 */
export async function insertAuditEvent(tx: Executor, values: typeof auditEvents.$inferInsert): Promise<void> {
  await tx.insert(auditEvents).values(values);
}

/** Appends several events in one multi-row INSERT, in the given order (their ids follow it). */
export async function insertAuditEvents(tx: Executor, values: Array<typeof auditEvents.$inferInsert>): Promise<void> {
  if (values.length > 0) await tx.insert(auditEvents).values(values);
}

/** The day after an ISO date, so that `to` includes the whole day it names (UTC). */
function nextDay(isoDate: string): Date {
  const date = new Date(`${isoDate}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date;
}

/** One page of events, newest first, with the actor's name and institution joined. */
export async function findAuditEventPage(
  db: Executor,
  query: z.output<typeof AuditListQuery>,
): Promise<{ rows: AuditEventRow[]; total: number }> {
  const conditions: SQL[] = [];
  if (query.action) conditions.push(sql`${auditEvents.action} like ${`${escapeLikePattern(query.action)}%`}`);
  if (query.actorUserId) conditions.push(eq(auditEvents.actorUserId, query.actorUserId));
  if (query.subjectId) conditions.push(eq(auditEvents.subjectId, query.subjectId));
  if (query.outcome) conditions.push(eq(auditEvents.outcome, query.outcome));
  if (query.from) conditions.push(gte(auditEvents.occurredAt, new Date(`${query.from}T00:00:00.000Z`)));
  if (query.to) conditions.push(lt(auditEvents.occurredAt, nextDay(query.to)));
  const where = conditions.length > 0 ? and(...conditions) : undefined;

  const [totalRow] = await db.select({ value: count() }).from(auditEvents).where(where);
  const rows = await db
    .select({
      event: auditEvents,
      actorDisplayName: users.displayName,
      actorInstitutionName: institutions.name,
      sealId: auditSealMembers.sealId,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .leftJoin(institutions, eq(institutions.id, auditEvents.actorInstitutionId))
    .leftJoin(auditSealMembers, eq(auditSealMembers.eventId, auditEvents.id))
    .where(where)
    // Id order is the order events were written (not quite commit order: see audit.sealer.ts).
    .orderBy(desc(auditEvents.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  return {
    rows: rows.map((r) => ({
      ...r.event,
      actorDisplayName: r.actorDisplayName,
      actorInstitutionName: r.actorInstitutionName,
      sealId: r.sealId,
    })),
    total: Number(totalRow?.value ?? 0),
  };
}
