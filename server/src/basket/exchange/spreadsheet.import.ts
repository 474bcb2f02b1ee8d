/**
 * SECURITY-RELEVANT. Import of the basket sheet. An uploaded spreadsheet is hostile input
 * (docs/security.md §22): it is unpacked and read in an import worker within its limits and budget
 * (spreadsheet.read.ts, import-jobs.ts), never on the event loop. Every row is validated like a card
 * from the form; the preview is stored and nothing reaches the basket until the same user confirms,
 * and then all rows go in one transaction (import-preview.ts).
 */
import type { FastifyBaseLogger } from 'fastify';
import { eq } from 'drizzle-orm';
import type { Database } from '../../platform/db/database.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { institutions, partnershipMembers } from '../../platform/db/tables.js';
import { fieldError, zodIssuesToFieldErrors, type FieldError, type Messages } from '../../platform/http/problem.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';
import { CreateServiceInput, type ImportPreview } from '../../../../shared/src/contracts/basket.js';
import {
  serviceCardFields,
  unsafeFindServiceRow,
  validateServiceCard,
  type ServiceCardData,
} from '../cards/cards.store.js';
import {
  authorizeImport,
  changedCardFields,
  providerMembershipErrors,
  storeImportPreview,
  type StoredImportRow,
} from './import-preview.js';
import { enumLabels, labelAliases } from './spreadsheet.columns.js';
import type { readSpreadsheetUpload, UnreadHeader } from './spreadsheet.read.js';
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

/**
 * Two rows for one new service: the same name (without case, diacritics, quotes or punctuation) and
 * the same provider (the registry's institution, or the name of one outside it).
 */
const loose = (text: string | null | undefined) =>
  fold(text ?? '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
const newServiceKey = (card: ServiceCardData) =>
  JSON.stringify([loose(card.name), card.providerInstitutionId ?? null, loose(card.providerName)]);
const repeatedRowNote = (row: number) => ({
  column: 'Nazwa usługi',
  messages: {
    pl: `Powtarza wiersz ${row} (ta sama usługa i realizator): pominięty przy zapisie, żeby nie powstały dwie karty.`,
    en: `Repeats row ${row} (the same service and provider): skipped on confirmation, so that no two cards are made.`,
  },
});

/** About the whole sheet (ImportPreview.notes), each once. */
const headerRowNote = (row: number) => ({
  column: '',
  messages: {
    pl: `Nagłówki kolumn odczytano z wiersza ${row}; wiersze nad nim pominięto.`,
    en: `The column headers were read from row ${row}; the rows above it were skipped.`,
  },
});
const unreadHeaderNote = (header: UnreadHeader) => ({
  column: header.text,
  messages: {
    pl: `Nie rozpoznano tego scalonego nagłówka (kolumny ${header.columns}): ich wartości pominięto. Wpisz nad każdą kolumną jej nagłówek z szablonu.`,
    en: `This merged header (columns ${header.columns}) was not understood: their values were skipped. Give each column its header from the template.`,
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
  const sheet = await jobs.read(readSheetJob, { body }, { db, context, partnershipId, format: 'xlsx', log });
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
      const changed = changedCardFields(card, existing);
      outcome.action = changed.length === 0 ? 'unchanged' : 'update';
      if (changed.length > 0) outcome.notes!.push(changedColumnsNote(changed.map((f) => columnOfField[f])));
      if (missingColumns.length > 0) outcome.notes!.push(missingColumnsNote(missingColumns, 'kept'));
    } else {
      const key = newServiceKey(card);
      const repeated = newServiceRows.get(key);
      if (repeated !== undefined) {
        // Skipped, not refused for a fault: the first row creates the card, this one would be a copy.
        outcome.action = 'reject';
        outcome.card = null;
        outcome.notes!.push(repeatedRowNote(repeated));
        continue;
      }
      newServiceRows.set(key, row.number);
      outcome.action = 'create';
      if (missingColumns.length > 0) outcome.notes!.push(missingColumnsNote(missingColumns, 'defaults'));
    }
  }

  const notes = [
    ...(sheet.headerRow > 1 ? [headerRowNote(sheet.headerRow)] : []),
    ...sheet.unreadHeaders.map(unreadHeaderNote),
  ];
  return db.transaction((tx) =>
    storeImportPreview(tx, context, { partnershipId, userId: actor.userId, format: 'xlsx', rows, notes }),
  );
}
