/**
 * SQL of the basket's to-do items (task-providers.ts). These queries only narrow the search to the
 * partnerships where the actor could act at all (their institution leads it, they are appointed
 * coordinators, or they are an administrator) and count per partnership and provider; whether the
 * actor may act is decided afterwards by the basket policy on each partnership's access record, and
 * the items are then read for the allowed groups only. No role rule is copied here.
 */
import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../platform/db/database.js';
import type { ActingActor } from '../platform/auth/actor.js';
import { basketChangeRequests, partnershipCoordinators, partnerships, services } from '../platform/db/tables.js';
import type { ChangeRequestStatus } from '../../../shared/src/contracts/basket.js';
import { isStaleSql } from './cards/cards.queries.js';

/** Partnerships the actor's institution leads or the actor is appointed to coordinate; all for an administrator. */
function runsPartnershipWhere(actor: ActingActor): SQL {
  if (actor.membership.role === 'admin') return sql`true`;
  return or(
    eq(partnerships.leaderInstitutionId, actor.membership.institutionId),
    sql`exists (select 1 from ${partnershipCoordinators} where ${partnershipCoordinators.partnershipId} = ${partnerships.id} and ${partnershipCoordinators.userId} = ${actor.userId})`,
  )!;
}

/** A group of waiting records: one partnership and (for cards) one provider institution. */
export type TaskGroupCount = { partnershipId: string; providerInstitutionId: string | null; count: number };

/** A waiting record as an item shows it: its id, public name and partnership. */
export type TaskRecordRow = {
  id: string;
  title: string | null;
  partnershipId: string;
  partnershipName: string;
};

/** Cards submitted for publication in partnerships the actor runs, per partnership. */
export async function countSubmittedCards(db: Executor, actor: ActingActor): Promise<TaskGroupCount[]> {
  const rows = await db
    .select({ partnershipId: services.partnershipId, count: sql<number>`count(*)::int` })
    .from(services)
    .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
    .where(and(eq(services.status, 'submitted'), runsPartnershipWhere(actor)))
    .groupBy(services.partnershipId);
  return rows.map((row) => ({ ...row, providerInstitutionId: null, count: Number(row.count) }));
}

/** A card as a to-do item: its id, its name as the title, and its partnership. */
const cardTaskColumns = {
  id: services.id,
  title: services.name,
  partnershipId: services.partnershipId,
  partnershipName: partnerships.name,
};

/** The submitted cards of the given partnerships, the longest waiting first. */
export async function findSubmittedCards(
  db: Executor,
  partnershipIds: readonly string[],
  limit: number,
): Promise<TaskRecordRow[]> {
  if (partnershipIds.length === 0) return [];
  return db
    .select(cardTaskColumns)
    .from(services)
    .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
    .where(and(eq(services.status, 'submitted'), inArray(services.partnershipId, [...partnershipIds])))
    .orderBy(asc(services.updatedAt), asc(services.id))
    .limit(limit);
}

/** Change requests in one status in partnerships the actor runs, per partnership. */
export async function countChangeRequests(
  db: Executor,
  actor: ActingActor,
  status: ChangeRequestStatus,
): Promise<TaskGroupCount[]> {
  const rows = await db
    .select({ partnershipId: basketChangeRequests.partnershipId, count: sql<number>`count(*)::int` })
    .from(basketChangeRequests)
    .innerJoin(partnerships, eq(partnerships.id, basketChangeRequests.partnershipId))
    .where(and(eq(basketChangeRequests.status, status), runsPartnershipWhere(actor)))
    .groupBy(basketChangeRequests.partnershipId);
  return rows.map((row) => ({ ...row, providerInstitutionId: null, count: Number(row.count) }));
}

const targetService = alias(services, 'target_service');

/** The requests in one status of the given partnerships, oldest first, with the card's public name. */
export async function findChangeRequests(
  db: Executor,
  partnershipIds: readonly string[],
  status: ChangeRequestStatus,
  limit: number,
): Promise<TaskRecordRow[]> {
  if (partnershipIds.length === 0) return [];
  return db
    .select({
      id: basketChangeRequests.id,
      // The card's current name, or the proposed name of a new service (public basket data).
      title: sql<string | null>`coalesce(${targetService.name}, ${basketChangeRequests.proposal} ->> 'name')`,
      partnershipId: basketChangeRequests.partnershipId,
      partnershipName: partnerships.name,
    })
    .from(basketChangeRequests)
    .innerJoin(partnerships, eq(partnerships.id, basketChangeRequests.partnershipId))
    .leftJoin(targetService, eq(targetService.id, basketChangeRequests.serviceId))
    .where(
      and(eq(basketChangeRequests.status, status), inArray(basketChangeRequests.partnershipId, [...partnershipIds])),
    )
    .orderBy(asc(basketChangeRequests.createdAt), asc(basketChangeRequests.id))
    .limit(limit);
}

/**
 * Stale cards the actor is asked to confirm, as the reminders ask (reminders.ts): cards of the
 * actor's institution, cards the actor created, and cards without a registry provider in
 * partnerships the actor is appointed to coordinate. Per partnership and provider.
 */
function staleCardsOfActorWhere(actor: ActingActor, staleMonths: number): SQL {
  return and(
    isStaleSql(staleMonths),
    or(
      eq(services.providerInstitutionId, actor.membership.institutionId),
      eq(services.createdByUserId, actor.userId),
      and(
        isNull(services.providerInstitutionId),
        sql`exists (select 1 from ${partnershipCoordinators} where ${partnershipCoordinators.partnershipId} = ${services.partnershipId} and ${partnershipCoordinators.userId} = ${actor.userId})`,
      ),
    ),
  )!;
}

export async function countStaleCards(
  db: Executor,
  actor: ActingActor,
  staleMonths: number,
): Promise<TaskGroupCount[]> {
  const rows = await db
    .select({
      partnershipId: services.partnershipId,
      providerInstitutionId: services.providerInstitutionId,
      count: sql<number>`count(*)::int`,
    })
    .from(services)
    .where(staleCardsOfActorWhere(actor, staleMonths))
    .groupBy(services.partnershipId, services.providerInstitutionId);
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}

/** The actor's stale cards in the allowed groups (partnership and provider), the longest unconfirmed first. */
export async function findStaleCards(
  db: Executor,
  actor: ActingActor,
  staleMonths: number,
  groups: readonly TaskGroupCount[],
  limit: number,
): Promise<TaskRecordRow[]> {
  if (groups.length === 0) return [];
  const inGroups = or(
    ...groups.map((group) =>
      and(
        eq(services.partnershipId, group.partnershipId),
        group.providerInstitutionId === null
          ? isNull(services.providerInstitutionId)
          : eq(services.providerInstitutionId, group.providerInstitutionId),
      ),
    ),
  );
  return db
    .select(cardTaskColumns)
    .from(services)
    .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
    .where(and(staleCardsOfActorWhere(actor, staleMonths), inGroups))
    .orderBy(sql`${services.lastConfirmedAt} asc nulls first`, asc(services.id))
    .limit(limit);
}
