/**
 * SECURITY-RELEVANT. Pending imports of the basket (spreadsheet and HSDS): the parsed rows are kept
 * in basket_imports until the same user confirms them; nothing reaches `services` before that, and
 * then every row goes in one transaction through the card store (services.store.ts), so an import
 * is validated, versioned and audited exactly like cards from the form.
 */
import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Database, Executor } from '../../platform/db/database.js';
import { requireActingActor, type RequestContext } from '../../platform/auth/actor.js';
import { basketImports, services } from '../../platform/db/tables.js';
import { isStaleSql } from '../cards/cards.queries.js';
import { AppError, fieldError, type FieldError, type Messages } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { withRecordRule } from '../../audit/refusals.js';
import { RecordRefusal } from '../../platform/auth/record-rule.js';
import { findVisibleBasketPartnership } from '../basket.access.js';
import type { ConfirmImportInput, ImportPreview } from '../../../../shared/src/contracts/basket.js';
import type { Actor } from '../../platform/auth/actor.js';
import type { PartnershipRecord } from '../../partnerships/partnerships.policy.js';
import { canImportBasket, canPublishService, isProviderInPartnership } from '../basket.policy.js';
import {
  insertServiceCard,
  providerContactErrors,
  serviceCardFields,
  unsafeFindServiceRow,
  updateServiceCard,
  type ServiceCardData,
  type ServiceRow,
} from '../cards/cards.store.js';

/** A preview is a decision taken on what the basket looked like then: it expires. */
export const PREVIEW_VALID_MINUTES = 30;

export type ImportRowMessage = { column: string; messages: Messages };

/** One parsed row as stored: the outcome shown to the user and the card to write on confirmation. */
export type StoredImportRow = {
  /** Row number in the sheet (1 = header) or position in the document. */
  row: number;
  action: 'create' | 'update' | 'reject' | 'unchanged' | 'duplicate';
  serviceId: string | null;
  /** Version the update was computed against; a newer one at confirmation refuses the import (409). */
  version: number | null;
  name: string | null;
  /** Only for create/update/unchanged rows. */
  card: ServiceCardData | null;
  errors: ImportRowMessage[];
  notes?: ImportRowMessage[];
  /** A duplicate row (action 'duplicate'): the earlier row or the basket's card it repeats. */
  duplicateOf?: { row: number | null; serviceId: string | null; name: string | null };
  /** A rejected sheet row's own cells as read (by template column), for errors.xlsx; kept as long as the preview. */
  cells?: Record<string, string>;
  /** A new card's "Ostatnie potwierdzenie" from the sheet (yyyy-MM-dd), kept as its last-confirmed date. */
  lastConfirmedOn?: string;
};

export type NewCardsChoice = NonNullable<ImportPreview['newCards']>;

/**
 * What becomes of the import's new cards, by the basket's workflow for this user: a card waiting
 * for review is one "submitted" (as the form's "Zgłoś do publikacji"), published by whoever may
 * publish a submitted card; so an importer who may do that publishes at once by default, anyone
 * else sends the cards for review.
 */
export function newCardsChoice(actor: Actor, partnership: PartnershipRecord): NewCardsChoice {
  const canPublish = canPublishService(actor, partnership, { providerInstitutionId: null, status: 'submitted' });
  return { default: canPublish ? 'publish' : 'review', canPublish };
}

/**
 * The card fields an imported card would change on the stored one (empty: the row is "unchanged").
 * Absent, null and an empty text are the same (a sheet cell or a JSON property left empty).
 */
export function changedCardFields(
  card: ServiceCardData,
  stored: ServiceRow,
): Array<(typeof serviceCardFields)[number]> {
  const normalized = (value: unknown) => JSON.stringify(value === undefined || value === '' ? null : value);
  return serviceCardFields.filter(
    (field) => normalized((card as Record<string, unknown>)[field]) !== normalized(stored[field]),
  );
}

/**
 * A partner card names a provider taking part in the partnership, as the form requires
 * (services.service.ts): checked for new cards and for changes of the provider or the origin only,
 * so an unchanged card of a member that has since left still imports as "unchanged".
 */
export function providerMembershipErrors(
  partnership: PartnershipRecord,
  card: Pick<ServiceCardData, 'origin' | 'providerInstitutionId'>,
  existing: Pick<ServiceRow, 'origin' | 'providerInstitutionId'> | null,
): FieldError[] {
  const touches =
    !existing ||
    existing.origin !== card.origin ||
    existing.providerInstitutionId !== (card.providerInstitutionId ?? null);
  if (
    touches &&
    card.origin === 'partner' &&
    card.providerInstitutionId &&
    !isProviderInPartnership(partnership, card.providerInstitutionId)
  ) {
    return [fieldError('providerInstitutionId', 'providerNotMember')];
  }
  return [];
}

/**
 * The import's access check, for both formats' previews and the confirmation: 404 when the basket
 * is not visible to the caller, an audited 403 when it is visible but not theirs to import.
 */
export async function authorizeImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  action: 'basket.import.preview' | 'basket.import' | 'basket.import.errors' | 'basket.import.mapping',
): Promise<PartnershipRecord> {
  const actor = requireActingActor(context);
  return withRecordRule(db, context, async (tx) => {
    const partnership = await findVisibleBasketPartnership(tx, actor, partnershipId, action);
    if (!canImportBasket(actor, partnership)) {
      throw RecordRefusal.notAllowed({ action, subjectType: 'partnership', subjectId: partnershipId });
    }
    return partnership;
  });
}

/**
 * A pending preview holds the sheet's rows, contact persons included; once it can no longer be
 * confirmed it is only a copy of personal data, so every new preview deletes the expired ones
 * (and a confirmation empties its own rows: the cards and their versions keep what was written).
 */
export async function deleteExpiredPreviews(tx: Executor): Promise<void> {
  await tx
    .delete(basketImports)
    .where(
      and(
        eq(basketImports.status, 'pending'),
        lt(basketImports.createdAt, new Date(Date.now() - PREVIEW_VALID_MINUTES * 60_000)),
      ),
    );
}

/** Stores the parsed rows as a pending import (in the caller's transaction) and answers the preview. */
export async function storeImportPreview(
  tx: Executor,
  context: RequestContext,
  input: {
    partnershipId: string;
    userId: string;
    format: string;
    rows: StoredImportRow[];
    /** About the whole file; answered with the preview, not stored (confirmation needs only the rows). */
    notes?: ImportRowMessage[];
    /** The sheet's extras answered with the preview (column mapping, the new cards' status). */
    extras?: Pick<ImportPreview, 'columns' | 'templateColumns' | 'newCards'>;
  },
): Promise<ImportPreview> {
  const { partnershipId, userId, format, rows, notes, extras } = input;
  await deleteExpiredPreviews(tx);
  const [stored] = await tx
    .insert(basketImports)
    .values({ partnershipId, userId, format, rows })
    .returning({ id: basketImports.id });
  const countOf = (action: StoredImportRow['action']) => rows.filter((r) => r.action === action).length;
  const counts = {
    create: countOf('create'),
    update: countOf('update'),
    reject: countOf('reject'),
    unchanged: countOf('unchanged'),
    ...(countOf('duplicate') > 0 ? { duplicate: countOf('duplicate') } : {}),
  };
  await recordAuditEvent(tx, context, {
    action: 'basket.import.preview',
    subjectType: 'partnership',
    subjectId: partnershipId,
    details: { format, rows: rows.length, ...counts },
  });
  return {
    importId: stored!.id,
    rows: rows.map(({ row, action, serviceId, name, errors, notes, duplicateOf }) => ({
      row,
      action,
      serviceId,
      name,
      errors,
      ...(notes && notes.length > 0 ? { notes } : {}),
      ...(duplicateOf ? { duplicateOf } : {}),
    })),
    ...(notes && notes.length > 0 ? { notes } : {}),
    ...extras,
    ...(rows.some((r) => r.cells) ? { hasErrorRows: true } : {}),
    counts,
  };
}

/**
 * THE rule of a preview one may still act on (confirm it, download its rejected rows): the
 * uploader's own, pending, of this partnership and younger than PREVIEW_VALID_MINUTES; anything
 * else is `notFound`, so another person's preview is not told apart from none.
 */
export async function findLivePreview(
  tx: Executor,
  where: { importId: string; partnershipId: string; userId: string },
  options: { forUpdate?: boolean } = {},
): Promise<typeof basketImports.$inferSelect> {
  const query = tx
    .select()
    .from(basketImports)
    .where(
      and(
        eq(basketImports.id, where.importId),
        eq(basketImports.partnershipId, where.partnershipId),
        eq(basketImports.userId, where.userId),
        eq(basketImports.status, 'pending'),
      ),
    );
  const [pending] = options.forUpdate ? await query.for('update') : await query;
  if (!pending || Date.now() - pending.createdAt.getTime() > PREVIEW_VALID_MINUTES * 60_000) {
    throw new AppError('notFound');
  }
  return pending;
}

/**
 * Applies a stored preview in one transaction: all rows or none. Only the user who uploaded it,
 * while it is pending and younger than PREVIEW_VALID_MINUTES; anything else is 404 (the import id
 * is not a capability to be tried). A row that cannot be written now (validation, a card changed
 * since the preview) rolls everything back with a 4xx naming the row.
 *
 * New cards are published at once or submitted for review as the importer chose (newCardsChoice
 * gives the default and whether publishing is theirs); duplicate rows are skipped unless chosen.
 * A stale published card the import updates or finds unchanged is confirmed, as by its own
 * "confirm" transition (the same store call, versioned and audited).
 */
export async function confirmImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  importId: string,
  choices: Omit<ConfirmImportInput, 'importId'> = {},
  staleMonths = 12,
): Promise<{ created: number; updated: number; confirmed: number }> {
  const actor = requireActingActor(context);
  const action = 'basket.import';
  return withRecordRule(db, context, async (tx) => {
    // Checked inside the transaction that writes, so a membership changed since the preview counts.
    const partnership = await findVisibleBasketPartnership(tx, actor, partnershipId, action);
    if (!canImportBasket(actor, partnership)) {
      throw RecordRefusal.notAllowed({ action, subjectType: 'partnership', subjectId: partnershipId });
    }
    // Two confirmations racing: the second waits and then finds it no longer pending.
    const pending = await findLivePreview(tx, { importId, partnershipId, userId: actor.userId }, { forUpdate: true });
    const rows = pending.rows as StoredImportRow[];
    // Per duplicate row, the user's choice; skipping is the default. A choice for a row that is no
    // duplicate is a mistake of the client, refused naming it rather than ignored.
    const createAnyway = new Set<number>();
    for (const [index, { row, choice }] of (choices.duplicates ?? []).entries()) {
      if (!rows.some((r) => r.row === row && r.action === 'duplicate')) {
        throw new AppError('validation', [fieldError(`duplicates.${index}.row`, 'notADuplicateRow')]);
      }
      if (choice === 'create') createAnyway.add(row);
    }
    const newCards = newCardsChoice(actor, partnership);
    const newCardsAs = choices.newCards ?? newCards.default;
    if (newCardsAs === 'publish' && !newCards.canPublish) {
      throw new AppError('forbidden', [fieldError('newCards', 'mayNotPublishImport')]);
    }
    // The cards "Do potwierdzenia" (isStaleSql, as the basket's list marks them) among those the
    // import updates or finds unchanged, in one query: a sheet of 5,000 unchanged rows locks none.
    const keptIds = rows
      .filter((r) => (r.action === 'update' || r.action === 'unchanged') && r.serviceId)
      .map((r) => r.serviceId!);
    const staleIds = new Set(
      keptIds.length === 0
        ? []
        : (
            await tx
              .select({ id: services.id })
              .from(services)
              .where(and(inArray(services.id, keptIds), isStaleSql(staleMonths)))
          ).map((r) => r.id),
    );
    let created = 0;
    let updated = 0;
    let confirmed = 0;
    for (const row of rows) {
      try {
        const isChosenDuplicate = row.action === 'duplicate' && createAnyway.has(row.row);
        if ((row.action === 'create' || isChosenDuplicate) && row.card) {
          const errors = providerMembershipErrors(partnership, row.card, null);
          if (errors.length > 0) throw new AppError('validation', errors);
          // A card without a contact cannot be published (the preview said so): it waits for review.
          const isPublished = newCardsAs === 'publish' && providerContactErrors(row.card).length === 0;
          await insertServiceCard(tx, context, partnershipId, row.card, {
            status: isPublished ? 'published' : 'submitted',
            event: 'imported',
            // The sheet's own date of the last check: a card confirmed long ago is due at once.
            ...(isPublished && row.lastConfirmedOn
              ? { lastConfirmedAt: new Date(`${row.lastConfirmedOn}T12:00:00Z`) }
              : {}),
          });
          created += 1;
        } else if ((row.action === 'update' || row.action === 'unchanged') && row.card && row.serviceId) {
          const confirms = staleIds.has(row.serviceId);
          if (row.action === 'unchanged' && !confirms) continue;
          const current = await unsafeFindServiceRow(tx, row.serviceId, { forUpdate: true });
          if (!current || current.partnershipId !== partnershipId) throw new AppError('conflict');
          if (row.action === 'unchanged') {
            // As the card's own "confirm" transition (cards.service.ts): the same store call. A card
            // changed since the preview is no longer the one the sheet confirmed: left as it is.
            if (current.version !== row.version) continue;
            await updateServiceCard(
              tx,
              context,
              current,
              {},
              {
                expectedVersion: row.version ?? 0,
                event: 'confirmed',
                isConfirmed: true,
              },
            );
            confirmed += 1;
            continue;
          }
          const errors = providerMembershipErrors(partnership, row.card, current);
          if (errors.length > 0) throw new AppError('validation', errors);
          await updateServiceCard(tx, context, current, row.card, {
            expectedVersion: row.version ?? 0,
            event: 'imported',
            isConfirmed: confirms,
          });
          updated += 1;
          if (confirms) confirmed += 1;
        }
      } catch (error) {
        if (error instanceof AppError) {
          throw new AppError(error.code === 'conflict' ? 'conflict' : 'unprocessable', [
            fieldError(`rows.${row.row}`, 'importRowFailed'),
            ...(error.errors ?? []),
          ]);
        }
        throw error;
      }
    }
    await tx
      .update(basketImports)
      .set({ status: 'confirmed', confirmedAt: new Date(), rows: [] })
      .where(eq(basketImports.id, importId));
    await recordAuditEvent(tx, context, {
      action: 'basket.import',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: {
        importId,
        format: pending.format,
        created,
        updated,
        confirmed,
        newCards: newCardsAs,
        duplicatesCreated: createAnyway.size,
        rows: rows.length,
      },
    });
    return { created, updated, confirmed };
  });
}
