/**
 * The one sort rule for names: Polish alphabetical order on PostgreSQL and PGlite alike (Ł after L,
 * Ś after S, Ź and Ż after Z; case ignored). PGlite has no Polish collation, so every domain orders
 * by the `polish_sort_key(text)` function of migration 0010 under the byte order of "C" instead of
 * a collation; the expression indexes in tables.ts use this very expression, so keep them in step.
 */
import { asc, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** The sort key of a name: an expression to order by (or to index). */
export function polishSortKey(value: SQLWrapper): SQL {
  return sql`(polish_sort_key(${value}) collate "C")`;
}

/** ORDER BY a name in Polish alphabetical order. */
export function byPolishName(value: SQLWrapper): SQL {
  return asc(polishSortKey(value));
}

/**
 * ORDER BY a person's display name ("Zofia Źrebięcka") by surname, then by the whole name: the
 * surname is the last word (a double-barrelled "Nowak-Kowalska" stays one word).
 */
export function bySurname(displayName: SQLWrapper): SQL[] {
  return [asc(polishSortKey(sql`regexp_replace(${displayName}, '^.*\\s', '')`)), asc(polishSortKey(displayName))];
}
