/**
 * The card for a client over HTTP: the PDF to print, the DOCX to edit, and sending it to a client's e-mail address.
 * Both are reads of the card under its read rule (the service decides: 404 for a card the caller
 * may not see); sending is rate-limited per user.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { isActingInInstitution } from '../../platform/auth/actor.js';
import type { AppDependencies } from '../../platform/http/app.js';
import { mailerFor } from '../../notifications/mailer.js';
import { IdParams, Ok } from '../../../../shared/src/contracts/common.js';
import { SendServiceLeafletInput } from '../../../../shared/src/contracts/basket.js';
import { DOCX_CONTENT_TYPE } from '../../documents/index.js';
import { getServiceLeaflet, getServiceLeafletDocx, sendServiceLeaflet } from './leaflet.service.js';

const HOUR = 60 * 60 * 1000;

export async function leafletRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const db = database.db;
  const tags = ['basket'];

  api.get(
    '/services/:id/leaflet.pdf',
    {
      config: { policy: { action: 'service.leaflet', allow: isActingInInstitution } },
      schema: { tags, summary: 'The card for a client: one A4 page, PDF (audited like a card read)', params: IdParams },
    },
    async (request, reply) => {
      const leaflet = await getServiceLeaflet(db, request.ctx, request.params.id, config.STALE_SERVICE_MONTHS);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${leaflet.fileName}"`)
        .header('x-content-type-options', 'nosniff')
        .send(leaflet.bytes);
    },
  );

  api.get(
    '/services/:id/leaflet.docx',
    {
      config: { policy: { action: 'service.leaflet', allow: isActingInInstitution } },
      schema: {
        tags,
        summary: 'The card for a client as DOCX, to edit in Word or LibreOffice (audited like a card read)',
        params: IdParams,
      },
    },
    async (request, reply) => {
      const leaflet = await getServiceLeafletDocx(db, request.ctx, request.params.id, config.STALE_SERVICE_MONTHS);
      return reply
        .type(DOCX_CONTENT_TYPE)
        .header('content-disposition', `attachment; filename="${leaflet.fileName}"`)
        .header('x-content-type-options', 'nosniff')
        .send(leaflet.bytes);
    },
  );

  api.post(
    '/services/:id/leaflet/email',
    {
      config: {
        policy: { action: 'service.leafletSend', allow: isActingInInstitution },
        // Per signed-in user (the route's policy admits no one else): a worker sends a few cards a
        // day, so a burst means a script or a stolen session, and the mail relay's reputation is shared.
        // Counted after the policy and the body's validation (preHandler), so a refused or malformed
        // request answers for itself and only real sends use the allowance.
        rateLimit: {
          hook: 'preHandler',
          max: config.LEAFLET_EMAILS_PER_HOUR,
          timeWindow: HOUR,
          keyGenerator: (request) => `leaflet-email:${request.actor?.userId ?? request.ip}`,
        },
      },
      schema: {
        tags,
        summary: "Send the card for a client (PDF) to the client's e-mail address (not stored)",
        params: IdParams,
        body: SendServiceLeafletInput,
        response: { 200: Ok },
      },
    },
    async (request) =>
      sendServiceLeaflet(
        db,
        request.ctx,
        request.params.id,
        request.body,
        config.STALE_SERVICE_MONTHS,
        mailerFor(config),
      ),
  );
}
