/**
 * The one place that writes service cards. Every path that changes the basket (the card form, a
 * decided change request, a spreadsheet or HSDS import) goes through insertServiceCard /
 * updateServiceCard, so each change derives the search text and the reach, keeps a version row,
 * and writes its audit event in the caller's transaction.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Executor } from '../../platform/db/database.js';
import { institutions, serviceVersions, services, territories } from '../../platform/db/tables.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { recordAuditEvent, recordAuditEvents } from '../../audit/audit.service.js';
import type { DomainEventHandler } from '../../platform/events/domain-event.js';
import type { InstitutionRenamed } from '../../institutions/institutions.events.js';
import { AppError, fieldError, type FieldError } from '../../platform/http/problem.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';
import {
  serviceCardFields as contractServiceCardFields,
  type CreateServiceInput,
  type ServiceStatus,
  type UpdateServiceInput,
} from '../../../../shared/src/contracts/basket.js';

export type ServiceCardData = Omit<z.output<typeof CreateServiceInput>, 'partnershipId'>;
export type ServiceCardPatch = Omit<z.output<typeof UpdateServiceInput>, 'version'>;
export type ServiceRow = typeof services.$inferSelect;

/** Version-row events: what happened to the card. */
export type ServiceEvent =
  | 'created'
  | 'edited'
  | 'submitted'
  | 'published'
  | 'suspended'
  | 'withdrawn'
  | 'returnedToDraft'
  | 'confirmed'
  | 'imported'
  | 'changeRequestApplied';

/** Fields whose values are the card's content (compared for "what changed" and kept in snapshots). */
export const serviceCardFields = contractServiceCardFields satisfies ReadonlyArray<keyof ServiceRow>;

/**
 * Checks the reach against TERYT and expands it to the gminas it covers: listed gminas, every gmina
 * of one powiat, or every gmina of one voivodeship. Returns field errors instead of throwing so that
 * an import can report them per row.
 */
export async function resolveReach(
  db: Executor,
  reachKind: string,
  reachCodes: readonly string[],
): Promise<{ gminaCodes: string[]; errors: FieldError[] }> {
  const expectedLength = reachKind === 'gminas' ? 7 : reachKind === 'powiat' ? 4 : 2;
  if (reachKind !== 'gminas' && reachCodes.length !== 1) {
    return { gminaCodes: [], errors: [fieldError('reachCodes', 'reachSingleUnit')] };
  }
  if (reachCodes.some((code) => code.length !== expectedLength)) {
    return { gminaCodes: [], errors: [fieldError('reachCodes', 'reachCodeLevel')] };
  }
  const level = reachKind === 'gminas' ? 'gmina' : reachKind === 'powiat' ? 'powiat' : 'voivodeship';
  const found = await db
    .select({ code: territories.code })
    .from(territories)
    .where(and(inArray(territories.code, [...reachCodes]), eq(territories.level, level)));
  if (found.length !== new Set(reachCodes).size) {
    return { gminaCodes: [], errors: [fieldError('reachCodes', 'unknownTerritory')] };
  }
  if (reachKind === 'gminas') return { gminaCodes: [...new Set(reachCodes)].sort(), errors: [] };
  const column = reachKind === 'powiat' ? territories.powiatCode : territories.voivodeshipCode;
  const gminas = await db
    .select({ code: territories.code })
    .from(territories)
    .where(and(eq(column, reachCodes[0]!), eq(territories.level, 'gmina')));
  return { gminaCodes: gminas.map((g) => g.code).sort(), errors: [] };
}

/** What the card checks read from the database; a bulk insert answers each distinct question once. */
type CardLookups = {
  isActiveProvider: (institutionId: string) => Promise<boolean>;
  isGmina: (code: string) => Promise<boolean>;
  reach: (reachKind: string, reachCodes: readonly string[]) => Promise<{ gminaCodes: string[]; errors: FieldError[] }>;
};

function databaseLookups(db: Executor): CardLookups {
  return {
    async isActiveProvider(institutionId) {
      const [provider] = await db
        .select({ id: institutions.id, archivedAt: institutions.archivedAt })
        .from(institutions)
        .where(eq(institutions.id, institutionId));
      return !!provider && !provider.archivedAt;
    },
    async isGmina(code) {
      const [territory] = await db
        .select({ level: territories.level })
        .from(territories)
        .where(eq(territories.code, code));
      return territory?.level === 'gmina';
    },
    reach: (reachKind, reachCodes) => resolveReach(db, reachKind, reachCodes),
  };
}

/** The database lookups, each distinct question asked once (for the cards of one bulk insert). */
function memoizedLookups(db: Executor): CardLookups {
  const lookups = databaseLookups(db);
  const memo = <T>(ask: (key: string) => Promise<T>) => {
    const answers = new Map<string, Promise<T>>();
    return (key: string) => {
      if (!answers.has(key)) answers.set(key, ask(key));
      return answers.get(key)!;
    };
  };
  const reach = memo((key) => {
    const [reachKind, codes] = key.split(':') as [string, string];
    return lookups.reach(reachKind, codes === '' ? [] : codes.split(','));
  });
  return {
    isActiveProvider: memo(lookups.isActiveProvider),
    isGmina: memo(lookups.isGmina),
    reach: (reachKind, reachCodes) => reach(`${reachKind}:${reachCodes.join(',')}`),
  };
}

/** The ways to reach a card's provider; a published card gives at least one of them. */
export const providerContactFields = ['contactPhone', 'contactEmail', 'contactName'] as const;

/**
 * THE publication rule for contacts (one place for the card form, the "publish" transition, an
 * applied change request, the demo data and the import, all of which write through this store): a card that is
 * published, or stays published after a change, names a phone, an e-mail or a contact person.
 * Returns one error per contact field (they are alternatives), [] when the card may be published.
 */
export function providerContactErrors(
  card: Partial<Record<(typeof providerContactFields)[number], string | null | undefined>>,
): FieldError[] {
  if (providerContactFields.some((field) => (card[field] ?? '').trim() !== '')) return [];
  return providerContactFields.map((field) => fieldError(field, 'contactRequired'));
}

function requireProviderContact(card: ServiceCardData): void {
  const errors = providerContactErrors(card);
  if (errors.length > 0) throw new AppError('serviceContactRequired', errors);
}

/** The stale rule in code, as isStaleSql states it: published and not confirmed within `months` months. */
export function isStaleCard(
  card: { status: string; lastConfirmedAt: Date | null },
  months: number,
  now = new Date(),
): boolean {
  if (card.status !== 'published') return false;
  if (!card.lastConfirmedAt) return true;
  const limit = new Date(now);
  limit.setMonth(limit.getMonth() - months);
  return card.lastConfirmedAt < limit;
}

/** Field-level checks that need the database or several fields at once; [] when the card is sound. */
export async function validateServiceCard(db: Executor, card: ServiceCardData): Promise<FieldError[]> {
  return checkServiceCard(databaseLookups(db), card);
}

async function checkServiceCard(lookups: CardLookups, card: ServiceCardData): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  if (card.origin === 'partner' && !card.providerInstitutionId) {
    errors.push(fieldError('providerInstitutionId', 'providerRequired'));
  }
  if (!card.providerInstitutionId && !card.providerName) errors.push(fieldError('providerName', 'providerRequired'));
  if (card.providerInstitutionId && !(await lookups.isActiveProvider(card.providerInstitutionId))) {
    errors.push(fieldError('providerInstitutionId', 'unknownInstitution'));
  }
  if (card.locationKind === 'address' && !card.city) errors.push(fieldError('city', 'addressRequired'));
  if (card.isReferralRequired && !card.referralBy) errors.push(fieldError('referralBy', 'referralByRequired'));
  if (card.territoryCode && !(await lookups.isGmina(card.territoryCode))) {
    errors.push(fieldError('territoryCode', 'unknownTerritory'));
  }
  errors.push(...(await lookups.reach(card.reachKind, card.reachCodes)).errors);
  return errors;
}

async function providerDisplayName(
  db: Executor,
  card: { providerInstitutionId?: string | null; providerName?: string | null },
) {
  if (!card.providerInstitutionId) return card.providerName ?? '';
  const [provider] = await db
    .select({ name: institutions.name, shortName: institutions.shortName })
    .from(institutions)
    .where(eq(institutions.id, card.providerInstitutionId));
  return [provider?.name, provider?.shortName, card.providerName].filter(Boolean).join(' ');
}

/**
 * After a registry institution is renamed: its cards' search text carries the provider's name, so
 * it is derived again (in the rename's transaction), and the new name finds the cards at once.
 */
export async function refreshProviderSearchText(tx: Executor, institutionId: string): Promise<number> {
  const cards = await tx
    .select({
      id: services.id,
      name: services.name,
      description: services.description,
      providerInstitutionId: services.providerInstitutionId,
      providerName: services.providerName,
    })
    .from(services)
    .where(eq(services.providerInstitutionId, institutionId));
  for (const card of cards) {
    const searchText = serviceSearchText(card.name, card.description, await providerDisplayName(tx, card));
    await tx.update(services).set({ searchText }).where(eq(services.id, card.id));
  }
  return cards.length;
}

/** The basket's subscriber to the registry's `institutionRenamed` (wired by the composition root). */
export const refreshCardsOfRenamedProvider: DomainEventHandler<InstitutionRenamed> = async (tx, { institutionId }) => {
  await refreshProviderSearchText(tx, institutionId);
};

/** Folded text the trigram search runs over: name, description and provider. */
export function serviceSearchText(name: string, description: string, provider: string): string {
  return normalizeForSearch(`${name} ${provider} ${description}`);
}

function snapshotOf(row: ServiceRow): Record<string, unknown> {
  const snapshot: Record<string, unknown> = { status: row.status };
  for (const field of serviceCardFields) snapshot[field] = row[field];
  return snapshot;
}

async function writeVersion(db: Executor, ctx: RequestContext, row: ServiceRow, event: ServiceEvent, fields: string[]) {
  await db.insert(serviceVersions).values({
    serviceId: row.id,
    version: row.version,
    changedByUserId: ctx.actor?.userId ?? null,
    event,
    changedFields: fields,
    snapshot: snapshotOf(row),
  });
}

/**
 * Inserts a card (status draft unless given) with its first version row and audit event. Throws
 * AppError('validation') with field errors when the card is not sound.
 */
export async function insertServiceCard(
  tx: Executor,
  ctx: RequestContext,
  partnershipId: string,
  card: ServiceCardData,
  options: { status?: ServiceStatus; event?: ServiceEvent; isConfirmed?: boolean; lastConfirmedAt?: Date } = {},
): Promise<ServiceRow> {
  const errors = await validateServiceCard(tx, card);
  if (errors.length > 0) throw new AppError('validation', errors);
  const status = options.status ?? 'draft';
  if (status === 'published') requireProviderContact(card);
  const reach = await resolveReach(tx, card.reachKind, card.reachCodes);
  const [row] = await tx
    .insert(services)
    .values({
      ...card,
      partnershipId,
      status,
      reachGminaCodes: reach.gminaCodes,
      searchText: serviceSearchText(card.name, card.description, await providerDisplayName(tx, card)),
      lastConfirmedAt: status === 'published' || options.isConfirmed ? (options.lastConfirmedAt ?? new Date()) : null,
      createdByUserId: ctx.actor?.userId ?? null,
    })
    .returning();
  const event = options.event ?? 'created';
  await writeVersion(tx, ctx, row!, event, [...serviceCardFields]);
  await recordAuditEvent(tx, ctx, {
    action: 'service.create',
    subjectType: 'service',
    subjectId: row!.id,
    details: { partnershipId, event, status },
  });
  return row!;
}

/** One card of a bulk insert: its content, its status, and when it was last confirmed (now when omitted). */
export type ServiceCardEntry = { card: ServiceCardData; status: ServiceStatus; lastConfirmedAt?: Date | null };

/** Rows per INSERT of a bulk load: well under PostgreSQL's 65,535 bound parameters (about 40 a card). */
const BULK_CHUNK = 200;

/**
 * The bulk form of insertServiceCard for loads of many cards at once (the demo data): every card is
 * checked as one would be, then the cards, their first version rows and their audit events go in
 * with one multi-row INSERT per table and chunk, so a basket of hundreds of cards costs a few
 * statements instead of five per card. Each distinct provider, territory and reach is looked up
 * once however many cards share it.
 */
export async function insertServiceCards(
  tx: Executor,
  ctx: RequestContext,
  partnershipId: string,
  entries: readonly ServiceCardEntry[],
): Promise<ServiceRow[]> {
  const lookups = memoizedLookups(tx);
  const providerIds = [...new Set(entries.map((e) => e.card.providerInstitutionId).filter((id) => !!id))] as string[];
  const providers = new Map(
    providerIds.length === 0
      ? []
      : (
          await tx
            .select({ id: institutions.id, name: institutions.name, shortName: institutions.shortName })
            .from(institutions)
            .where(inArray(institutions.id, providerIds))
        ).map((p) => [p.id, p]),
  );
  const values: Array<typeof services.$inferInsert> = [];
  for (const { card, status, lastConfirmedAt } of entries) {
    const errors = await checkServiceCard(lookups, card);
    if (errors.length > 0) throw new AppError('validation', errors);
    if (status === 'published') requireProviderContact(card);
    const provider = card.providerInstitutionId ? providers.get(card.providerInstitutionId) : undefined;
    const providerName = card.providerInstitutionId
      ? [provider?.name, provider?.shortName, card.providerName].filter(Boolean).join(' ')
      : (card.providerName ?? '');
    values.push({
      ...card,
      partnershipId,
      status,
      reachGminaCodes: (await lookups.reach(card.reachKind, card.reachCodes)).gminaCodes,
      searchText: serviceSearchText(card.name, card.description, providerName),
      lastConfirmedAt: lastConfirmedAt !== undefined ? lastConfirmedAt : status === 'published' ? new Date() : null,
      createdByUserId: ctx.actor?.userId ?? null,
    });
  }
  const rows: ServiceRow[] = [];
  for (let start = 0; start < values.length; start += BULK_CHUNK) {
    rows.push(
      ...(await tx
        .insert(services)
        .values(values.slice(start, start + BULK_CHUNK))
        .returning()),
    );
  }
  for (let start = 0; start < rows.length; start += BULK_CHUNK) {
    const chunk = rows.slice(start, start + BULK_CHUNK);
    await tx.insert(serviceVersions).values(
      chunk.map((row) => ({
        serviceId: row.id,
        version: row.version,
        changedByUserId: ctx.actor?.userId ?? null,
        event: 'created' as const,
        changedFields: [...serviceCardFields],
        snapshot: snapshotOf(row),
      })),
    );
    await recordAuditEvents(
      tx,
      ctx,
      chunk.map((row) => ({
        action: 'service.create' as const,
        subjectType: 'service',
        subjectId: row.id,
        details: { partnershipId, event: 'created', status: row.status },
      })),
    );
  }
  return rows;
}

function isSameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Applies a patch and/or a status change to a locked card: optimistic concurrency on `version`
 * (409 when stale), re-derived search text and reach, a version row and an audit event. A patch that
 * changes nothing and no status change leaves the card as it was.
 */
export async function updateServiceCard(
  tx: Executor,
  ctx: RequestContext,
  current: ServiceRow,
  patch: ServiceCardPatch,
  options: {
    expectedVersion?: number;
    status?: ServiceStatus;
    event?: ServiceEvent;
    isConfirmed?: boolean;
    reason?: string;
  } = {},
): Promise<ServiceRow> {
  if (options.expectedVersion !== undefined && options.expectedVersion !== current.version) {
    throw new AppError('conflict');
  }
  const changedFields = serviceCardFields.filter(
    (field) =>
      field in patch &&
      patch[field as keyof ServiceCardPatch] !== undefined &&
      !isSameValue(patch[field as keyof ServiceCardPatch], current[field]),
  );
  const isStatusChange = options.status !== undefined && options.status !== current.status;
  if (changedFields.length === 0 && !isStatusChange && !options.isConfirmed) return current;
  const merged = {
    ...current,
    ...Object.fromEntries(changedFields.map((f) => [f, patch[f as keyof ServiceCardPatch]])),
  };
  const card = Object.fromEntries(serviceCardFields.map((f) => [f, merged[f]])) as unknown as ServiceCardData;
  const errors = await validateServiceCard(tx, card);
  if (errors.length > 0) throw new AppError('validation', errors);
  const nextStatus = options.status ?? current.status;
  // Publishing, or changing the contact of a published card: an older published card without a
  // contact stays editable in its other fields and can still be confirmed.
  const touchesContact = changedFields.some((field) => (providerContactFields as readonly string[]).includes(field));
  if (nextStatus === 'published' && (isStatusChange || touchesContact)) {
    requireProviderContact(card);
  }
  const reach = await resolveReach(tx, card.reachKind, card.reachCodes);
  const [row] = await tx
    .update(services)
    .set({
      ...Object.fromEntries(changedFields.map((f) => [f, merged[f]])),
      status: nextStatus,
      reachGminaCodes: reach.gminaCodes,
      searchText: serviceSearchText(card.name, card.description, await providerDisplayName(tx, card)),
      lastConfirmedAt:
        options.isConfirmed || (isStatusChange && nextStatus === 'published') ? new Date() : current.lastConfirmedAt,
      staleRemindedAt: options.isConfirmed || changedFields.length > 0 ? null : current.staleRemindedAt,
      version: sql`${services.version} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(services.id, current.id))
    .returning();
  const event = options.event ?? 'edited';
  await writeVersion(tx, ctx, row!, event, changedFields);
  await recordAuditEvent(tx, ctx, {
    action: `service.${event}`,
    subjectType: 'service',
    subjectId: row!.id,
    details: {
      changedFields,
      fromStatus: current.status,
      toStatus: nextStatus,
      ...(options.reason ? { reason: options.reason } : {}),
    },
  });
  return row!;
}

/**
 * "Still current" (the card's `confirm` transition): the last-confirmed date becomes now, with its
 * own version row and `service.confirmed` audit event. Also what an applied change request does to
 * a card that was "Do potwierdzenia": the leader has just looked the card over.
 */
export function confirmServiceCard(tx: Executor, ctx: RequestContext, current: ServiceRow): Promise<ServiceRow> {
  return updateServiceCard(tx, ctx, current, {}, { event: 'confirmed', isConfirmed: true });
}

/** UNSCOPED: the card row, locked when asked; callers check the basket policy before revealing it. */
export async function unsafeFindServiceRow(
  db: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ServiceRow | null> {
  const base = db.select().from(services).where(eq(services.id, id));
  const [row] = options.forUpdate ? await base.for('update') : await base;
  return row ?? null;
}
