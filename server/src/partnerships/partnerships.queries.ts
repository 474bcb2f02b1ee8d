/**
 * SECURITY-CRITICAL. SQL of the partnerships domain, including the scoped "visible to actor"
 * condition. `visiblePartnershipsWhere` must say in SQL exactly what `canReadPartnership` says in
 * TypeScript (partnerships.policy.ts); the policy tests and the list-scoping tests hold them together.
 */
import { and, asc, count, eq, inArray, ne, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import {
  institutions,
  memberships,
  partnershipCoordinators,
  partnershipMembers,
  partnerships,
  territories,
  users,
} from '../platform/db/tables.js';
import type { Actor } from '../platform/auth/actor.js';
import type { PartnershipRecord } from './partnerships.policy.js';
import type { PartnershipListQuery } from '../../../shared/src/contracts/partnerships.js';
import type { Role } from '../../../shared/src/contracts/common.js';
import { escapeLikePattern, normalizeForSearch } from '../../../shared/src/text.js';
import type { z } from 'zod';
import { byPolishName, bySurname } from '../platform/db/polish-order.js';

const regionalRoles: readonly Role[] = ['ropsCoordinator', 'evaluator', 'supervisor'];

/**
 * Partnerships the actor may read, as a WHERE condition on `partnerships`. Deny by default: an actor
 * without an acting membership matches nothing.
 */
export function visiblePartnershipsWhere(actor: Actor): SQL {
  const membership = actor.membership;
  if (!membership) return sql`false`;
  if (membership.role === 'admin') return sql`true`;
  const conditions: SQL[] = [
    eq(partnerships.leaderInstitutionId, membership.institutionId),
    sql`exists (select 1 from ${partnershipMembers} where ${partnershipMembers.partnershipId} = ${partnerships.id} and ${partnershipMembers.institutionId} = ${membership.institutionId} and ${partnershipMembers.status} <> 'left')`,
    sql`exists (select 1 from ${partnershipCoordinators} where ${partnershipCoordinators.partnershipId} = ${partnerships.id} and ${partnershipCoordinators.userId} = ${actor.userId})`,
  ];
  const ownTerritory = membership.institutionTerritoryCode;
  // TERYT codes are digits only, so the prefixes need no LIKE escaping.
  if (membership.institutionKind === 'rops' && regionalRoles.includes(membership.role)) {
    conditions.push(sql`${partnerships.territoryCode} like ${`${ownTerritory.slice(0, 2)}%`}`);
  }
  if (membership.institutionKind === 'pcpr' && membership.role === 'pcprAnimator') {
    conditions.push(sql`${partnerships.territoryCode} like ${`${ownTerritory.slice(0, 4)}%`}`);
  }
  return or(...conditions)!;
}

/**
 * Folds the name the way `normalizeForSearch` folds the query. Upper-case letters are translated
 * before lower(), because lower() leaves non-ASCII letters alone under the C collation.
 */
const foldedName = sql`regexp_replace(lower(translate(${partnerships.name}, 'ĄĆĘŁŃÓŚŹŻąćęłńóśźż', 'ACELNOSZZacelnoszz')), '\\s+', ' ', 'g')`;

const activeMemberCount = sql<number>`(select count(*)::int from ${partnershipMembers} where ${partnershipMembers.partnershipId} = ${partnerships.id} and ${partnershipMembers.status} <> 'left')`;

export type PartnershipSummaryRow = {
  id: string;
  name: string;
  territoryCode: string;
  territoryName: string;
  modelVariant: (typeof partnerships.$inferSelect)['modelVariant'];
  stage: (typeof partnerships.$inferSelect)['stage'];
  leaderInstitutionId: string;
  leaderInstitutionName: string;
  memberCount: number;
};

/** One page of the partnerships the actor may see, filtered; the scope is part of the WHERE clause. */
export async function findVisiblePartnershipPage(
  db: Executor,
  actor: Actor,
  query: z.output<typeof PartnershipListQuery>,
): Promise<{ rows: PartnershipSummaryRow[]; total: number }> {
  const conditions: SQL[] = [visiblePartnershipsWhere(actor)];
  const searched = query.q ? normalizeForSearch(query.q) : '';
  if (searched) conditions.push(sql`${foldedName} like ${`%${escapeLikePattern(searched)}%`}`);
  if (query.territoryCode) conditions.push(sql`${partnerships.territoryCode} like ${`${query.territoryCode}%`}`);
  if (query.modelVariant) conditions.push(eq(partnerships.modelVariant, query.modelVariant));
  const where = and(...conditions);

  const [totalRow] = await db.select({ value: count() }).from(partnerships).where(where);
  const rows = await db
    .select({
      id: partnerships.id,
      name: partnerships.name,
      territoryCode: partnerships.territoryCode,
      territoryName: territories.name,
      modelVariant: partnerships.modelVariant,
      stage: partnerships.stage,
      leaderInstitutionId: partnerships.leaderInstitutionId,
      leaderInstitutionName: institutions.name,
      memberCount: activeMemberCount,
    })
    .from(partnerships)
    .innerJoin(territories, eq(territories.code, partnerships.territoryCode))
    .innerJoin(institutions, eq(institutions.id, partnerships.leaderInstitutionId))
    .where(where)
    .orderBy(byPolishName(partnerships.name), asc(partnerships.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  return { rows: rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) })), total: Number(totalRow?.value ?? 0) };
}

export type PartnershipAccessRecord = PartnershipRecord & { version: number };

/**
 * UNSCOPED: loads what the policy needs to decide about one partnership, whoever asks. Callers must
 * pass the result to canReadPartnership / canManagePartnership before using or revealing anything.
 * `forUpdate` locks the row so that concurrent writers queue behind the version check.
 */
export async function unsafeFindPartnershipAccessRecord(
  db: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<PartnershipAccessRecord | null> {
  const base = db
    .select({
      id: partnerships.id,
      territoryCode: partnerships.territoryCode,
      leaderInstitutionId: partnerships.leaderInstitutionId,
      version: partnerships.version,
    })
    .from(partnerships)
    .where(eq(partnerships.id, id));
  const [row] = options.forUpdate ? await base.for('update') : await base;
  if (!row) return null;
  const members = await db
    .select({ institutionId: partnershipMembers.institutionId })
    .from(partnershipMembers)
    .where(and(eq(partnershipMembers.partnershipId, id), ne(partnershipMembers.status, 'left')));
  const coordinators = await db
    .select({ userId: partnershipCoordinators.userId })
    .from(partnershipCoordinators)
    .where(eq(partnershipCoordinators.partnershipId, id));
  return {
    ...row,
    activeMemberInstitutionIds: members.map((m) => m.institutionId),
    coordinatorUserIds: coordinators.map((c) => c.userId),
  };
}

/**
 * UNSCOPED: the access records of many partnerships in three statements (not three each), keyed by
 * id; ids without a partnership are absent. The same duty as unsafeFindPartnershipAccessRecord:
 * hand each record to a policy before using or revealing anything of it.
 */
export async function unsafeFindPartnershipAccessRecords(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, PartnershipAccessRecord>> {
  const records = new Map<
    string,
    PartnershipAccessRecord & { activeMemberInstitutionIds: string[]; coordinatorUserIds: string[] }
  >();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return records;
  const rows = await db
    .select({
      id: partnerships.id,
      territoryCode: partnerships.territoryCode,
      leaderInstitutionId: partnerships.leaderInstitutionId,
      version: partnerships.version,
    })
    .from(partnerships)
    .where(inArray(partnerships.id, unique));
  for (const row of rows) records.set(row.id, { ...row, activeMemberInstitutionIds: [], coordinatorUserIds: [] });
  const members = await db
    .select({ partnershipId: partnershipMembers.partnershipId, institutionId: partnershipMembers.institutionId })
    .from(partnershipMembers)
    .where(and(inArray(partnershipMembers.partnershipId, unique), ne(partnershipMembers.status, 'left')));
  for (const m of members) records.get(m.partnershipId)?.activeMemberInstitutionIds.push(m.institutionId);
  const coordinators = await db
    .select({ partnershipId: partnershipCoordinators.partnershipId, userId: partnershipCoordinators.userId })
    .from(partnershipCoordinators)
    .where(inArray(partnershipCoordinators.partnershipId, unique));
  for (const c of coordinators) records.get(c.partnershipId)?.coordinatorUserIds.push(c.userId);
  return records;
}

export type PartnershipMemberRow = {
  id: string;
  institutionId: string;
  institutionName: string;
  institutionKind: (typeof institutions.$inferSelect)['kind'];
  status: (typeof partnershipMembers.$inferSelect)['status'];
  declarationDate: string | null;
  representativeName: string | null;
  representativePosition: string | null;
  representativeEmail: string | null;
  representativePhone: string | null;
};

export type PartnershipDetailRow = Omit<PartnershipSummaryRow, 'memberCount'> & {
  areaDescription: string | null;
  establishedOn: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  coordinators: Array<{ userId: string; displayName: string; since: string }>;
  members: PartnershipMemberRow[];
};

/** UNSCOPED: the full record with members and coordinators; call only after the policy allowed it. */
export async function unsafeFindPartnershipDetail(db: Executor, id: string): Promise<PartnershipDetailRow | null> {
  const [row] = await db
    .select({
      id: partnerships.id,
      name: partnerships.name,
      territoryCode: partnerships.territoryCode,
      territoryName: territories.name,
      areaDescription: partnerships.areaDescription,
      modelVariant: partnerships.modelVariant,
      stage: partnerships.stage,
      establishedOn: partnerships.establishedOn,
      leaderInstitutionId: partnerships.leaderInstitutionId,
      leaderInstitutionName: institutions.name,
      version: partnerships.version,
      createdAt: partnerships.createdAt,
      updatedAt: partnerships.updatedAt,
    })
    .from(partnerships)
    .innerJoin(territories, eq(territories.code, partnerships.territoryCode))
    .innerJoin(institutions, eq(institutions.id, partnerships.leaderInstitutionId))
    .where(eq(partnerships.id, id));
  if (!row) return null;
  const coordinators = await db
    .select({
      userId: partnershipCoordinators.userId,
      displayName: users.displayName,
      since: partnershipCoordinators.since,
    })
    .from(partnershipCoordinators)
    .innerJoin(users, eq(users.id, partnershipCoordinators.userId))
    .where(eq(partnershipCoordinators.partnershipId, id))
    .orderBy(asc(partnershipCoordinators.since), ...bySurname(users.displayName));
  const members = await db
    .select({
      id: partnershipMembers.id,
      institutionId: partnershipMembers.institutionId,
      institutionName: institutions.name,
      institutionKind: institutions.kind,
      status: partnershipMembers.status,
      declarationDate: partnershipMembers.declarationDate,
      representativeName: partnershipMembers.representativeName,
      representativePosition: partnershipMembers.representativePosition,
      representativeEmail: partnershipMembers.representativeEmail,
      representativePhone: partnershipMembers.representativePhone,
    })
    .from(partnershipMembers)
    .innerJoin(institutions, eq(institutions.id, partnershipMembers.institutionId))
    .where(eq(partnershipMembers.partnershipId, id))
    .orderBy(byPolishName(institutions.name), asc(partnershipMembers.id));
  return { ...row, coordinators, members };
}

export async function findTerritoryLevel(db: Executor, code: string): Promise<string | null> {
  const [row] = await db.select({ level: territories.level }).from(territories).where(eq(territories.code, code));
  return row?.level ?? null;
}

export async function findInstitutionForPartnership(
  db: Executor,
  id: string,
): Promise<{ id: string; kind: (typeof institutions.$inferSelect)['kind']; isArchived: boolean } | null> {
  const [row] = await db
    .select({ id: institutions.id, kind: institutions.kind, archivedAt: institutions.archivedAt })
    .from(institutions)
    .where(eq(institutions.id, id));
  return row ? { id: row.id, kind: row.kind, isArchived: row.archivedAt !== null } : null;
}

/** Users among `userIds` holding any role in the institution. */
export async function findUsersWithMembershipIn(
  db: Executor,
  institutionId: string,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectDistinct({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.institutionId, institutionId), inArray(memberships.userId, [...userIds])));
  return new Set(rows.map((r) => r.userId));
}

export async function findMember(
  db: Executor,
  partnershipId: string,
  criteria: { memberId?: string; institutionId?: string },
) {
  const conditions: SQL[] = [eq(partnershipMembers.partnershipId, partnershipId)];
  if (criteria.memberId) conditions.push(eq(partnershipMembers.id, criteria.memberId));
  if (criteria.institutionId) conditions.push(eq(partnershipMembers.institutionId, criteria.institutionId));
  const [row] = await db
    .select()
    .from(partnershipMembers)
    .where(and(...conditions));
  return row ?? null;
}

export type PartnershipRow = typeof partnerships.$inferSelect;
export type PartnershipValues = typeof partnerships.$inferInsert;
export type PartnershipMemberValues = typeof partnershipMembers.$inferInsert;

/** Inserts a partnership and returns its id. */
export async function insertPartnership(db: Executor, values: PartnershipValues): Promise<string> {
  const [created] = await db.insert(partnerships).values(values).returning({ id: partnerships.id });
  return created!.id;
}

/** The stored row, for a service that has already applied the record rule. */
export async function unsafeFindPartnershipRow(db: Executor, id: string): Promise<PartnershipRow | null> {
  const [row] = await db.select().from(partnerships).where(eq(partnerships.id, id));
  return row ?? null;
}

/** Optimistic update: false when the version moved on (a colleague saved first). */
export async function updatePartnershipRow(
  db: Executor,
  id: string,
  expectedVersion: number,
  changes: Partial<PartnershipValues>,
): Promise<boolean> {
  const updated = await db
    .update(partnerships)
    .set({ ...changes, version: sql`${partnerships.version} + 1`, updatedAt: new Date() })
    .where(and(eq(partnerships.id, id), eq(partnerships.version, expectedVersion)))
    .returning({ id: partnerships.id });
  return updated.length > 0;
}

/** Appoints coordinators as of `since` (a date). */
export async function insertPartnershipCoordinators(
  db: Executor,
  partnershipId: string,
  userIds: readonly string[],
  since: string,
): Promise<void> {
  if (userIds.length === 0) return;
  await db.insert(partnershipCoordinators).values(userIds.map((userId) => ({ partnershipId, userId, since })));
}

/** Removes every coordinator not in `keptUserIds` (at least one is kept: the contract requires one). */
export async function deletePartnershipCoordinatorsExcept(
  db: Executor,
  partnershipId: string,
  keptUserIds: readonly string[],
): Promise<void> {
  await db
    .delete(partnershipCoordinators)
    .where(
      and(
        eq(partnershipCoordinators.partnershipId, partnershipId),
        notInArray(partnershipCoordinators.userId, [...keptUserIds]),
      ),
    );
}

/** Inserts a member institution and returns the member's id. */
export async function insertPartnershipMember(db: Executor, values: PartnershipMemberValues): Promise<string> {
  const [created] = await db.insert(partnershipMembers).values(values).returning({ id: partnershipMembers.id });
  return created!.id;
}

/** Changes a member's fields (status, declaration, representative). */
export async function updatePartnershipMemberRow(
  db: Executor,
  memberId: string,
  changes: Partial<PartnershipMemberValues>,
): Promise<void> {
  await db
    .update(partnershipMembers)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(partnershipMembers.id, memberId));
}

/** Names of the partnerships among `ids` that the actor may read (visiblePartnershipsWhere); others are absent. */
export async function findVisiblePartnershipNames(
  db: Executor,
  actor: Actor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: partnerships.id, name: partnerships.name })
    .from(partnerships)
    .where(and(inArray(partnerships.id, [...new Set(ids)]), visiblePartnershipsWhere(actor)));
  return new Map(rows.map((row) => [row.id, row.name]));
}
