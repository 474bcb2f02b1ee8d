/** PostgreSQL's SQLSTATE for a unique or exclusion constraint violation. */
const UNIQUE_VIOLATION = '23505';

/** Drizzle wraps driver errors at most a few levels deep; the walk stops there (and on cycles). */
const MAX_CAUSE_DEPTH = 5;

/**
 * Whether an error is a unique violation, from either driver: `pg` and PGlite both put the SQLSTATE
 * in `code`, and drizzle wraps the driver's error in a `DrizzleQueryError` whose `cause` holds it.
 */
export function isUniqueViolation(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current && typeof current === 'object'; depth += 1) {
    if ((current as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
