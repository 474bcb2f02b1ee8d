/**
 * What the composition root (server/src/composition.ts) hands the platform's app: the modules to
 * mount, how a session cookie becomes an actor, and how a refusal is audited. platform/ imports no
 * domain (docs/ARCHITECTURE.md; lint's `layers/boundaries` rule): the domains come in through here.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import type { Actor, RequestContext } from '../auth/actor.js';
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';

export type AppDependencies = { config: Config; database: DatabaseHandle };

/** A domain's routes, registered in a plugin scope of their own. */
export type AppModule = (scope: FastifyInstance, deps: AppDependencies) => Promise<void>;

/** A live session as the request hooks need it; the accounts domain owns how it is stored. */
export type ApiSession = { actor: Actor; csrfToken: string; isSecondFactorPending: boolean };

/** A refusal by the request hooks (policy, CSRF, anonymous), recorded as a denied audit event. */
export type RefusalEvent = { action: AuditAction; details: Record<string, unknown> };

export type AppComposition = {
  /** Mounted under /api/v1, each in its own scope; the API's hooks (session, CSRF, policy) apply. */
  apiModules: AppModule[];
  /** Mounted at the root, outside /api: no session is read (e.g. the public basket page). */
  publicModules: AppModule[];
  /** SECURITY-CRITICAL. The session cookie's token to its live session, or null. */
  loadSession: (token: string) => Promise<ApiSession | null>;
  /** Records a denied event in a transaction of its own (docs/security.md §8). */
  recordRefusal: (context: RequestContext, event: RefusalEvent) => Promise<void>;
};
