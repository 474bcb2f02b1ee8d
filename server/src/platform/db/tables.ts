/**
 * The one typed definition of the database. Migrations in server/migrations are generated from it
 * with `npm run db:new-migration` and must not drift (CI regenerates and diffs).
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  changeRequestKinds,
  changeRequestStatuses,
  locationKinds,
  reachKinds,
  serviceCosts,
  serviceOrigins,
  serviceStatuses,
  targetGroups,
} from '../../../../shared/src/contracts/basket.js';
import type {
  cooperationAreas,
  institutionKinds,
  modelVariants,
  roles,
  sectors,
} from '../../../../shared/src/contracts/common.js';
import type { documentKinds, documentVersionStates } from '../../../../shared/src/contracts/documents.js';
import type { memberStatuses, partnershipStages } from '../../../../shared/src/contracts/partnerships.js';
import type { territoryKinds, territoryLevels } from '../../../../shared/src/contracts/territories.js';

/**
 * Enum-like text columns carry the shared contract's union (`.$type`, types only: the column stays
 * `text`, no migration). The contract's `as const` lists are the one definition of each value set.
 */
type OneOf<T extends readonly string[]> = T[number];
import type { AuditPurpose } from '../../../../shared/src/contracts/audit-actions.js';
import { polishSortKey } from './polish-order.js';

type AuditOutcome = 'success' | 'denied' | 'failure';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/** Territorial units of the TERYT TERC register (województwo, powiat, gmina and gmina parts). */
export const territories = pgTable(
  'territories',
  {
    code: text('code').primaryKey(),
    level: text('level').$type<OneOf<typeof territoryLevels>>().notNull(),
    kind: text('kind').$type<OneOf<typeof territoryKinds>>().notNull(),
    tercKind: text('terc_kind').notNull(),
    name: text('name').notNull(),
    nameSearch: text('name_search').notNull(),
    voivodeshipCode: text('voivodeship_code').notNull(),
    powiatCode: text('powiat_code'),
    parentCode: text('parent_code'),
    validFrom: date('valid_from').notNull(),
  },
  (t) => [
    index('territories_level_idx').on(t.level),
    index('territories_parent_idx').on(t.parentCode),
    index('territories_name_search_trgm_idx').using('gin', sql`${t.nameSearch} gin_trgm_ops`),
  ],
);

export const institutions = pgTable(
  'institutions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    shortName: text('short_name'),
    nameSearch: text('name_search').notNull(),
    kind: text('kind').$type<OneOf<typeof institutionKinds>>().notNull(),
    sector: text('sector').$type<OneOf<typeof sectors>>().notNull(),
    cooperationAreas: text('cooperation_areas')
      .array()
      .$type<OneOf<typeof cooperationAreas>[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    territoryCode: text('territory_code')
      .notNull()
      .references(() => territories.code),
    street: text('street'),
    postalCode: text('postal_code'),
    city: text('city'),
    email: text('email'),
    phone: text('phone'),
    website: text('website'),
    contacts: jsonb('contacts')
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Institution whose staff registered this one; its director and coordinators may keep it current. */
    registeredByInstitutionId: uuid('registered_by_institution_id'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    index('institutions_territory_idx').on(t.territoryCode),
    index('institutions_kind_idx').on(t.kind),
    index('institutions_name_search_trgm_idx').using('gin', sql`${t.nameSearch} gin_trgm_ops`),
    // The registry's pages in Polish order (polish-order.ts) walk this index instead of sorting.
    index('institutions_polish_name_idx').on(polishSortKey(t.name), t.id),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    isActive: boolean('is_active').notNull().default(true),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    totpSecret: text('totp_secret'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    totpLastUsedStep: integer('totp_last_used_step'),
    recoveryCodeHashes: jsonb('recovery_code_hashes')
      .notNull()
      .default(sql`'[]'::jsonb`),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().defaultNow(),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email)],
);

/** A user's role in an institution. A person may hold several; they act in one at a time. */
export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    role: text('role').$type<OneOf<typeof roles>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('memberships_unique').on(t.userId, t.institutionId, t.role),
    index('memberships_institution_idx').on(t.institutionId),
  ],
);

/** Server-side sessions. The id is the SHA-256 of the cookie token, so a database leak yields no usable cookie. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    publicId: uuid('public_id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    activeMembershipId: uuid('active_membership_id').references(() => memberships.id),
    csrfToken: text('csrf_token').notNull(),
    isSecondFactorPending: boolean('is_second_factor_pending').notNull().default(false),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('sessions_user_idx').on(t.userId), uniqueIndex('sessions_public_id_unique').on(t.publicId)],
);

/** Failed sign-in counters per account and per IP, for throttling and temporary lockout. */
export const loginThrottles = pgTable('login_throttles', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
});

/**
 * Browsers where a user completed a sign-in (device cookies, OWASP "Slow down online guessing attacks
 * with device cookies"). The cookie holds a random token; only its SHA-256 is kept here. Sign-in
 * attempts with a valid one are throttled per device, not by the account-wide lockout.
 */
export const trustedDevices = pgTable(
  'trusted_devices',
  {
    id: text('id').primaryKey(),
    publicId: uuid('public_id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('trusted_devices_user_idx').on(t.userId),
    uniqueIndex('trusted_devices_public_id_unique').on(t.publicId),
  ],
);

/** A local cooperation partnership (PZK, partnerski zespół kooperacyjny). */
export const partnerships = pgTable(
  'partnerships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    territoryCode: text('territory_code')
      .notNull()
      .references(() => territories.code),
    areaDescription: text('area_description'),
    modelVariant: text('model_variant').$type<OneOf<typeof modelVariants>>().notNull(),
    leaderInstitutionId: uuid('leader_institution_id')
      .notNull()
      .references(() => institutions.id),
    stage: text('stage').$type<OneOf<typeof partnershipStages>>().notNull().default('initiation'),
    establishedOn: date('established_on'),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    ...timestamps,
  },
  (t) => [
    index('partnerships_territory_idx').on(t.territoryCode),
    index('partnerships_leader_idx').on(t.leaderInstitutionId),
  ],
);

/** Network coordinators (pracownicy ds. sieci) of a partnership: one or, better, two people. */
export const partnershipCoordinators = pgTable(
  'partnership_coordinators',
  {
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    since: date('since').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.partnershipId, t.userId] }),
    index('partnership_coordinators_user_idx').on(t.userId),
  ],
);

/** An institution's membership of a partnership, with its declaration of accession (tool 8). */
export const partnershipMembers = pgTable(
  'partnership_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    status: text('status').$type<OneOf<typeof memberStatuses>>().notNull(),
    declarationDate: date('declaration_date'),
    representativeName: text('representative_name'),
    representativePosition: text('representative_position'),
    representativeEmail: text('representative_email'),
    representativePhone: text('representative_phone'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('partnership_members_unique').on(t.partnershipId, t.institutionId),
    index('partnership_members_institution_idx').on(t.institutionId),
  ],
);

/**
 * Append-only audit log (docs: server/src/audit/audit.sealer.ts). Each event carries the SHA-256 of
 * its own content; a sealer chains committed events into signed blocks (`audit_seals`). A trigger
 * (migrations 0002, 0008) refuses UPDATE, DELETE and TRUNCATE of all three tables for every role.
 * `previous_hash`/`hash` are the chain of the events written before sealing existed (legacy).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    requestId: text('request_id'),
    actorUserId: uuid('actor_user_id'),
    actorInstitutionId: uuid('actor_institution_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    outcome: text('outcome').$type<AuditOutcome>().notNull(),
    ip: text('ip'),
    details: jsonb('details')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /** The purpose of processing personal data (docs/security.md §8), for events that touch it. */
    purpose: text('purpose').$type<AuditPurpose>(),
    /** SHA-256 of the event's canonical content; null only on legacy rows, which have `hash`. */
    contentHash: text('content_hash'),
    /**
     * The writing transaction (pg_current_xact_id), set by the database: lets the sealer find late
     * committers quickly. Not trusted for integrity (an INSERT may set it): the sealer checks xmin.
     */
    xactId: bigint('xact_id', { mode: 'number' }).default(sql`(pg_current_xact_id()::text)::bigint`),
    previousHash: text('previous_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('audit_events_occurred_idx').on(t.occurredAt),
    index('audit_events_actor_idx').on(t.actorUserId),
    index('audit_events_subject_idx').on(t.subjectType, t.subjectId),
    index('audit_events_xact_idx').on(t.xactId),
  ],
);

/**
 * Signed blocks of the audit log, in the order they were sealed: each names its events (through
 * `audit_seal_members`), their Merkle root, the running count of sealed events, the previous
 * block's hash, and an Ed25519 signature over its own hash with a key kept outside the database.
 */
export const auditSeals = pgTable('audit_seals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  firstEventId: bigint('first_event_id', { mode: 'number' }).notNull(),
  lastEventId: bigint('last_event_id', { mode: 'number' }).notNull(),
  eventCount: integer('event_count').notNull(),
  cumulativeCount: bigint('cumulative_count', { mode: 'number' }).notNull(),
  merkleRoot: text('merkle_root').notNull(),
  previousSealHash: text('previous_seal_hash').notNull(),
  sealHash: text('seal_hash').notNull(),
  /** The sealer's snapshot: transactions in flight then are the only ones that may commit late. */
  snapshotXmin: bigint('snapshot_xmin', { mode: 'number' }).notNull(),
  snapshotXmax: bigint('snapshot_xmax', { mode: 'number' }).notNull(),
  inProgressXactIds: bigint('in_progress_xact_ids', { mode: 'number' }).array().notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true, precision: 3 }).notNull(),
  signature: text('signature').notNull(),
  /** SHA-256 of the public key, so a rotated key is named instead of failing silently. */
  keyId: text('key_id').notNull(),
});

/** Which block seals which event: insert-only, one row per event (the primary key seals it once). */
export const auditSealMembers = pgTable(
  'audit_seal_members',
  {
    eventId: bigint('event_id', { mode: 'number' }).primaryKey(),
    sealId: bigint('seal_id', { mode: 'number' }).notNull(),
  },
  (t) => [index('audit_seal_members_seal_idx').on(t.sealId, t.eventId)],
);

/**
 * A service of a partnership's local basket (lokalny koszyk usług; in the rural and urban-rural
 * models the "lista aktywności i usług"), described by its provider's service card (tool 7).
 */
export const services = pgTable(
  'services',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    /** Provider in the registry; null for a self-help group or a provider outside it (then providerName). */
    providerInstitutionId: uuid('provider_institution_id').references(() => institutions.id),
    providerName: text('provider_name'),
    origin: text('origin').$type<OneOf<typeof serviceOrigins>>().notNull(),
    status: text('status').$type<OneOf<typeof serviceStatuses>>().notNull().default('draft'),
    name: text('name').notNull(),
    description: text('description').notNull(),
    cooperationAreas: text('cooperation_areas')
      .array()
      .$type<OneOf<typeof cooperationAreas>[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    targetGroups: text('target_groups')
      .array()
      .$type<OneOf<typeof targetGroups>[]>()
      .notNull()
      .default(sql`'{}'::text[]`),
    isCompound: boolean('is_compound').notNull().default(false),
    isReferralRequired: boolean('is_referral_required').notNull().default(false),
    referralBy: text('referral_by'),
    accessDescription: text('access_description'),
    eligibility: text('eligibility'),
    cost: text('cost').$type<OneOf<typeof serviceCosts>>().notNull(),
    costDescription: text('cost_description'),
    locationKind: text('location_kind').$type<OneOf<typeof locationKinds>>().notNull(),
    street: text('street'),
    postalCode: text('postal_code'),
    city: text('city'),
    territoryCode: text('territory_code').references(() => territories.code),
    reachKind: text('reach_kind').$type<OneOf<typeof reachKinds>>().notNull(),
    /** TERYT codes the service reaches: gminas (7 digits), one powiat (4) or one voivodeship (2). */
    reachCodes: text('reach_codes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Every gmina the service reaches, expanded from reachCodes, so "covers gmina X" is one array test. */
    reachGminaCodes: text('reach_gmina_codes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    schedule: text('schedule'),
    capacity: text('capacity'),
    waitingTimeDays: integer('waiting_time_days'),
    contactName: text('contact_name'),
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    languages: text('languages')
      .array()
      .notNull()
      .default(sql`'{pl}'::text[]`),
    isAccessible: boolean('is_accessible').notNull().default(false),
    accessibilityDescription: text('accessibility_description'),
    /** Folded name + description + provider name (normalizeForSearch): words for search, text for ranking. */
    searchText: text('search_text').notNull(),
    /**
     * The words of search_text as pg_trgm splits them (on anything not a letter or digit), kept by
     * PostgreSQL. A search word meets the lexicon (serviceWords) by trigram similarity, and the cards
     * through this array's GIN index: one cheap array test a card instead of word_similarity on its
     * whole text (issue 8 item 7).
     */
    searchWords: text('search_words')
      .array()
      .notNull()
      .generatedAlwaysAs(sql`regexp_split_to_array(search_text, '[^[:alnum:]]+')`),
    lastConfirmedAt: timestamp('last_confirmed_at', { withTimezone: true }),
    staleRemindedAt: timestamp('stale_reminded_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    ...timestamps,
  },
  (t) => [
    index('services_partnership_status_idx').on(t.partnershipId, t.status),
    index('services_provider_idx').on(t.providerInstitutionId),
    index('services_search_words_idx').using('gin', t.searchWords),
    // No index on cooperation_areas or target_groups: ten and thirteen values, so one value is a
    // fifth of the basket; a GIN index there never narrows enough, and PostgreSQL ANDed its
    // 55,000-card bitmap into searches the reach index answers alone (26 -> 3 ms, migration 0004).
    index('services_reach_gminas_idx').using('gin', t.reachGminaCodes),
    // One basket's cards in Polish order (polish-order.ts), page by page, without sorting them all.
    index('services_partnership_polish_name_idx').on(t.partnershipId, polishSortKey(t.name), t.id),
  ],
);

/**
 * Every word that is or was in a card's search_text (services.search_words), filled by a trigger on
 * services, so every writer (the app, imports, the bench loader) keeps it. A word is never removed:
 * one no card holds any more matches no card. Tens of thousands of words for the whole country.
 */
export const serviceWords = pgTable('service_words', { word: text('word').primaryKey() }, (t) => [
  index('service_words_word_trgm_idx').using('gin', sql`${t.word} gin_trgm_ops`),
]);

/** Every saved state of a service card: who changed what and when (the card's history). */
export const serviceVersions = pgTable(
  'service_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    serviceId: uuid('service_id')
      .notNull()
      .references(() => services.id),
    version: integer('version').notNull(),
    changedByUserId: uuid('changed_by_user_id').references(() => users.id),
    changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
    /** What happened: created, edited, submitted, published, suspended, withdrawn, confirmed, imported. */
    event: text('event').notNull(),
    changedFields: text('changed_fields')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    snapshot: jsonb('snapshot').notNull(),
  },
  (t) => [uniqueIndex('service_versions_unique').on(t.serviceId, t.version, t.event)],
);

/**
 * A request to change the basket (wniosek o aktualizację koszyka): a new service, a change or a
 * withdrawal, proposed by anyone in the partnership, reviewed by a network coordinator and
 * decided by the leader (OPS).
 */
export const basketChangeRequests = pgTable(
  'basket_change_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    serviceId: uuid('service_id').references(() => services.id),
    kind: text('kind').$type<OneOf<typeof changeRequestKinds>>().notNull(),
    status: text('status').$type<OneOf<typeof changeRequestStatuses>>().notNull().default('pending'),
    proposal: jsonb('proposal')
      .notNull()
      .default(sql`'{}'::jsonb`),
    /**
     * For a change: the card's values of the proposed fields when it was proposed. A field changed
     * on the card since then makes the request stale (409), so applying never overwrites a newer
     * edit the proposer did not see. Null for requests made before this was kept.
     */
    proposalBase: jsonb('proposal_base'),
    justification: text('justification'),
    requestedByUserId: uuid('requested_by_user_id')
      .notNull()
      .references(() => users.id),
    requestedByInstitutionId: uuid('requested_by_institution_id').references(() => institutions.id),
    reviewedByUserId: uuid('reviewed_by_user_id').references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    reviewNote: text('review_note'),
    decidedByUserId: uuid('decided_by_user_id').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    resultServiceId: uuid('result_service_id').references(() => services.id),
    ...timestamps,
  },
  (t) => [index('basket_change_requests_partnership_idx').on(t.partnershipId, t.status)],
);

/** In-app notifications (and the e-mail outbox when e-mail is configured). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    /** i18n parameters, e.g. service name and id; shown through the web client's messages. */
    params: jsonb('params')
      .notNull()
      .default(sql`'{}'::jsonb`),
    link: text('link'),
    readAt: timestamp('read_at', { withTimezone: true }),
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.readAt)],
);

/** Whether a partnership publishes its basket on a public page, and under which address. */
export const basketPublications = pgTable('basket_publications', {
  partnershipId: uuid('partnership_id')
    .primaryKey()
    .references(() => partnerships.id),
  slug: text('slug').notNull().unique(),
  isPublic: boolean('is_public').notNull().default(false),
  introduction: text('introduction'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * How a partnership's sheets name the template's columns (issue 8): a sheet header the template does
 * not know, normalised (case, diacritics, spaces), read as a template column, or not read at all
 * (template_column null, "pomiń"). Set from the import preview, applied to the partnership's next
 * imports; writes are audited (basket.import.mapping).
 */
export const basketImportMappings = pgTable(
  'basket_import_mappings',
  {
    partnershipId: uuid('partnership_id')
      .notNull()
      .references(() => partnerships.id),
    sheetHeader: text('sheet_header').notNull(),
    templateColumn: text('template_column'),
    updatedByUserId: uuid('updated_by_user_id').references(() => users.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.partnershipId, t.sheetHeader] })],
);

/**
 * A spreadsheet or HSDS import waiting for the user's confirmation: the parsed rows and the preview
 * shown. Nothing reaches the basket until it is confirmed, and then in one transaction.
 */
export const basketImports = pgTable('basket_imports', {
  id: uuid('id').primaryKey().defaultRandom(),
  partnershipId: uuid('partnership_id')
    .notNull()
    .references(() => partnerships.id),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id),
  format: text('format').notNull(),
  status: text('status').notNull().default('pending'),
  rows: jsonb('rows').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
});

/**
 * The data keys of the encryption at rest (platform/encryption, docs/security.md §24): one per host
 * record that holds sensitive free text or files (a case), wrapped by a key-encryption key from the
 * configuration (`kek_id` names it). Destroying a key empties `wrapped_key` and keeps the row, so
 * the record's ciphertext is known to be erased, not lost.
 */
export const dataKeys = pgTable(
  'data_keys',
  {
    id: uuid('id').primaryKey(),
    /** The host record the key protects: its kind (e.g. `case`) and id. */
    hostType: text('host_type').notNull(),
    hostId: uuid('host_id').notNull(),
    kekId: text('kek_id').notNull(),
    /** base64 of iv | GCM tag | the wrapped 32-byte key; null once destroyed. */
    wrappedKey: text('wrapped_key'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true, precision: 3 }),
    destroyedAt: timestamp('destroyed_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [index('data_keys_kek_idx').on(t.kekId), index('data_keys_host_idx').on(t.hostType, t.hostId)],
);

/**
 * Raw bytes (`bytea`) on both drivers: node-postgres hands back a Buffer, PGlite a Uint8Array; both
 * arrive here as a Buffer.
 */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) =>
    Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

/**
 * Uploaded files (server/src/files, docs/security.md §22 and §24): the content, its name and who
 * signed it are encrypted with the host record's data key, so a database copy shows none of them.
 * Metadata that says nothing about a person (type, size, hash, dates, ids) stays readable.
 */
export const storedFiles = pgTable(
  'stored_files',
  {
    id: uuid('id').primaryKey(),
    /** The kind of record the file belongs to, e.g. `case`; with host_id, who may see it decides. */
    hostType: text('host_type').notNull(),
    hostId: uuid('host_id').notNull(),
    dataKeyId: uuid('data_key_id')
      .notNull()
      .references(() => dataKeys.id),
    /** What the file is for, e.g. `signedCopy`. */
    kind: text('kind').notNull(),
    /** Checked from the content: application/pdf, image/jpeg or image/png. */
    mediaType: text('media_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    /** SHA-256 (hex) of the stored plaintext, after metadata was stripped. */
    sha256: text('sha256').notNull(),
    /** The sanitised file name, encrypted (`enc1.`, context `file.name:<id>`). */
    fileName: text('file_name').notNull(),
    /** Who signed the copy, encrypted (context `file.signedBy:<id>`); null when not recorded. */
    signedBy: text('signed_by'),
    signedAt: date('signed_at', { mode: 'string' }),
    /** The content: encryptBytes with the host's data key, context `file:<id>`. */
    content: bytea('content').notNull(),
    uploadedByUserId: uuid('uploaded_by_user_id')
      .notNull()
      .references(() => users.id),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [index('stored_files_host_idx').on(t.hostType, t.hostId, t.uploadedAt)],
);

/**
 * Versions of a generated document (docs/security.md §28): numbered 1, 2, … per host record and
 * kind; a draft may be replaced, an approved version never changes (a trigger refuses any UPDATE of
 * an approved row, for every role). The model is encrypted with the host's data key.
 */
export const documentVersions = pgTable(
  'document_versions',
  {
    id: uuid('id').primaryKey(),
    /** The record the document belongs to (e.g. `family`); with host_id, who may see it decides. */
    hostType: text('host_type').notNull(),
    hostId: uuid('host_id').notNull(),
    dataKeyId: uuid('data_key_id')
      .notNull()
      .references(() => dataKeys.id),
    kind: text('kind').$type<OneOf<typeof documentKinds>>().notNull(),
    version: integer('version').notNull(),
    state: text('state').$type<OneOf<typeof documentVersionStates>>().notNull(),
    /** The canonical JSON of the model, encrypted (`enc1.`, context `document:<id>`). */
    model: text('model').notNull(),
    /** SHA-256 (hex) of the canonical JSON of the model (keys in a stable order). */
    sha256: text('sha256').notNull(),
    createdByUserId: uuid('created_by_user_id')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    approvedByUserId: uuid('approved_by_user_id').references(() => users.id),
    approvedAt: timestamp('approved_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex('document_versions_number_unique').on(t.hostType, t.hostId, t.kind, t.version),
    check('document_versions_state', sql`${t.state} in ('draft', 'approved')`),
    check('document_versions_version_positive', sql`${t.version} > 0`),
    check(
      'document_versions_approval',
      sql`(${t.state} = 'approved') = (${t.approvedByUserId} is not null and ${t.approvedAt} is not null)`,
    ),
  ],
);
