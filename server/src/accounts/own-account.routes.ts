/**
 * SECURITY-CRITICAL. One's own account: the active membership, password, sessions and TOTP
 * (/api/v1/auth/me/active-membership, /auth/password, /auth/sessions, /auth/totp). Routes parse,
 * authorise (declared policy), call the service and present; no SQL here.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ChangePasswordInput,
  Me,
  RecoveryCodes,
  RevokedSessions,
  SessionList,
  SessionParams,
  SwitchMembershipInput,
  TotpDisableInput,
  TotpEnableInput,
  TotpSetup,
} from '../../../shared/src/contracts/auth.js';
import { Ok } from '../../../shared/src/contracts/common.js';
import type { AppDependencies } from '../platform/http/app.js';
import { AppError } from '../platform/http/problem.js';
import { canManageOwnAccount } from './accounts.policy.js';
import {
  changeOwnPassword,
  disableTotp,
  enableTotp,
  endOtherOwnSessions,
  endOwnSession,
  listOwnSessions,
  setUpTotp,
  switchActiveMembership,
} from './own-account.service.js';
import { clearSessionCookie, deviceTokenOf, requireSession } from './cookies.js';

export async function ownAccountRoutes(app: FastifyInstance, { config, database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: database.db, config };

  api.put(
    '/auth/me/active-membership',
    {
      schema: { tags: ['auth'], body: SwitchMembershipInput, response: { 200: Me } },
      config: { policy: { action: 'auth.membership.switch', allow: canManageOwnAccount } },
    },
    async (request) => {
      const { csrfToken } = requireSession(request);
      return switchActiveMembership(deps, request.ctx, request.body.membershipId, csrfToken);
    },
  );

  api.post(
    '/auth/password',
    {
      schema: { tags: ['auth'], body: ChangePasswordInput, response: { 200: Ok } },
      config: { policy: { action: 'auth.password.change', allow: canManageOwnAccount, isAllowedDuringSignIn: true } },
    },
    async (request) => {
      // Allowed during sign-in for the forced change only: the password alone must not change it.
      if (request.isSecondFactorPending) throw new AppError('secondFactorRequired');
      await changeOwnPassword(deps, request.ctx, request.body, deviceTokenOf(request, config));
      return { ok: true as const };
    },
  );

  api.get(
    '/auth/sessions',
    {
      schema: { tags: ['auth'], response: { 200: SessionList } },
      config: { policy: { action: 'auth.session.list', allow: canManageOwnAccount } },
    },
    async (request) => ({ items: await listOwnSessions(deps, request.ctx) }),
  );

  api.delete(
    '/auth/sessions/:id',
    {
      schema: { tags: ['auth'], params: SessionParams, response: { 200: Ok } },
      config: { policy: { action: 'auth.session.revoke', allow: canManageOwnAccount } },
    },
    async (request, reply) => {
      const { isCurrent } = await endOwnSession(deps, request.ctx, request.params.id);
      if (isCurrent) clearSessionCookie(reply, config);
      return { ok: true as const };
    },
  );

  api.post(
    '/auth/sessions/revoke-others',
    {
      schema: { tags: ['auth'], response: { 200: RevokedSessions } },
      config: { policy: { action: 'auth.session.revokeOthers', allow: canManageOwnAccount } },
    },
    async (request) => ({ ok: true as const, revokedCount: await endOtherOwnSessions(deps, request.ctx) }),
  );

  api.post(
    '/auth/totp/setup',
    {
      schema: { tags: ['auth'], response: { 200: TotpSetup } },
      config: { policy: { action: 'auth.totp.setup', allow: canManageOwnAccount } },
    },
    async (request) => setUpTotp(deps, request.ctx),
  );

  api.post(
    '/auth/totp/enable',
    {
      schema: { tags: ['auth'], body: TotpEnableInput, response: { 200: RecoveryCodes } },
      config: { policy: { action: 'auth.totp.enable', allow: canManageOwnAccount } },
    },
    async (request) => enableTotp(deps, request.ctx, request.body),
  );

  api.post(
    '/auth/totp/disable',
    {
      schema: { tags: ['auth'], body: TotpDisableInput, response: { 200: Ok } },
      config: { policy: { action: 'auth.totp.disable', allow: canManageOwnAccount } },
    },
    async (request) => {
      await disableTotp(deps, request.ctx, request.body, deviceTokenOf(request, config));
      return { ok: true as const };
    },
  );
}
