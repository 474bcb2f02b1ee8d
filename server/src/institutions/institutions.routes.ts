/**
 * The institution registry over HTTP: parse (zod contracts), authorise (declared policy, then the
 * record rule in the service), call the service, answer with the presenter's whitelist.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActingInInstitution } from '../platform/auth/actor.js';
import type { AppDependencies } from '../platform/http/app.js';
import { IdParams } from '../../../shared/src/contracts/common.js';
import {
  CreateInstitutionInput,
  Institution,
  InstitutionListQuery,
  InstitutionPage,
  UpdateInstitutionInput,
} from '../../../shared/src/contracts/institutions.js';
import { canCreateInstitution, canListInstitutions, canReadInstitution } from './institutions.policy.js';
import {
  createInstitution,
  listInstitutions,
  readInstitution,
  setInstitutionArchived,
  updateInstitution,
} from './institutions.service.js';

export async function institutionRoutes(app: FastifyInstance, { database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;

  api.get(
    '/institutions',
    {
      config: { policy: { action: 'institution.list', allow: canListInstitutions } },
      schema: {
        tags: ['institutions'],
        summary: 'Search the institution registry',
        querystring: InstitutionListQuery,
        response: { 200: InstitutionPage },
      },
    },
    async (request) => listInstitutions(db, request.query),
  );

  api.post(
    '/institutions',
    {
      config: { policy: { action: 'institution.create', allow: canCreateInstitution } },
      schema: {
        tags: ['institutions'],
        summary: 'Register an institution',
        body: CreateInstitutionInput,
        response: { 201: Institution },
      },
    },
    async (request, reply) => {
      const institution = await createInstitution(db, request.ctx, request.body);
      return reply.status(201).send(institution);
    },
  );

  api.get(
    '/institutions/:id',
    {
      config: { policy: { action: 'institution.read', allow: canReadInstitution } },
      schema: {
        tags: ['institutions'],
        summary: 'One institution with its contact persons (audited)',
        params: IdParams,
        response: { 200: Institution },
      },
    },
    async (request) => readInstitution(db, request.ctx, request.params.id),
  );

  api.patch(
    '/institutions/:id',
    {
      config: { policy: { action: 'institution.update', allow: isActingInInstitution } },
      schema: {
        tags: ['institutions'],
        summary: 'Change an institution (send the version you read)',
        params: IdParams,
        body: UpdateInstitutionInput,
        response: { 200: Institution },
      },
    },
    async (request) => updateInstitution(db, request.ctx, request.params.id, request.body),
  );

  api.post(
    '/institutions/:id/archive',
    {
      config: { policy: { action: 'institution.archive', allow: isActingInInstitution } },
      schema: {
        tags: ['institutions'],
        summary: 'Archive an institution (hidden from lists and new work, never deleted)',
        params: IdParams,
        response: { 200: Institution },
      },
    },
    async (request) => setInstitutionArchived(db, request.ctx, request.params.id, true),
  );

  api.post(
    '/institutions/:id/restore',
    {
      config: { policy: { action: 'institution.restore', allow: isActingInInstitution } },
      schema: {
        tags: ['institutions'],
        summary: 'Bring an archived institution back',
        params: IdParams,
        response: { 200: Institution },
      },
    },
    async (request) => setInstitutionArchived(db, request.ctx, request.params.id, false),
  );
}
