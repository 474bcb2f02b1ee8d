import type { Actor } from '../auth/actor.js';
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';

/**
 * Every API route declares who may call it (docs/security.md §1). `allow` is checked before the handler
 * runs; record-level rules (membership of a partnership, ownership) are checked again by the service
 * against the record, where "not found" and "not yours" look the same.
 */
export type RoutePolicy = {
  /** Stable action name, e.g. `institution.create`; appears in audit events of refusals. */
  action: AuditAction;
  allow: 'public' | 'signedIn' | ((actor: Actor) => boolean);
  /** Routes a user with a pending second factor or a forced password change may still call. */
  isAllowedDuringSignIn?: boolean;
};

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyContextConfig {
    policy?: RoutePolicy;
  }
}
