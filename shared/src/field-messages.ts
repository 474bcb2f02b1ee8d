/**
 * The one map from a validation problem to the words a person reads, in Polish and English, used by
 * the API's problem+json `errors[]` and by the web forms alike (issue 8 §5). Isomorphic: no Node or
 * DOM imports.
 *
 * A zod issue is described by its code and parameters: too few choices, too long with the limit, not
 * a number, an impossible date with a real one as the example, an e-mail with an example. A schema
 * that names its own message key (`.regex(..., 'postalCode')`) wins; server rules add their own keys
 * (`fieldError(field, 'emailTaken')`). "Required" is said only when a value is missing (undefined or
 * null where the schema wants one), never for an optional field left empty: optional strings accept
 * '' and null.
 *
 * Zod drops an issue's `input` once parsing ends, so the facts only the input shows (missing, not a
 * number, a date that does not exist) are written into the message by `zodErrorMap`, installed once
 * on each side with `installZodErrorMap()` (zod's global `z.config({ customError })`).
 */
import { z } from 'zod';

export type Messages = { pl: string; en: string };

/** Fixed texts by key: zod issue codes, keys that schemas name, and keys of the server's own rules. */
export const fieldMessages = {
  required: { pl: 'To pole jest wymagane.', en: 'This field is required.' },
  duplicateKey: {
    pl: 'To pole występuje w treści żądania więcej niż raz.',
    en: 'This field appears more than once in the request body.',
  },
  invalid_type: { pl: 'Nieprawidłowy typ wartości.', en: 'Wrong type of value.' },
  too_small: { pl: 'Wartość jest za krótka lub za mała.', en: 'The value is too short or too small.' },
  too_big: { pl: 'Wartość jest za długa lub za duża.', en: 'The value is too long or too large.' },
  invalid_format: { pl: 'Nieprawidłowy format.', en: 'Invalid format.' },
  invalid_value: { pl: 'Wybierz wartość z listy.', en: 'Choose a value from the list.' },
  invalid_union: { pl: 'Nieprawidłowa wartość.', en: 'Invalid value.' },
  unrecognized_keys: { pl: 'Nieznane pole.', en: 'Unknown field.' },
  custom: { pl: 'Nieprawidłowa wartość.', en: 'Invalid value.' },
  notANumber: { pl: 'Wpisz liczbę.', en: 'Enter a number.' },
  notAnInteger: { pl: 'Wpisz liczbę całkowitą.', en: 'Enter a whole number.' },
  email: {
    pl: 'Wpisz poprawny adres e-mail, np. jan.kowalski@ops.pl.',
    en: 'Enter a valid e-mail address, e.g. jan.kowalski@ops.pl.',
  },
  date: {
    pl: 'Wpisz datę jako dd.mm.rrrr, np. 28.02.2026.',
    en: 'Enter the date as dd.mm.yyyy, e.g. 28.02.2026.',
  },
  notEmpty: { pl: 'To pole nie może być puste.', en: 'This field cannot be empty.' },
  passwordsDiffer: { pl: 'Hasła nie są takie same.', en: 'The passwords do not match.' },
  passwordTooShort: {
    pl: 'Hasło musi mieć co najmniej 10 znaków.',
    en: 'The password must be at least 10 characters.',
  },
  passwordTooCommon: {
    pl: 'To hasło jest zbyt popularne lub łatwe do odgadnięcia. Wybierz inne.',
    en: 'This password is too common or easy to guess. Choose another.',
  },
  territoryCode: { pl: 'Podaj 7-cyfrowy kod TERYT gminy.', en: 'Enter the 7-digit TERYT code of a gmina.' },
  unknownTerritory: { pl: 'Nie ma takiej gminy w rejestrze TERYT.', en: 'No such gmina in the TERYT register.' },
  unknownInstitution: { pl: 'Nie ma takiej instytucji.', en: 'No such institution.' },
  leaderKind: {
    pl: 'Liderem partnerstwa może być tylko OPS lub CUS.',
    en: 'Only an OPS or a CUS can lead a partnership.',
  },
  coordinatorNotInLeader: {
    pl: 'Koordynator musi być pracownikiem instytucji lidera.',
    en: 'A coordinator must work at the leader institution.',
  },
  postalCode: { pl: 'Kod pocztowy w formacie 00-000.', en: 'Postal code as 00-000.' },
  phone: { pl: 'Nieprawidłowy numer telefonu.', en: 'Invalid phone number.' },
  controlCharacter: {
    pl: 'Tekst zawiera niedozwolony znak sterujący (np. NUL) lub uszkodzony znak. Usuń go i spróbuj ponownie.',
    en: 'The text contains a control character (such as NUL) or a broken character that is not allowed. Remove it and try again.',
  },
  unique: { pl: 'Wartości nie mogą się powtarzać.', en: 'Values must not repeat.' },
  emailTaken: { pl: 'Ten adres e-mail jest już używany.', en: 'This e-mail address is already in use.' },
  alreadyMember: { pl: 'Ta instytucja już należy do partnerstwa.', en: 'This institution is already a member.' },
  wrongPassword: { pl: 'Obecne hasło jest nieprawidłowe.', en: 'The current password is incorrect.' },
  codeOrRecoveryCode: {
    pl: 'Podaj kod z aplikacji albo kod zapasowy.',
    en: 'Enter an app code or a recovery code.',
  },
  declarationDateRequired: {
    pl: 'Podaj datę złożenia deklaracji.',
    en: 'Enter the date of the declaration.',
  },
  invalidTotpCode: {
    pl: 'Kod jest nieprawidłowy lub wygasł. Wpisz aktualny kod z aplikacji.',
    en: 'The code is incorrect or has expired. Enter the current code from the app.',
  },
  totpNotSetUp: {
    pl: 'Najpierw rozpocznij konfigurację aplikacji uwierzytelniającej.',
    en: 'Start the authenticator app setup first.',
  },
  totpNotEnabled: {
    pl: 'Logowanie dwuskładnikowe nie jest włączone.',
    en: 'Two-factor sign-in is not on.',
  },
  alreadyHasRole: {
    pl: 'Użytkownik ma już tę rolę w tej instytucji.',
    en: 'The user already holds this role in this institution.',
  },
  cannotDeactivateSelf: {
    pl: 'Nie możesz dezaktywować własnego konta.',
    en: 'You cannot deactivate your own account.',
  },
  reachSingleUnit: {
    pl: 'Zasięg powiatowy lub wojewódzki to dokładnie jeden powiat lub jedno województwo.',
    en: 'A powiat or voivodeship reach names exactly one powiat or one voivodeship.',
  },
  reachCodeLevel: {
    pl: 'Kody zasięgu nie pasują do jego rodzaju (gmina: 7 cyfr, powiat: 4, województwo: 2).',
    en: 'Reach codes do not match the reach kind (gmina: 7 digits, powiat: 4, voivodeship: 2).',
  },
  providerRequired: {
    pl: 'Wskaż instytucję z rejestru albo wpisz nazwę realizatora.',
    en: 'Choose an institution from the registry or enter the provider’s name.',
  },
  addressRequired: {
    pl: 'Podaj miejscowość, w której usługa jest realizowana.',
    en: 'Enter the town where the service is given.',
  },
  referralByRequired: {
    pl: 'Podaj, kto wydaje skierowanie.',
    en: 'Enter who issues the referral.',
  },
  reasonRequired: { pl: 'Podaj uzasadnienie.', en: 'Enter a reason.' },
  providerNotMember: {
    pl: 'Usługę partnera może realizować tylko instytucja należąca do partnerstwa.',
    en: 'A partner’s service must be provided by an institution that takes part in the partnership.',
  },
  languageCode: {
    pl: 'Kod języka: dwie małe litery (np. pl, uk).',
    en: 'Language code: two lower-case letters (e.g. pl, uk).',
  },
  slug: {
    pl: 'Adres: małe litery, cyfry i myślniki (3–80 znaków).',
    en: 'Address: lower-case letters, digits and hyphens (3–80 characters).',
  },
  fileTypeNotAllowed: {
    pl: 'Dozwolone są tylko pliki PDF, JPEG i PNG (rodzaj pliku jest sprawdzany po zawartości, nie po nazwie).',
    en: 'Only PDF, JPEG and PNG files are allowed (the kind of file is checked by its content, not its name).',
  },
  fileDamaged: {
    pl: 'Plik jest uszkodzony albo niepełny.',
    en: 'The file is damaged or incomplete.',
  },
  pdfActiveContent: {
    pl: 'Plik PDF zawiera skrypty, polecenia uruchomienia programu albo załączone pliki. Wydrukuj go do PDF albo zeskanuj ponownie.',
    en: 'The PDF contains scripts, commands that launch programs or embedded files. Print it to PDF or scan it again.',
  },
  pdfEncrypted: {
    pl: 'Plik PDF jest zaszyfrowany albo chroniony hasłem, więc nie można go sprawdzić. Zapisz go bez hasła.',
    en: 'The PDF is encrypted or password-protected, so it cannot be checked. Save it without a password.',
  },
  notXlsx: {
    pl: 'To nie jest plik Excel (.xlsx); zapisz arkusz jako .xlsx.',
    en: 'This is not an Excel (.xlsx) file; save the sheet as .xlsx.',
  },
  spreadsheetTooLarge: {
    pl: 'Plik po rozpakowaniu jest zbyt duży.',
    en: 'The file is too large when unpacked.',
  },
  noBasketSheet: {
    pl: 'Nie znaleziono arkusza koszyka z nagłówkami szablonu.',
    en: 'No basket sheet with the template’s headers was found.',
  },
  tooManyRows: { pl: 'Zbyt wiele wierszy (najwyżej 5000).', en: 'Too many rows (at most 5,000).' },
  importTooComplex: {
    pl: 'Pliku nie da się przetworzyć w dopuszczalnym czasie i pamięci serwera. Podziel go na mniejsze części. Nic nie zapisano.',
    en: 'The file cannot be processed within the server’s time and memory limits. Split it into smaller parts. Nothing was saved.',
  },
  importBusy: {
    pl: 'Serwer przetwarza teraz inne importy. Spróbuj ponownie za chwilę.',
    en: 'The server is processing other imports. Try again in a moment.',
  },
  unknownService: {
    pl: 'Nie ma takiej usługi w koszyku tego partnerstwa.',
    en: 'No such service in this partnership’s basket.',
  },
  duplicateServiceRow: {
    pl: 'Ta usługa występuje już we wcześniejszym wierszu arkusza.',
    en: 'This service already appears in an earlier row of the sheet.',
  },
  importRowFailed: {
    pl: 'Tego wiersza nie da się już zapisać; import wycofano w całości. Przygotuj podgląd ponownie.',
    en: 'This row can no longer be saved; the whole import was rolled back. Prepare the preview again.',
  },
  notADuplicateRow: {
    pl: 'Ten wiersz podglądu nie jest duplikatem: wybór „pomiń” lub „utwórz mimo to” go nie dotyczy.',
    en: 'This preview row is not a duplicate: “skip” or “create anyway” does not apply to it.',
  },
  mayNotPublishImport: {
    pl: 'Nie możesz publikować kart w tym koszyku od razu; wybierz „do przeglądu”, a opublikuje je koordynator.',
    en: 'You may not publish cards of this basket at once; choose “for review”, and a coordinator publishes them.',
  },
  unknownTemplateColumn: {
    pl: 'Nie ma takiej kolumny w szablonie; wybierz jedną z listy albo „pomiń”.',
    en: 'The template has no such column; choose one from the list or “skip”.',
  },
  proposalEmpty: {
    pl: 'Wskaż co najmniej jedno pole karty, które ma się zmienić.',
    en: 'Name at least one field of the card to change.',
  },
  proposalUnchanged: {
    pl: 'Wniosek nie zmienia żadnego pola: karta ma już te wartości.',
    en: 'The request changes no field: the card already has these values.',
  },
  contactRequired: {
    pl: 'Podaj telefon, e-mail albo osobę kontaktową: bez kontaktu karty nie można opublikować.',
    en: 'Enter a phone, an e-mail or a contact person: a card without a contact cannot be published.',
  },
  changedSinceProposal: {
    pl: 'To pole zmieniło się w karcie po złożeniu wniosku.',
    en: 'This field of the card changed after the request was made.',
  },
  serviceWithdrawn: {
    pl: 'Ta usługa została już wycofana z koszyka.',
    en: 'This service has already been withdrawn from the basket.',
  },
  adminOnlyField: {
    pl: 'To pole decyduje o uprawnieniach i zmienia je tylko administrator wdrożenia.',
    en: 'This field decides access; only the deployment administrator changes it.',
  },
  lastMembership: {
    pl: 'Użytkownik musi mieć co najmniej jedną rolę.',
    en: 'A user must keep at least one role.',
  },
} as const satisfies Record<string, Messages>;

export type FieldMessageKey = keyof typeof fieldMessages;

export function isFieldMessageKey(value: string): value is FieldMessageKey {
  return Object.hasOwn(fieldMessages, value);
}

/** What of a zod issue the map reads: the final issue (API) or the raw one (error map) alike. */
export type IssueLike = {
  code: string;
  message?: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: boolean;
  format?: string;
  expected?: string;
};

export type DescribedIssue = { code: string; messages: Messages };

const pluralRules = { pl: new Intl.PluralRules('pl'), en: new Intl.PluralRules('en') };

/** A Polish noun after a number: 1 pozycję, 2 pozycje, 5 pozycji, 22 pozycje. */
function polishCount(count: number, forms: { one: string; few: string; many: string }): string {
  const category = pluralRules.pl.select(count);
  const noun = category === 'one' ? forms.one : category === 'few' ? forms.few : forms.many;
  return `${count} ${noun}`;
}

function englishCount(count: number, one: string, other: string): string {
  return `${count} ${pluralRules.en.select(count) === 'one' ? one : other}`;
}

const items = { one: 'pozycję', few: 'pozycje', many: 'pozycji' };
const characters = { one: 'znak', few: 'znaki', many: 'znaków' };

function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

function describeTooSmall(issue: IssueLike): Messages {
  const minimum = asNumber(issue.minimum);
  if (minimum === null) return fieldMessages.too_small;
  if (issue.origin === 'array' || issue.origin === 'set') {
    if (minimum <= 1) return { pl: 'Wybierz co najmniej jedną pozycję.', en: 'Choose at least one item.' };
    return {
      pl: `Wybierz co najmniej ${polishCount(minimum, items)}.`,
      en: `Choose at least ${englishCount(minimum, 'item', 'items')}.`,
    };
  }
  if (issue.origin === 'string') {
    if (minimum <= 1) return fieldMessages.notEmpty;
    return {
      pl: `Wpisz co najmniej ${polishCount(minimum, characters)}.`,
      en: `Enter at least ${englishCount(minimum, 'character', 'characters')}.`,
    };
  }
  if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
    return issue.inclusive === false
      ? { pl: `Wpisz liczbę większą niż ${minimum}.`, en: `Enter a number greater than ${minimum}.` }
      : { pl: `Wpisz liczbę nie mniejszą niż ${minimum}.`, en: `Enter a number no less than ${minimum}.` };
  }
  return fieldMessages.too_small;
}

function describeTooBig(issue: IssueLike): Messages {
  const maximum = asNumber(issue.maximum);
  if (maximum === null) return fieldMessages.too_big;
  if (issue.origin === 'array' || issue.origin === 'set') {
    return {
      pl: `Wybierz najwyżej ${polishCount(maximum, items)}.`,
      en: `Choose at most ${englishCount(maximum, 'item', 'items')}.`,
    };
  }
  if (issue.origin === 'string') {
    return {
      pl: `Tekst jest za długi: najwyżej ${polishCount(maximum, characters)}.`,
      en: `The text is too long: at most ${englishCount(maximum, 'character', 'characters')}.`,
    };
  }
  if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') {
    return issue.inclusive === false
      ? { pl: `Wpisz liczbę mniejszą niż ${maximum}.`, en: `Enter a number less than ${maximum}.` }
      : { pl: `Wpisz liczbę nie większą niż ${maximum}.`, en: `Enter a number no greater than ${maximum}.` };
  }
  return fieldMessages.too_big;
}

const DATE_NOT_EXIST = 'dateNotExist:';
const ISO_DATE_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** yyyy-MM-dd with a real month but a day past its end -> the month's last day, else null. */
function lastDayOfImpossibleDate(value: string): string | null {
  const match = ISO_DATE_SHAPE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day <= lastDay) return null;
  return `${String(lastDay).padStart(2, '0')}.${match[2]}.${match[1]}`;
}

/** The words for one issue; `code` stays the zod code unless the schema or the map named a key. */
export function describeIssue(issue: IssueLike): DescribedIssue {
  const message = issue.message ?? '';
  if (message.startsWith(DATE_NOT_EXIST)) {
    const example = message.slice(DATE_NOT_EXIST.length);
    return {
      code: issue.code,
      messages: { pl: `Taka data nie istnieje; np. ${example}.`, en: `No such date; e.g. ${example}.` },
    };
  }
  if (message === 'notANumber' || message === 'notAnInteger') {
    return { code: issue.code, messages: fieldMessages[message] };
  }
  if (isFieldMessageKey(message)) return { code: message, messages: fieldMessages[message] };
  // Without the installed map (a bare zod), its English default still tells a missing value.
  if (issue.code === 'invalid_type' && /received (undefined|null)$/.test(message)) {
    return { code: 'required', messages: fieldMessages.required };
  }
  switch (issue.code) {
    case 'too_small':
      return { code: issue.code, messages: describeTooSmall(issue) };
    case 'too_big':
      return { code: issue.code, messages: describeTooBig(issue) };
    case 'invalid_type':
      if (issue.expected === 'number' || issue.expected === 'int' || issue.expected === 'bigint') {
        return { code: issue.code, messages: fieldMessages.notANumber };
      }
      return { code: issue.code, messages: fieldMessages.invalid_type };
    case 'invalid_format':
      if (issue.format === 'email') return { code: issue.code, messages: fieldMessages.email };
      if (issue.format === 'date') return { code: issue.code, messages: fieldMessages.date };
      return { code: issue.code, messages: fieldMessages.invalid_format };
    default:
      return {
        code: issue.code,
        messages: isFieldMessageKey(issue.code) ? fieldMessages[issue.code] : fieldMessages.custom,
      };
  }
}

/**
 * zod's error map: it runs while the input is still known and writes what only the input shows into
 * the message (a key the describer reads). Everything else keeps zod's default message, so logs and
 * the configuration check stay readable; the describer works from the code and its parameters.
 */
export const zodErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined || issue.input === null) return 'required';
    if (issue.expected === 'int' && typeof issue.input === 'number') return 'notAnInteger';
    if (issue.expected === 'number' || issue.expected === 'int' || issue.expected === 'bigint') return 'notANumber';
  }
  if (issue.code === 'invalid_format' && issue.format === 'date' && typeof issue.input === 'string') {
    const example = lastDayOfImpossibleDate(issue.input);
    if (example) return `${DATE_NOT_EXIST}${example}`;
  }
  return undefined;
};

/** Installs `zodErrorMap` as zod's global error map; the server and the web app call it at start. */
export function installZodErrorMap(): void {
  z.config({ customError: zodErrorMap });
}
