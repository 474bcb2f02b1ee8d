/**
 * The public page setting of a basket over HTTP. Registered from hsds.routes.ts (the open-data
 * module), so the API module list stays as it is.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActingInInstitution } from '../../platform/auth/actor.js';
import type { AppDependencies } from '../../platform/http/app.js';
import { IdParams } from '../../../../shared/src/contracts/common.js';
import { BasketPublication, BasketPublicationInput } from '../../../../shared/src/contracts/basket.js';
import { getBasketPublication, putBasketPublication } from './publication.service.js';

export async function publicationRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;
  const tags = ['basket'];

  api.get(
    '/partnerships/:id/basket/publication',
    {
      config: { policy: { action: 'basket.publication.read', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Whether the basket has a public page, and its address',
        params: IdParams,
        response: { 200: BasketPublication },
      },
    },
    async (request) => getBasketPublication(db, request.ctx, request.params.id, config.PUBLIC_ORIGIN),
  );

  api.put(
    '/partnerships/:id/basket/publication',
    {
      config: { policy: { action: 'basket.publication.update', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Publish or hide the public basket page (slug unique: 409 on the field slug)',
        params: IdParams,
        body: BasketPublicationInput,
        response: { 200: BasketPublication },
      },
    },
    async (request) => putBasketPublication(db, request.ctx, request.params.id, request.body, config.PUBLIC_ORIGIN),
  );
}
