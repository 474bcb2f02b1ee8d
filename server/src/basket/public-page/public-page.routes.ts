/**
 * The public basket page, registered at the root (outside /api): no session is read for these
 * URLs, helmet's headers and CSP apply. The answers carry no personal data, so they may be cached
 * by browsers and proxies for five minutes; "not found" is not cached, so publishing shows at once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDependencies } from '../../platform/http/app.js';
import { loadPublicBasketHsds, loadPublicBasketPage, readPublicQuery } from './public-page.service.js';
import {
  publicPageStylesheet,
  renderNotFoundPage,
  renderPublicBasketPage,
  STYLESHEET_PATH,
} from './public-page.render.js';

const PUBLIC_CACHE = 'public, max-age=300';
const policy = { action: 'basket.publicPage', allow: 'public' } as const;

export async function publicBasketRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const db = database.db;
  const originOf = (request: FastifyRequest) =>
    (config.PUBLIC_ORIGIN ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
  const notFound = (reply: FastifyReply) =>
    reply.status(404).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(renderNotFoundPage());

  // A static path wins over /koszyk/:slug in the router, and a slug cannot contain a dot.
  app.get(STYLESHEET_PATH, { config: { policy }, schema: { hide: true } }, async (_request, reply) =>
    reply.header('cache-control', PUBLIC_CACHE).type('text/css; charset=utf-8').send(publicPageStylesheet),
  );

  app.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
    '/koszyk/:slug',
    { config: { policy }, schema: { hide: true } },
    async (request, reply) => {
      const model = await loadPublicBasketPage(
        db,
        request.params.slug,
        readPublicQuery(request.query),
        originOf(request),
        config.STALE_SERVICE_MONTHS,
      );
      if (!model) return notFound(reply);
      return reply
        .header('cache-control', PUBLIC_CACHE)
        .type('text/html; charset=utf-8')
        .send(renderPublicBasketPage(model));
    },
  );

  app.get<{ Params: { slug: string } }>(
    '/koszyk/:slug/hsds.json',
    { config: { policy }, schema: { hide: true } },
    async (request, reply) => {
      const document = await loadPublicBasketHsds(db, request.params.slug, originOf(request));
      if (!document) return notFound(reply);
      return reply
        .header('cache-control', PUBLIC_CACHE)
        .header('access-control-allow-origin', '*')
        .type('application/json; charset=utf-8')
        .send(document);
    },
  );
}
