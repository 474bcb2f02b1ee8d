/**
 * SECURITY-CRITICAL (docs/security.md §11). What the technical log keeps of an error: its class, the
 * PostgreSQL SQLSTATE and the names of the constraint, table and column, and the code locations of
 * the stack, never its message text. A database error's message holds the failed SQL with its
 * parameters (a contact person's name, e-mail and phone), and its `detail` can repeat row values.
 */
export type SafeLoggedError = {
  type: string;
  code?: string;
  constraint?: string;
  table?: string;
  column?: string;
  stack?: string[];
  cause?: SafeLoggedError;
};

const SAFE_NAME = /^[A-Za-z0-9_.$-]{1,128}$/;

function safeName(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_NAME.test(value) ? value : undefined;
}

/** Code locations only: the lines of the stack that name a function and a file (`at f (file:1:2)`). */
function stackFrames(stack: unknown): string[] | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^at (async )?[\w$.<>[\] ]*\(?(file:\/\/|node:|\/)[^\s()]+:\d+:\d+\)?$/.test(line))
    .slice(0, 15);
  return frames.length ? frames : undefined;
}

export function safeErrorForLog(error: unknown, depth = 0): SafeLoggedError {
  if (typeof error !== 'object' || error === null) return { type: typeof error };
  const record = error as Record<string, unknown>;
  const type = safeName((error as { constructor?: { name?: unknown } }).constructor?.name) ?? 'Error';
  const safe: SafeLoggedError = { type };
  const code = safeName(record.code);
  if (code) safe.code = code;
  const constraint = safeName(record.constraint);
  if (constraint) safe.constraint = constraint;
  const table = safeName(record.table);
  if (table) safe.table = table;
  const column = safeName(record.column);
  if (column) safe.column = column;
  const stack = stackFrames(record.stack);
  if (stack) safe.stack = stack;
  if (record.cause !== undefined && depth < 3) safe.cause = safeErrorForLog(record.cause, depth + 1);
  return safe;
}
