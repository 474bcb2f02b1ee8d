/**
 * The signed-in user's own notifications over HTTP. Every query is bound to the actor's user id, so
 * there is nothing to authorise beyond being signed in: someone else's notification is a 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDependencies } from '../platform/http/app.js';
import { IdParams } from '../../../shared/src/contracts/common.js';
import { NotificationList } from '../../../shared/src/contracts/notifications.js';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from './notifications.service.js';

export async function notificationRoutes(app: FastifyInstance, { database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;

  api.get(
    '/notifications',
    {
      config: { policy: { action: 'notification.list', allow: 'signedIn' } },
      schema: {
        tags: ['notifications'],
        summary: 'Own notifications, newest first, with the unread count',
        response: { 200: NotificationList },
      },
    },
    async (request) => listNotifications(db, request.ctx),
  );

  api.post(
    '/notifications/:id/read',
    {
      config: { policy: { action: 'notification.read', allow: 'signedIn' } },
      schema: {
        tags: ['notifications'],
        summary: 'Mark one own notification read; answers the updated list',
        params: IdParams,
        response: { 200: NotificationList },
      },
    },
    async (request) => {
      await markNotificationRead(db, request.ctx, request.params.id);
      return listNotifications(db, request.ctx);
    },
  );

  api.post(
    '/notifications/read-all',
    {
      config: { policy: { action: 'notification.readAll', allow: 'signedIn' } },
      schema: {
        tags: ['notifications'],
        summary: 'Mark all own notifications read; answers the updated list',
        response: { 200: NotificationList },
      },
    },
    async (request) => {
      await markAllNotificationsRead(db, request.ctx);
      return listNotifications(db, request.ctx);
    },
  );
}
