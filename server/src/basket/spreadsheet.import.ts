/**
 * SECURITY-RELEVANT. Import of the basket sheet. An uploaded spreadsheet is hostile input
 * (SECURITY.md 22): the body must be a ZIP (xlsx) no larger than the route's limit, whose declared
 * uncompressed size stays under a bound (zip bombs), with at most IMPORT_ROW_LIMIT rows. Every row
 * is validated like a card from the form; the preview is stored and nothing reaches the basket until
 * the same user confirms, and then all rows go in one transaction.
 */
import ExcelJS from 'exceljs';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database, Executor } from '../platform/db/database.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { basketImports, institutions, partnershipMembers } from '../platform/db/tables.js';
import { AppError, fieldError, zodIssuesToFieldErrors, type FieldError } from '../platform/http/problem.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import { unsafeFindPartnershipAccessRecord } from '../partnerships/partnerships.queries.js';
import { normalizeForSearch } from '../../../shared/src/text.js';
import { CreateServiceInput, type ImportPreview } from '../../../shared/src/contracts/basket.js';
import { canImportBasket, canReadBasket } from './basket.policy.js';
import {
  insertServiceCard,
  serviceCardFields,
  unsafeFindServiceRow,
  updateServiceCard,
  validateServiceCard,
  type ServiceCardData,
} from './services.store.js';
import { enumLabels, sheetColumns } from './spreadsheet.columns.js';

export const IMPORT_ROW_LIMIT = 5_000;
export const IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;
const PREVIEW_VALID_MINUTES = 30;

const CardInput = CreateServiceInput.omit({ partnershipId: true });
type StoredRow = {
  row: number;
  action: 'create' | 'update' | 'reject' | 'unchanged';
  serviceId: string | null;
  version: number | null;
  name: string | null;
  card: ServiceCardData | null;
  errors: Array<{ column: string; messages: { pl: string; en: string } }>;
};

/**
 * Sums the uncompressed sizes the ZIP's central directory declares. A bomb declares them honestly
 * or the inflater stops at the declared size, so refusing large declarations stops both.
 */
export function declaredUncompressedSize(zip: Buffer): number | null {
  const minimumEnd = Math.max(0, zip.length - 65_557);
  for (let offset = zip.length - 22; offset >= minimumEnd; offset -= 1) {
    if (zip.readUInt32LE(offset) !== 0x06054b50) continue;
    const entries = zip.readUInt16LE(offset + 10);
    let cursor = zip.readUInt32LE(offset + 16);
    let total = 0;
    for (let i = 0; i < entries; i += 1) {
      if (cursor + 46 > zip.length || zip.readUInt32LE(cursor) !== 0x02014b50) return null;
      total += zip.readUInt32LE(cursor + 24);
      cursor += 46 + zip.readUInt16LE(cursor + 28) + zip.readUInt16LE(cursor + 30) + zip.readUInt16LE(cursor + 32);
    }
    return total;
  }
  return null;
}

const fold = (value: string) => normalizeForSearch(value);
function reverse<T extends Record<string, string>>(labels: T): Map<string, keyof T> {
  return new Map(Object.entries(labels).map(([key, label]) => [fold(label), key as keyof T]));
}
const reverseLabels = {
  origin: reverse(enumLabels.origin),
  cost: reverse(enumLabels.cost),
  locationKind: reverse(enumLabels.locationKind),
  reachKind: reverse(enumLabels.reachKind),
  areas: reverse(enumLabels.areas),
  targetGroups: reverse(enumLabels.targetGroups),
};

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    if ('richText' in value)
      return value.richText
        .map((part) => part.text)
        .join('')
        .trim();
    if ('text' in value) return String(value.text).trim();
    if ('result' in value) return String(value.result ?? '').trim();
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value).trim();
}

const splitList = (text: string) =>
  text
    .split(/[;\n]/)
    .map((part) => part.trim())
    .filter(Boolean);

/** Turns one sheet row (by header) into the card the form would send; unknown labels pass through to fail zod. */
function rowToCardInput(get: (header: string) => string, providerId: string | null): Record<string, unknown> {
  const optional = (header: string) => get(header) || null;
  const label = (map: Map<string, string | number | symbol>, header: string) => {
    const text = get(header);
    return text ? (map.get(fold(text)) ?? text) : undefined;
  };
  const labels = (map: Map<string, string | number | symbol>, header: string) =>
    splitList(get(header)).map((part) => map.get(fold(part)) ?? part);
  const yes = (header: string) => fold(get(header)) === 'tak';
  const waiting = get('Czas oczekiwania (dni)');
  return {
    name: get('Nazwa usługi'),
    description: get('Opis'),
    providerInstitutionId: providerId,
    providerName: optional('Realizator spoza rejestru'),
    origin: label(reverseLabels.origin, 'Pochodzenie'),
    cooperationAreas: labels(reverseLabels.areas, 'Obszary współpracy'),
    targetGroups: labels(reverseLabels.targetGroups, 'Grupy docelowe'),
    isCompound: yes('Usługa złożona'),
    isReferralRequired: yes('Wymagane skierowanie'),
    referralBy: optional('Kto kieruje'),
    accessDescription: optional('Sposób dostępu'),
    eligibility: optional('Warunki'),
    cost: label(reverseLabels.cost, 'Odpłatność'),
    costDescription: optional('Opis odpłatności'),
    locationKind: label(reverseLabels.locationKind, 'Miejsce'),
    street: optional('Ulica'),
    postalCode: optional('Kod pocztowy'),
    city: optional('Miejscowość'),
    territoryCode: optional('Kod TERYT gminy'),
    reachKind: label(reverseLabels.reachKind, 'Zasięg'),
    reachCodes: splitList(get('Kody TERYT zasięgu')),
    schedule: optional('Harmonogram'),
    capacity: optional('Liczba miejsc'),
    waitingTimeDays: waiting === '' ? null : Number(waiting),
    contactName: optional('Osoba kontaktowa'),
    contactPhone: optional('Telefon'),
    contactEmail: optional('E-mail'),
    languages: get('Języki') ? splitList(get('Języki')) : ['pl'],
    isAccessible: yes('Dostępność dla osób z niepełnosprawnościami'),
    accessibilityDescription: optional('Opis dostępności'),
  };
}

/** Field name -> the sheet column a person sees. */
const columnOfField: Record<string, string> = {
  name: 'Nazwa usługi',
  description: 'Opis',
  providerInstitutionId: 'Realizator (instytucja)',
  providerName: 'Realizator spoza rejestru',
  origin: 'Pochodzenie',
  cooperationAreas: 'Obszary współpracy',
  targetGroups: 'Grupy docelowe',
  referralBy: 'Kto kieruje',
  cost: 'Odpłatność',
  locationKind: 'Miejsce',
  postalCode: 'Kod pocztowy',
  city: 'Miejscowość',
  territoryCode: 'Kod TERYT gminy',
  reachKind: 'Zasięg',
  reachCodes: 'Kody TERYT zasięgu',
  waitingTimeDays: 'Czas oczekiwania (dni)',
  contactPhone: 'Telefon',
  contactEmail: 'E-mail',
  languages: 'Języki',
};
const toRowErrors = (errors: FieldError[]) =>
  errors.map((e) => ({ column: columnOfField[e.field.split('.')[0]!] ?? e.field, messages: e.messages }));

const normalizedCard = (card: Record<string, unknown>) =>
  Object.fromEntries(serviceCardFields.map((field) => [field, card[field] ?? null]));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function loadWorkbook(body: Buffer): Promise<ExcelJS.Worksheet> {
  if (body.length < 4 || body.readUInt32LE(0) !== 0x04034b50) {
    throw new AppError('unsupportedMediaType', [fieldError('file', 'notXlsx')]);
  }
  const declared = declaredUncompressedSize(body);
  if (declared === null || declared > IMPORT_MAX_UNCOMPRESSED_BYTES) {
    throw new AppError('payloadTooLarge', [fieldError('file', 'spreadsheetTooLarge')]);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw new AppError('unsupportedMediaType', [fieldError('file', 'notXlsx')]);
  }
  const sheet = workbook.getWorksheet('Koszyk usług') ?? workbook.worksheets[0];
  if (!sheet) throw new AppError('unprocessable', [fieldError('file', 'noBasketSheet')]);
  return sheet;
}

/** Reads, validates and stores the preview; writes nothing to the basket. */
export async function previewSpreadsheetImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  body: Buffer,
): Promise<ImportPreview> {
  const actor = context.actor;
  if (!actor?.membership) throw new AppError('forbidden');
  const partnership = await unsafeFindPartnershipAccessRecord(db, partnershipId);
  if (!partnership || !canReadBasket(actor, partnership)) throw new AppError('notFound');
  if (!canImportBasket(actor, partnership)) throw new AppError('forbidden');
  const sheet = await loadWorkbook(body);

  const headerIndex = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, column) => headerIndex.set(fold(cellText(cell.value)), column));
  const missing = sheetColumns.filter((c) => c.header !== 'Identyfikator' && !headerIndex.has(fold(c.header)));
  if (!headerIndex.has(fold('Nazwa usługi')) || missing.length > 5) {
    throw new AppError('unprocessable', [fieldError('file', 'noBasketSheet')]);
  }

  const providers = await db
    .select({ id: institutions.id, name: institutions.name, shortName: institutions.shortName })
    .from(institutions)
    .innerJoin(partnershipMembers, eq(partnershipMembers.institutionId, institutions.id))
    .where(eq(partnershipMembers.partnershipId, partnershipId));
  const providerByName = new Map<string, string>();
  for (const p of providers) {
    providerByName.set(fold(p.name), p.id);
    if (p.shortName) providerByName.set(fold(p.shortName), p.id);
  }

  const rows: StoredRow[] = [];
  const lastRow = sheet.actualRowCount > 0 ? sheet.rowCount : 1;
  for (let r = 2; r <= lastRow; r += 1) {
    const row = sheet.getRow(r);
    const get = (header: string) => {
      const column = headerIndex.get(fold(header));
      return column ? cellText(row.getCell(column).value) : '';
    };
    if (sheetColumns.every((c) => get(c.header) === '')) continue;
    if (rows.length >= IMPORT_ROW_LIMIT) throw new AppError('payloadTooLarge', [fieldError('file', 'tooManyRows')]);
    const providerText = get('Realizator (instytucja)');
    const providerId = providerText ? (providerByName.get(fold(providerText)) ?? null) : null;
    const outcome: StoredRow = {
      row: r,
      action: 'reject',
      serviceId: null,
      version: null,
      name: get('Nazwa usługi') || null,
      card: null,
      errors: [],
    };
    rows.push(outcome);
    if (providerText && !providerId) {
      outcome.errors.push(...toRowErrors([fieldError('providerInstitutionId', 'unknownInstitution')]));
    }
    const parsed = CardInput.safeParse(rowToCardInput(get, providerId));
    if (!parsed.success) {
      outcome.errors.push(...toRowErrors(zodIssuesToFieldErrors(parsed.error.issues)));
      continue;
    }
    const card = parsed.data as ServiceCardData;
    outcome.errors.push(...toRowErrors(await validateServiceCard(db, card)));
    const id = get('Identyfikator');
    if (id) {
      const existing = /^[0-9a-f-]{36}$/i.test(id) ? await unsafeFindServiceRow(db, id) : null;
      if (!existing || existing.partnershipId !== partnershipId) {
        outcome.errors.push({ column: 'Identyfikator', messages: fieldError('id', 'unknownService').messages });
      } else {
        outcome.serviceId = existing.id;
        outcome.version = existing.version;
        if (outcome.errors.length === 0) {
          const isSame = sameJson(normalizedCard(card), normalizedCard(existing as unknown as Record<string, unknown>));
          outcome.action = isSame ? 'unchanged' : 'update';
        }
      }
    } else if (outcome.errors.length === 0) outcome.action = 'create';
    if (outcome.errors.length === 0) outcome.card = card;
  }

  const [stored] = await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(basketImports)
      .values({ partnershipId, userId: actor.userId, format: 'xlsx', rows })
      .returning({ id: basketImports.id });
    await recordAuditEvent(tx, context, {
      action: 'basket.import.preview',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: { rows: rows.length, rejected: rows.filter((r) => r.action === 'reject').length },
    });
    return inserted;
  });
  const countOf = (action: StoredRow['action']) => rows.filter((r) => r.action === action).length;
  return {
    importId: stored!.id,
    rows: rows.map(({ row, action, serviceId, name, errors }) => ({ row, action, serviceId, name, errors })),
    counts: {
      create: countOf('create'),
      update: countOf('update'),
      reject: countOf('reject'),
      unchanged: countOf('unchanged'),
    },
  };
}

/** Applies a stored preview in one transaction: all rows or none. */
export async function confirmImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  importId: string,
): Promise<{ created: number; updated: number }> {
  const actor = context.actor;
  if (!actor?.membership) throw new AppError('forbidden');
  return db.transaction(async (tx: Executor) => {
    const partnership = await unsafeFindPartnershipAccessRecord(tx, partnershipId);
    if (!partnership || !canReadBasket(actor, partnership)) throw new AppError('notFound');
    if (!canImportBasket(actor, partnership)) throw new AppError('forbidden');
    const [pending] = await tx
      .select()
      .from(basketImports)
      .where(
        and(
          eq(basketImports.id, importId),
          eq(basketImports.partnershipId, partnershipId),
          eq(basketImports.userId, actor.userId),
          eq(basketImports.status, 'pending'),
        ),
      )
      .for('update');
    if (!pending || Date.now() - pending.createdAt.getTime() > PREVIEW_VALID_MINUTES * 60_000) {
      throw new AppError('notFound');
    }
    const rows = pending.rows as StoredRow[];
    let created = 0;
    let updated = 0;
    for (const row of rows) {
      try {
        if (row.action === 'create' && row.card) {
          // Whoever may import manages the basket: imported cards are published at once.
          await insertServiceCard(tx, context, partnershipId, row.card, { status: 'published', event: 'imported' });
          created += 1;
        } else if (row.action === 'update' && row.card && row.serviceId) {
          const current = await unsafeFindServiceRow(tx, row.serviceId, { forUpdate: true });
          if (!current) throw new AppError('conflict');
          await updateServiceCard(tx, context, current, row.card, {
            expectedVersion: row.version ?? 0,
            event: 'imported',
          });
          updated += 1;
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
      .set({ status: 'confirmed', confirmedAt: new Date() })
      .where(inArray(basketImports.id, [importId]));
    await recordAuditEvent(tx, context, {
      action: 'basket.import',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: { created, updated },
    });
    return { created, updated };
  });
}
