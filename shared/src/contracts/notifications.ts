/**
 * In-app notifications of the signed-in user. Kinds are declared by the domains on the server
 * (`<domain>.<name>`); the web client words each by the i18n key `notifications.kinds.<kind>`.
 * Parameters are ids, counts, fixed choices and names of institutions, services and partnerships,
 * never a family's name or a case detail (docs/powiadomienia.md).
 */
import { z } from 'zod';
import { Uuid } from './common.js';

export const Notification = z.object({
  id: Uuid,
  kind: z.string().describe('Kind, `<domain>.<name>`, e.g. `basket.staleCard`'),
  params: z
    .record(z.string(), z.union([z.string(), z.number(), z.null()]))
    .describe('Message parameters the kind declares: ids, counts, choices, public names'),
  link: z.string().nullable().describe('In-app path of the record the notification is about'),
  isRead: z.boolean().describe('Whether the user has marked it read'),
  createdAt: z.string().describe('When it was created (ISO 8601, UTC)'),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationList = z.object({
  items: z.array(Notification).describe('Newest first, at most 100'),
  unreadCount: z.number().int().describe('How many are still unread'),
});
export type NotificationList = z.infer<typeof NotificationList>;
