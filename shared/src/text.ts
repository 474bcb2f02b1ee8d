/**
 * Folds text for search: lower case, Polish (and other Latin) diacritics removed, whitespace
 * collapsed. The same function fills the `name_search` columns and prepares queries, so "Łódź",
 * "LODZ" and "lodz" meet.
 */
export function normalizeForSearch(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so user input matches literally. */
export function escapeLikePattern(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
