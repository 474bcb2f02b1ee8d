/**
 * The basket as Open Referral HSDS 3.0 JSON over HTTP: export (canReadBasket, 404 otherwise) and
 * import preview (canImportBasket); the preview is confirmed through the spreadsheet import's
 * POST /partnerships/:id/basket/imports/:importId/confirm, so both imports end the same way.
 * Also registers the public page setting (publication.routes.ts).
 */
import type { FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isActingInInstitution } from '../../platform/auth/actor.js';
import type { AppDependencies } from '../../platform/http/app.js';
import { AppError } from '../../platform/http/problem.js';
import { IdParams } from '../../../../shared/src/contracts/common.js';
import { ImportPreview } from '../../../../shared/src/contracts/basket.js';
import { exportBasketHsds, previewHsdsImport } from './hsds.service.js';
import { publicationRoutes } from '../public-page/publication.routes.js';
import { importJobs } from './import-jobs.js';

/** An HSDS document may be large (a whole directory); larger ones are split by the sender. */
export const HSDS_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

export async function hsdsRoutes(app: FastifyInstance, deps: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = deps.database.db;
  const tags = ['basket'];

  api.get(
    '/partnerships/:id/basket/hsds.json',
    {
      config: { policy: { action: 'basket.export', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Published services of the basket as HSDS 3.0 JSON (with contact persons; audited)',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const document = await exportBasketHsds(db, request.ctx, request.params.id);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', 'attachment; filename="koszyk-uslug-hsds.json"')
        .send(document);
    },
  );

  // The import reads the document's bytes: they are parsed in an import worker (hsds.read.ts), not
  // by Fastify on the event loop. The parser and the route have a scope of their own.
  const jobs = importJobs(app, deps.config);
  await app.register(async (scope) => {
    // The app's JSON parser is replaced here: the raw bytes go to the worker.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'buffer', bodyLimit: HSDS_BODY_LIMIT_BYTES },
      (_request, body, done) => done(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/partnerships/:id/basket/hsds',
      {
        bodyLimit: HSDS_BODY_LIMIT_BYTES,
        config: { policy: { action: 'basket.import', allow: isActingInInstitution } },
        // The body schema documents the route (OpenAPI); the bytes stay bytes, checked in the worker.
        validatorCompiler: (route) =>
          route.httpPart === 'body'
            ? () => true
            : validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]),
        schema: {
          tags,
          summary: 'HSDS 3.0 JSON -> import preview (nothing written until confirmed)',
          params: IdParams,
          body: z.record(z.string(), z.unknown()).describe('HSDS document (see docs/koszyk-uslug-otwarte-dane.md)'),
          response: { 200: ImportPreview },
        },
      },
      async (request) => {
        const body: unknown = request.body;
        if (!Buffer.isBuffer(body)) throw new AppError('unsupportedMediaType');
        return previewHsdsImport(db, request.ctx, request.params.id, body, jobs, request.log);
      },
    );
  });

  await app.register(async (scope) => publicationRoutes(scope, deps));
}
