/**
 * SQL of the accounts domain. Every function takes an Executor, so callers run it inside their
 * transaction: on PGlite a query on the database handle while a transaction is open would wait forever.
 */
import { and, asc, count, eq, exists, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { institutions, memberships, sessions, users } from '../platform/db/tables.js';
import { escapeLikePattern, normalizeForSearch } from '../../../shared/src/text.js';
import type { MembershipRow, SessionRow, UserRow } from './accounts.presenter.js';
import { bySurname } from '../platform/db/polish-order.js';

const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  isActive: users.isActive,
  totpEnabledAt: users.totpEnabledAt,
};

/** The user row with its secrets, for authentication only; never pass it to a presenter unfiltered. */
export type UserCredentials = UserRow & {
  passwordHash: string;
  mustChangePassword: boolean;
  totpSecret: string | null;
  totpLastUsedStep: number | null;
  recoveryCodeHashes: string[];
};

const credentialColumns = {
  ...userColumns,
  passwordHash: users.passwordHash,
  mustChangePassword: users.mustChangePassword,
  totpSecret: users.totpSecret,
  totpLastUsedStep: users.totpLastUsedStep,
  recoveryCodeHashes: users.recoveryCodeHashes,
};

function toCredentials(
  row: Omit<UserCredentials, 'recoveryCodeHashes'> & { recoveryCodeHashes: unknown },
): UserCredentials {
  const hashes = Array.isArray(row.recoveryCodeHashes)
    ? row.recoveryCodeHashes.filter((h): h is string => typeof h === 'string')
    : [];
  return { ...row, recoveryCodeHashes: hashes };
}

export async function findCredentialsByEmail(db: Executor, email: string): Promise<UserCredentials | null> {
  const [row] = await db.select(credentialColumns).from(users).where(eq(users.email, email)).limit(1);
  return row ? toCredentials(row) : null;
}

export async function findCredentialsById(db: Executor, userId: string): Promise<UserCredentials | null> {
  const [row] = await db.select(credentialColumns).from(users).where(eq(users.id, userId)).limit(1);
  return row ? toCredentials(row) : null;
}

export async function findUserById(db: Executor, userId: string): Promise<UserRow | null> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, userId)).limit(1);
  return row ?? null;
}

export async function isEmailTaken(db: Executor, email: string): Promise<boolean> {
  const [row] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  return Boolean(row);
}

/** Memberships with their institution, grouped by user, in the order they were granted. */
export async function findMembershipsOfUsers(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, MembershipRow[]>> {
  const grouped = new Map<string, MembershipRow[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return grouped;
  const rows = await db
    .select({
      id: memberships.id,
      userId: memberships.userId,
      institutionId: memberships.institutionId,
      institutionName: institutions.name,
      institutionKind: institutions.kind,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(institutions, eq(institutions.id, memberships.institutionId))
    .where(inArray(memberships.userId, [...userIds]))
    .orderBy(asc(memberships.createdAt), asc(memberships.id));
  for (const row of rows) grouped.get(row.userId)?.push(row);
  return grouped;
}

export async function findExistingInstitutionIds(
  db: Executor,
  institutionIds: readonly string[],
): Promise<Set<string>> {
  if (institutionIds.length === 0) return new Set();
  const rows = await db
    .select({ id: institutions.id })
    .from(institutions)
    .where(inArray(institutions.id, [...new Set(institutionIds)]));
  return new Set(rows.map((r) => r.id));
}

/** Folds Polish letters in SQL the way normalizeForSearch does in JS; lower() alone is ASCII-only under the C locale. */
function foldedForSearch(column: SQL | typeof users.displayName): SQL {
  return sql`lower(translate(${column}, 'ĄĆĘŁŃÓŚŹŻąćęłńóśźż', 'ACELNOSZZacelnoszz'))`;
}

export type UserListFilter = { q?: string; institutionId?: string; page: number; pageSize: number };

/** Deployment admins see every account: there is no narrower scope for user administration. */
export async function listUsers(db: Executor, filter: UserListFilter): Promise<{ rows: UserRow[]; total: number }> {
  const conditions: SQL[] = [];
  const query = filter.q ? normalizeForSearch(filter.q) : '';
  if (query) {
    const pattern = `%${escapeLikePattern(query)}%`;
    conditions.push(
      or(sql`lower(${users.email}) like ${pattern}`, sql`${foldedForSearch(users.displayName)} like ${pattern}`)!,
    );
  }
  if (filter.institutionId) {
    conditions.push(
      exists(
        db
          .select({ one: sql`1` })
          .from(memberships)
          .where(and(eq(memberships.userId, users.id), eq(memberships.institutionId, filter.institutionId))),
      ),
    );
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const [totalRow] = await db.select({ total: count() }).from(users).where(where);
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(where)
    .orderBy(...bySurname(users.displayName), asc(users.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  // count() arrives as a string through pg and as a number through PGlite.
  return { rows, total: Number(totalRow?.total ?? 0) };
}

/** Live sessions only: not revoked, not past the absolute expiry, not idle for longer than allowed. */
export async function listLiveSessions(db: Executor, userId: string, idleMinutes: number): Promise<SessionRow[]> {
  return db
    .select({
      publicId: sessions.publicId,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      ip: sessions.ip,
      userAgent: sessions.userAgent,
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
        gt(sessions.lastSeenAt, sql`now() - make_interval(mins => ${idleMinutes}::int)`),
      ),
    )
    .orderBy(asc(sessions.createdAt));
}

/** Ends one session of a user; false when it is not theirs or already ended (the caller answers 404). */
export async function revokeOwnSession(db: Executor, userId: string, sessionPublicId: string): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.publicId, sessionPublicId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Locks the user row for the rest of the transaction, so concurrent role removals cannot both pass the "last role" check. */
export async function lockUserById(db: Executor, userId: string): Promise<UserRow | null> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, userId)).limit(1).for('update');
  return row ?? null;
}

/** Records the step of an accepted TOTP code; false when that step or a later one was already used. */
export async function consumeTotpStep(db: Executor, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpLastUsedStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.totpLastUsedStep), lt(users.totpLastUsedStep, step))))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Removes a recovery code's hash; false when it is not (or no longer) there. */
export async function consumeRecoveryCode(db: Executor, userId: string, codeHash: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ recoveryCodeHashes: sql`${users.recoveryCodeHashes} - ${codeHash}::text` })
    .where(and(eq(users.id, userId), sql`${users.recoveryCodeHashes} @> jsonb_build_array(${codeHash}::text)`))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** A removed role can no longer be the acting one; sessions fall back to the user's first role. */
export async function detachMembershipFromSessions(db: Executor, membershipId: string): Promise<void> {
  await db.update(sessions).set({ activeMembershipId: null }).where(eq(sessions.activeMembershipId, membershipId));
}

export async function setActiveMembership(db: Executor, sessionPublicId: string, membershipId: string): Promise<void> {
  await db.update(sessions).set({ activeMembershipId: membershipId }).where(eq(sessions.publicId, sessionPublicId));
}

/** Active users holding the administrator role anywhere: the deployment's administrators. */
export async function findActiveAdministratorIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: users.id })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(users.isActive, true), eq(memberships.role, 'admin')));
  return rows.map((row) => row.id);
}

export type UserValues = typeof users.$inferInsert;

/** Replaces the password; `mustChangePassword` when an administrator set a temporary one. */
export async function setUserPassword(
  db: Executor,
  userId: string,
  passwordHash: string,
  options: { mustChangePassword: boolean },
): Promise<void> {
  await db
    .update(users)
    .set({
      passwordHash,
      mustChangePassword: options.mustChangePassword,
      passwordChangedAt: new Date(),
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
}

/** Stores a new, unconfirmed TOTP secret; false when the second factor is already on. */
export async function startTotpSetup(db: Executor, userId: string, secret: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpSecret: secret, totpEnabledAt: null, totpLastUsedStep: null, updatedAt: new Date() })
    .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/**
 * Turns the second factor on for the secret that was set up, marking the confirming code's step as
 * used; false when the secret changed or the factor is on already (a concurrent setup).
 */
export async function enableUserTotp(
  db: Executor,
  userId: string,
  secret: string,
  confirmedStep: number,
  recoveryCodeHashes: string[],
): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ totpEnabledAt: new Date(), totpLastUsedStep: confirmedStep, recoveryCodeHashes, updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.totpSecret, secret), isNull(users.totpEnabledAt)))
    .returning({ id: users.id });
  return rows.length > 0;
}

/** Turns the second factor off and forgets its secret and recovery codes. */
export async function clearUserTotp(db: Executor, userId: string): Promise<void> {
  await db
    .update(users)
    .set({
      totpSecret: null,
      totpEnabledAt: null,
      totpLastUsedStep: null,
      recoveryCodeHashes: [],
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
}

/** Inserts an account and returns its id. */
export async function insertUser(
  db: Executor,
  values: Pick<UserValues, 'email' | 'displayName' | 'passwordHash' | 'mustChangePassword'>,
): Promise<string> {
  const [created] = await db.insert(users).values(values).returning({ id: users.id });
  return created!.id;
}

/** Changes an account's own fields (display name, whether it is active). */
export async function updateUserRow(
  db: Executor,
  userId: string,
  changes: Pick<Partial<UserValues>, 'displayName' | 'isActive'>,
): Promise<void> {
  await db
    .update(users)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(users.id, userId));
}

/** Grants roles in institutions; returns the new memberships' ids in input order. */
export async function insertMemberships(
  db: Executor,
  userId: string,
  grants: ReadonlyArray<{ institutionId: string; role: (typeof memberships.$inferInsert)['role'] }>,
): Promise<string[]> {
  if (grants.length === 0) return [];
  const rows = await db
    .insert(memberships)
    .values(grants.map((grant) => ({ userId, institutionId: grant.institutionId, role: grant.role })))
    .returning({ id: memberships.id });
  return rows.map((row) => row.id);
}

/** Removes one of the user's memberships (sessions acting through it are detached first by the caller). */
export async function deleteMembership(db: Executor, userId: string, membershipId: string): Promise<void> {
  await db.delete(memberships).where(and(eq(memberships.id, membershipId), eq(memberships.userId, userId)));
}

/** Display names of users by id, for labels (the audit log's subjects); callers check who may see them. */
export async function findUserDisplayNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row.displayName]));
}
