/**
 * SECURITY-RELEVANT. Import of the basket sheet. An uploaded spreadsheet is hostile input
 * (SECURITY.md 22): the body must be an Office Open XML workbook (ZIP) no larger than the route's
 * 10 MiB, whose entries inflate (checked with a bounded inflater, see checkZip) to no more than
 * 50 MiB with at most IMPORT_MAX_CELLS cells per sheet, and with at most IMPORT_ROW_LIMIT filled
 * rows. Formulas are never evaluated (the cached value is read). Every row is validated like a card
 * from the form; the preview is stored and nothing reaches the basket until the same user confirms,
 * and then all rows go in one transaction (import-preview.ts).
 */
import { inflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import type { Database } from '../platform/db/database.js';
import type { RequestContext } from '../platform/auth/actor.js';
import { institutions, partnershipMembers } from '../platform/db/tables.js';
import { AppError, fieldError, zodIssuesToFieldErrors, type FieldError } from '../platform/http/problem.js';
import { normalizeForSearch } from '../../../shared/src/text.js';
import { CreateServiceInput, type ImportPreview } from '../../../shared/src/contracts/basket.js';
import {
  serviceCardFields,
  unsafeFindServiceRow,
  validateServiceCard,
  type ServiceCardData,
} from './services.store.js';
import {
  authorizeImport,
  providerMembershipErrors,
  storeImportPreview,
  type StoredImportRow,
} from './import-preview.js';
import { enumLabels, labelAliases, SHEET_NAME, sheetColumns } from './spreadsheet.columns.js';

/** Confirmation is shared with the HSDS import: see import-preview.ts. */
export { confirmImport } from './import-preview.js';

export const IMPORT_ROW_LIMIT = 5_000;
export const IMPORT_MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024;

const CardInput = CreateServiceInput.omit({ partnershipId: true });

/** Entries an .xlsx has are a dozen or two; thousands are a crafted file. */
const ZIP_MAX_ENTRIES = 2_000;
/** Cells in one worksheet: 5,001 rows of the template's columns fit many times over. */
export const IMPORT_MAX_CELLS = 1_000_000;

/** 'notZip': not a ZIP, or a ZIP that is not an Office Open XML workbook. */
type ZipCheck = 'ok' | 'notZip' | 'tooLarge';

/**
 * The zip-bomb guard, before exceljs (JSZip) sees the file. JSZip inflates an entry fully and only
 * then compares the length with the declared size, so a lying central directory would still cost
 * the memory. Here every entry is inflated with zlib's `maxOutputLength` set to its declared size
 * (plus one byte, to catch a lie), the declared sizes together may not exceed maxTotal, and the
 * inflated bytes must equal the declaration. Encrypted entries, ZIP64 and methods other than
 * stored/deflate are refused: an .xlsx under 10 MiB needs none of them. Each worksheet's cells are
 * counted too, so exceljs never builds millions of cell objects from a small, dense sheet.
 */
export function checkZip(zip: Buffer, maxTotal: number, maxCells = IMPORT_MAX_CELLS): ZipCheck {
  let end = -1;
  for (let offset = zip.length - 22; offset >= Math.max(0, zip.length - 22 - 65_535); offset -= 1) {
    if (zip.readUInt32LE(offset) === 0x06054b50) {
      end = offset;
      break;
    }
  }
  if (end < 0) return 'notZip';
  const entries = zip.readUInt16LE(end + 10);
  let cursor = zip.readUInt32LE(end + 16);
  if (entries === 0xffff || cursor === 0xffffffff) return 'tooLarge';
  if (entries > ZIP_MAX_ENTRIES) return 'tooLarge';
  let total = 0;
  const names = new Set<string>();
  for (let i = 0; i < entries; i += 1) {
    if (cursor + 46 > zip.length || zip.readUInt32LE(cursor) !== 0x02014b50) return 'notZip';
    const flags = zip.readUInt16LE(cursor + 8);
    const method = zip.readUInt16LE(cursor + 10);
    const compressed = zip.readUInt32LE(cursor + 20);
    const declared = zip.readUInt32LE(cursor + 24);
    const nameLength = zip.readUInt16LE(cursor + 28);
    const name = zip.toString('utf8', cursor + 46, cursor + 46 + nameLength);
    names.add(name);
    const local = zip.readUInt32LE(cursor + 42);
    cursor += 46 + nameLength + zip.readUInt16LE(cursor + 30) + zip.readUInt16LE(cursor + 32);
    if (flags & 0x1) return 'notZip';
    if (declared === 0xffffffff || compressed === 0xffffffff) return 'tooLarge';
    total += declared;
    if (total > maxTotal) return 'tooLarge';
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) return 'notZip';
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    if (dataStart + compressed > zip.length) return 'notZip';
    const data = zip.subarray(dataStart, dataStart + compressed);
    let inflated: Buffer;
    if (method === 0) inflated = data;
    else if (method === 8) {
      try {
        inflated = inflateRawSync(data, { maxOutputLength: declared + 1 });
      } catch (error) {
        return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'tooLarge' : 'notZip';
      }
    } else return 'notZip';
    if (inflated.length !== declared) return 'tooLarge';
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(name) && countCells(inflated) > maxCells) return 'tooLarge';
  }
  // Any ZIP loads in exceljs (as an empty workbook): an .ods or .docx is told apart here.
  return names.has('[Content_Types].xml') && names.has('xl/workbook.xml') ? 'ok' : 'notZip';
}

/** Counts `<c ` / `<c>` elements (cells) of a worksheet's XML without parsing it. */
function countCells(xml: Buffer): number {
  let count = 0;
  for (let at = xml.indexOf('<c'); at >= 0; at = xml.indexOf('<c', at + 2)) {
    const next = xml[at + 2];
    if (next === 0x20 || next === 0x3e || next === 0x2f) count += 1;
  }
  return count;
}

const fold = (value: string) => normalizeForSearch(value);
function reverse<T extends Record<string, string>>(labels: T): Map<string, keyof T> {
  const map = new Map(Object.entries(labels).map(([key, label]) => [fold(label), key as keyof T]));
  // The value itself (e.g. "meansTested") is accepted too: sheets made from the API's JSON.
  for (const key of Object.keys(labels)) map.set(fold(key), key as keyof T);
  for (const [alias, key] of Object.entries(labelAliases)) if (key in labels) map.set(fold(alias), key as keyof T);
  return map;
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

const reachCodeLength: Record<string, number> = { gminas: 7, powiat: 4, voivodeship: 2 };

/**
 * A TERYT code typed into a number cell loses its leading zero (0201032 -> 201032); one missing
 * zero is put back. Anything else is left for the validation to refuse.
 */
function padCode(code: string, length: number): string {
  return /^\d+$/.test(code) && code.length === length - 1 ? `0${code}` : code;
}

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
  const reachKind = label(reverseLabels.reachKind, 'Zasięg');
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
    territoryCode: optional('Kod TERYT gminy') && padCode(get('Kod TERYT gminy'), 7),
    reachKind,
    reachCodes: splitList(get('Kody TERYT zasięgu')).map((code) =>
      padCode(code, reachCodeLength[String(reachKind)] ?? 7),
    ),
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

/** Card field -> the sheet column it is read from (what a person sees in errors and notes). */
const columnOfField: Record<(typeof serviceCardFields)[number], string> = {
  name: 'Nazwa usługi',
  description: 'Opis',
  providerInstitutionId: 'Realizator (instytucja)',
  providerName: 'Realizator spoza rejestru',
  origin: 'Pochodzenie',
  cooperationAreas: 'Obszary współpracy',
  targetGroups: 'Grupy docelowe',
  isCompound: 'Usługa złożona',
  isReferralRequired: 'Wymagane skierowanie',
  referralBy: 'Kto kieruje',
  accessDescription: 'Sposób dostępu',
  eligibility: 'Warunki',
  cost: 'Odpłatność',
  costDescription: 'Opis odpłatności',
  locationKind: 'Miejsce',
  street: 'Ulica',
  postalCode: 'Kod pocztowy',
  city: 'Miejscowość',
  territoryCode: 'Kod TERYT gminy',
  reachKind: 'Zasięg',
  reachCodes: 'Kody TERYT zasięgu',
  schedule: 'Harmonogram',
  capacity: 'Liczba miejsc',
  waitingTimeDays: 'Czas oczekiwania (dni)',
  contactName: 'Osoba kontaktowa',
  contactPhone: 'Telefon',
  contactEmail: 'E-mail',
  languages: 'Języki',
  isAccessible: 'Dostępność dla osób z niepełnosprawnościami',
  accessibilityDescription: 'Opis dostępności',
};

/** Strict UUID shape (as PostgreSQL's uuid type): anything else cannot name a card. */
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** For a label column the person needs the allowed labels, not zod's "value not allowed". */
const allowedLabels: Record<string, readonly string[]> = {
  origin: Object.values(enumLabels.origin),
  cooperationAreas: Object.values(enumLabels.areas),
  targetGroups: Object.values(enumLabels.targetGroups),
  cost: Object.values(enumLabels.cost),
  locationKind: Object.values(enumLabels.locationKind),
  reachKind: Object.values(enumLabels.reachKind),
};
const toRowErrors = (errors: FieldError[]) =>
  errors.map((e) => {
    const field = e.field.split('.')[0]!;
    const allowed = allowedLabels[field];
    const isLabelError =
      allowed && (e.code === 'invalid_value' || e.code === 'invalid_enum_value' || e.code === 'custom');
    const messages = isLabelError
      ? {
          pl: `${e.messages.pl} Dozwolone: ${allowed.join('; ')}.`,
          en: `${e.messages.en} Allowed: ${allowed.join('; ')}.`,
        }
      : e.messages;
    return { column: columnOfField[field as keyof typeof columnOfField] ?? e.field, messages };
  });

/** Without a column of its own: the note names the columns in its text. */
const changedColumnsNote = (columns: string[]) => ({
  column: '',
  messages: {
    pl: `Zmienią się kolumny: ${columns.join('; ')}.`,
    en: `Columns that will change: ${columns.join('; ')}.`,
  },
});
const missingColumnsNote = (columns: string[], kind: 'kept' | 'defaults') => ({
  column: columns.join('; '),
  messages:
    kind === 'kept'
      ? {
          pl: 'Tych kolumn nie ma w arkuszu: ich wartości w karcie pozostaną bez zmian.',
          en: 'The sheet lacks these columns: the card keeps its values for them.',
        }
      : {
          pl: 'Tych kolumn nie ma w arkuszu: nowa karta dostanie wartości domyślne formularza.',
          en: 'The sheet lacks these columns: the new card gets the form’s defaults.',
        },
});

const normalizedCard = (card: Record<string, unknown>) =>
  Object.fromEntries(serviceCardFields.map((field) => [field, card[field] ?? null]));
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function loadWorkbook(body: Buffer): Promise<ExcelJS.Worksheet> {
  if (body.length < 4 || body.readUInt32LE(0) !== 0x04034b50) {
    throw new AppError('unsupportedMediaType', [fieldError('file', 'notXlsx')]);
  }
  const zip = checkZip(body, IMPORT_MAX_UNCOMPRESSED_BYTES);
  if (zip === 'tooLarge') throw new AppError('payloadTooLarge', [fieldError('file', 'spreadsheetTooLarge')]);
  if (zip === 'notZip') throw new AppError('unsupportedMediaType', [fieldError('file', 'notXlsx')]);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer);
  } catch {
    throw new AppError('unsupportedMediaType', [fieldError('file', 'notXlsx')]);
  }
  const sheet = workbook.getWorksheet(SHEET_NAME) ?? workbook.worksheets[0];
  if (!sheet) throw new AppError('unprocessable', [fieldError('file', 'noBasketSheet')]);
  return sheet;
}

/**
 * Header cell -> column number. A header is matched without case and diacritics, and also without
 * a trailing "(…)" hint, so "Odpłatność (bezpłatna/odpłatna/zależna od dochodu)" is "Odpłatność".
 */
function readHeaders(sheet: ExcelJS.Worksheet): (header: string) => number | undefined {
  const byKey = new Map<string, number>();
  const stripHint = (text: string) => text.replace(/\s*\([^)]*\)\s*$/, '');
  sheet.getRow(1).eachCell((cell, column) => {
    const text = cellText(cell.value);
    for (const key of [fold(text), fold(stripHint(text))]) if (key && !byKey.has(key)) byKey.set(key, column);
  });
  return (header) => byKey.get(fold(header)) ?? byKey.get(fold(stripHint(header)));
}

/** Reads, validates and stores the preview; writes nothing to the basket. */
export async function previewSpreadsheetImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  body: Buffer,
): Promise<ImportPreview> {
  const partnership = await authorizeImport(db, context, partnershipId, 'basket.import.preview');
  const actor = context.actor!;
  const sheet = await loadWorkbook(body);

  const columnOf = readHeaders(sheet);
  const missing = sheetColumns.filter((c) => c.header !== 'Identyfikator' && columnOf(c.header) === undefined);
  if (columnOf('Nazwa usługi') === undefined || missing.length > 5) {
    throw new AppError('unprocessable', [fieldError('file', 'noBasketSheet')]);
  }

  const providers = await db
    .select({ id: institutions.id, name: institutions.name, shortName: institutions.shortName })
    .from(institutions)
    .innerJoin(partnershipMembers, eq(partnershipMembers.institutionId, institutions.id))
    .where(eq(partnershipMembers.partnershipId, partnershipId));
  const providerByName = new Map<string, string>();
  const [leader] = await db
    .select({ id: institutions.id, name: institutions.name, shortName: institutions.shortName })
    .from(institutions)
    .where(eq(institutions.id, partnership.leaderInstitutionId));
  // The leader last, so it wins over a member institution of the same name.
  for (const p of [...providers, ...(leader ? [leader] : [])]) {
    providerByName.set(fold(p.name), p.id);
    if (p.shortName) providerByName.set(fold(p.shortName), p.id);
  }

  // eachRow visits only rows that exist in the file: a lone cell in row 1,000,000 is one row, not a loop.
  const sheetRows: ExcelJS.Row[] = [];
  sheet.eachRow((row, number) => {
    if (number > 1) sheetRows.push(row);
  });
  const cellsOf = (row: ExcelJS.Row) => (header: string) => {
    const column = columnOf(header);
    return column ? cellText(row.getCell(column).value) : '';
  };
  const filled = sheetRows.filter((row) => sheetColumns.some((c) => cellsOf(row)(c.header) !== ''));
  // Counted before any row is validated: a refused file costs no database work.
  if (filled.length > IMPORT_ROW_LIMIT) throw new AppError('payloadTooLarge', [fieldError('file', 'tooManyRows')]);
  // A column the sheet lacks keeps the stored value of an updated card (a sheet cut down to a few
  // columns must not wipe the rest); a new card gets the form's default and the preview says so.
  const missingFields = serviceCardFields.filter((field) => columnOf(columnOfField[field]) === undefined);
  const missingColumns = [...new Set(missingFields.map((field) => columnOfField[field]))];
  const seenIds = new Map<string, number>();
  const rows: StoredImportRow[] = [];
  for (const row of filled) {
    const get = cellsOf(row);
    const providerText = get('Realizator (instytucja)');
    const providerId = providerText ? (providerByName.get(fold(providerText)) ?? null) : null;
    const outcome: StoredImportRow = {
      row: row.number,
      action: 'reject',
      serviceId: null,
      version: null,
      name: get('Nazwa usługi') || null,
      card: null,
      errors: [],
      notes: [],
    };
    rows.push(outcome);
    const idError = (code: string) =>
      outcome.errors.push({ column: 'Identyfikator', messages: fieldError('id', code).messages });

    const id = get('Identyfikator');
    const found = id && UUID_PATTERN.test(id) ? await unsafeFindServiceRow(db, id.toLowerCase()) : null;
    // A card of another basket is "unknown" here: the import must not reveal that it exists.
    const existing = found && found.partnershipId === partnershipId ? found : null;
    if (id && !existing) idError('unknownService');
    else if (existing?.status === 'withdrawn') idError('serviceWithdrawn');
    else if (existing && seenIds.has(existing.id)) idError('duplicateServiceRow');
    if (existing) seenIds.set(existing.id, row.number);

    const input = rowToCardInput(get, providerId);
    if (existing) for (const field of missingFields) input[field] = existing[field];
    if (providerText && !providerId) {
      outcome.errors.push(...toRowErrors([fieldError('providerInstitutionId', 'unknownInstitution')]));
    }
    const parsed = CardInput.safeParse(input);
    if (!parsed.success) {
      outcome.errors.push(...toRowErrors(zodIssuesToFieldErrors(parsed.error.issues)));
      continue;
    }
    const card = parsed.data as ServiceCardData;
    outcome.errors.push(...toRowErrors(await validateServiceCard(db, card)));
    outcome.errors.push(...toRowErrors(providerMembershipErrors(partnership, card, existing)));
    if (outcome.errors.length > 0) continue;

    outcome.card = card;
    if (existing) {
      outcome.serviceId = existing.id;
      outcome.version = existing.version;
      const stored = normalizedCard(existing as unknown as Record<string, unknown>);
      const proposed = normalizedCard(card);
      const changed = serviceCardFields.filter((field) => !sameJson(stored[field], proposed[field]));
      outcome.action = changed.length === 0 ? 'unchanged' : 'update';
      if (changed.length > 0) outcome.notes!.push(changedColumnsNote(changed.map((f) => columnOfField[f])));
      if (missingColumns.length > 0) outcome.notes!.push(missingColumnsNote(missingColumns, 'kept'));
    } else {
      outcome.action = 'create';
      if (missingColumns.length > 0) outcome.notes!.push(missingColumnsNote(missingColumns, 'defaults'));
    }
  }

  return db.transaction((tx) =>
    storeImportPreview(tx, context, { partnershipId, userId: actor.userId, format: 'xlsx', rows }),
  );
}
