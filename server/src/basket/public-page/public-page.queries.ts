/**
 * SQL of the public basket page. No actor: what may be read is fixed here and nowhere else, namely
 * the published cards of a partnership whose page is public, with the columns the page shows.
 * Contact persons (name, phone, e-mail of a card) are never selected.
 */
import { and, asc, count, eq, getTableColumns, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import {
  contactPersonFields,
  serviceCardFields,
  type ServiceCardField,
} from '../../../../shared/src/contracts/basket.js';
import type { Executor } from '../../platform/db/database.js';
import { basketPublications, institutions, partnerships, services, territories } from '../../platform/db/tables.js';
import { alias } from 'drizzle-orm/pg-core';
import { byPolishName } from '../../platform/db/polish-order.js';
import { isStaleSql, searchWords, servesTargetGroupsWhere } from '../cards/cards.queries.js';

export type PublicBasket = {
  partnershipId: string;
  slug: string;
  introduction: string | null;
  partnershipName: string;
  territoryName: string;
  leaderName: string;
  leaderPhone: string | null;
  leaderEmail: string | null;
  leaderWebsite: string | null;
};

/** The public page of a slug, or null when there is none or it is not public (same answer). */
export async function findPublicBasket(db: Executor, slug: string): Promise<PublicBasket | null> {
  const leader = alias(institutions, 'leader');
  const [row] = await db
    .select({
      partnershipId: basketPublications.partnershipId,
      slug: basketPublications.slug,
      introduction: basketPublications.introduction,
      partnershipName: partnerships.name,
      territoryName: territories.name,
      leaderName: leader.name,
      leaderPhone: leader.phone,
      leaderEmail: leader.email,
      leaderWebsite: leader.website,
    })
    .from(basketPublications)
    .innerJoin(partnerships, eq(partnerships.id, basketPublications.partnershipId))
    .innerJoin(territories, eq(territories.code, partnerships.territoryCode))
    .innerJoin(leader, eq(leader.id, partnerships.leaderInstitutionId))
    .where(
      and(eq(basketPublications.slug, slug), eq(basketPublications.isPublic, true), isNull(partnerships.archivedAt)),
    );
  return row ?? null;
}

export type PublicServiceFilter = {
  area?: string;
  targetGroup?: string;
  /** Free text: each word must be in the card's name, provider or description (folded, one typo allowed). */
  q?: string;
  page: number;
  pageSize: number;
  /** STALE_SERVICE_MONTHS: a card not confirmed for this long is marked on the page. */
  staleMonths: number;
};

/**
 * The basket search's word test (cards.queries.ts: `search_text %> word` at the 0.5 threshold),
 * written with word_similarity itself, so it needs no transaction-local threshold: the public page
 * searches one partnership's published cards, a few hundred at most, without the trigram index.
 */
const PUBLIC_WORD_SIMILARITY = 0.5;

/**
 * What a public page shows of a card: every content field of the contract but the contact person
 * (signed-in partners only) and the gmina code of the place (the page shows the address).
 */
type PublicCardField = Exclude<ServiceCardField, (typeof contactPersonFields)[number] | 'territoryCode'>;
const hiddenOnPublicPage: readonly ServiceCardField[] = [...contactPersonFields, 'territoryCode'];
const publicCardFields = serviceCardFields.filter(
  (field): field is PublicCardField => !hiddenOnPublicPage.includes(field),
);
const serviceColumns = getTableColumns(services);
const publicCardColumns = Object.fromEntries(publicCardFields.map((field) => [field, serviceColumns[field]])) as {
  [K in PublicCardField]: (typeof serviceColumns)[K];
};

export type PublicServiceRow = Pick<typeof services.$inferSelect, 'id' | PublicCardField | 'lastConfirmedAt'> & {
  isStale: boolean;
  registryName: string | null;
  registryPhone: string | null;
  registryEmail: string | null;
  registryWebsite: string | null;
  registryStreet: string | null;
  registryPostalCode: string | null;
  registryCity: string | null;
};

/** One page of a public basket's published services, filtered by area and target group. */
export async function findPublicServicePage(
  db: Executor,
  partnershipId: string,
  filter: PublicServiceFilter,
): Promise<{ rows: PublicServiceRow[]; total: number }> {
  const conditions: SQL[] = [eq(services.partnershipId, partnershipId), eq(services.status, 'published')];
  if (filter.area) conditions.push(sql`${services.cooperationAreas} @> array[${filter.area}]::text[]`);
  if (filter.targetGroup) conditions.push(servesTargetGroupsWhere([filter.targetGroup]));
  for (const word of searchWords(filter.q))
    conditions.push(sql`word_similarity(${word}, ${services.searchText}) >= ${PUBLIC_WORD_SIMILARITY}`);
  const where = and(...conditions);
  const rows = await db
    .select({
      id: services.id,
      ...publicCardColumns,
      registryName: institutions.name,
      registryPhone: institutions.phone,
      registryEmail: institutions.email,
      registryWebsite: institutions.website,
      registryStreet: institutions.street,
      registryPostalCode: institutions.postalCode,
      registryCity: institutions.city,
      lastConfirmedAt: services.lastConfirmedAt,
      isStale: isStaleSql(filter.staleMonths),
    })
    .from(services)
    .leftJoin(institutions, eq(institutions.id, services.providerInstitutionId))
    .where(where)
    .orderBy(byPolishName(services.name), asc(services.id))
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize);
  const [totalRow] = await db.select({ value: count() }).from(services).where(where);
  return { rows, total: Number(totalRow?.value ?? 0) };
}

/** Names of TERYT units for the reach lines. */
export async function findTerritoryNameMap(db: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .select({ code: territories.code, name: territories.name })
    .from(territories)
    .where(inArray(territories.code, [...new Set(codes)]));
  return new Map(rows.map((r) => [r.code, r.name]));
}
