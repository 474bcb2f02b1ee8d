import { z } from 'zod';

/** Roles a user can hold in an institution (DESIGN.md §3). */
export const roles = [
  'admin',
  'director',
  'networkCoordinator',
  'caseManager',
  'partnerRepresentative',
  'specialist',
  'supervisor',
  'evaluator',
  'ropsCoordinator',
  'pcprAnimator',
] as const;
export const Role = z.enum(roles).describe('Role held in an institution');
export type Role = z.infer<typeof Role>;

export const institutionKinds = [
  'ops',
  'gops',
  'mops',
  'cus',
  'pcpr',
  'rops',
  'school',
  'police',
  'courtProbation',
  'healthCare',
  'labourOffice',
  'psychologicalPedagogicalClinic',
  'alcoholCommission',
  'interdisciplinaryTeam',
  'culture',
  'sport',
  'ngo',
  'church',
  'business',
  'other',
] as const;
export const InstitutionKind = z.enum(institutionKinds).describe('Kind of institution');
export type InstitutionKind = z.infer<typeof InstitutionKind>;

/** Kinds that may lead a partnership (OPS in any of its names, or a CUS). */
export const leaderInstitutionKinds: readonly InstitutionKind[] = ['ops', 'gops', 'mops', 'cus'];

export const sectors = ['public', 'ngo', 'church', 'private'] as const;
export const Sector = z.enum(sectors).describe('Sector of the institution');
export type Sector = z.infer<typeof Sector>;

/** Areas of cooperation (seed 002 §2.1). */
export const cooperationAreas = [
  'socialAssistance',
  'education',
  'health',
  'employment',
  'culture',
  'sport',
  'recreation',
  'judiciary',
  'police',
  'civicActivity',
] as const;
export const CooperationArea = z.enum(cooperationAreas).describe('Area of cooperation');
export type CooperationArea = z.infer<typeof CooperationArea>;

export const modelVariants = ['rural', 'urbanRural', 'urban3d'] as const;
export const ModelVariant = z.enum(modelVariants).describe('Variant of the cooperation model');
export type ModelVariant = z.infer<typeof ModelVariant>;

export const Uuid = z.uuid().describe('Identifier (UUID)');
export const IdParams = z.object({ id: Uuid }).strict();

/** An ISO date (yyyy-MM-dd); the UI shows it as dd.MM.yyyy. */
export const IsoDate = z.iso.date().describe('Date, yyyy-MM-dd');
export const IsoDateTime = z.string().describe('Date and time, ISO 8601 UTC');

/**
 * SECURITY-RELEVANT (docs/security.md §20). The one text primitive of the contracts: every free-text
 * string a request carries is checked here. NUL and the other C0/C1 control characters (and DEL)
 * are refused, and so are lone UTF-16 surrogates: PostgreSQL cannot store either, so without this
 * they reached the database and came back as a 500. Tab, line feed and carriage return are allowed
 * only in multi-line fields (the textareas). The field error is `controlCharacter`.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const forbiddenInSingleLine = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const forbiddenInMultiLine = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

/** True when the value holds no control character (tab, CR, LF allowed only when multi-line) and no lone surrogate. */
export function isPlainText(value: string, { isMultiLine = false }: { isMultiLine?: boolean } = {}): boolean {
  return !(isMultiLine ? forbiddenInMultiLine : forbiddenInSingleLine).test(value);
}

/** A one-line string (names, addresses, search words, passwords): no control characters at all. */
export const singleLineString = () => z.string().refine((v) => isPlainText(v), 'controlCharacter');
/** A string that may span lines (descriptions, notes): tab, CR and LF allowed, other controls not. */
export const multiLineString = () =>
  z.string().refine((v) => isPlainText(v, { isMultiLine: true }), 'controlCharacter');

/** Free text fields are trimmed and bounded; empty strings become null where optional. One line. */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .refine((v) => isPlainText(v), 'controlCharacter')
    .min(1)
    .max(max);
export const OptionalText = (max: number) =>
  z
    .string()
    .trim()
    .refine((v) => isPlainText(v), 'controlCharacter')
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();
/** As Text, for fields that may span lines. */
export const MultiLineText = (max: number) =>
  z
    .string()
    .trim()
    .refine((v) => isPlainText(v, { isMultiLine: true }), 'controlCharacter')
    .min(1)
    .max(max);
/** As OptionalText, for fields that may span lines. */
export const OptionalMultiLineText = (max: number) =>
  z
    .string()
    .trim()
    .refine((v) => isPlainText(v, { isMultiLine: true }), 'controlCharacter')
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();
/** Search words of a list or search query: one line, trimmed, bounded. */
export const SearchWords = (max: number) =>
  z
    .string()
    .trim()
    .refine((v) => isPlainText(v), 'controlCharacter')
    .max(max)
    .optional();

export const Email = z.string().trim().toLowerCase().max(254).pipe(z.email()).describe('E-mail address');
export const Phone = z
  .string()
  .trim()
  .max(40)
  .regex(/^[+0-9 ()-]{3,40}$/, 'phone')
  .describe('Phone number');

export const PageQuery = {
  page: z.coerce.number().int().min(1).max(10_000).default(1).describe('Page number, from 1'),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).describe('Items per page'),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int().describe('Number of matching items'),
    page: z.number().int(),
    pageSize: z.number().int(),
  });

/** RFC 9457 problem details, with messages in Polish and English and the fields at fault. */
export const Problem = z.object({
  type: z.string().describe('URI identifying the problem type'),
  title: z.string().describe('Short summary in English'),
  status: z.number().int(),
  detail: z.string().optional().describe('Explanation in English'),
  instance: z.string().optional(),
  code: z.string().describe('Stable machine-readable code'),
  messages: z.object({ pl: z.string(), en: z.string() }).describe('Human-readable message per language'),
  requestId: z.string().describe('Request id, also in the logs'),
  errors: z
    .array(
      z.object({
        field: z.string().describe('Path of the field at fault, dot separated'),
        code: z.string(),
        messages: z.object({ pl: z.string(), en: z.string() }),
      }),
    )
    .optional(),
});
export type Problem = z.infer<typeof Problem>;

export const Ok = z.object({ ok: z.literal(true) });
