import { z } from 'zod';
import {
  CooperationArea,
  Email,
  InstitutionKind,
  OptionalText,
  PageQuery,
  SearchWords,
  Phone,
  Sector,
  Text,
  Uuid,
  pageOf,
} from './common.js';

export const InstitutionContact = z
  .object({
    name: Text(200).describe('Contact person'),
    position: OptionalText(200).describe('Position or function'),
    email: Email.nullable().optional(),
    phone: Phone.nullable().optional(),
  })
  .strict();
export type InstitutionContact = z.infer<typeof InstitutionContact>;

const institutionFields = {
  name: Text(300).describe('Full official name'),
  shortName: OptionalText(100).describe('Short name, e.g. MOPS Łódź'),
  kind: InstitutionKind,
  sector: Sector,
  cooperationAreas: z.array(CooperationArea).max(10).describe('Areas of cooperation the institution covers'),
  territoryCode: z
    .string()
    .regex(/^\d{7}$/, 'territoryCode')
    .describe('TERYT code of the gmina (7 digits)'),
  street: OptionalText(200).describe('Street and number'),
  postalCode: z
    .string()
    .trim()
    .regex(/^(\d{2}-\d{3})?$/, 'postalCode')
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional()
    .describe('Postal code, NN-NNN'),
  city: OptionalText(100).describe('Town or village'),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  website: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .nullable()
    .optional()
    .describe('Website (http/https)'),
  contacts: z.array(InstitutionContact).max(20).default([]).describe('Contact persons'),
};

export const CreateInstitutionInput = z.object(institutionFields).strict();
export type CreateInstitutionInput = z.input<typeof CreateInstitutionInput>;

export const UpdateInstitutionInput = z
  .object({
    ...CreateInstitutionInput.partial().shape,
    contacts: z.array(InstitutionContact).max(20).optional().describe('Contact persons'),
    version: z.number().int().min(1).describe('Version read by the client; a stale one is refused (409)'),
  })
  .strict();
export type UpdateInstitutionInput = z.input<typeof UpdateInstitutionInput>;

export const InstitutionAbilities = z.object({
  canUpdate: z.boolean(),
  canArchive: z.boolean(),
  canChangeAccessFields: z
    .boolean()
    .describe('Whether kind and territory (they decide access) may be changed: deployment administrators only'),
});

export const InstitutionSummary = z.object({
  id: Uuid,
  name: z.string(),
  shortName: z.string().nullable(),
  kind: InstitutionKind,
  sector: Sector,
  cooperationAreas: z.array(CooperationArea),
  territoryCode: z.string(),
  territoryName: z.string(),
  city: z.string().nullable(),
  isArchived: z.boolean(),
});
export type InstitutionSummary = z.infer<typeof InstitutionSummary>;

export const Institution = InstitutionSummary.extend({
  street: z.string().nullable(),
  postalCode: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  website: z.string().nullable(),
  contacts: z.array(
    z.object({
      name: z.string(),
      position: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
    }),
  ),
  powiatName: z.string().nullable(),
  voivodeshipName: z.string().nullable(),
  archivedAt: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: InstitutionAbilities,
});
export type Institution = z.infer<typeof Institution>;

export const InstitutionListQuery = z
  .object({
    q: SearchWords(100).describe('Name, with or without Polish diacritics'),
    kind: InstitutionKind.optional(),
    sector: Sector.optional(),
    area: CooperationArea.optional(),
    territoryCode: z
      .string()
      .regex(/^\d{2}(\d{2}(\d{3})?)?$/)
      .optional()
      .describe('Voivodeship (2), powiat (4) or gmina (7 digits) TERYT code'),
    includeArchived: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ...PageQuery,
  })
  .strict();
export type InstitutionListQuery = z.input<typeof InstitutionListQuery>;

export const InstitutionPage = pageOf(InstitutionSummary);
export type InstitutionPage = z.infer<typeof InstitutionPage>;
