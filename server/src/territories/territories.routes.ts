/**
 * The TERYT territory register over HTTP. Territories are public reference data: reads need a
 * session (the API is not an open data mirror) but are not audited, as they hold no personal data.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDependencies } from '../platform/http/app.js';
import { AppError } from '../platform/http/problem.js';
import {
  TerritoryCodeParams,
  TerritoryDetail,
  TerritoryListQuery,
  TerritoryPage,
} from '../../../shared/src/contracts/territories.js';
import { findTerritories, findTerritoryByCode, findTerritoryChildren } from './territories.queries.js';
import { presentTerritory, presentTerritoryDetail } from './territories.presenter.js';

export async function territoryRoutes(app: FastifyInstance, { database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/territories',
    {
      config: { policy: { action: 'territory.list', allow: 'signedIn' } },
      schema: {
        tags: ['territories'],
        summary: 'Search the TERYT register',
        querystring: TerritoryListQuery,
        response: { 200: TerritoryPage },
      },
    },
    async (request) => {
      const query = request.query;
      // One statement gives the page and its total (one snapshot, no transaction needed).
      const { rows, total } = await findTerritories(database.db, query);
      return { items: rows.map(presentTerritory), total, page: query.page, pageSize: query.pageSize };
    },
  );

  api.get(
    '/territories/:code',
    {
      config: { policy: { action: 'territory.read', allow: 'signedIn' } },
      schema: {
        tags: ['territories'],
        summary: 'One territorial unit with the units directly under it',
        params: TerritoryCodeParams,
        response: { 200: TerritoryDetail },
      },
    },
    async (request) => {
      const { code } = request.params;
      const found = await database.db.transaction(async (tx) => {
        const row = await findTerritoryByCode(tx, code);
        return row ? { row, children: await findTerritoryChildren(tx, code) } : null;
      });
      if (!found) throw new AppError('notFound');
      return presentTerritoryDetail(found.row, found.children);
    },
  );
}
