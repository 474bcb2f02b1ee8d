import { z } from 'zod';
import {
  Email,
  InstitutionKind,
  IsoDate,
  ModelVariant,
  OptionalMultiLineText,
  OptionalText,
  PageQuery,
  SearchWords,
  Phone,
  Text,
  Uuid,
  pageOf,
} from './common.js';

/** Status of an institution in a partnership (an institution may take part without a declaration). */
export const memberStatuses = ['invited', 'participating', 'declared', 'suspended', 'left'] as const;
export const MemberStatus = z.enum(memberStatuses).describe('Status of the member institution');
export type MemberStatus = z.infer<typeof MemberStatus>;

/** Stage of the partnership's life cycle (seed 002 §4); the full life cycle comes later. */
export const partnershipStages = ['initiation', 'planning', 'acting', 'closed'] as const;
export const PartnershipStage = z.enum(partnershipStages).describe('Stage of the partnership');

const partnershipFields = {
  name: Text(300).describe('Name of the partnership (PZK)'),
  territoryCode: z
    .string()
    .regex(/^\d{7}$/, 'territoryCode')
    .describe('TERYT code of the gmina (7 digits)'),
  areaDescription: OptionalMultiLineText(500).describe('Part of the gmina covered, when not the whole gmina'),
  modelVariant: ModelVariant,
  leaderInstitutionId: Uuid.describe('Leader institution (OPS or CUS)'),
  establishedOn: IsoDate.nullable().optional(),
  coordinatorUserIds: z
    .array(Uuid)
    .min(1)
    .max(2)
    .refine((ids) => new Set(ids).size === ids.length, 'unique')
    .describe('One or two network coordinators (users of the leader institution)'),
};

export const CreatePartnershipInput = z.object(partnershipFields).strict();
export type CreatePartnershipInput = z.input<typeof CreatePartnershipInput>;

export const UpdatePartnershipInput = z
  .object({
    ...CreatePartnershipInput.partial().shape,
    stage: PartnershipStage.optional(),
    version: z.number().int().min(1).describe('Version read by the client; a stale one is refused (409)'),
  })
  .strict();
export type UpdatePartnershipInput = z.input<typeof UpdatePartnershipInput>;

const memberFields = {
  status: MemberStatus,
  declarationDate: IsoDate.nullable().optional().describe('Date of the declaration of accession'),
  representativeName: OptionalText(200).describe('Representative with decision authority'),
  representativePosition: OptionalText(200),
  representativeEmail: Email.nullable().optional(),
  representativePhone: Phone.nullable().optional(),
};

export const AddMemberInput = z.object({ institutionId: Uuid, ...memberFields }).strict();
export type AddMemberInput = z.input<typeof AddMemberInput>;

export const UpdateMemberInput = z.object(memberFields).partial().strict();
export type UpdateMemberInput = z.input<typeof UpdateMemberInput>;

export const MemberParams = z.object({ id: Uuid, memberId: Uuid }).strict();

export const PartnershipMember = z.object({
  id: Uuid,
  institutionId: Uuid,
  institutionName: z.string(),
  institutionKind: InstitutionKind,
  status: MemberStatus,
  declarationDate: z.string().nullable(),
  representativeName: z.string().nullable(),
  representativePosition: z.string().nullable(),
  representativeEmail: z.string().nullable(),
  representativePhone: z.string().nullable(),
});
export type PartnershipMember = z.infer<typeof PartnershipMember>;

export const PartnershipSummary = z.object({
  id: Uuid,
  name: z.string(),
  territoryCode: z.string(),
  territoryName: z.string(),
  modelVariant: ModelVariant,
  stage: PartnershipStage,
  leaderInstitutionId: Uuid,
  leaderInstitutionName: z.string(),
  memberCount: z.number().int(),
});
export type PartnershipSummary = z.infer<typeof PartnershipSummary>;

export const Partnership = PartnershipSummary.extend({
  areaDescription: z.string().nullable(),
  establishedOn: z.string().nullable(),
  coordinators: z.array(z.object({ userId: Uuid, displayName: z.string(), since: z.string() })),
  members: z.array(PartnershipMember),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: z.object({ canUpdate: z.boolean(), canManageMembers: z.boolean() }),
});
export type Partnership = z.infer<typeof Partnership>;

export const PartnershipListQuery = z
  .object({
    q: SearchWords(100),
    territoryCode: z
      .string()
      .regex(/^\d{2}(\d{2}(\d{3})?)?$/)
      .optional(),
    modelVariant: ModelVariant.optional(),
    ...PageQuery,
  })
  .strict();
export type PartnershipListQuery = z.input<typeof PartnershipListQuery>;

export const PartnershipPage = pageOf(PartnershipSummary);
export type PartnershipPage = z.infer<typeof PartnershipPage>;
