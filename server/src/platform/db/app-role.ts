/**
 * SECURITY-RELEVANT. The two database roles of a PostgreSQL deployment (docs/security.md §10): the owner,
 * who runs the migrations and owns every table, and the app's role, which the server connects as.
 * The trigger of migration 0002 refuses UPDATE, DELETE and TRUNCATE of audit rows for every role,
 * but a table's owner may switch a trigger off; so the app must not own `audit_events`. The app's
 * role gets the rights to read and write the data, and on `audit_events`, `audit_seals` and
 * `audit_seal_members` only SELECT and INSERT: even a compromised server cannot rewrite or switch
 * off its audit trail. The job queue's own schema (`pgboss`) is the app role's (handJobSchemaTo).
 */
import { sql } from 'drizzle-orm';
import type { Executor } from './database.js';
import { JOB_SCHEMA } from '../jobs/jobs.js';

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
    await handJobSchemaTo(tx, role);
  });
}

/**
 * The job queue (pg-boss, schema `pgboss`, platform/jobs) belongs to the app role: pg-boss installs
 * and upgrades its own tables at start, and each new queue is a partition that only the owner of
 * `pgboss.job` may attach. The schema holds job bookkeeping, no audit data, so owning it gives the
 * app no hold on the audit log. Created empty here when missing; when it exists already (a server
 * once ran as the owner) the schema and everything in it change owner. Handing objects to another
 * role needs membership in it: `GRANT <app role> TO <owner>` once, as in the README.
 */
async function handJobSchemaTo(tx: Executor, role: string): Promise<void> {
  const rows = await queryRows<{ canBecome: boolean; owner: string | null }>(
    tx,
    sql`select pg_has_role(current_user, ${role}, 'MEMBER') as "canBecome",
               (select nspowner::regrole::text from pg_namespace where nspname = ${JOB_SCHEMA}) as "owner"`,
  );
  const found = rows[0];
  if (!found?.canBecome) {
    const current = (await queryRows<{ user: string }>(tx, sql`select current_user as "user"`))[0]?.user ?? 'owner';
    throw new AppRoleError(
      `The job queue's schema ${JOB_SCHEMA} must belong to ${role}, and ${current} may not hand objects to it: ` +
        `run GRANT ${role} TO ${current}; as a superuser once, then this command again.`,
    );
  }
  const app = sql.identifier(role);
  if (found.owner === null) {
    await tx.execute(sql`create schema ${sql.identifier(JOB_SCHEMA)} authorization ${app}`);
    return;
  }
  // One statement per object, named from the catalogue with format('%I'): no SQL built from strings here.
  await tx.execute(sql`select set_config('kooperacja.job_schema_owner', ${role}, true)`);
  await tx.execute(sql`do $$
    declare
      app text := current_setting('kooperacja.job_schema_owner');
      item record;
    begin
      execute format('alter schema pgboss owner to %I', app);
      for item in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'pgboss' and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition loop
        execute format('alter table pgboss.%I owner to %I', item.relname, app);
      end loop;
      for item in select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                   where n.nspname = 'pgboss' and c.relispartition loop
        execute format('alter table pgboss.%I owner to %I', item.relname, app);
      end loop;
      for item in select p.oid::regprocedure::text as signature from pg_proc p
                   join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'pgboss' loop
        execute format('alter routine %s owner to %I', item.signature, app);
      end loop;
      for item in select t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
                   where n.nspname = 'pgboss' and t.typtype in ('e', 'd') loop
        execute format('alter type pgboss.%I owner to %I', item.typname, app);
      end loop;
    end $$`);
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
