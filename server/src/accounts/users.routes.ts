/**
 * User administration: /api/v1/users/*. Every route is for deployment admins (canManageUsers); the
 * app's preHandler audits refusals, the service audits every read and write in its transaction.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  AddMembershipInput,
  CreateUserInput,
  ResetPasswordInput,
  RevokedSessions,
  SessionList,
  UpdateUserInput,
  UserListQuery,
  UserSearchInput,
  UserMembershipParams,
  UserPage,
  UserSummary,
} from '../../../shared/src/contracts/auth.js';
import { IdParams, Ok } from '../../../shared/src/contracts/common.js';
import type { AppDependencies } from '../platform/http/app.js';
import { canManageUsers } from './accounts.policy.js';
import {
  addUserMembership,
  createUser,
  endUserSessions,
  listUserSessions,
  listUsersForAdmin,
  readUser,
  removeUserMembership,
  resetUserPassword,
  updateUser,
} from './users.service.js';

export async function userRoutes(app: FastifyInstance, { config, database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: database.db, config };

  api.get(
    '/users',
    {
      schema: { tags: ['users'], querystring: UserListQuery, response: { 200: UserPage } },
      config: { policy: { action: 'user.list', allow: canManageUsers } },
    },
    async (request) => listUsersForAdmin(deps, request.ctx, request.query),
  );

  api.post(
    '/users/search',
    {
      schema: {
        tags: ['users'],
        summary: 'Search users by name or e-mail (the words in the body, never in the URL)',
        body: UserSearchInput,
        response: { 200: UserPage },
      },
      config: { policy: { action: 'user.list', allow: canManageUsers } },
    },
    async (request) => listUsersForAdmin(deps, request.ctx, request.body),
  );

  api.post(
    '/users',
    {
      schema: { tags: ['users'], body: CreateUserInput, response: { 201: UserSummary } },
      config: { policy: { action: 'user.create', allow: canManageUsers } },
    },
    async (request, reply) => reply.status(201).send(await createUser(deps, request.ctx, request.body)),
  );

  api.get(
    '/users/:id',
    {
      schema: { tags: ['users'], params: IdParams, response: { 200: UserSummary } },
      config: { policy: { action: 'user.read', allow: canManageUsers } },
    },
    async (request) => readUser(deps, request.ctx, request.params.id),
  );

  api.patch(
    '/users/:id',
    {
      schema: { tags: ['users'], params: IdParams, body: UpdateUserInput, response: { 200: UserSummary } },
      config: { policy: { action: 'user.update', allow: canManageUsers } },
    },
    async (request) => updateUser(deps, request.ctx, request.params.id, request.body),
  );

  api.post(
    '/users/:id/password-reset',
    {
      schema: { tags: ['users'], params: IdParams, body: ResetPasswordInput, response: { 200: Ok } },
      config: { policy: { action: 'user.password.reset', allow: canManageUsers } },
    },
    async (request) => {
      await resetUserPassword(deps, request.ctx, request.params.id, request.body);
      return { ok: true as const };
    },
  );

  api.post(
    '/users/:id/memberships',
    {
      schema: { tags: ['users'], params: IdParams, body: AddMembershipInput, response: { 200: UserSummary } },
      config: { policy: { action: 'user.membership.add', allow: canManageUsers } },
    },
    async (request) => addUserMembership(deps, request.ctx, request.params.id, request.body),
  );

  api.delete(
    '/users/:id/memberships/:membershipId',
    {
      schema: { tags: ['users'], params: UserMembershipParams, response: { 200: UserSummary } },
      config: { policy: { action: 'user.membership.remove', allow: canManageUsers } },
    },
    async (request) => removeUserMembership(deps, request.ctx, request.params.id, request.params.membershipId),
  );

  api.get(
    '/users/:id/sessions',
    {
      schema: { tags: ['users'], params: IdParams, response: { 200: SessionList } },
      config: { policy: { action: 'user.sessions.list', allow: canManageUsers } },
    },
    async (request) => ({ items: await listUserSessions(deps, request.ctx, request.params.id) }),
  );

  api.post(
    '/users/:id/sessions/revoke',
    {
      schema: { tags: ['users'], params: IdParams, response: { 200: RevokedSessions } },
      config: { policy: { action: 'user.sessions.revoke', allow: canManageUsers } },
    },
    async (request) => ({
      ok: true as const,
      revokedCount: await endUserSessions(deps, request.ctx, request.params.id),
    }),
  );
}
