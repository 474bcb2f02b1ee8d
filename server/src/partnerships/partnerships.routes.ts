/**
 * Partnership (PZK) endpoints: parse -> authorise -> service -> present. The route policy admits
 * signed-in users with an acting membership; record rules (visibility, management) are applied by
 * the service against the record, where "unknown" and "not yours" both answer 404.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDependencies } from '../platform/http/app.js';
import { IdParams } from '../../../shared/src/contracts/common.js';
import {
  AddMemberInput,
  CreatePartnershipInput,
  MemberParams,
  Partnership,
  PartnershipListQuery,
  PartnershipPage,
  UpdateMemberInput,
  UpdatePartnershipInput,
} from '../../../shared/src/contracts/partnerships.js';
import {
  canCreatePartnership,
  canEditPartnerships,
  canListPartnerships,
  canManagePartnershipMembers,
  canReadPartnerships,
} from './partnerships.policy.js';
import {
  addPartnershipMember,
  createPartnership,
  getPartnership,
  listPartnerships,
  updatePartnership,
  updatePartnershipMember,
} from './partnerships.service.js';

const tags = ['partnerships'];

export async function partnershipRoutes(app: FastifyInstance, { database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { db } = database;

  api.get(
    '/partnerships',
    {
      config: { policy: { action: 'partnership.list', allow: canListPartnerships } },
      schema: { tags, querystring: PartnershipListQuery, response: { 200: PartnershipPage } },
    },
    async (request) => listPartnerships(db, request.ctx, request.query),
  );

  api.post(
    '/partnerships',
    {
      config: { policy: { action: 'partnership.create', allow: canCreatePartnership } },
      schema: { tags, body: CreatePartnershipInput, response: { 201: Partnership } },
    },
    async (request, reply) => reply.status(201).send(await createPartnership(db, request.ctx, request.body)),
  );

  api.get(
    '/partnerships/:id',
    {
      config: { policy: { action: 'partnership.read', allow: canReadPartnerships } },
      schema: { tags, params: IdParams, response: { 200: Partnership } },
    },
    async (request) => getPartnership(db, request.ctx, request.params.id),
  );

  api.patch(
    '/partnerships/:id',
    {
      config: { policy: { action: 'partnership.update', allow: canEditPartnerships } },
      schema: { tags, params: IdParams, body: UpdatePartnershipInput, response: { 200: Partnership } },
    },
    async (request) => updatePartnership(db, request.ctx, request.params.id, request.body),
  );

  api.post(
    '/partnerships/:id/members',
    {
      config: { policy: { action: 'partnership.member.add', allow: canManagePartnershipMembers } },
      schema: { tags, params: IdParams, body: AddMemberInput, response: { 201: Partnership } },
    },
    async (request, reply) =>
      reply.status(201).send(await addPartnershipMember(db, request.ctx, request.params.id, request.body)),
  );

  api.patch(
    '/partnerships/:id/members/:memberId',
    {
      config: { policy: { action: 'partnership.member.update', allow: canManagePartnershipMembers } },
      schema: { tags, params: MemberParams, body: UpdateMemberInput, response: { 200: Partnership } },
    },
    async (request) =>
      updatePartnershipMember(db, request.ctx, request.params.id, request.params.memberId, request.body),
  );
}
