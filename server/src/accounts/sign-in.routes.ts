/**
 * SECURITY-CRITICAL. Sign-in with the second factor, sign-out and who is signed in: /api/v1/auth/login,
 * /auth/logout, /auth/me. Routes parse, authorise (declared policy), call the service and present; no
 * SQL here.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LoginInput, LoginResult, Me, SecondFactorInput } from '../../../shared/src/contracts/auth.js';
import { Ok } from '../../../shared/src/contracts/common.js';
import type { AppDependencies } from '../platform/http/app.js';
import { AppError } from '../platform/http/problem.js';
import { presentMe } from './accounts.presenter.js';
import { completeSignInWithSecondFactor, signIn, signOut } from './sign-in.service.js';
import {
  clearSessionCookie,
  deviceTokenOf,
  requireSession,
  setDeviceCookie,
  setSessionCookie,
  userAgentOf,
} from './cookies.js';

export async function signInRoutes(app: FastifyInstance, { config, database }: AppDependencies): Promise<void> {
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
}
