/** Deeply replaces '' with null (and trims nothing: the schemas trim). Pure: no DOM, no i18n. */
export function emptyToNull(value: unknown): unknown {
  if (value === '') return null;
  if (Array.isArray(value)) return value.map(emptyToNull);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, emptyToNull(inner)]));
  }
  return value;
}
