/** Dates are shown as dd.MM.yyyy (Polish convention) in both languages, in Polish time. */
const dateFormat = new Intl.DateTimeFormat('pl-PL', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'Europe/Warsaw',
});
const dateTimeFormat = new Intl.DateTimeFormat('pl-PL', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/Warsaw',
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DISPLAY_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** yyyy-MM-dd or an ISO timestamp -> dd.MM.yyyy; empty for null. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const match = ISO_DATE.exec(value);
  if (match) return `${match[3]}.${match[2]}.${match[1]}`;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateFormat.format(date);
}

/** ISO timestamp -> dd.MM.yyyy HH:mm (Europe/Warsaw). */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTimeFormat.format(date).replace(',', '');
}

/** What the user typed (dd.MM.yyyy) -> yyyy-MM-dd for the API; other text is passed on for validation. */
export function parseDisplayDate(value: string): string {
  const trimmed = value.trim();
  const match = DISPLAY_DATE.exec(trimmed);
  if (!match) return trimmed;
  return `${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
}
