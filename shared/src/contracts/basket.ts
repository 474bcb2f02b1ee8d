/**
 * The local basket of services (lokalny koszyk usług): service cards (tool 7), the basket views
 * and search, change requests, import/export and the gap view. Field names follow DESIGN.md §4.2.
 */
import { z } from 'zod';
import {
  CooperationArea,
  Email,
  InstitutionKind,
  MultiLineText,
  OptionalMultiLineText,
  OptionalText,
  PageQuery,
  SearchWords,
  Phone,
  Text,
  Uuid,
  pageOf,
  singleLineString,
} from './common.js';

export const targetGroups = [
  'children',
  'youth',
  'families',
  'adults',
  'seniors',
  'disabled',
  'unemployed',
  'homeless',
  'addicted',
  'violenceVictims',
  'migrants',
  'caregivers',
  'all',
] as const;
export const TargetGroup = z.enum(targetGroups).describe('Target group of a service');
export type TargetGroup = z.infer<typeof TargetGroup>;

/** Who offers the service: a partner of the PZK, a neighbourhood institution, or a self-help group. */
export const serviceOrigins = ['partner', 'neighbourhood', 'selfHelp'] as const;
export const ServiceOrigin = z.enum(serviceOrigins).describe('Origin of the service');
export type ServiceOrigin = z.infer<typeof ServiceOrigin>;

export const serviceStatuses = ['draft', 'submitted', 'published', 'suspended', 'withdrawn'] as const;
export const ServiceStatus = z.enum(serviceStatuses).describe('Status of the service card');
export type ServiceStatus = z.infer<typeof ServiceStatus>;

export const serviceCosts = ['free', 'paid', 'meansTested'] as const;
export const ServiceCost = z.enum(serviceCosts).describe('Cost for the person: free, paid, means-tested');
export type ServiceCost = z.infer<typeof ServiceCost>;

export const locationKinds = ['address', 'atHome', 'remote'] as const;
export const LocationKind = z.enum(locationKinds).describe('Where the service is given');

export const reachKinds = ['gminas', 'powiat', 'voivodeship'] as const;
export const ReachKind = z.enum(reachKinds).describe('Territorial reach of the service');

/** ISO 639-1 language codes the service is offered in. */
export const LanguageCode = z.string().regex(/^[a-z]{2}$/, 'languageCode');

const TerytCode = z.string().regex(/^\d{2}(\d{2}(\d{3})?)?$/, 'territoryCode');

const serviceFields = {
  name: Text(200).describe('Name of the service'),
  description: MultiLineText(5000).describe('What the service is and what a person gets'),
  providerInstitutionId: Uuid.nullable().optional().describe('Provider from the registry'),
  providerName: OptionalText(300).describe('Provider outside the registry (self-help group, neighbourhood)'),
  origin: ServiceOrigin,
  cooperationAreas: z.array(CooperationArea).min(1).max(10),
  targetGroups: z.array(TargetGroup).min(1).max(13),
  isCompound: z.boolean().default(false).describe('Compound service: several linked activities'),
  isReferralRequired: z.boolean().default(false),
  referralBy: OptionalText(300).describe('Who refers, when a referral is needed'),
  accessDescription: OptionalMultiLineText(2000).describe('How to access the service'),
  eligibility: OptionalMultiLineText(2000).describe('Who is eligible'),
  cost: ServiceCost,
  costDescription: OptionalMultiLineText(1000),
  locationKind: LocationKind,
  street: OptionalText(200),
  postalCode: z
    .string()
    .trim()
    .regex(/^(\d{2}-\d{3})?$/, 'postalCode')
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional(),
  city: OptionalText(100),
  territoryCode: z
    .string()
    .regex(/^\d{7}$/, 'territoryCode')
    .nullable()
    .optional()
    .describe('Gmina where the service is given'),
  reachKind: ReachKind,
  reachCodes: z
    .array(TerytCode)
    .min(1)
    .max(500)
    .describe('Gminas (7 digits), or one powiat (4), or one voivodeship (2)'),
  schedule: OptionalMultiLineText(1000).describe('Days and hours'),
  capacity: OptionalMultiLineText(500).describe('Places, groups, limits'),
  waitingTimeDays: z.number().int().min(0).max(3650).nullable().optional().describe('Typical waiting time in days'),
  contactName: OptionalText(200),
  contactPhone: Phone.nullable().optional(),
  contactEmail: Email.nullable().optional(),
  languages: z.array(LanguageCode).min(1).max(20).default(['pl']),
  isAccessible: z.boolean().default(false).describe('Accessible to people with disabilities'),
  accessibilityDescription: OptionalMultiLineText(1000),
};

/**
 * The service card's content fields, in form order: the one list from which the card store (what
 * changed, snapshots), the form, the HSDS mapping and the public page take theirs.
 */
export const serviceCardFields = z.object(serviceFields).keyof().options;
export type ServiceCardField = (typeof serviceCardFields)[number];
/** The contact person of a card: shown to signed-in partners only, never on a public page or in open data. */
export const contactPersonFields = [
  'contactName',
  'contactPhone',
  'contactEmail',
] as const satisfies readonly ServiceCardField[];

export const CreateServiceInput = z.object({ partnershipId: Uuid, ...serviceFields }).strict();
export type CreateServiceInput = z.input<typeof CreateServiceInput>;

export const UpdateServiceInput = z
  .object({
    ...z.object(serviceFields).partial().shape,
    version: z.number().int().min(1).describe('Version read by the client; a stale one is refused (409)'),
  })
  .strict();
export type UpdateServiceInput = z.input<typeof UpdateServiceInput>;

/** Status transitions: submit (provider), publish/suspend/withdraw (leader), confirm (still current). */
export const serviceTransitions = ['submit', 'publish', 'suspend', 'withdraw', 'returnToDraft', 'confirm'] as const;
export const ServiceTransitionInput = z
  .object({
    action: z.enum(serviceTransitions),
    reason: OptionalMultiLineText(1000).describe('Required when suspending or withdrawing'),
    version: z.number().int().min(1),
  })
  .strict();
export type ServiceTransitionInput = z.input<typeof ServiceTransitionInput>;

/**
 * "Wyślij klientowi": the client's e-mail address for one message with the card for the client
 * (PDF). The address is used for that message only: never stored, logged or audited.
 */
export const SendServiceLeafletInput = z
  .object({ email: Email.describe("The client's e-mail address (used once, not stored)") })
  .strict();
export type SendServiceLeafletInput = z.input<typeof SendServiceLeafletInput>;

export const ServiceAbilities = z.object({
  canUpdate: z.boolean(),
  canSubmit: z.boolean(),
  canPublish: z.boolean(),
  canSuspend: z.boolean(),
  canWithdraw: z.boolean(),
  canConfirm: z.boolean(),
});

export const ServiceSummary = z.object({
  id: Uuid,
  partnershipId: Uuid,
  partnershipName: z.string(),
  name: z.string(),
  providerInstitutionId: Uuid.nullable(),
  providerName: z.string().describe('Registry name of the provider, or providerName'),
  providerKind: InstitutionKind.nullable(),
  origin: ServiceOrigin,
  status: ServiceStatus,
  cooperationAreas: z.array(CooperationArea),
  targetGroups: z.array(TargetGroup),
  cost: ServiceCost,
  locationKind: LocationKind,
  city: z.string().nullable(),
  isStale: z.boolean().describe('Not confirmed for 12 months'),
  lastConfirmedAt: z.string().nullable(),
  excerpt: z.string().describe('Start of the description'),
});
export type ServiceSummary = z.infer<typeof ServiceSummary>;

export const Service = ServiceSummary.extend({
  description: z.string(),
  isCompound: z.boolean(),
  isReferralRequired: z.boolean(),
  referralBy: z.string().nullable(),
  accessDescription: z.string().nullable(),
  eligibility: z.string().nullable(),
  costDescription: z.string().nullable(),
  street: z.string().nullable(),
  postalCode: z.string().nullable(),
  territoryCode: z.string().nullable(),
  territoryName: z.string().nullable(),
  reachKind: ReachKind,
  reachCodes: z.array(z.string()),
  reachNames: z.array(z.string()),
  schedule: z.string().nullable(),
  capacity: z.string().nullable(),
  waitingTimeDays: z.number().int().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  languages: z.array(z.string()),
  isAccessible: z.boolean(),
  accessibilityDescription: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  abilities: ServiceAbilities,
});
export type Service = z.infer<typeof Service>;

export const ServiceVersion = z.object({
  version: z.number().int(),
  event: z.string(),
  changedAt: z.string(),
  changedByDisplayName: z.string().nullable(),
  changedFields: z.array(z.string()),
});
export const ServiceHistory = z.object({ items: z.array(ServiceVersion) });

/** A repeatable filter; more repeats than any list has values are refused (no unbounded arrays). */
const csv = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item).max(50)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .optional();

/** Search of the basket(s) the actor may see; every filter narrows the result. */
export const ServiceSearchQuery = z
  .object({
    q: SearchWords(200).describe('Words; diacritics, case and one typo do not matter'),
    partnershipId: Uuid.optional().describe('One partnership’s basket'),
    voivodeshipCode: z
      .string()
      .regex(/^\d{2}$/)
      .optional()
      .describe('All baskets of a voivodeship (ROPS view)'),
    area: csv(CooperationArea),
    targetGroup: csv(TargetGroup),
    cost: csv(ServiceCost),
    origin: csv(ServiceOrigin),
    providerKind: csv(InstitutionKind),
    coversGmina: z
      .string()
      .regex(/^\d{7}$/)
      .optional()
      .describe('Only services whose reach covers this gmina'),
    status: csv(ServiceStatus).describe('Default: published; other statuses only for those who edit the basket'),
    isStale: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    ...PageQuery,
  })
  .strict();
export type ServiceSearchQuery = z.input<typeof ServiceSearchQuery>;

export const ServicePage = pageOf(ServiceSummary);
export type ServicePage = z.infer<typeof ServicePage>;

export const changeRequestKinds = ['newService', 'change', 'withdrawal'] as const;
export const ChangeRequestKind = z.enum(changeRequestKinds);
export const changeRequestStatuses = ['pending', 'reviewed', 'applied', 'refused'] as const;
export const ChangeRequestStatus = z.enum(changeRequestStatuses);
export type ChangeRequestStatus = z.infer<typeof ChangeRequestStatus>;

export const CreateChangeRequestInput = z
  .object({
    partnershipId: Uuid,
    kind: ChangeRequestKind,
    serviceId: Uuid.nullable().optional().describe('The service to change or withdraw'),
    proposal: z
      .object(serviceFields)
      .partial()
      .strict()
      .default({})
      .describe('Proposed card (new service) or proposed fields (change)'),
    justification: MultiLineText(2000).describe('Why the basket should change'),
  })
  .strict();
export type CreateChangeRequestInput = z.input<typeof CreateChangeRequestInput>;

export const ReviewChangeRequestInput = z
  .object({ note: OptionalMultiLineText(2000).describe('Coordinator’s note for the leader') })
  .strict();
export const DecideChangeRequestInput = z
  .object({
    decision: z.enum(['apply', 'refuse']),
    reason: OptionalMultiLineText(2000).describe('Required when refusing'),
  })
  .strict();

export const ChangeRequest = z.object({
  id: Uuid,
  partnershipId: Uuid,
  serviceId: Uuid.nullable(),
  serviceName: z.string().nullable(),
  kind: ChangeRequestKind,
  status: ChangeRequestStatus,
  proposal: z.record(z.string(), z.unknown()),
  justification: z.string().nullable(),
  requestedByDisplayName: z.string(),
  requestedByInstitutionName: z.string().nullable(),
  createdAt: z.string(),
  reviewedByDisplayName: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  reviewNote: z.string().nullable(),
  decidedByDisplayName: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  resultServiceId: Uuid.nullable(),
  serviceStatus: ServiceStatus.nullable().describe('Current status of the card a change or withdrawal names'),
  currentValues: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'The card’s live values of the proposed fields, beside the proposal; only on the single read, only for reviewers and deciders',
    ),
  changedSinceProposal: z
    .array(z.string())
    .describe('Proposed fields whose value on the card changed after the request was made (single read only)'),
  valueLabels: z
    .record(z.string(), z.string())
    .describe('Names of the registry institutions and TERYT units the proposal and the current values refer to'),
  abilities: z.object({ canReview: z.boolean(), canDecide: z.boolean() }),
});
export type ChangeRequest = z.infer<typeof ChangeRequest>;
export const ChangeRequestListQuery = z
  .object({ partnershipId: Uuid, status: csv(ChangeRequestStatus), ...PageQuery })
  .strict();
export const ChangeRequestPage = pageOf(ChangeRequest);

/** Per area x target group, how many published services the basket has (the gap view). */
export const BasketGaps = z.object({
  partnershipId: Uuid,
  total: z.number().int(),
  cells: z.array(z.object({ area: CooperationArea, targetGroup: TargetGroup, count: z.number().int() })),
  byArea: z.array(z.object({ area: CooperationArea, count: z.number().int() })),
  byTargetGroup: z.array(z.object({ targetGroup: TargetGroup, count: z.number().int() })),
});
export type BasketGaps = z.infer<typeof BasketGaps>;

const ImportMessage = z.object({ column: z.string(), messages: z.object({ pl: z.string(), en: z.string() }) });
export const ImportRowOutcome = z.object({
  row: z.number().int().describe('Row number in the sheet (1 = header)'),
  action: z
    .enum(['create', 'update', 'reject', 'unchanged', 'duplicate'])
    .describe('duplicate: a new row repeating another row or a card of the basket; skipped unless chosen'),
  serviceId: Uuid.nullable(),
  name: z.string().nullable(),
  errors: z.array(ImportMessage),
  notes: z
    .array(ImportMessage)
    .optional()
    .describe('What the import assumed for this row (e.g. a default area), shown with the preview'),
  duplicateOf: z
    .object({
      row: z.number().int().nullable().describe('The earlier row of the sheet it repeats'),
      serviceId: Uuid.nullable().describe('The card of the basket it matches'),
      name: z.string().nullable().describe('That card’s name'),
    })
    .optional(),
});
/** A sheet column the template does not know by that name, and what the import does with it. */
export const ImportSheetColumn = z.object({
  header: z.string().describe('The header as written in the sheet'),
  key: z.string().describe('The header normalised (case, diacritics): what a mapping is kept under'),
  letter: z.string().describe('Column letter in the sheet, e.g. F'),
  mappedTo: z.string().nullable().describe('Template column its values are read as; null: not read'),
  source: z
    .enum(['saved', 'suggested', 'none'])
    .describe('saved: set at an earlier import of this partnership; suggested: a usual name of that column'),
});
export type ImportSheetColumn = z.infer<typeof ImportSheetColumn>;
export const ImportPreview = z.object({
  importId: z.string().describe('Send back to confirm; valid for 30 minutes'),
  rows: z.array(ImportRowOutcome),
  notes: z
    .array(ImportMessage)
    .optional()
    .describe('About the whole file, each once (e.g. the row the headers were read from, a header not understood)'),
  columns: z
    .array(ImportSheetColumn)
    .optional()
    .describe('Sheet columns the template does not recognise, each once, with their mapping'),
  templateColumns: z.array(z.string()).optional().describe('Template columns a sheet column may be mapped to'),
  newCards: z
    .object({
      default: z.enum(['publish', 'review']).describe('What happens to new cards unless the importer chooses'),
      canPublish: z.boolean().describe('The importer may publish new cards at once'),
    })
    .optional(),
  hasErrorRows: z.boolean().optional().describe('Rejected rows can be downloaded as errors.xlsx'),
  counts: z.object({
    create: z.number().int(),
    update: z.number().int(),
    reject: z.number().int(),
    unchanged: z.number().int(),
    duplicate: z.number().int().optional(),
  }),
});
export type ImportPreview = z.infer<typeof ImportPreview>;
export const ConfirmImportInput = z
  .object({
    importId: singleLineString().min(10).max(100),
    duplicates: z
      .array(z.object({ row: z.number().int().min(1), choice: z.enum(['skip', 'create']) }).strict())
      .max(5_000)
      .optional()
      .describe('Per duplicate row: skip (the default) or create anyway'),
    newCards: z
      .enum(['publish', 'review'])
      .optional()
      .describe('New cards published at once or submitted for review; default as the preview said'),
  })
  .strict();
export type ConfirmImportInput = z.infer<typeof ConfirmImportInput>;
export const ImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  confirmed: z.number().int().describe('Stale cards the import confirmed (updated or unchanged)'),
});

/** Set how sheet columns are read; kept per partnership and applied to the next imports. */
export const ImportMappingInput = z
  .object({
    mappings: z
      .array(
        z
          .object({
            header: singleLineString().min(1).max(200).describe('The sheet header as shown in the preview'),
            templateColumn: singleLineString()
              .min(1)
              .max(200)
              .nullable()
              .describe('A template column, or null: do not read'),
          })
          .strict(),
      )
      .min(1)
      .max(100),
  })
  .strict();
export type ImportMappingInput = z.infer<typeof ImportMappingInput>;
export const ImportMappings = z.object({
  mappings: z.array(z.object({ key: z.string(), templateColumn: z.string().nullable() })),
});

export const BasketPublicationInput = z
  .object({
    isPublic: z.boolean(),
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z0-9](?:[a-z0-9-]{1,78}[a-z0-9])$/, 'slug')
      .describe('Address part: /koszyk/<slug>'),
    introduction: OptionalMultiLineText(2000),
  })
  .strict();
export const BasketPublication = z.object({
  partnershipId: Uuid,
  isPublic: z.boolean(),
  slug: z.string(),
  introduction: z.string().nullable(),
  publicUrl: z.string(),
});

/** What one run of the stale-service reminders did (POST /partnerships/:id/basket/reminders). */
export const BasketReminderResult = z.object({
  staleServices: z.number().int().describe('Published services not confirmed within STALE_SERVICE_MONTHS'),
  remindedServices: z.number().int().describe('Of those, reminded now (not reminded in the last 30 days)'),
  notifications: z.number().int().describe('In-app notifications created'),
  emails: z.number().int().describe('E-mails sent (0 when e-mail is not configured)'),
});
export type BasketReminderResult = z.infer<typeof BasketReminderResult>;
