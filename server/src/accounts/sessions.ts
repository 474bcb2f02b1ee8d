/**
 * SECURITY-CRITICAL. Server-side sessions (docs/security.md §16-17).
 *
 * The cookie holds a random 256-bit token; the database keeps only its SHA-256, so reading the
 * sessions table does not let anyone sign in. Idle and absolute timeouts are checked on every request;
 * a deactivated user, a revoked session or an expired one yields no actor.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { preparedStatements } from '../platform/db/prepared.js';
import { institutions, memberships, sessions, users } from '../platform/db/tables.js';
import type { ActingMembership, Actor } from '../platform/auth/actor.js';

export type SessionSettings = { idleMinutes: number; absoluteHours: number };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(
  db: Executor,
  input: { userId: string; ip: string | null; userAgent: string | null; isSecondFactorPending: boolean },
  settings: SessionSettings,
): Promise<{ token: string; csrfToken: string; publicId: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const userMemberships = await loadMemberships(db, input.userId);
  const [row] = await db
    .insert(sessions)
    .values({
      id: hashToken(token),
      userId: input.userId,
      activeMembershipId: userMemberships[0]?.id ?? null,
      csrfToken,
      isSecondFactorPending: input.isSecondFactorPending,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      expiresAt: new Date(Date.now() + settings.absoluteHours * 3_600_000),
    })
    .returning({ publicId: sessions.publicId });
  return { token, csrfToken, publicId: row!.publicId };
}

export async function loadMemberships(db: Executor, userId: string): Promise<ActingMembership[]> {
  const rows = await db
    .select({
      id: memberships.id,
      institutionId: memberships.institutionId,
      institutionName: institutions.name,
      institutionKind: institutions.kind,
      institutionTerritoryCode: institutions.territoryCode,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(institutions, eq(institutions.id, memberships.institutionId))
    .where(eq(memberships.userId, userId))
    .orderBy(memberships.createdAt, memberships.id);
  return rows;
}

export type LoadedSession = {
  actor: Actor;
  csrfToken: string;
  isSecondFactorPending: boolean;
};

/** The session with its user and memberships, one row per membership (ordered as loadMemberships). */
const sessionQuery = preparedStatements('load_session', (db, name) =>
  db
    .select({
      publicId: sessions.publicId,
      userId: sessions.userId,
      activeMembershipId: sessions.activeMembershipId,
      csrfToken: sessions.csrfToken,
      isSecondFactorPending: sessions.isSecondFactorPending,
      lastSeenAt: sessions.lastSeenAt,
      expiresAt: sessions.expiresAt,
      revokedAt: sessions.revokedAt,
      isActive: users.isActive,
      email: users.email,
      displayName: users.displayName,
      mustChangePassword: users.mustChangePassword,
      totpEnabledAt: users.totpEnabledAt,
      membershipId: memberships.id,
      institutionId: memberships.institutionId,
      institutionName: institutions.name,
      institutionKind: institutions.kind,
      institutionTerritoryCode: institutions.territoryCode,
      role: memberships.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(memberships, eq(memberships.userId, sessions.userId))
    .leftJoin(institutions, eq(institutions.id, memberships.institutionId))
    .where(eq(sessions.id, sql.placeholder('id')))
    .orderBy(memberships.createdAt, memberships.id)
    .prepare(name),
);

/**
 * Resolves a cookie token to a live session and its actor, or null, in one statement (the session,
 * its user and the user's memberships, one row per membership). Writes last_seen_at at most once a
 * minute, so a read costs one round trip.
 */
export async function loadSession(
  db: Executor,
  token: string,
  settings: SessionSettings,
): Promise<LoadedSession | null> {
  const id = hashToken(token);
  // Built once per database handle, parsed once per connection (platform/db/prepared.ts): the lookup
  // every request makes costs neither the query builder nor a parse.
  const rows = await sessionQuery(db, 'all').execute({ id });
  const row = rows[0];
  if (!row || row.revokedAt || !row.isActive) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now) return null;
  if (row.lastSeenAt.getTime() + settings.idleMinutes * 60_000 <= now) return null;
  if (now - row.lastSeenAt.getTime() > 60_000) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.id, id));
  }
  const userMemberships: ActingMembership[] = [];
  for (const r of rows) {
    if (r.membershipId === null || r.institutionId === null || r.role === null) continue;
    userMemberships.push({
      id: r.membershipId,
      institutionId: r.institutionId,
      institutionName: r.institutionName!,
      institutionKind: r.institutionKind!,
      institutionTerritoryCode: r.institutionTerritoryCode!,
      role: r.role,
    });
  }
  const membership = userMemberships.find((m) => m.id === row.activeMembershipId) ?? userMemberships[0] ?? null;
  return {
    csrfToken: row.csrfToken,
    isSecondFactorPending: row.isSecondFactorPending,
    actor: {
      userId: row.userId,
      displayName: row.displayName,
      email: row.email,
      sessionId: row.publicId,
      mustChangePassword: row.mustChangePassword,
      isTotpEnabled: row.totpEnabledAt !== null,
      membership,
      memberships: userMemberships,
    },
  };
}

export async function revokeSessionByToken(db: Executor, token: string): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(eq(sessions.id, hashToken(token)));
}

/** Ends every live session of a user, optionally sparing one (the caller's own). */
export async function revokeUserSessions(db: Executor, userId: string, exceptPublicId?: string): Promise<number> {
  const conditions = [eq(sessions.userId, userId), isNull(sessions.revokedAt)];
  if (exceptPublicId) conditions.push(ne(sessions.publicId, exceptPublicId));
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(...conditions))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function completeSecondFactor(db: Executor, token: string): Promise<void> {
  await db
    .update(sessions)
    .set({ isSecondFactorPending: false, lastSeenAt: sql`now()` })
    .where(eq(sessions.id, hashToken(token)));
}
