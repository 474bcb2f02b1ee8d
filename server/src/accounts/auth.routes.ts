/**
 * SECURITY-CRITICAL. Sign-in, sign-out and the user's own account: /api/v1/auth/*.
 * Routes parse, authorise (declared policy), call the service and present; no SQL here.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  ChangePasswordInput,
  LoginInput,
  LoginResult,
  Me,
  RecoveryCodes,
  RevokedSessions,
  SecondFactorInput,
  SessionList,
  SessionParams,
  SwitchMembershipInput,
  TotpDisableInput,
  TotpEnableInput,
  TotpSetup,
} from '../../../shared/src/contracts/auth.js';
import { Ok } from '../../../shared/src/contracts/common.js';
import type { Config } from '../platform/config.js';
import { sessionCookieName, type AppDependencies } from '../platform/http/app.js';
import { AppError } from '../platform/http/problem.js';
import { canManageOwnAccount } from './accounts.policy.js';
import { presentMe } from './accounts.presenter.js';
import { completeSignInWithSecondFactor, signIn, signOut } from './sign-in.service.js';
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
import { TRUSTED_DEVICE_DAYS } from './trusted-devices.js';

function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: config.isSecureCookie };
}

function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  // No Max-Age: the cookie ends with the browser; the server enforces idle and absolute timeouts.
  reply.setCookie(sessionCookieName(config), token, cookieOptions(config));
}

function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), cookieOptions(config));
  // Browser state goes with the session (docs/security.md §18, §25). Not "cookies": that would also drop the
  // device cookie, which must outlive sessions (it holds no personal data and opens nothing).
  reply.header('clear-site-data', '"cache", "storage"');
}

/** The device cookie (trusted-devices.ts): __Host- like the session cookie whenever that is. */
export function deviceCookieName(config: Config): string {
  return config.isSecureCookie ? '__Host-kooperacja_device' : 'kooperacja_device';
}

function deviceTokenOf(request: FastifyRequest, config: Config): string | null {
  return request.cookies[deviceCookieName(config)] ?? null;
}

function setDeviceCookie(reply: FastifyReply, config: Config, token: string): void {
  // Strict: only the app's own pages ever send it; it is read at sign-in only.
  reply.setCookie(deviceCookieName(config), token, {
    ...cookieOptions(config),
    sameSite: 'strict',
    maxAge: TRUSTED_DEVICE_DAYS * 86_400,
  });
}

function userAgentOf(request: FastifyRequest): string | null {
  const value = request.headers['user-agent'];
  return typeof value === 'string' ? value : null;
}

function requireSession(request: FastifyRequest): { token: string; csrfToken: string } {
  if (!request.sessionToken || !request.sessionCsrfToken) throw new AppError('unauthenticated');
  return { token: request.sessionToken, csrfToken: request.sessionCsrfToken };
}

export async function authRoutes(app: FastifyInstance, { config, database }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const deps = { db: database.db, config };

  api.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], body: LoginInput, response: { 200: LoginResult } },
      config: { policy: { action: 'auth.login', allow: 'public' } },
    },
    async (request, reply) => {
      const outcome = await signIn(deps, request.ctx, request.body, {
        userAgent: userAgentOf(request),
        previousToken: request.sessionToken,
        deviceToken: deviceTokenOf(request, config),
      });
      setSessionCookie(reply, config, outcome.token);
      if (outcome.status === 'secondFactorRequired') return { status: outcome.status, csrfToken: outcome.csrfToken };
      setDeviceCookie(reply, config, outcome.deviceToken);
      return { status: outcome.status, me: outcome.me };
    },
  );

  api.post(
    '/auth/login/second-factor',
    {
      schema: { tags: ['auth'], body: SecondFactorInput, response: { 200: LoginResult } },
      config: { policy: { action: 'auth.secondFactor', allow: 'signedIn', isAllowedDuringSignIn: true } },
    },
    async (request, reply) => {
      const { token } = requireSession(request);
      if (!request.isSecondFactorPending) throw new AppError('secondFactorNotPending');
      const outcome = await completeSignInWithSecondFactor(deps, request.ctx, token, request.body, {
        userAgent: userAgentOf(request),
        deviceToken: deviceTokenOf(request, config),
      });
      setSessionCookie(reply, config, outcome.token);
      setDeviceCookie(reply, config, outcome.deviceToken);
      return { status: outcome.status, me: outcome.me };
    },
  );

  api.post(
    '/auth/logout',
    {
      schema: { tags: ['auth'], response: { 200: Ok } },
      config: { policy: { action: 'auth.logout', allow: 'signedIn', isAllowedDuringSignIn: true } },
    },
    async (request, reply) => {
      const { token } = requireSession(request);
      await signOut(deps, request.ctx, token);
      clearSessionCookie(reply, config);
      return { ok: true as const };
    },
  );

  api.get(
    '/auth/me',
    {
      schema: { tags: ['auth'], response: { 200: Me } },
      config: { policy: { action: 'auth.me', allow: 'signedIn', isAllowedDuringSignIn: true } },
    },
    async (request) => {
      const { csrfToken } = requireSession(request);
      return presentMe(request.actor!, csrfToken, request.isSecondFactorPending);
    },
  );

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
