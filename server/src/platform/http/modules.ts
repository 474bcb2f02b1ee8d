import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from './app.js';
import { authRoutes } from '../../accounts/auth.routes.js';
import { userRoutes } from '../../accounts/users.routes.js';
import { territoryRoutes } from '../../territories/territories.routes.js';
import { institutionRoutes } from '../../institutions/institutions.routes.js';
import { partnershipRoutes } from '../../partnerships/partnerships.routes.js';
import { auditRoutes } from '../../audit/audit.routes.js';
import { serviceRoutes } from '../../basket/cards/cards.routes.js';
import { changeRequestRoutes } from '../../basket/change-requests/change-requests.routes.js';
import { spreadsheetRoutes } from '../../basket/exchange/spreadsheet.routes.js';
import { hsdsRoutes } from '../../basket/exchange/hsds.routes.js';
import { notificationRoutes } from '../../notifications/notifications.routes.js';

/** The API modules, each a folder under server/src; mounted under /api/v1. */
export async function registerApiModules(api: FastifyInstance, deps: AppDependencies): Promise<void> {
  await api.register(async (scope) => authRoutes(scope, deps));
  await api.register(async (scope) => userRoutes(scope, deps));
  await api.register(async (scope) => territoryRoutes(scope, deps));
  await api.register(async (scope) => institutionRoutes(scope, deps));
  await api.register(async (scope) => partnershipRoutes(scope, deps));
  await api.register(async (scope) => auditRoutes(scope, deps));
  await api.register(async (scope) => serviceRoutes(scope, deps));
  await api.register(async (scope) => changeRequestRoutes(scope, deps));
  await api.register(async (scope) => spreadsheetRoutes(scope, deps));
  await api.register(async (scope) => hsdsRoutes(scope, deps));
  await api.register(async (scope) => notificationRoutes(scope, deps));
}
