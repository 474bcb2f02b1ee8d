/**
 * SECURITY-RELEVANT. The two database roles of a PostgreSQL deployment (SECURITY.md 10): the owner,
 * who runs the migrations and owns every table, and the app's role, which the server connects as.
 * The trigger of migration 0002 refuses UPDATE, DELETE and TRUNCATE of audit rows for every role,
 * but a table's owner may switch a trigger off; so the app must not own `audit_events`. The app's
 * role gets the rights to read and write the data, and on `audit_events`, `audit_seals` and
 * `audit_seal_members` only SELECT and INSERT:
 * even a compromised server cannot rewrite or switch off its audit trail.
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';

/** A PostgreSQL role name as people type it (no quoting games). */
export const ROLE_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export class AppRoleError extends Error {}

/**
 * Grants `role` what the server needs, and no more on the audit log. Run as the owner of the
 * tables (the role that ran `npm run db:migrate`), after every migration: tables created later by
 * the owner get the same rights through default privileges, but running it again is harmless.
 */
export async function grantAppRole(db: Executor, role: string): Promise<void> {
  if (!ROLE_NAME_PATTERN.test(role)) throw new AppRoleError(`Not a plain role name: ${role}`);
  const rows = await queryRows<{ isSuperuser: boolean; ownsAudit: boolean; exists: boolean }>(
    db,
    sql`select exists(select from pg_roles where rolname = ${role}) as "exists",
               coalesce((select rolsuper from pg_roles where rolname = ${role}), false) as "isSuperuser",
               coalesce((select tableowner = ${role} from pg_tables
                          where schemaname = 'public' and tablename = 'audit_events'), false) as "ownsAudit"`,
  );
  const found = rows[0];
  if (!found?.exists)
    throw new AppRoleError(`The role ${role} does not exist: create it first (CREATE ROLE ... LOGIN).`);
  if (found.isSuperuser) throw new AppRoleError(`The role ${role} is a superuser: the app needs a role of its own.`);
  if (found.ownsAudit) throw new AppRoleError(`The role ${role} owns the tables: the app needs a role of its own.`);

  const app = sql.identifier(role);
  await db.transaction(async (tx) => {
    await tx.execute(sql`grant usage on schema public to ${app}`);
    await tx.execute(sql`grant select, insert, update, delete on all tables in schema public to ${app}`);
    await tx.execute(sql`grant usage, select on all sequences in schema public to ${app}`);
    // The audit log and its signed blocks (audit.sealer.ts): append and read only.
    await tx.execute(
      sql`revoke update, delete, truncate, references, trigger on audit_events, audit_seals, audit_seal_members from ${app}`,
    );
    await tx.execute(
      sql`alter default privileges in schema public grant select, insert, update, delete on tables to ${app}`,
    );
    await tx.execute(sql`alter default privileges in schema public grant usage, select on sequences to ${app}`);
    // The server reads the migration journal to know it is up to date (start, /readyz).
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    await tx.execute(sql`grant usage on schema drizzle to ${app}`);
    await tx.execute(sql`grant select on drizzle.__drizzle_migrations to ${app}`);
  });
}

/**
 * Why the connected role could rewrite the audit log, or null when it cannot: the server warns at
 * start on PostgreSQL, so a deployment that runs as the owner or a superuser is told so.
 */
export async function auditGuardWeakness(db: Executor): Promise<string | null> {
  const rows = await queryRows<{ isSuperuser: boolean; ownsAudit: boolean; role: string }>(
    db,
    sql`select current_user as "role",
               (select rolsuper from pg_roles where rolname = current_user) as "isSuperuser",
               coalesce((select tableowner = current_user from pg_tables
                          where schemaname = 'public' and tablename = 'audit_events'), false) as "ownsAudit"`,
  );
  const row = rows[0];
  if (row?.isSuperuser) return `the database role ${row.role} is a superuser`;
  if (row?.ownsAudit) return `the database role ${row.role} owns audit_events`;
  return null;
}

async function queryRows<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = await db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}
