/**
 * SECURITY-CRITICAL. The cookies of the accounts domain: the session cookie (ends with the browser;
 * the server enforces the timeouts) and the device cookie of a trusted second factor, shared by the
 * sign-in and own-account routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../platform/config.js';
import { sessionCookieName } from '../platform/http/app.js';
import { AppError } from '../platform/http/problem.js';
import { TRUSTED_DEVICE_DAYS } from './trusted-devices.js';

function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: config.isSecureCookie };
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  // No Max-Age: the cookie ends with the browser; the server enforces idle and absolute timeouts.
  reply.setCookie(sessionCookieName(config), token, cookieOptions(config));
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), cookieOptions(config));
  // Browser state goes with the session (docs/security.md §18, §25). Not "cookies": that would also drop the
  // device cookie, which must outlive sessions (it holds no personal data and opens nothing).
  reply.header('clear-site-data', '"cache", "storage"');
}

/** The device cookie (trusted-devices.ts): __Host- like the session cookie whenever that is. */
export function deviceCookieName(config: Config): string {
  return config.isSecureCookie ? '__Host-kooperacja_device' : 'kooperacja_device';
}

export function deviceTokenOf(request: FastifyRequest, config: Config): string | null {
  return request.cookies[deviceCookieName(config)] ?? null;
}

export function setDeviceCookie(reply: FastifyReply, config: Config, token: string): void {
  // Strict: only the app's own pages ever send it; it is read at sign-in only.
  reply.setCookie(deviceCookieName(config), token, {
    ...cookieOptions(config),
    sameSite: 'strict',
    maxAge: TRUSTED_DEVICE_DAYS * 86_400,
  });
}

export function userAgentOf(request: FastifyRequest): string | null {
  const value = request.headers['user-agent'];
  return typeof value === 'string' ? value : null;
}

export function requireSession(request: FastifyRequest): { token: string; csrfToken: string } {
  if (!request.sessionToken || !request.sessionCsrfToken) throw new AppError('unauthenticated');
  return { token: request.sessionToken, csrfToken: request.sessionCsrfToken };
}
