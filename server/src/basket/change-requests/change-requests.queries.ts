/**
 * SQL of basket change requests. Lookups by id are UNSCOPED (`unsafe...`): callers check the basket
 * policy on the request's partnership before revealing anything. Lists are scoped by the
 * partnership the caller has already been allowed to read.
 */
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../platform/db/database.js';
import {
  basketChangeRequests,
  institutions,
  memberships,
  partnershipCoordinators,
  partnerships,
  services,
  territories,
  users,
} from '../../platform/db/tables.js';
import type { Role } from '../../../../shared/src/contracts/common.js';
import type { ChangeRequestStatus, ServiceStatus } from '../../../../shared/src/contracts/basket.js';

export type ChangeRequestRow = typeof basketChangeRequests.$inferSelect;

export type ChangeRequestDetailRow = ChangeRequestRow & {
  serviceName: string | null;
  serviceStatus: ServiceStatus | null;
  requestedByDisplayName: string;
  requestedByInstitutionName: string | null;
  reviewedByDisplayName: string | null;
  decidedByDisplayName: string | null;
};

const requester = alias(users, 'requester');
const reviewer = alias(users, 'reviewer');
const decider = alias(users, 'decider');
const targetService = alias(services, 'target_service');
const resultService = alias(services, 'result_service');

function detailSelect(db: Executor) {
  return db
    .select({
      request: basketChangeRequests,
      // The card's current name; for a new service, the created card's or else the proposed one.
      serviceName: sql<
        string | null
      >`coalesce(${targetService.name}, ${resultService.name}, ${basketChangeRequests.proposal} ->> 'name')`,
      serviceStatus: targetService.status,
      requestedByDisplayName: requester.displayName,
      requestedByInstitutionName: institutions.name,
      reviewedByDisplayName: reviewer.displayName,
      decidedByDisplayName: decider.displayName,
    })
    .from(basketChangeRequests)
    .innerJoin(requester, eq(requester.id, basketChangeRequests.requestedByUserId))
    .leftJoin(institutions, eq(institutions.id, basketChangeRequests.requestedByInstitutionId))
    .leftJoin(reviewer, eq(reviewer.id, basketChangeRequests.reviewedByUserId))
    .leftJoin(decider, eq(decider.id, basketChangeRequests.decidedByUserId))
    .leftJoin(targetService, eq(targetService.id, basketChangeRequests.serviceId))
    .leftJoin(resultService, eq(resultService.id, basketChangeRequests.resultServiceId));
}

type DetailResult = Awaited<ReturnType<ReturnType<typeof detailSelect>['execute']>>[number];

function toDetail(row: DetailResult): ChangeRequestDetailRow {
  return {
    ...row.request,
    serviceName: row.serviceName,
    serviceStatus: (row.serviceStatus ?? null) as ServiceStatus | null,
    requestedByDisplayName: row.requestedByDisplayName,
    requestedByInstitutionName: row.requestedByInstitutionName,
    reviewedByDisplayName: row.reviewedByDisplayName,
    decidedByDisplayName: row.decidedByDisplayName,
  };
}

/** UNSCOPED: one request with the names the response shows. */
export async function unsafeFindChangeRequestDetail(db: Executor, id: string): Promise<ChangeRequestDetailRow | null> {
  const [row] = await detailSelect(db).where(eq(basketChangeRequests.id, id));
  return row ? toDetail(row) : null;
}

/** UNSCOPED: the bare row, locked when asked, so that two decisions on one request queue up. */
export async function unsafeFindChangeRequestRow(
  db: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ChangeRequestRow | null> {
  const base = db.select().from(basketChangeRequests).where(eq(basketChangeRequests.id, id));
  const [row] = options.forUpdate ? await base.for('update') : await base;
  return row ?? null;
}

/** One page of a partnership's requests, newest first, optionally of some statuses. */
export async function findChangeRequestPage(
  db: Executor,
  query: { partnershipId: string; status?: ChangeRequestStatus[] | undefined; page: number; pageSize: number },
): Promise<{ rows: ChangeRequestDetailRow[]; total: number }> {
  const conditions: SQL[] = [eq(basketChangeRequests.partnershipId, query.partnershipId)];
  if (query.status && query.status.length > 0) conditions.push(inArray(basketChangeRequests.status, query.status));
  const where = and(...conditions);
  const [totalRow] = await db.select({ value: count() }).from(basketChangeRequests).where(where);
  const rows = await detailSelect(db)
    .where(where)
    .orderBy(desc(basketChangeRequests.createdAt), desc(basketChangeRequests.id))
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize);
  return { rows: rows.map(toDetail), total: Number(totalRow?.value ?? 0) };
}

export async function insertChangeRequest(
  db: Executor,
  values: typeof basketChangeRequests.$inferInsert,
): Promise<ChangeRequestRow> {
  const [row] = await db.insert(basketChangeRequests).values(values).returning();
  return row!;
}

export async function updateChangeRequest(
  db: Executor,
  id: string,
  changes: Partial<typeof basketChangeRequests.$inferInsert>,
): Promise<void> {
  await db
    .update(basketChangeRequests)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(basketChangeRequests.id, id));
}

/** The active coordinators of each partnership, in one statement (a run over many cards). */
export async function findCoordinatorUserIdsByPartnership(
  db: Executor,
  partnershipIds: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (partnershipIds.length === 0) return found;
  const rows = await db
    .select({ partnershipId: partnershipCoordinators.partnershipId, userId: users.id })
    .from(partnershipCoordinators)
    .innerJoin(users, eq(users.id, partnershipCoordinators.userId))
    .where(and(inArray(partnershipCoordinators.partnershipId, [...partnershipIds]), eq(users.isActive, true)));
  for (const row of rows) found.set(row.partnershipId, [...(found.get(row.partnershipId) ?? []), row.userId]);
  return found;
}

/** Active users holding one of the roles, per institution, in one statement (a run over many cards). */
export async function findUserIdsByInstitution(
  db: Executor,
  institutionIds: readonly string[],
  roles: readonly Role[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (institutionIds.length === 0) return found;
  const rows = await db
    .selectDistinct({ institutionId: memberships.institutionId, userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        inArray(memberships.institutionId, [...institutionIds]),
        inArray(memberships.role, [...roles]),
        eq(users.isActive, true),
      ),
    );
  for (const row of rows) found.set(row.institutionId, [...(found.get(row.institutionId) ?? []), row.userId]);
  return found;
}

/** The partnership's name, for notification texts. */
export async function findPartnershipName(db: Executor, partnershipId: string): Promise<string | null> {
  const [row] = await db
    .select({ name: partnerships.name })
    .from(partnerships)
    .where(eq(partnerships.id, partnershipId));
  return row?.name ?? null;
}

/**
 * Names for the ids and codes that proposals and current values hold (a provider from the registry,
 * the gmina, the reach), so that a decision shows words, not identifiers. Public registry data.
 */
export async function findValueLabels(
  db: Executor,
  records: ReadonlyArray<Record<string, unknown>>,
): Promise<Record<string, string>> {
  const institutionIds = new Set<string>();
  const territoryCodes = new Set<string>();
  for (const record of records) {
    if (typeof record.providerInstitutionId === 'string') institutionIds.add(record.providerInstitutionId);
    if (typeof record.territoryCode === 'string') territoryCodes.add(record.territoryCode);
    if (Array.isArray(record.reachCodes)) {
      for (const code of record.reachCodes) if (typeof code === 'string') territoryCodes.add(code);
    }
  }
  const labels: Record<string, string> = {};
  if (institutionIds.size > 0) {
    const rows = await db
      .select({ id: institutions.id, name: institutions.name })
      .from(institutions)
      .where(inArray(institutions.id, [...institutionIds]));
    for (const row of rows) labels[row.id] = row.name;
  }
  if (territoryCodes.size > 0) {
    const rows = await db
      .select({ code: territories.code, name: territories.name })
      .from(territories)
      .where(inArray(territories.code, [...territoryCodes]));
    for (const row of rows) labels[row.code] = row.name;
  }
  return labels;
}
