import { z } from 'zod';
import { PageQuery, Uuid, singleLineString } from './common.js';

export const auditOutcomes = ['success', 'denied', 'failure'] as const;
export const AuditOutcome = z.enum(auditOutcomes);

export const AuditEventView = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  requestId: z.string().nullable(),
  actorUserId: z.string().nullable(),
  actorDisplayName: z.string().nullable(),
  actorInstitutionId: z.string().nullable(),
  actorInstitutionName: z.string().nullable(),
  actorRole: z.string().nullable(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  outcome: AuditOutcome,
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEventView = z.infer<typeof AuditEventView>;

export const AuditListQuery = z
  .object({
    action: singleLineString().max(100).optional().describe('Action prefix, e.g. institution.'),
    actorUserId: Uuid.optional(),
    subjectId: singleLineString().max(100).optional(),
    outcome: AuditOutcome.optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
    ...PageQuery,
  })
  .strict();
export type AuditListQuery = z.input<typeof AuditListQuery>;

export const AuditPage = z.object({
  items: z.array(AuditEventView),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const AuditVerification = z.object({
  isValid: z.boolean(),
  checkedCount: z.number().int(),
  firstBrokenId: z.number().int().nullable().describe('First row whose hash or link does not match'),
  reason: z.string().nullable(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;
