/**
 * Basket change requests and the stale-service reminders over HTTP: parse (zod contracts),
 * authorise (declared gate, then the record rule in the service against the partnership), call the
 * service, answer with the presenter's whitelist. The reminders route lives here because it belongs
 * to keeping the basket current, which is what change requests are for.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActingInInstitution } from '../../platform/auth/actor.js';
import type { AppDependencies } from '../../platform/http/app.js';
import { IdParams } from '../../../../shared/src/contracts/common.js';
import {
  BasketReminderResult,
  ChangeRequest,
  ChangeRequestListQuery,
  ChangeRequestPage,
  CreateChangeRequestInput,
  DecideChangeRequestInput,
  ReviewChangeRequestInput,
} from '../../../../shared/src/contracts/basket.js';
import { mailerFor } from '../../notifications/mailer.js';
import {
  createChangeRequest,
  decideChangeRequest,
  getChangeRequest,
  listChangeRequests,
  reviewChangeRequest,
} from './change-requests.service.js';
import { sendPartnershipReminders } from '../reminders/reminders.js';

/** Gate for routes whose real rule needs the partnership: the service decides (404/403). */
/**
 * The proposal fields a request body really named, captured before validation: the contract's
 * partial card applies the create form's defaults (zod 4), which must not become proposed changes.
 */
const sentProposalFields = new WeakMap<FastifyRequest, ReadonlySet<string>>();

async function rememberSentProposalFields(request: FastifyRequest): Promise<void> {
  const proposal = (request.body as { proposal?: unknown } | null)?.proposal;
  if (proposal && typeof proposal === 'object' && !Array.isArray(proposal)) {
    sentProposalFields.set(request, new Set(Object.keys(proposal)));
  }
}

export async function changeRequestRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;
  const tags = ['basket'];
  // Config carries the mail settings once they are configured; without SMTP_URL there is no mailer.
  const mailer = () => mailerFor(config);

  api.get(
    '/basket-change-requests',
    {
      config: { policy: { action: 'basketRequest.list', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Change requests of one partnership’s basket, newest first (audited)',
        querystring: ChangeRequestListQuery,
        response: { 200: ChangeRequestPage },
      },
    },
    async (request) => listChangeRequests(db, request.ctx, request.query),
  );

  api.post(
    '/basket-change-requests',
    {
      config: { policy: { action: 'basketRequest.create', allow: isActingInInstitution } },
      preValidation: rememberSentProposalFields,
      schema: {
        tags,
        summary: 'Propose a new service, a change or a withdrawal',
        body: CreateChangeRequestInput,
        response: { 201: ChangeRequest },
      },
    },
    async (request, reply) => {
      const created = await createChangeRequest(
        db,
        request.ctx,
        request.body,
        sentProposalFields.get(request) ?? new Set(),
        mailer(),
      );
      return reply.status(201).send(created);
    },
  );

  api.get(
    '/basket-change-requests/:id',
    {
      config: { policy: { action: 'basketRequest.read', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'One change request (audited)',
        params: IdParams,
        response: { 200: ChangeRequest },
      },
    },
    async (request) => getChangeRequest(db, request.ctx, request.params.id),
  );

  api.post(
    '/basket-change-requests/:id/review',
    {
      config: { policy: { action: 'basketRequest.review', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Network coordinator’s review of a pending request',
        params: IdParams,
        body: ReviewChangeRequestInput,
        response: { 200: ChangeRequest },
      },
    },
    async (request) => reviewChangeRequest(db, request.ctx, request.params.id, request.body, mailer()),
  );

  api.post(
    '/basket-change-requests/:id/decision',
    {
      config: { policy: { action: 'basketRequest.decide', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Leader’s decision on a reviewed request: apply to the basket or refuse with a reason',
        params: IdParams,
        body: DecideChangeRequestInput,
        response: { 200: ChangeRequest },
      },
    },
    async (request) =>
      decideChangeRequest(db, request.ctx, request.params.id, request.body, mailer(), config.STALE_SERVICE_MONTHS),
  );

  api.post(
    '/partnerships/:id/basket/reminders',
    {
      config: { policy: { action: 'basket.staleReminders', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Remind the providers of stale services now (each at most once in 30 days)',
        params: IdParams,
        response: { 200: BasketReminderResult },
      },
    },
    async (request) => sendPartnershipReminders(db, request.ctx, request.params.id, config),
  );
}
