/**
 * Builds the Fastify application: security headers, sessions, CSRF, declared route policies,
 * problem+json errors, OpenAPI, the API modules and the built web client.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { sql } from 'drizzle-orm';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import { expectedMigrationCount } from '../db/database.js';
import type { Actor, RequestContext } from '../auth/actor.js';
import type { IssueLike } from '../../../../shared/src/field-messages.js';
import { AppError, fieldError, problemBody, zodIssuesToFieldErrors, type ProblemCode } from './problem.js';
import type { RoutePolicy } from './route-policy.js';
import type { AppComposition, AppDependencies } from './app-composition.js';
import { registerJsonBodyParser } from './json-body.js';
import { safeErrorForLog } from '../logging/safe-error.js';
import { withProblemResponses } from './openapi.js';
import { responseSerializerCompiler } from './serializer.js';

declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyRequest {
    actor: Actor | null;
    ctx: RequestContext;
    sessionToken: string | null;
    sessionCsrfToken: string | null;
    isSecondFactorPending: boolean;
  }
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface FastifyInstance {
    /** Every API route with its declared policy, for the permission matrix test. */
    routeTable: DeclaredRoute[];
  }
}

export type DeclaredRoute = { method: string; url: string; policy: RoutePolicy };

/** Throws for a route without a policy, so such a route can never be served (docs/security.md §1). */
export function assertRouteDeclaresPolicy(
  method: string | string[],
  url: string,
  policy: RoutePolicy | undefined,
): void {
  if (!policy) throw new Error(`Route ${String(method)} ${url} declares no policy`);
}

export type { AppDependencies } from './app-composition.js';
export type App = FastifyInstance;

/**
 * For tests only: an extra module mounted in the API scope like the real ones, to prove that a route
 * registered without a policy stops the app from being built.
 */
export type BuildOptions = {
  extraApiModule?: (api: FastifyInstance) => Promise<void> | void;
  /** For tests: where the technical log goes (standard output otherwise). */
  logStream?: { write: (line: string) => void };
};

/** The policy of the built web client's files, given by the static plugin's scope (it sets no config). */
const webAssetPolicy: RoutePolicy = { action: 'webAsset', allow: 'public' };

/** A client's own request id, kept for correlation in the technical log only: at most 64 safe characters. */
export function clientRequestId(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const cleaned = value?.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 64);
  return cleaned ? cleaned : undefined;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sessionCookieName(config: Config): string {
  // The __Host- prefix requires Secure, which browsers accept only over HTTPS (or localhost).
  return config.isSecureCookie ? '__Host-kooperacja_session' : 'kooperacja_session';
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The app with the platform's hooks; the domains come from the composition root
 * (server/src/composition.ts builds the whole Kooperacja app).
 */
export async function buildApp(
  { config, database }: AppDependencies,
  composition: AppComposition,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      config.LOG_LEVEL === 'silent'
        ? false
        : {
            level: config.LOG_LEVEL,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // Technical logs carry no personal data, tokens or cookies (docs/security.md §11).
            redact: {
              paths: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
              remove: true,
            },
            serializers: {
              // Errors without their message: a database error's message holds the query's parameters.
              err: (error: unknown) => {
                const safe = safeErrorForLog(error);
                return { ...safe, message: '(withheld: may hold personal data)', stack: (safe.stack ?? []).join('\n') };
              },
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: req.url.split('?')[0],
                requestId: req.id,
                clientRequestId: clientRequestId(req.headers['x-request-id']),
              }),
            },
          },
    // The request id is the server's own (it goes into the audit log); a client's x-request-id is
    // only logged, cleaned, as clientRequestId (issue 6, item 11).
    genReqId: () => randomUUID(),
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.BODY_LIMIT_BYTES,
    forceCloseConnections: false,
    // The router's defaults, spelled out: the security hooks decide by the route that matched, so
    // every spelling the router folds onto a route (percent-encoded letters) gets the same checks,
    // and spellings it does not fold (case, slashes, dot segments, semicolons) match no route.
    routerOptions: {
      maxParamLength: 200,
      caseSensitive: true,
      ignoreTrailingSlash: false,
      ignoreDuplicateSlashes: false,
    },
  }).withTypeProvider<ZodTypeProvider>();
  const deps: AppDependencies = { config, database };

  registerJsonBodyParser(app, config.BODY_LIMIT_BYTES);
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas compiled to fast-json-stringify: a whitelist of the contract's fields (serializer.ts).
  app.setSerializerCompiler(responseSerializerCompiler);

  app.decorateRequest('actor', null);
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('sessionCsrfToken', null);
  app.decorateRequest('isSecondFactorPending', false);

  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine sets style attributes at run time; scripts stay strict.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    hsts: config.isSecureCookie ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    allowList: (req) => req.routeOptions.config.policy?.action === 'health',
    errorResponseBuilder: (_req, context) => {
      const error = new AppError('rateLimited', undefined, { 'retry-after': String(Math.ceil(context.ttl / 1000)) });
      return error;
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Kooperacja API',
        description:
          'REST API of Kooperacja. State-changing requests need the session cookie and the x-csrf-token header returned by /api/v1/auth/me. Errors are RFC 9457 problem+json.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config) },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? withProblemResponses(documentObject.openapiObject)
        : documentObject.swaggerObject,
  });

  const cookieName = sessionCookieName(config);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    request.ctx = { actor: null, requestId: request.id, ip: request.ip ?? null };
  });

  // SECURITY-CRITICAL. The session of the API: registered inside the API's own plugin scope (see
  // below), so it runs for every route of the API whatever spelling of the path matched it.
  const loadApiSession = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    const token = request.cookies[cookieName];
    if (!token || token.length > 100) return;
    const session = await composition.loadSession(token);
    if (!session) return;
    request.sessionToken = token;
    request.sessionCsrfToken = session.csrfToken;
    request.isSecondFactorPending = session.isSecondFactorPending;
    request.actor = session.actor;
    request.ctx.actor = session.actor;
  };

  // Declared route policy, CSRF token and Origin check (docs/security.md §1, §17). Runs before body
  // validation, so a caller who may not use a route learns nothing from its validation errors.
  // Refusals are audited (docs/security.md §8): a forged or cross-site write always, and an anonymous
  // call only on routes of records (a role policy), not on "who am I" and other signed-in routes
  // the web app calls before anyone has signed in.
  const refuse = async (
    request: FastifyRequest,
    code: 'csrf' | 'unauthenticated',
    details: Record<string, unknown>,
  ): Promise<never> => {
    await composition.recordRefusal(request.ctx, {
      action: request.routeOptions.config.policy?.action ?? 'unknownRoute',
      details: { reason: code, route: request.routeOptions.url ?? null, method: request.method, ...details },
    });
    throw new AppError(code);
  };

  // SECURITY-CRITICAL. Decided by the route that matched, never by the raw URL: every route has a
  // policy (onRoute below refuses one without), and the not-found handler is the only request
  // without a route.
  app.addHook('preValidation', async (request) => {
    if (!request.routeOptions.url) return;
    const policy = request.routeOptions.config.policy;
    if (!policy) throw new AppError('forbidden');
    if (MUTATING.has(request.method)) {
      const origin = request.headers.origin;
      if (origin) {
        const ownOrigin = `${request.protocol}://${request.host}`;
        if (origin !== ownOrigin && origin !== config.PUBLIC_ORIGIN) await refuse(request, 'csrf', { check: 'origin' });
      }
      if (request.sessionToken) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !request.sessionCsrfToken || !safeEqual(sent, request.sessionCsrfToken)) {
          await refuse(request, 'csrf', { check: 'token' });
        }
      }
    }
    if (policy.allow === 'public') return;
    const actor = request.actor;
    if (!actor) {
      if (typeof policy.allow === 'function') await refuse(request, 'unauthenticated', {});
      throw new AppError('unauthenticated');
    }
    if (!policy.isAllowedDuringSignIn) {
      if (request.isSecondFactorPending) throw new AppError('secondFactorRequired');
      if (actor.mustChangePassword) throw new AppError('passwordChangeRequired');
    }
    if (policy.allow === 'signedIn') return;
    if (!policy.allow(actor)) {
      await composition.recordRefusal(request.ctx, {
        action: policy.action,
        details: { reason: 'policy', route: request.routeOptions.url },
      });
      throw new AppError('forbidden');
    }
  });

  app.setErrorHandler(async (error, request, reply) => {
    const instance = request.url.split('?')[0];
    const send = (code: ProblemCode, errors?: ReturnType<typeof fieldError>[], headers?: Record<string, string>) => {
      const body = problemBody(code, request.id, instance, errors);
      if (headers) reply.headers(headers);
      return reply.status(body.status).type('application/problem+json').send(body);
    };
    if (error instanceof AppError) {
      // A refusal answered with a 5xx (an integrity check that failed, a service that is down) is
      // the server's fault, not the user's: the operator must see it in the technical log too.
      if (problemBody(error.code, request.id).status >= 500) {
        request.log.error({ err: error, problem: error.code }, 'server-side problem');
      }
      return send(error.code, error.errors, error.headers);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const prefix = (error as { validationContext?: string }).validationContext;
      // The provider keeps the rest of each zod issue (origin, minimum, maximum, format...) in `params`.
      const issues = error.validation.map((v) => ({
        ...(v.params as Omit<IssueLike, 'code' | 'message'> & { keys?: string[] }),
        path: v.instancePath.split('/').filter(Boolean),
        code: v.keyword,
        message: v.message ?? '',
      }));
      return send('validation', zodIssuesToFieldErrors(issues, prefix === 'body' ? '' : prefix));
    }
    const fastifyCode = (error as { code?: string }).code;
    if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return send('invalidJson');
    if (fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') return send('invalidJson');
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') return send('payloadTooLarge');
    if (fastifyCode === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fastifyCode === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return send('unsupportedMediaType');
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 429) return send('rateLimited');
    if (status && status >= 400 && status < 500) return send('badRequest');
    request.log.error({ err: error }, 'unhandled error');
    return send('internal');
  });

  app.get(
    '/healthz',
    { config: { policy: { action: 'health', allow: 'public' } }, schema: { hide: true } },
    async () => ({
      status: 'ok',
    }),
  );
  app.get(
    '/readyz',
    { config: { policy: { action: 'health', allow: 'public' } }, schema: { hide: true } },
    async (_req, reply) => {
      try {
        const result = await database.db.execute(sql`select count(*)::int as count from drizzle.__drizzle_migrations`);
        const rows = (result as unknown as { rows: Array<{ count: number }> }).rows;
        const applied = Number(rows[0]?.count ?? 0);
        const expected = expectedMigrationCount();
        if (applied < expected) return reply.status(503).send({ status: 'migrating', applied, expected });
        return { status: 'ready', database: database.kind, migrations: applied };
      } catch {
        return reply.status(503).send({ status: 'unavailable' });
      }
    },
  );

  // A route without a declared policy is a programming error: refuse to start (docs/security.md §1).
  const routeTable: DeclaredRoute[] = [];
  app.decorate('routeTable', routeTable);
  // Checked once every plugin's onRoute hooks ran (a scope's own hook may give its routes their
  // policy, as the web client's scope does below); building or starting fails on a route without one.
  const registeredRoutes: Array<{ method: string | string[]; url: string; config?: { policy?: RoutePolicy } }> = [];
  app.addHook('onRoute', (route) => void registeredRoutes.push(route));
  app.addHook('onReady', async () => {
    for (const route of registeredRoutes) assertRouteDeclaresPolicy(route.method, route.url, route.config?.policy);
  });

  await app.register(
    async (api) => {
      // Hooks of this scope run for every route registered in it, whatever URL spelling matched.
      api.addHook('onRequest', loadApiSession);
      api.addHook('onRoute', (route) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const method of methods) {
          if (method !== 'HEAD' && route.config?.policy) {
            routeTable.push({ method, url: route.url, policy: route.config.policy });
          }
        }
      });
      api.get(
        '/openapi.json',
        { config: { policy: { action: 'openapi', allow: 'public' } }, schema: { hide: true } },
        async () => app.swagger(),
      );
      for (const apiModule of composition.apiModules) await api.register(async (scope) => apiModule(scope, deps));
      if (options.extraApiModule) await api.register(async (scope) => options.extraApiModule!(scope));
    },
    { prefix: '/api/v1' },
  );

  // Public, read-only pages outside /api (no login), e.g. a partnership's published basket.
  for (const publicModule of composition.publicModules) await app.register(async (scope) => publicModule(scope, deps));

  const webDist = path.resolve(config.WEB_DIST_DIR);
  const hasWeb = existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    // The static plugin sets no policy: its file routes (the ones it marks with our root folder)
    // get the public asset policy. Registered at the root, so the SPA fallback can send index.html.
    const webRoot = `${webDist.split(path.sep).join('/')}/`;
    app.addHook('onRoute', (route) => {
      const config = route.config as { policy?: RoutePolicy; rootPath?: string } | undefined;
      if (config && !config.policy && config.rootPath === webRoot) config.policy = webAssetPolicy;
    });
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false, cacheControl: false });
  }
  app.setNotFoundHandler(async (request, reply) => {
    const isApi = request.url.startsWith('/api/');
    if (!isApi && hasWeb && request.method === 'GET') {
      const file = request.url.startsWith('/assets/') ? null : 'index.html';
      if (file) return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile(file);
    }
    return reply
      .status(404)
      .type('application/problem+json')
      .send(problemBody('notFound', request.id, request.url.split('?')[0]));
  });

  return app;
}
