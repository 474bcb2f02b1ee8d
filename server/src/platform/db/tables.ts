/**
 * The one typed definition of the database. Migrations in server/migrations are generated from it
 * with `npm run db:new-migration` and must not drift (CI regenerates and diffs).
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
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

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
};

/** Territorial units of the TERYT TERC register (województwo, powiat, gmina and gmina parts). */
export const territories = pgTable(
  'territories',
  {
    code: text('code').primaryKey(),
    level: text('level').notNull(),
    kind: text('kind').notNull(),
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
    kind: text('kind').notNull(),
    sector: text('sector').notNull(),
    cooperationAreas: text('cooperation_areas')
      .array()
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
    role: text('role').notNull(),
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
    modelVariant: text('model_variant').notNull(),
    leaderInstitutionId: uuid('leader_institution_id')
      .notNull()
      .references(() => institutions.id),
    stage: text('stage').notNull().default('initiation'),
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
    status: text('status').notNull(),
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
 * Append-only, hash-chained audit log. A trigger (migration 0002) refuses UPDATE, DELETE and
 * TRUNCATE for every role, so not even the app can rewrite history.
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
    outcome: text('outcome').notNull(),
    ip: text('ip'),
    details: jsonb('details')
      .notNull()
      .default(sql`'{}'::jsonb`),
    previousHash: text('previous_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('audit_events_occurred_idx').on(t.occurredAt),
    index('audit_events_actor_idx').on(t.actorUserId),
    index('audit_events_subject_idx').on(t.subjectType, t.subjectId),
  ],
);
