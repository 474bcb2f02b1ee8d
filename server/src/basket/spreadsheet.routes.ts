/** The basket as a spreadsheet over HTTP: template, .xlsx and .csv export (attachments). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../platform/auth/actor.js';
import type { AppDependencies } from '../platform/http/app.js';
import { IdParams } from '../../../shared/src/contracts/common.js';
import { ServiceSearchQuery } from '../../../shared/src/contracts/basket.js';
import { buildTemplate, exportBasketCsv, exportBasketXlsx } from './spreadsheet.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function isActingInInstitution(actor: Actor): boolean {
  return actor.membership !== null;
}

const attachment = (name: string) => `attachment; filename="${name}"`;

export async function spreadsheetRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;
  const tags = ['basket'];
  const ExportQuery = ServiceSearchQuery.omit({ partnershipId: true });

  api.get(
    '/basket/template.xlsx',
    {
      config: { policy: { action: 'basket.template', allow: isActingInInstitution } },
      schema: { tags, summary: 'Empty basket sheet (tool 11) with instructions' },
    },
    async (_request, reply) =>
      reply
        .type(XLSX)
        .header('content-disposition', attachment('koszyk-uslug-szablon.xlsx'))
        .send(await buildTemplate()),
  );

  api.get(
    '/partnerships/:id/basket/export.xlsx',
    {
      config: { policy: { action: 'basket.export', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'The basket as .xlsx (same filters as the search)',
        params: IdParams,
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const file = await exportBasketXlsx(
        db,
        request.ctx,
        request.params.id,
        request.query,
        config.STALE_SERVICE_MONTHS,
      );
      return reply.type(XLSX).header('content-disposition', attachment('koszyk-uslug.xlsx')).send(file);
    },
  );

  api.get(
    '/partnerships/:id/basket/export.csv',
    {
      config: { policy: { action: 'basket.export', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'The basket as .csv (UTF-8 with BOM, semicolons)',
        params: IdParams,
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const file = await exportBasketCsv(
        db,
        request.ctx,
        request.params.id,
        request.query,
        config.STALE_SERVICE_MONTHS,
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', attachment('koszyk-uslug.csv'))
        .send(file);
    },
  );
}
