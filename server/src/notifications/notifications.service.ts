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
import type { z } from 'zod';
import type { Database, Executor } from '../platform/db/database.js';
import { requireActor, type RequestContext } from '../platform/auth/actor.js';
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
import {
  countUnreadNotifications,
  findNotificationsToEmail,
  findUserNotifications,
  insertNotifications,
  markAllUserNotificationsRead,
  markNotificationEmailed,
  markUserNotificationRead,
} from './notifications.queries.js';

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
  return insertNotifications(
    tx,
    recipients.map((userId) => ({ userId, kind: definition.kind, params: checked, link })),
  );
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
  const pending = await findNotificationsToEmail(db, notificationIds);
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
    await markNotificationEmailed(db, item.id);
    sentCount += 1;
  }
  return sentCount;
}

/** The actor's own notifications, newest first, with the number still unread. */
export async function listNotifications(
  db: Database,
  context: RequestContext,
): Promise<z.infer<typeof NotificationList>> {
  const userId = requireActor(context).userId;
  const rows = await findUserNotifications(db, userId, LIST_LIMIT);
  const unreadCount = await countUnreadNotifications(db, userId);
  return {
    items: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      params: presentNotificationParams(row.kind, row.params),
      link: row.link,
      isRead: row.readAt !== null,
      createdAt: row.createdAt.toISOString(),
    })),
    unreadCount,
  };
}

/** Marks one own notification read; someone else's answers 404 like an unknown id. */
export async function markNotificationRead(db: Database, context: RequestContext, id: string): Promise<void> {
  if (!(await markUserNotificationRead(db, requireActor(context).userId, id))) throw new AppError('notFound');
}

/** Marks all own notifications read; returns how many were unread. */
export async function markAllNotificationsRead(db: Database, context: RequestContext): Promise<number> {
  return markAllUserNotificationsRead(db, requireActor(context).userId);
}
