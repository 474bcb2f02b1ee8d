import { z } from 'zod';
import { PageQuery, Uuid, singleLineString } from './common.js';
import { AuditPurpose } from './audit-actions.js';

export * from './audit-actions.js';

export const auditOutcomes = ['success', 'denied', 'failure'] as const;

/**
 * Whether the event's subject is shown by name: `shown` (the viewer may read it), `hidden` (a kind
 * that has names, but the viewer may not read this one, or it is gone), `none` (a kind without names).
 */
export const auditSubjectNameStatuses = ['shown', 'hidden', 'none'] as const;
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
  subjectName: z
    .string()
    .nullable()
    .describe("The subject's name (institution, partnership, card, user) when the viewer may read it"),
  subjectNameStatus: z
    .enum(auditSubjectNameStatuses)
    .describe('shown: named; hidden: a named kind the viewer may not read (or gone); none: a kind without names'),
  outcome: AuditOutcome,
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  purpose: AuditPurpose.nullable().describe(
    'Purpose of processing personal data (docs/security.md §8), when it applies',
  ),
  hash: z.string().describe("SHA-256 of the event's own content (the legacy chain hash for events before sealing)"),
  sealId: z.number().int().nullable().describe('Signed block that seals the event; null while not yet sealed'),
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
  firstBrokenId: z.number().int().nullable().describe('First event whose hash, seal or place does not match'),
  firstBrokenSealId: z.number().int().nullable().describe('First signed block that does not match'),
  reason: z.string().nullable(),
  sealedCount: z.number().int().describe('Events covered by a signed block'),
  unsealedCount: z.number().int().describe('Events not yet sealed (normally those of the last second)'),
  staleUnsealedCount: z.number().int().describe('Unsealed events older than a minute: the sealer is not running'),
  lastSealedAt: z.string().nullable(),
  sealCount: z.number().int(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;
