/**
 * Errors as RFC 9457 problem details with a message in Polish and English. Codes are stable: the
 * web client and integrators switch on `code` and field `errors[].code`, never on text.
 */
export type Messages = { pl: string; en: string };

const catalog = {
  badRequest: { status: 400, pl: 'Nieprawidłowe żądanie.', en: 'Bad request.' },
  validation: { status: 400, pl: 'Popraw zaznaczone pola.', en: 'Please correct the fields marked.' },
  invalidJson: { status: 400, pl: 'Treść żądania nie jest poprawnym JSON.', en: 'The request body is not valid JSON.' },
  unauthenticated: { status: 401, pl: 'Zaloguj się, aby kontynuować.', en: 'Please sign in to continue.' },
  invalidCredentials: {
    status: 401,
    pl: 'Nieprawidłowy e-mail lub hasło.',
    en: 'Incorrect e-mail or password.',
  },
  invalidSecondFactor: {
    status: 401,
    pl: 'Nieprawidłowy kod uwierzytelniający.',
    en: 'Incorrect authentication code.',
  },
  secondFactorRequired: {
    status: 401,
    pl: 'Podaj kod z aplikacji uwierzytelniającej.',
    en: 'Enter the code from your authenticator app.',
  },
  csrf: {
    status: 403,
    pl: 'Żądanie odrzucone: brak lub nieprawidłowy token CSRF. Odśwież stronę.',
    en: 'Request refused: missing or invalid CSRF token. Reload the page.',
  },
  forbidden: { status: 403, pl: 'Nie masz uprawnień do tej operacji.', en: 'You are not allowed to do this.' },
  passwordChangeRequired: {
    status: 403,
    pl: 'Najpierw zmień hasło.',
    en: 'Please change your password first.',
  },
  notFound: { status: 404, pl: 'Nie znaleziono.', en: 'Not found.' },
  conflict: {
    status: 409,
    pl: 'Rekord został w międzyczasie zmieniony przez kogoś innego. Odśwież i spróbuj ponownie.',
    en: 'The record was changed by someone else in the meantime. Reload and try again.',
  },
  duplicate: { status: 409, pl: 'Taki rekord już istnieje.', en: 'Such a record already exists.' },
  totpAlreadyEnabled: {
    status: 409,
    pl: 'Logowanie dwuskładnikowe jest już włączone. Wyłącz je, aby skonfigurować ponownie.',
    en: 'Two-factor sign-in is already on. Turn it off to set it up again.',
  },
  secondFactorNotPending: {
    status: 409,
    pl: 'Ta sesja nie czeka na kod uwierzytelniający.',
    en: 'This session is not waiting for an authentication code.',
  },
  changeRequestNotPending: {
    status: 409,
    pl: 'Ten wniosek został już przejrzany lub rozstrzygnięty.',
    en: 'This request has already been reviewed or decided.',
  },
  changeRequestNotReviewed: {
    status: 409,
    pl: 'O wniosku można zdecydować dopiero po przeglądzie koordynatora sieci (albo już o nim zdecydowano).',
    en: 'A request can be decided only after the network coordinator’s review (or it has been decided already).',
  },
  changeRequestStale: {
    status: 409,
    pl: 'Od złożenia wniosku ktoś zmienił w karcie pola, których wniosek dotyczy. Koszyk pozostał bez zmian: odrzuć wniosek albo złóż nowy.',
    en: 'Since the request was made, someone changed the fields of the card it concerns. The basket was left unchanged: refuse the request or make a new one.',
  },
  changeRequestNotApplicable: {
    status: 422,
    pl: 'Wniosku nie da się zastosować: proponowana karta nie jest już poprawna. Koszyk pozostał bez zmian.',
    en: 'The request cannot be applied: the proposed card is no longer valid. The basket was left unchanged.',
  },
  payloadTooLarge: { status: 413, pl: 'Przesłane dane są zbyt duże.', en: 'The request body is too large.' },
  unsupportedMediaType: {
    status: 415,
    pl: 'Nieobsługiwany typ treści; użyj application/json.',
    en: 'Unsupported content type; use application/json.',
  },
  notXlsx: {
    status: 415,
    pl: 'To nie jest plik Excel (.xlsx); zapisz arkusz jako .xlsx.',
    en: 'This is not an Excel (.xlsx) file; save the sheet as .xlsx.',
  },
  unprocessable: {
    status: 422,
    pl: 'Nie można wykonać operacji na tych danych.',
    en: 'The operation cannot be performed with this data.',
  },
  locked: {
    status: 429,
    pl: 'Zbyt wiele nieudanych prób. Spróbuj ponownie za kilka minut.',
    en: 'Too many failed attempts. Try again in a few minutes.',
  },
  mailNotConfigured: {
    status: 503,
    pl: 'W tej instalacji nie skonfigurowano wysyłki e-maili. Wydrukuj kartę (PDF) i przekaż ją klientowi.',
    en: 'This installation does not send e-mail. Print the card (PDF) and give it to the client.',
  },
  mailNotSent: {
    status: 502,
    pl: 'Nie udało się wysłać wiadomości. Spróbuj ponownie za chwilę albo wydrukuj kartę (PDF).',
    en: 'The message could not be sent. Try again shortly or print the card (PDF).',
  },
  rateLimited: { status: 429, pl: 'Zbyt wiele żądań. Zwolnij.', en: 'Too many requests. Slow down.' },
  internal: {
    status: 500,
    pl: 'Wystąpił błąd po stronie serwera. Zgłoś go, podając identyfikator żądania.',
    en: 'Something went wrong on the server. Report it with the request id.',
  },
  unavailable: { status: 503, pl: 'Usługa chwilowo niedostępna.', en: 'Service temporarily unavailable.' },
} as const satisfies Record<string, Messages & { status: number }>;

export type ProblemCode = keyof typeof catalog;

/** Field-level messages; a zod issue's message (when it is one of these keys) or its code picks the text. */
const fieldMessages: Record<string, Messages> = {
  required: { pl: 'To pole jest wymagane.', en: 'This field is required.' },
  duplicateKey: {
    pl: 'To pole występuje w treści żądania więcej niż raz.',
    en: 'This field appears more than once in the request body.',
  },
  invalid_type: { pl: 'Nieprawidłowy typ wartości.', en: 'Wrong type of value.' },
  too_small: { pl: 'Wartość jest za krótka lub za mała.', en: 'The value is too short or too small.' },
  too_big: { pl: 'Wartość jest za długa lub za duża.', en: 'The value is too long or too large.' },
  invalid_format: { pl: 'Nieprawidłowy format.', en: 'Invalid format.' },
  invalid_value: { pl: 'Niedozwolona wartość.', en: 'Value not allowed.' },
  unrecognized_keys: { pl: 'Nieznane pole.', en: 'Unknown field.' },
  custom: { pl: 'Nieprawidłowa wartość.', en: 'Invalid value.' },
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
  proposalEmpty: {
    pl: 'Wskaż co najmniej jedno pole karty, które ma się zmienić.',
    en: 'Name at least one field of the card to change.',
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
};

export type FieldError = { field: string; code: string; messages: Messages };

export function fieldError(field: string, code: string): FieldError {
  return { field, code, messages: fieldMessages[code] ?? fieldMessages.custom! };
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(catalog[code].en);
    this.status = catalog[code].status;
  }
}

export function problemBody(code: ProblemCode, requestId: string, instance?: string, errors?: FieldError[]) {
  const entry = catalog[code];
  return {
    type: `https://kooperacja.example/problems/${code}`,
    title: entry.en,
    status: entry.status,
    detail: entry.en,
    instance,
    code,
    messages: { pl: entry.pl, en: entry.en },
    requestId,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Maps zod issues (from any schema) to field errors; message keys we know win over zod's codes. */
export function zodIssuesToFieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; code: string; message: string; keys?: string[] }>,
  prefix = '',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) errors.push(fieldError(base ? `${base}.${key}` : key, 'unrecognized_keys'));
      continue;
    }
    const code =
      issue.message in fieldMessages
        ? issue.message
        : issue.code === 'invalid_type' && /received undefined/.test(issue.message)
          ? 'required'
          : issue.code;
    errors.push(fieldError(base || '(body)', code));
  }
  return errors;
}
