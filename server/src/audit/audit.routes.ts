/**
 * Audit log endpoints for deployment administrators. The route policies refuse everyone else with
 * 403, and the app records each refusal as a `denied` event.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDependencies } from '../platform/http/app.js';
import { AuditListQuery, AuditPage, AuditVerification } from '../../../shared/src/contracts/audit.js';
import { canReadAudit, canVerifyAudit } from './audit.policy.js';
import { listAuditEvents, verifyAuditLog } from './audit.service.js';
import { loadAuditSealKey } from './audit.seal-key.js';

const tags = ['audit'];

export async function auditRoutes(app: FastifyInstance, { database, config }: AppDependencies): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { db } = database;
  // The key's public half checks the blocks' signatures; main.ts warns when it is the development key.
  const sealKey = loadAuditSealKey(config);

  api.get(
    '/audit-events',
    {
      config: { policy: { action: 'audit.list', allow: canReadAudit } },
      schema: { tags, querystring: AuditListQuery, response: { 200: AuditPage } },
    },
    async (request) => listAuditEvents(db, request.ctx, request.query),
  );

  api.get(
    '/audit-events/verification',
    {
      config: { policy: { action: 'audit.verify', allow: canVerifyAudit } },
      schema: { tags, response: { 200: AuditVerification } },
    },
    async (request) => verifyAuditLog(db, request.ctx, sealKey),
  );
}
