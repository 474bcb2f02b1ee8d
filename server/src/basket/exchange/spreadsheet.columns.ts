/**
 * The basket sheet (the model's tool 11, "Lokalny koszyk usług w formacie Excel"): one row per
 * service, Polish column headers. The model's own columns are not public (MODEL-TOOLS.md), so these
 * follow the service card's fields (tool 7). This one definition drives the template, the export and
 * the import, so an exported sheet imports back unchanged.
 */
import type { CooperationArea } from '../../../../shared/src/contracts/common.js';
import type { ServiceRow } from '../cards/cards.store.js';

const areaLabels: Record<CooperationArea, string> = {
  socialAssistance: 'pomoc społeczna',
  education: 'edukacja i wychowanie',
  health: 'zdrowie',
  employment: 'praca i zatrudnienie',
  culture: 'kultura',
  sport: 'sport',
  recreation: 'rekreacja',
  judiciary: 'wymiar sprawiedliwości',
  police: 'policja',
  civicActivity: 'aktywność społeczna i obywatelska',
};

const targetGroupLabels: Record<string, string> = {
  children: 'dzieci',
  youth: 'młodzież',
  families: 'rodziny',
  adults: 'dorośli',
  seniors: 'seniorzy',
  disabled: 'osoby z niepełnosprawnościami',
  unemployed: 'osoby bezrobotne',
  homeless: 'osoby w kryzysie bezdomności',
  addicted: 'osoby z uzależnieniami',
  violenceVictims: 'osoby doznające przemocy',
  migrants: 'migranci',
  caregivers: 'opiekunowie',
  all: 'wszyscy',
};

/** The basket sheet's name; the import reads it (or else the first sheet). */
export const SHEET_NAME = 'Koszyk usług';

/**
 * Other spellings people use for the labels, accepted by the import (matched without case and
 * diacritics): short forms of the areas and the wording of the model's description of tool 11.
 */
export const labelAliases: Record<string, string> = {
  edukacja: 'education',
  wychowanie: 'education',
  praca: 'employment',
  zatrudnienie: 'employment',
  'rynek pracy': 'employment',
  'ochrona zdrowia': 'health',
  'aktywnosc spoleczna': 'civicActivity',
  'aktywnosc obywatelska': 'civicActivity',
  adres: 'address',
  stacjonarnie: 'address',
  'w miejscu zamieszkania': 'atHome',
  online: 'remote',
  platna: 'paid',
  nieodplatna: 'free',
  darmowa: 'free',
  sasiedzka: 'neighbourhood',
  samopomocowa: 'selfHelp',
  'grupa samopomocowa': 'selfHelp',
  'osoby niepelnosprawne': 'disabled',
  'osoby starsze': 'seniors',
  bezdomni: 'homeless',
  gmina: 'gminas',
};

export const enumLabels = {
  origin: { partner: 'partner', neighbourhood: 'sąsiedztwo', selfHelp: 'samopomoc' },
  cost: { free: 'bezpłatna', paid: 'odpłatna', meansTested: 'zależna od dochodu' },
  locationKind: { address: 'pod adresem', atHome: 'w domu', remote: 'zdalnie' },
  reachKind: { gminas: 'gminy', powiat: 'powiat', voivodeship: 'województwo' },
  status: {
    draft: 'szkic',
    submitted: 'zgłoszona',
    published: 'opublikowana',
    suspended: 'zawieszona',
    withdrawn: 'wycofana',
  },
  areas: areaLabels,
  targetGroups: targetGroupLabels,
} as const;

const yesNo = (value: boolean) => (value ? 'tak' : 'nie');
const list = (values: readonly string[], labels: Record<string, string>) =>
  values.map((v) => labels[v] ?? v).join('; ');

export type SheetRow = ServiceRow & { registryProviderName: string | null };

export type SheetColumn = {
  header: string;
  width: number;
  /** What the column explains on the "Instrukcja" sheet. */
  help: string;
  toCell: (row: SheetRow) => string | number | null;
};

export const sheetColumns: SheetColumn[] = [
  { header: 'Identyfikator', width: 38, help: 'Nadaje system. Zostaw puste dla nowej usługi.', toCell: (r) => r.id },
  { header: 'Nazwa usługi', width: 40, help: 'Wymagane.', toCell: (r) => r.name },
  { header: 'Opis', width: 60, help: 'Wymagane: na czym polega usługa.', toCell: (r) => r.description },
  {
    header: 'Realizator (instytucja)',
    width: 40,
    help: 'Nazwa instytucji z rejestru.',
    toCell: (r) => r.registryProviderName,
  },
  { header: 'Realizator spoza rejestru', width: 30, help: 'Np. grupa samopomocowa.', toCell: (r) => r.providerName },
  {
    header: 'Pochodzenie',
    width: 14,
    help: 'partner / sąsiedztwo / samopomoc',
    toCell: (r) => enumLabels.origin[r.origin as keyof typeof enumLabels.origin] ?? r.origin,
  },
  {
    header: 'Status',
    width: 14,
    help: 'Tylko do odczytu.',
    toCell: (r) => enumLabels.status[r.status as keyof typeof enumLabels.status] ?? r.status,
  },
  {
    header: 'Obszary współpracy',
    width: 36,
    help: `Oddzielone średnikiem: ${Object.values(areaLabels).join('; ')}`,
    toCell: (r) => list(r.cooperationAreas, areaLabels),
  },
  {
    header: 'Grupy docelowe',
    width: 36,
    help: `Oddzielone średnikiem: ${Object.values(targetGroupLabels).join('; ')}`,
    toCell: (r) => list(r.targetGroups, targetGroupLabels),
  },
  { header: 'Usługa złożona', width: 10, help: 'tak / nie', toCell: (r) => yesNo(r.isCompound) },
  { header: 'Wymagane skierowanie', width: 10, help: 'tak / nie', toCell: (r) => yesNo(r.isReferralRequired) },
  { header: 'Kto kieruje', width: 24, help: 'Gdy wymagane skierowanie.', toCell: (r) => r.referralBy },
  { header: 'Sposób dostępu', width: 40, help: 'Jak skorzystać z usługi.', toCell: (r) => r.accessDescription },
  { header: 'Warunki', width: 40, help: 'Kto może skorzystać.', toCell: (r) => r.eligibility },
  {
    header: 'Odpłatność',
    width: 18,
    help: 'bezpłatna / odpłatna / zależna od dochodu',
    toCell: (r) => enumLabels.cost[r.cost as keyof typeof enumLabels.cost] ?? r.cost,
  },
  { header: 'Opis odpłatności', width: 30, help: '', toCell: (r) => r.costDescription },
  {
    header: 'Miejsce',
    width: 14,
    help: 'pod adresem / w domu / zdalnie',
    toCell: (r) => enumLabels.locationKind[r.locationKind as keyof typeof enumLabels.locationKind] ?? r.locationKind,
  },
  { header: 'Ulica', width: 30, help: '', toCell: (r) => r.street },
  { header: 'Kod pocztowy', width: 12, help: '00-000', toCell: (r) => r.postalCode },
  { header: 'Miejscowość', width: 20, help: '', toCell: (r) => r.city },
  { header: 'Kod TERYT gminy', width: 14, help: '7 cyfr', toCell: (r) => r.territoryCode },
  {
    header: 'Zasięg',
    width: 14,
    help: 'gminy / powiat / województwo',
    toCell: (r) => enumLabels.reachKind[r.reachKind as keyof typeof enumLabels.reachKind] ?? r.reachKind,
  },
  {
    header: 'Kody TERYT zasięgu',
    width: 24,
    help: 'Gminy: kody 7-cyfrowe; powiat: 4 cyfry; województwo: 2 cyfry; oddzielone średnikiem.',
    toCell: (r) => r.reachCodes.join('; '),
  },
  { header: 'Harmonogram', width: 30, help: 'Dni i godziny.', toCell: (r) => r.schedule },
  { header: 'Liczba miejsc', width: 16, help: '', toCell: (r) => r.capacity },
  { header: 'Czas oczekiwania (dni)', width: 12, help: 'Liczba dni.', toCell: (r) => r.waitingTimeDays },
  { header: 'Osoba kontaktowa', width: 24, help: '', toCell: (r) => r.contactName },
  { header: 'Telefon', width: 16, help: '', toCell: (r) => r.contactPhone },
  { header: 'E-mail', width: 28, help: '', toCell: (r) => r.contactEmail },
  { header: 'Języki', width: 10, help: 'Kody ISO, np. pl; uk; en', toCell: (r) => r.languages.join('; ') },
  {
    header: 'Dostępność dla osób z niepełnosprawnościami',
    width: 12,
    help: 'tak / nie',
    toCell: (r) => yesNo(r.isAccessible),
  },
  { header: 'Opis dostępności', width: 30, help: '', toCell: (r) => r.accessibilityDescription },
  {
    header: 'Ostatnie potwierdzenie',
    width: 14,
    help: 'Tylko do odczytu (rrrr-mm-dd).',
    toCell: (r) => (r.lastConfirmedAt ? r.lastConfirmedAt.toISOString().slice(0, 10) : null),
  },
];

/**
 * A cell that starts with = + - @ (or a tab/CR), also after leading spaces or quotes, would run as a
 * formula in a spreadsheet program; CSV readers get it with a leading apostrophe (OWASP "CSV
 * injection"), and so does every such character that follows a separator inside the value.
 */
export function neutraliseFormula(value: string): string {
  // Inside the value too: after any separator a program might split at (and spaces or quotes), the
  // formula character gets its apostrophe, since a reader with another separator than ours also
  // loses track of our quoting.
  const inner = value.replace(/([,;\t|\r\n][\s"']*)([=+\-@])/g, "$1'$2");
  return /^[\s"']*[=+\-@]|^[\t\r]/.test(inner) ? `'${inner}` : inner;
}

/**
 * RFC 4180 field with `;` as the separator (Polish Excel's default). A value holding any separator a
 * program might choose on opening (`,` `;` tab `|`) is quoted, so whichever it picks the value stays
 * one cell and only its (neutralised) start can begin a cell: `x,=3+3` never becomes `=3+3`.
 */
export function csvField(value: string | number | null): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? String(value) : neutraliseFormula(value);
  return /[",;\t|\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
