/**
 * SECURITY-RELEVANT. Import of the basket sheet. An uploaded spreadsheet is hostile input
 * (docs/security.md §22): it is unpacked and read in an import worker within its limits and budget
 * (spreadsheet.read.ts, import-jobs.ts), never on the event loop. Every row is validated like a card
 * from the form; the preview is stored and nothing reaches the basket until the same user confirms,
 * and then all rows go in one transaction (import-preview.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import { and, eq, ne } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { institutions, partnershipMembers, services } from '../../platform/db/tables.js';
import { fieldError, zodIssuesToFieldErrors, type FieldError, type Messages } from '../../platform/http/problem.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';
import { CreateServiceInput, type ImportPreview } from '../../../../shared/src/contracts/basket.js';
import { IsoDate } from '../../../../shared/src/contracts/common.js';
import {
  providerContactErrors,
  providerContactFields,
  serviceCardFields,
  unsafeFindServiceRow,
  validateServiceCard,
  type ServiceCardData,
} from '../cards/cards.store.js';
import {
  authorizeImport,
  changedCardFields,
  newCardsChoice,
  providerMembershipErrors,
  storeImportPreview,
  type StoredImportRow,
} from './import-preview.js';
import { findImportMappings } from './import-mappings.js';
import { enumLabels, labelAliases } from './spreadsheet.columns.js';
import {
  mappableColumns,
  type readSpreadsheetUpload,
  type SheetColumnRead,
  type RepeatedHeader,
  type UnreadHeader,
} from './spreadsheet.read.js';
import type { ImportJobs } from './import-jobs.js';
import { defineWorkerJob } from '../../platform/workers/worker-jobs.js';

/** Confirmation is shared with the HSDS import: see import-preview.ts. */
export { confirmImport } from './import-preview.js';

const CardInput = CreateServiceInput.omit({ partnershipId: true });

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

/** A list cell: values separated by semicolons (the template), commas or line breaks (Alt+Enter). */
const splitList = (text: string) =>
  text
    .split(/[;,\r\n]/)
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
/**
 * What a cell of a column with a format should look like, added to each error of its value, so the
 * person sees why and an example rather than "invalid format".
 */
const formatHints: Record<string, Messages> = {
  postalCode: { pl: 'Wpisz kod z myślnikiem, np. 32-020.', en: 'Enter the code with a hyphen, e.g. 32-020.' },
  territoryCode: { pl: 'Np. 1061011.', en: 'E.g. 1061011.' },
  reachCodes: {
    pl: 'Gminy 7 cyfr, powiat 4, województwo 2; oddziel wartości średnikiem, np. 1061011; 1219053.',
    en: 'Gminas 7 digits, a powiat 4, a voivodeship 2; separate the values with semicolons, e.g. 1061011; 1219053.',
  },
  waitingTimeDays: { pl: 'Wpisz liczbę dni, np. 14.', en: 'Enter a number of days, e.g. 14.' },
  contactEmail: { pl: 'Np. kontakt@ops.lodz.pl.', en: 'E.g. kontakt@ops.lodz.pl.' },
  contactPhone: { pl: 'Np. 42 638 40 00 lub +48 600 100 200.', en: 'E.g. 42 638 40 00 or +48 600 100 200.' },
  languages: {
    pl: 'Kody języków oddziel średnikiem, np. pl; uk.',
    en: 'Separate the language codes with semicolons, e.g. pl; uk.',
  },
  cooperationAreas: { pl: 'Oddziel wartości średnikiem.', en: 'Separate the values with semicolons.' },
  targetGroups: { pl: 'Oddziel wartości średnikiem.', en: 'Separate the values with semicolons.' },
};
const toRowErrors = (errors: FieldError[]) =>
  errors.map((e) => {
    const field = e.field.split('.')[0]!;
    const allowed = allowedLabels[field];
    const isLabelError =
      allowed && (e.code === 'invalid_value' || e.code === 'invalid_enum_value' || e.code === 'custom');
    const hint = e.code === 'required' ? undefined : formatHints[field];
    const parts = [
      e.messages,
      ...(isLabelError ? [{ pl: `Dozwolone: ${allowed.join('; ')}.`, en: `Allowed: ${allowed.join('; ')}.` }] : []),
      ...(hint ? [hint] : []),
    ];
    const messages = { pl: parts.map((m) => m.pl).join(' '), en: parts.map((m) => m.en).join(' ') };
    const column =
      field === 'lastConfirmedAt' ? 'Ostatnie potwierdzenie' : columnOfField[field as keyof typeof columnOfField];
    return { column: column ?? e.field, messages };
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

/**
 * Two rows for one new service: the same name (without case, diacritics, quotes or punctuation) and
 * the same provider (the registry's institution, or the name of one outside it).
 */
const loose = (text: string | null | undefined) =>
  fold(text ?? '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
const newServiceKey = (card: Pick<ServiceCardData, 'name' | 'providerInstitutionId' | 'providerName'>) =>
  JSON.stringify([loose(card.name), card.providerInstitutionId ?? null, loose(card.providerName)]);
const repeatedRowNote = (row: number) => ({
  column: 'Nazwa usługi',
  messages: {
    pl: `Powtarza wiersz ${row} (ta sama usługa i realizator): domyślnie pominięty przy zapisie, żeby nie powstały dwie karty; możesz wybrać „utwórz mimo to”.`,
    en: `Repeats row ${row} (the same service and provider): skipped on confirmation by default, so that no two cards are made; you may choose “create anyway”.`,
  },
});
const isContactField = (field: string) => (providerContactFields as readonly string[]).includes(field);
const noContactNote = {
  column: 'Telefon',
  messages: {
    pl: 'Brak telefonu, e-maila i osoby kontaktowej: nowa karta trafi do przeglądu, bo bez kontaktu nie może być opublikowana.',
    en: 'No phone, e-mail or contact person: the new card goes to review, because it cannot be published without a contact.',
  },
};
const existingCardNote = (name: string) => ({
  column: 'Nazwa usługi',
  messages: {
    pl: `W koszyku jest już karta „${name}” tego realizatora: domyślnie pominięty przy zapisie; możesz wybrać „utwórz mimo to”. Aby zmienić tę kartę, wpisz jej Identyfikator z eksportu.`,
    en: `The basket already has the card “${name}” of this provider: skipped on confirmation by default; you may choose “create anyway”. To change that card, give its Identyfikator from the export.`,
  },
});

/**
 * "Ostatnie potwierdzenie" as OPS type it: dd.MM.yyyy (also d.M.yyyy, with / or -), or a real
 * date cell (read as yyyy-MM-dd). Checked with the shared date schema, so an impossible date gets
 * the shared message with a real one as the example ("Taka data nie istnieje; np. 28.02.2026.").
 */
function readConfirmationDate(text: string): { date?: string; errors: FieldError[] } {
  const polish = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(text);
  const iso = polish ? `${polish[3]}-${polish[2]!.padStart(2, '0')}-${polish[1]!.padStart(2, '0')}` : text;
  const parsed = IsoDate.safeParse(iso);
  if (!parsed.success) {
    const errors = zodIssuesToFieldErrors(parsed.error.issues).map((e) => ({ ...e, field: 'lastConfirmedAt' }));
    // A text that is no date at all gets the format with an example; an impossible one keeps its own.
    return { errors: errors.length > 0 ? errors : [fieldError('lastConfirmedAt', 'date')] };
  }
  if (parsed.data > new Date().toISOString().slice(0, 10)) {
    return { errors: [{ ...fieldError('lastConfirmedAt', 'date'), messages: futureDateMessages }] };
  }
  return { date: parsed.data, errors: [] };
}
const futureDateMessages = {
  pl: 'Data potwierdzenia nie może być w przyszłości; wpisz ją jako dd.mm.rrrr, np. 28.02.2026.',
  en: 'The confirmation date cannot be in the future; enter it as dd.mm.yyyy, e.g. 28.02.2026.',
};

/** About the whole sheet (ImportPreview.notes), each once. */
const headerRowNote = (row: number) => ({
  column: '',
  messages: {
    pl: `Nagłówki kolumn odczytano z wiersza ${row}; wiersze nad nim pominięto.`,
    en: `The column headers were read from row ${row}; the rows above it were skipped.`,
  },
});
const unmappedColumnNote = (column: SheetColumnRead) => ({
  column: column.header,
  messages: {
    pl: `Kolumna ${column.letter}: tej kolumny nie ma w szablonie i nie jest dopasowana – te dane nie zostaną zapisane. Wybierz jej kolumnę szablonu w dopasowaniu kolumn albo zostaw „pomiń”.`,
    en: `Column ${column.letter}: the template has no such column and it is not mapped – these data will not be saved. Choose its template column in the column mapping, or leave “skip”.`,
  },
});
const unreadHeaderNote = (header: UnreadHeader) => ({
  column: header.text,
  messages: {
    pl: `Nie rozpoznano tego scalonego nagłówka (kolumny ${header.columns}): ich wartości pominięto. Wpisz nad każdą kolumną jej nagłówek z szablonu.`,
    en: `This merged header (columns ${header.columns}) was not understood: their values were skipped. Give each column its header from the template.`,
  },
});

const repeatedHeaderNote = (header: RepeatedHeader) => ({
  column: header.text,
  messages: {
    pl: `Kolumna ${header.letter} byłaby czytana jako „${header.templateColumn}”, ale tę kolumnę szablonu wypełnia już kolumna ${header.readLetter}: wartości kolumny ${header.letter} pominięto. Zmień jej dopasowanie albo usuń jedną z nich.`,
    en: `Column ${header.letter} would be read as “${header.templateColumn}”, but column ${header.readLetter} already fills that template column: the values of column ${header.letter} were skipped. Change its mapping or remove one of them.`,
  },
});

/** The worker half of the import (spreadsheet.read.ts). */
const readSheetJob = defineWorkerJob<typeof readSpreadsheetUpload>(
  new URL('./spreadsheet.read.ts', import.meta.url),
  'readSpreadsheetUpload',
);

/**
 * Reads (in an import worker), validates and stores the preview; writes nothing to the basket.
 * Answers 404/403 first, then the worker's refusals of the file (415, 413 audited, 422).
 */
export async function previewSpreadsheetImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  body: Buffer,
  jobs: ImportJobs,
  log?: FastifyBaseLogger,
): Promise<ImportPreview> {
  const partnership = await authorizeImport(db, context, partnershipId, 'basket.import.preview');
  const actor = context.actor!;
  const mappings = await findImportMappings(db, partnershipId);
  const sheet = await jobs.read(readSheetJob, { body, mappings }, { db, context, partnershipId, format: 'xlsx', log });
  const present = new Set(sheet.headers);

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

  // A column the sheet lacks keeps the stored value of an updated card (a sheet cut down to a few
  // columns must not wipe the rest); a new card gets the form's default and the preview says so.
  const missingFields = serviceCardFields.filter((field) => !present.has(columnOfField[field]));
  const missingColumns = [...new Set(missingFields.map((field) => columnOfField[field]))];
  const seenIds = new Map<string, number>();
  const newServiceRows = new Map<string, number>();
  // The basket's cards by the same key, for a new row that would copy one (withdrawn ones aside).
  const basketCards = await db
    .select({
      id: services.id,
      name: services.name,
      providerInstitutionId: services.providerInstitutionId,
      providerName: services.providerName,
    })
    .from(services)
    .where(and(eq(services.partnershipId, partnershipId), ne(services.status, 'withdrawn')));
  const basketCardByKey = new Map(basketCards.map((card) => [newServiceKey(card), card]));
  const rows: StoredImportRow[] = [];
  for (const row of sheet.rows) {
    const get = (header: string) => row.cells[header] ?? '';
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
    const confirmation = get('Ostatnie potwierdzenie') ? readConfirmationDate(get('Ostatnie potwierdzenie')) : null;
    if (confirmation) outcome.errors.push(...toRowErrors(confirmation.errors));
    // The user's own cells go with a rejected row (errors.xlsx); dropped once it is accepted below.
    outcome.cells = row.cells;
    const parsed = CardInput.safeParse(input);
    if (!parsed.success) {
      outcome.errors.push(...toRowErrors(zodIssuesToFieldErrors(parsed.error.issues)));
      continue;
    }
    const card = parsed.data as ServiceCardData;
    outcome.errors.push(...toRowErrors(await validateServiceCard(db, card)));
    outcome.errors.push(...toRowErrors(providerMembershipErrors(partnership, card, existing)));
    // A published card keeps a way to reach its provider (the card store's one rule).
    if (existing?.status === 'published' && changedCardFields(card, existing).some(isContactField)) {
      outcome.errors.push(...toRowErrors(providerContactErrors(card)));
    }
    if (outcome.errors.length > 0) continue;
    delete outcome.cells;

    outcome.card = card;
    if (existing) {
      outcome.serviceId = existing.id;
      outcome.version = existing.version;
      const changed = changedCardFields(card, existing);
      outcome.action = changed.length === 0 ? 'unchanged' : 'update';
      if (changed.length > 0) outcome.notes!.push(changedColumnsNote(changed.map((f) => columnOfField[f])));
      if (missingColumns.length > 0) outcome.notes!.push(missingColumnsNote(missingColumns, 'kept'));
    } else {
      const key = newServiceKey(card);
      const repeated = newServiceRows.get(key);
      const match = basketCardByKey.get(key);
      if (confirmation?.date) outcome.lastConfirmedOn = confirmation.date;
      if (repeated !== undefined || match) {
        // Not refused for a fault: skipped on confirmation unless the user chooses to create it.
        outcome.action = 'duplicate';
        outcome.duplicateOf =
          repeated !== undefined
            ? { row: repeated, serviceId: null, name: null }
            : { row: null, serviceId: match!.id, name: match!.name };
        outcome.notes!.push(repeated !== undefined ? repeatedRowNote(repeated) : existingCardNote(match!.name));
        continue;
      }
      newServiceRows.set(key, row.number);
      outcome.action = 'create';
      if (providerContactErrors(card).length > 0) outcome.notes!.push(noContactNote);
      if (missingColumns.length > 0) outcome.notes!.push(missingColumnsNote(missingColumns, 'defaults'));
    }
  }

  const notes = [
    ...(sheet.headerRow > 1 ? [headerRowNote(sheet.headerRow)] : []),
    ...sheet.unreadHeaders.map(unreadHeaderNote),
    ...sheet.repeatedHeaders.map(repeatedHeaderNote),
    ...sheet.unknownColumns.filter((column) => !column.mappedTo).map(unmappedColumnNote),
  ];
  const extras = {
    ...(sheet.unknownColumns.length > 0 ? { columns: sheet.unknownColumns, templateColumns: mappableColumns } : {}),
    newCards: newCardsChoice(actor, partnership),
  };
  return db.transaction((tx) =>
    storeImportPreview(tx, context, {
      partnershipId,
      userId: actor.userId,
      format: 'xlsx',
      rows,
      notes,
      extras,
    }),
  );
}
