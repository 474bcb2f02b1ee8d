/**
 * Errors as RFC 9457 problem details with a message in Polish and English. Codes are stable: the
 * web client and integrators switch on `code` and field `errors[].code`, never on text.
 */
import {
  describeIssue,
  fieldMessages,
  installZodErrorMap,
  isFieldMessageKey,
  type IssueLike,
  type Messages,
} from '../../../../shared/src/field-messages.js';

// Every server path that turns zod issues into field errors imports this module, so the shared error
// map is in place before the first request is parsed (the web app installs the same map at start).
installZodErrorMap();

export type { Messages };

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
  changeRequestUnchanged: {
    status: 422,
    pl: 'Wniosek nie zmienia żadnego pola: karta ma już te wartości. Zmień co najmniej jedno pole.',
    en: 'The request changes no field: the card already has these values. Change at least one field.',
  },
  serviceContactRequired: {
    status: 422,
    pl: 'Opublikowana karta musi podawać kontakt do realizatora: telefon, e-mail albo osobę kontaktową.',
    en: 'A published card must give a way to contact the provider: a phone, an e-mail or a contact person.',
  },
  documentVersionApproved: {
    status: 409,
    pl: 'Ta wersja dokumentu jest zatwierdzona i nie może się już zmienić. Aby ją zmienić, utwórz korektę (nową wersję).',
    en: 'This version of the document is approved and can no longer change. To change it, create a correction (a new version).',
  },
  documentDraftPending: {
    status: 409,
    pl: 'Dokument ma już wersję roboczą. Popraw ją albo zatwierdź, zanim utworzysz korektę.',
    en: 'The document already has a draft. Edit or approve it before creating a correction.',
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
  fileTypeNotAllowed: {
    status: 415,
    pl: 'Dozwolone są tylko pliki PDF, JPEG i PNG.',
    en: 'Only PDF, JPEG and PNG files are allowed.',
  },
  fileDamaged: {
    status: 422,
    pl: 'Plik jest uszkodzony albo niepełny. Zapisz go ponownie i prześlij jeszcze raz.',
    en: 'The file is damaged or incomplete. Save it again and upload it once more.',
  },
  fileContentRefused: {
    status: 422,
    pl: 'Tego pliku nie można przyjąć ze względów bezpieczeństwa.',
    en: 'This file cannot be accepted for security reasons.',
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
  documentIntegrity: {
    status: 500,
    pl: 'Zapisana wersja dokumentu nie zgadza się ze swoją sumą kontrolną SHA-256 i nie zostanie pokazana. Zgłoś to administratorowi, podając identyfikator żądania.',
    en: 'The stored version of the document does not match its SHA-256 checksum and will not be shown. Report it to the administrator with the request id.',
  },
  unavailable: { status: 503, pl: 'Usługa chwilowo niedostępna.', en: 'Service temporarily unavailable.' },
} as const satisfies Record<string, Messages & { status: number }>;

export type ProblemCode = keyof typeof catalog;

export type FieldError = { field: string; code: string; messages: Messages };

/** A field error by key of the shared catalogue (a server rule's own refusal, e.g. `emailTaken`). */
export function fieldError(field: string, code: string): FieldError {
  return { field, code, messages: isFieldMessageKey(code) ? fieldMessages[code] : fieldMessages.custom };
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

/**
 * Maps zod issues (from any schema) to field errors through the shared map (shared/src/field-messages.ts),
 * the same one the web forms use: message keys a schema names win, else the code and its parameters.
 */
export function zodIssuesToFieldErrors(
  issues: ReadonlyArray<IssueLike & { path: ReadonlyArray<PropertyKey>; keys?: string[] }>,
  prefix = '',
): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      for (const key of issue.keys) errors.push(fieldError(base ? `${base}.${key}` : key, 'unrecognized_keys'));
      continue;
    }
    errors.push({ field: base || '(body)', ...describeIssue(issue) });
  }
  return errors;
}
