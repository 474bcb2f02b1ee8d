/**
 * SQL of the notifications. Every read and write is scoped to one user (the recipient) or to ids the
 * caller has just created; nothing here lists other people's notifications.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { notifications, users } from '../platform/db/tables.js';

export type NotificationRow = typeof notifications.$inferSelect;

export type NotificationValues = Pick<typeof notifications.$inferInsert, 'userId' | 'kind' | 'params' | 'link'>;

/** Inserts the notifications in one statement; returns their ids in the same order. */
export async function insertNotifications(tx: Executor, values: readonly NotificationValues[]): Promise<string[]> {
  if (values.length === 0) return [];
  const rows = await tx
    .insert(notifications)
    .values([...values])
    .returning({ id: notifications.id });
  return rows.map((row) => row.id);
}

/** Of the given notifications, those not e-mailed yet whose recipient is active, with the address. */
export async function findNotificationsToEmail(
  db: Executor,
  ids: readonly string[],
): Promise<Array<{ id: string; kind: string; link: string | null; email: string }>> {
  if (ids.length === 0) return [];
  return db
    .select({ id: notifications.id, kind: notifications.kind, link: notifications.link, email: users.email })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(and(inArray(notifications.id, [...ids]), isNull(notifications.emailedAt), eq(users.isActive, true)));
}

export async function markNotificationEmailed(db: Executor, id: string): Promise<void> {
  await db.update(notifications).set({ emailedAt: new Date() }).where(eq(notifications.id, id));
}

/** The user's newest notifications, newest first. */
export async function findUserNotifications(db: Executor, userId: string, limit: number): Promise<NotificationRow[]> {
  return db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

export async function countUnreadNotifications(db: Executor, userId: string): Promise<number> {
  const [row] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.value ?? 0);
}

/** Marks one of the user's notifications read (keeping the first read time); false when it is not theirs. */
export async function markUserNotificationRead(db: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  return rows.length > 0;
}

/** Marks all the user's unread notifications read; returns how many there were. */
export async function markAllUserNotificationsRead(db: Executor, userId: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
