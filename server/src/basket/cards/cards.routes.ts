/**
 * Service cards and the basket search over HTTP: parse (zod contracts), authorise (declared policy,
 * then the record rules in the service), call the service, answer with the presenter's whitelist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActingInInstitution } from '../../platform/auth/actor.js';
import type { AppDependencies } from '../../platform/http/app.js';
import { mailerFor } from '../../notifications/mailer.js';
import { IdParams } from '../../../../shared/src/contracts/common.js';
import {
  BasketGaps,
  CreateServiceInput,
  Service,
  ServiceHistory,
  ServicePage,
  ServiceSearchQuery,
  ServiceTransitionInput,
  UpdateServiceInput,
} from '../../../../shared/src/contracts/basket.js';
import {
  createService,
  getBasketGaps,
  getService,
  getServiceHistory,
  searchServices,
  transitionService,
  updateService,
} from './cards.service.js';

/** Gate for routes whose real rule needs the partnership and the card: the service decides (404/403). */
/**
 * The fields a PATCH body really named, captured before validation. The contract's partial card is
 * built from the create form's fields, and zod 4 applies their `.default()`s inside `.partial()`, so
 * the parsed body of `{ version, schedule }` also says isCompound=false, languages=['pl'], ... and
 * would quietly reset those fields on every edit.
 */
const sentFields = new WeakMap<FastifyRequest, ReadonlySet<string>>();

async function rememberSentFields(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (body && typeof body === 'object' && !Array.isArray(body)) sentFields.set(request, new Set(Object.keys(body)));
}

export async function serviceRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;
  const staleMonths = config.STALE_SERVICE_MONTHS;
  const tags = ['basket'];

  api.get(
    '/services',
    {
      config: { policy: { action: 'service.search', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Search the baskets of services the caller may see',
        querystring: ServiceSearchQuery,
        response: { 200: ServicePage },
      },
    },
    async (request) => searchServices(db, request.ctx, request.query, staleMonths),
  );

  api.post(
    '/services',
    {
      config: { policy: { action: 'service.create', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Fill in a service card (draft)',
        body: CreateServiceInput,
        response: { 201: Service },
      },
    },
    async (request, reply) => reply.status(201).send(await createService(db, request.ctx, request.body, staleMonths)),
  );

  api.get(
    '/services/:id',
    {
      config: { policy: { action: 'service.read', allow: isActingInInstitution } },
      schema: { tags, summary: 'One service card (audited)', params: IdParams, response: { 200: Service } },
    },
    async (request) => getService(db, request.ctx, request.params.id, staleMonths),
  );

  api.patch(
    '/services/:id',
    {
      config: { policy: { action: 'service.update', allow: isActingInInstitution } },
      preValidation: rememberSentFields,
      schema: {
        tags,
        summary: 'Change a service card (send the version you read)',
        params: IdParams,
        body: UpdateServiceInput,
        response: { 200: Service },
      },
    },
    async (request) =>
      updateService(
        db,
        request.ctx,
        request.params.id,
        request.body,
        staleMonths,
        sentFields.get(request) ?? new Set(),
      ),
  );

  api.post(
    '/services/:id/transitions',
    {
      config: { policy: { action: 'service.transition', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Submit, publish, suspend, withdraw, return to draft or confirm a card',
        params: IdParams,
        body: ServiceTransitionInput,
        response: { 200: Service },
      },
    },
    async (request) =>
      transitionService(db, request.ctx, request.params.id, request.body, staleMonths, mailerFor(config)),
  );

  api.get(
    '/services/:id/history',
    {
      config: { policy: { action: 'service.history', allow: isActingInInstitution } },
      schema: { tags, summary: 'Versions of a card', params: IdParams, response: { 200: ServiceHistory } },
    },
    async (request) => getServiceHistory(db, request.ctx, request.params.id),
  );

  api.get(
    '/partnerships/:id/basket/gaps',
    {
      config: { policy: { action: 'basket.gaps', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Published services per cooperation area and target group',
        params: IdParams,
        response: { 200: BasketGaps },
      },
    },
    async (request) => getBasketGaps(db, request.ctx, request.params.id),
  );
}
