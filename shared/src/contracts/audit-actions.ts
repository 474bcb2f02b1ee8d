/**
 * The one catalogue of audit actions: every `action` of an audit event and every route policy's
 * action is one of these, so a typo fails type checking instead of writing an event nobody finds.
 * Names are `<subject>.<verb>`; a new domain adds its own block here.
 */
import { z } from 'zod';
import { serviceTransitions } from './basket.js';

/** What happened to a service card, as its version rows and audit events name it. */
export const serviceCardEvents = [
  'created',
  'edited',
  'submitted',
  'published',
  'suspended',
  'withdrawn',
  'returnedToDraft',
  'confirmed',
  'imported',
  'changeRequestApplied',
] as const;

export const auditActions = [
  // The audit log itself.
  'audit.list',
  'audit.verify',
  // The encryption at rest: a rotation of the key-encryption key (npm run keys:rotate).
  'dataKey.rotate',
  // Stored files (uploads such as a signed copy): each store, list and read of one.
  'file.list',
  'file.read',
  'file.store',
  // Stored document versions (a protocol, plan or consent form): each save, approval, list and read.
  'document.approve',
  'document.list',
  'document.read',
  'document.save',
  // Signing in and one's own account.
  'auth.login',
  'auth.loginLockout',
  'auth.logout',
  'auth.me',
  'auth.membership.switch',
  'auth.password.change',
  'auth.secondFactor',
  'auth.session.list',
  'auth.session.revoke',
  'auth.session.revokeOthers',
  'auth.totp.disable',
  'auth.totp.enable',
  'auth.totp.setup',
  // User administration.
  'user.create',
  'user.list',
  'user.membership.add',
  'user.membership.remove',
  'user.password.reset',
  'user.read',
  'user.sessions.list',
  'user.sessions.revoke',
  'user.update',
  // Territories, institutions (the registry) and partnerships.
  'territory.list',
  'territory.read',
  'institution.access.update',
  'institution.archive',
  'institution.create',
  'institution.list',
  'institution.read',
  'institution.restore',
  'institution.update',
  'partnership.access.update',
  'partnership.create',
  'partnership.list',
  'partnership.member.add',
  'partnership.member.update',
  'partnership.read',
  'partnership.update',
  // The basket of services: cards, their exchange, the public page, reminders, change requests.
  'service.create',
  'service.history',
  'service.leaflet',
  'service.leafletSend',
  'service.read',
  'service.search',
  'service.staleReminder',
  'service.transition',
  'service.update',
  ...serviceCardEvents.map((event) => `service.${event}` as const),
  // A refused transition is audited under the transition's own name.
  ...serviceTransitions.map((transition) => `service.${transition}` as const),
  'basket.export',
  'basket.gaps',
  'basket.import',
  'basket.import.preview',
  'basket.import.errors',
  'basket.import.mapping',
  'basket.publicPage',
  'basket.publication.read',
  'basket.publication.update',
  'basket.staleReminders',
  'basket.template',
  'basketRequest.apply',
  'basketRequest.create',
  'basketRequest.decide',
  'basketRequest.list',
  'basketRequest.read',
  'basketRequest.refuse',
  'basketRequest.review',
  // Notifications.
  'notification.list',
  'notification.read',
  'notification.readAll',
  // To-do ("Do zrobienia").
  'task.list',
  // Routes outside the domains (their refusals are audited too).
  'health',
  'openapi',
  'probe',
  'webAsset',
  'unknownRoute',
] as const;

/**
 * An audit action. Tests may write `test.<anything>` events of their own; the prefix keeps them
 * apart from every real action.
 */
export type AuditAction = (typeof auditActions)[number] | `test.${string}`;

/**
 * Why personal data was processed (docs/security.md §8: the purpose of processing), recorded on each
 * event that touches personal data. Family work will add the legal basis of each disclosure.
 */
export const auditPurposes = ['administration', 'caseWork', 'oversight', 'security', 'publication'] as const;
export type AuditPurpose = (typeof auditPurposes)[number];
export const AuditPurpose = z.enum(auditPurposes);
