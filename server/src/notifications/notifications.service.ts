/**
 * In-app notifications (and their e-mail copies). Other modules call createNotification inside their
 * own transaction, so a notification exists only if the change it announces committed; e-mail goes
 * out after the commit (deliverNotificationEmails), never for work that was rolled back.
 *
 * A notification carries ids, counts and names of services, partnerships and institutions (public
 * data), never a family's name or a case detail (notification-kinds.ts states the rule and makes it
 * hold), so reading one's own notifications is not an audited disclosure: opening the record it links
 * to is, as usual.
 */
import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Database, Executor } from '../platform/db/database.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { notifications, users } from '../platform/db/tables.js';
import { AppError } from '../platform/http/problem.js';
import type { NotificationList } from '../../../shared/src/contracts/notifications.js';
import type { Mailer } from './mailer.js';
import {
  composeNotificationEmail,
  findNotificationKind,
  isRegisteredNotificationKind,
  presentNotificationParams,
  type NotificationKindDefinition,
} from './notification-kinds.js';

/** Newest notifications shown; older ones stay in the table but out of the list. */
const LIST_LIMIT = 100;

/**
 * Adds a notification of a declared kind for one user in the caller's transaction; returns its id.
 * The parameters are checked against the kind's strict schema and the link is the kind's own.
 */
export async function createNotification<Params extends z.ZodObject>(
  tx: Executor,
  userId: string,
  definition: NotificationKindDefinition<Params>,
  params: z.input<Params>,
): Promise<string> {
  const [id] = await notifyUsers(tx, [userId], definition, params);
  return id!;
}

/** The same notification for several users (deduplicated); returns the new ids. */
export async function notifyUsers<Params extends z.ZodObject>(
  tx: Executor,
  userIds: readonly string[],
  definition: NotificationKindDefinition<Params>,
  params: z.input<Params>,
): Promise<string[]> {
  if (!isRegisteredNotificationKind(definition as unknown as NotificationKindDefinition)) {
    throw new Error(`Notification kind ${definition.kind} is not declared with defineNotificationKind`);
  }
  const checked = definition.params.parse(params);
  const link = definition.link(checked);
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return [];
  const rows = await tx
    .insert(notifications)
    .values(recipients.map((userId) => ({ userId, kind: definition.kind, params: checked, link })))
    .returning({ id: notifications.id });
  return rows.map((row) => row.id);
}

/**
 * Sends the e-mail copies of the given notifications to active users and stamps emailed_at. Best
 * effort: the change they announce has committed already, so a mail server that is down costs only
 * the e-mail (the notification stays in the app, emailed_at stays empty). Returns how many were sent.
 */
export async function deliverNotificationEmails(
  db: Database,
  mailer: Mailer | null,
  notificationIds: readonly string[],
): Promise<number> {
  if (!mailer || notificationIds.length === 0) return 0;
  const pending = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      link: notifications.link,
      email: users.email,
    })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(
      and(inArray(notifications.id, [...notificationIds]), isNull(notifications.emailedAt), eq(users.isActive, true)),
    );
  let sentCount = 0;
  for (const item of pending) {
    const { subject, text } = composeNotificationEmail(
      findNotificationKind(item.kind),
      mailer.linkTo(item.link ?? '/powiadomienia'),
    );
    try {
      await mailer.send({ to: item.email, subject, text });
    } catch {
      continue;
    }
    await db.update(notifications).set({ emailedAt: new Date() }).where(eq(notifications.id, item.id));
    sentCount += 1;
  }
  return sentCount;
}

function requireUserId(context: RequestContext): string {
  if (!context.actor) throw new AppError('unauthenticated');
  return context.actor.userId;
}

/** The actor's own notifications, newest first, with the number still unread. */
export async function listNotifications(
  db: Database,
  context: RequestContext,
): Promise<z.infer<typeof NotificationList>> {
  const userId = requireUserId(context);
  const rows = await db
    .select()
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(LIST_LIMIT);
  const [unread] = await db
    .select({ value: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return {
    items: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      params: presentNotificationParams(row.kind, row.params),
      link: row.link,
      isRead: row.readAt !== null,
      createdAt: row.createdAt.toISOString(),
    })),
    unreadCount: Number(unread?.value ?? 0),
  };
}

/** Marks one own notification read; someone else's answers 404 like an unknown id. */
export async function markNotificationRead(db: Database, context: RequestContext, id: string): Promise<void> {
  const userId = requireUserId(context);
  const [row] = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, now())` })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning({ id: notifications.id });
  if (!row) throw new AppError('notFound');
}

/** Marks all own notifications read; returns how many were unread. */
export async function markAllNotificationsRead(db: Database, context: RequestContext): Promise<number> {
  const userId = requireUserId(context);
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
