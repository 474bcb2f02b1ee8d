/**
 * The composition root: the one place above the domains that knows them all. It hands the
 * platform's app the domains' modules, the session loader and the audit of refusals, so platform/
 * imports no domain (docs/ARCHITECTURE.md). main.ts, the test harness and the scripts build the app
 * through `buildKooperacjaApp`.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from './platform/http/app.js';
import type { AppComposition, AppDependencies, AppModule } from './platform/http/app-composition.js';
import { loadSession } from './accounts/sessions.js';
import { recordStandaloneAuditEvent } from './audit/audit.service.js';
import { signInRoutes } from './accounts/sign-in.routes.js';
import { ownAccountRoutes } from './accounts/own-account.routes.js';
import { userRoutes } from './accounts/users.routes.js';
import { territoryRoutes } from './territories/territories.routes.js';
import { institutionRoutes } from './institutions/institutions.routes.js';
import { partnershipRoutes } from './partnerships/partnerships.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { serviceRoutes } from './basket/cards/cards.routes.js';
import { leafletRoutes } from './basket/leaflet/leaflet.routes.js';
import { changeRequestRoutes } from './basket/change-requests/change-requests.routes.js';
import { spreadsheetRoutes } from './basket/exchange/spreadsheet.routes.js';
import { hsdsRoutes } from './basket/exchange/hsds.routes.js';
import { publicBasketRoutes } from './basket/public-page/public-page.routes.js';
import { notificationRoutes } from './notifications/notifications.routes.js';
import { taskRoutes } from './tasks/tasks.routes.js';
import type { TaskProvider } from './tasks/index.js';
import { basketTaskProviders } from './basket/task-providers.js';
import { institutionRenamed } from './institutions/institutions.events.js';
import { refreshCardsOfRenamedProvider } from './basket/cards/cards.store.js';

/**
 * Who contributes items to "Do zrobienia" (GET /tasks), in the order the home page shows them. A new
 * capability (meetings, family plans) declares its providers in its own folder and adds them here.
 */
export const taskProviders: readonly TaskProvider[] = [...basketTaskProviders];

/** The API modules, each a domain folder under server/src; mounted under /api/v1 in this order. */
export const apiModules: AppModule[] = [
  signInRoutes,
  ownAccountRoutes,
  userRoutes,
  territoryRoutes,
  institutionRoutes,
  partnershipRoutes,
  auditRoutes,
  serviceRoutes,
  leafletRoutes,
  changeRequestRoutes,
  spreadsheetRoutes,
  hsdsRoutes,
  notificationRoutes,
  taskRoutes(taskProviders),
];

/** Public, read-only pages outside /api (no session): a partnership's published basket. */
export const publicModules: AppModule[] = [publicBasketRoutes];

/**
 * Who reacts to whose domain events, in one place. Idempotent (a handler subscribed twice runs
 * once), so every app built in one process shares the same subscriptions.
 */
export function subscribeDomainEvents(): void {
  // A card's search text carries its provider's name: the rename finds the cards at once.
  institutionRenamed.subscribe(refreshCardsOfRenamedProvider);
}

/** The domains wired for one app: sessions from accounts, refusals into the audit log. */
export function kooperacjaComposition({ config, database }: AppDependencies): AppComposition {
  const sessionSettings = { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS };
  return {
    apiModules,
    publicModules,
    loadSession: (token) => loadSession(database.db, token, sessionSettings),
    recordRefusal: (context, { action, details }) =>
      recordStandaloneAuditEvent(database.db, context, { action, outcome: 'denied', details }),
  };
}

/** The whole Kooperacja app on the given configuration and database. */
export async function buildKooperacjaApp(deps: AppDependencies, options: BuildOptions = {}): Promise<FastifyInstance> {
  subscribeDomainEvents();
  return buildApp(deps, kooperacjaComposition(deps), options);
}
