/** The basket as a spreadsheet over HTTP: template, .xlsx and .csv export (attachments). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActingInInstitution } from '../../platform/auth/actor.js';
import type { AppDependencies } from '../../platform/http/app.js';
import { AppError, fieldError } from '../../platform/http/problem.js';
import { IdParams } from '../../../../shared/src/contracts/common.js';
import {
  ConfirmImportInput,
  ImportMappingInput,
  ImportMappings,
  ImportPreview,
  ImportResult,
  ServiceSearchQuery,
} from '../../../../shared/src/contracts/basket.js';
import { z } from 'zod';
import { confirmImport, previewSpreadsheetImport } from './spreadsheet.import.js';
import { buildImportErrorsXlsx } from './import-errors.js';
import { saveImportMappings } from './import-mappings.js';
import { buildTemplate, exportBasketCsv, exportBasketXlsx } from './spreadsheet.service.js';
import { importJobs } from './import-jobs.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** ASCII-only, fixed file names: nothing from the request or the data reaches the header. */
const attachment = (stem: string, extension: string) =>
  `attachment; filename="${stem}-${new Date().toISOString().slice(0, 10)}.${extension}"`;

export async function spreadsheetRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;
  const tags = ['basket'];
  const ExportQuery = ServiceSearchQuery.omit({ partnershipId: true });
  // The sheet is read in an import worker (spreadsheet.read.ts), terminated when the app closes.
  const jobs = importJobs(app, config);

  // Spreadsheets arrive as the raw body; the limit bounds the packed size (the import bounds the unpacked).
  api.addContentTypeParser(XLSX, { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );
  // Any other type (a CSV or PDF sent as text/csv, application/pdf, octet-stream) arrives as bytes
  // too, so the worker's check of the content answers the one "not an .xlsx" problem whatever the
  // header claims. Only in this module's scope; JSON keeps its own parser (the confirmation).
  api.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  api.post(
    '/partnerships/:id/basket/imports',
    {
      config: { policy: { action: 'basket.import', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Upload a basket sheet (.xlsx body); answers a preview per row, writes nothing',
        params: IdParams,
        response: { 200: ImportPreview },
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) throw new AppError('notXlsx', [fieldError('file', 'notXlsx')]);
      return previewSpreadsheetImport(db, request.ctx, request.params.id, request.body, jobs, request.log);
    },
  );

  api.post(
    '/partnerships/:id/basket/imports/:importId/confirm',
    {
      config: { policy: { action: 'basket.import', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Apply a previewed import in one transaction',
        params: z.object({ id: IdParams.shape.id, importId: IdParams.shape.id }).strict(),
        body: ConfirmImportInput.partial().optional(),
        response: { 200: ImportResult },
      },
    },
    async (request) => {
      const { duplicates, newCards } = request.body ?? {};
      return confirmImport(
        db,
        request.ctx,
        request.params.id,
        request.params.importId,
        { duplicates, newCards },
        config.STALE_SERVICE_MONTHS,
      );
    },
  );

  api.get(
    '/partnerships/:id/basket/imports/:importId/errors.xlsx',
    {
      config: { policy: { action: 'basket.import.errors', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'The rejected rows of a pending sheet import with their reasons (uploader only)',
        params: z.object({ id: IdParams.shape.id, importId: IdParams.shape.id }).strict(),
      },
    },
    async (request, reply) => {
      const file = await buildImportErrorsXlsx(db, request.ctx, request.params.id, request.params.importId);
      return reply
        .type(XLSX)
        .header('content-disposition', attachment('koszyk-uslug-bledy-importu', 'xlsx'))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  api.put(
    '/partnerships/:id/basket/import-mappings',
    {
      config: { policy: { action: 'basket.import.mapping', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'Set how sheet columns are read (kept per partnership for the next imports)',
        params: IdParams,
        body: ImportMappingInput,
        response: { 200: ImportMappings },
      },
    },
    async (request) => saveImportMappings(db, request.ctx, request.params.id, request.body),
  );

  api.get(
    '/basket/template.xlsx',
    {
      config: { policy: { action: 'basket.template', allow: isActingInInstitution } },
      schema: { tags, summary: 'Empty basket sheet (tool 11) with instructions' },
    },
    async (_request, reply) =>
      reply
        .type(XLSX)
        .header('content-disposition', attachment('koszyk-uslug-szablon', 'xlsx'))
        .header('x-content-type-options', 'nosniff')
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
      return reply
        .type(XLSX)
        .header('content-disposition', attachment('koszyk-uslug', 'xlsx'))
        .header('x-content-type-options', 'nosniff')
        .send(file);
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
        .header('content-disposition', attachment('koszyk-uslug', 'csv'))
        .header('x-content-type-options', 'nosniff')
        .send(file);
    },
  );
}
