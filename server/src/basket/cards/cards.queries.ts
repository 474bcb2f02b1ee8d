/**
 * SECURITY-CRITICAL. SQL of the basket: the scoped search. `serviceSearchWhere` must say in SQL what
 * canReadService says in TypeScript (basket.policy.ts): a partnership the actor may read, and within
 * it published cards, or any card for the basket's managers and the provider's card keepers.
 */
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import type { Executor } from '../../platform/db/database.js';
import {
  institutions,
  partnershipCoordinators,
  partnershipMembers,
  partnerships,
  serviceVersions,
  serviceWords,
  services,
  territories,
  users,
} from '../../platform/db/tables.js';
import type { Actor } from '../../platform/auth/actor.js';
import { visiblePartnershipsWhere } from '../../partnerships/partnerships.queries.js';
import { targetGroups, type ServiceSearchQuery } from '../../../../shared/src/contracts/basket.js';
import { normalizeForSearch } from '../../../../shared/src/text.js';
import { byPolishName } from '../../platform/db/polish-order.js';

export type ServiceSearch = z.output<typeof ServiceSearchQuery>;

/** Words of a query, folded; one-letter words carry no signal for trigram search. */
export function searchWords(q: string | undefined): string[] {
  if (!q) return [];
  return [...new Set(normalizeForSearch(q).split(/[^a-z0-9]+/))].filter((word) => word.length >= 2).slice(0, 8);
}

/** Cards beyond `published` the actor may see: the basket's managers and the provider's card keepers. */
function unpublishedVisibleWhere(actor: Actor): SQL {
  const membership = actor.membership;
  if (!membership) return sql`false`;
  if (membership.role === 'admin') return sql`true`;
  const conditions: SQL[] = [];
  if (membership.role === 'director' || membership.role === 'networkCoordinator') {
    conditions.push(eq(partnerships.leaderInstitutionId, membership.institutionId));
  }
  if (membership.role === 'networkCoordinator') {
    conditions.push(
      sql`exists (select 1 from ${partnershipCoordinators} where ${partnershipCoordinators.partnershipId} = ${partnerships.id} and ${partnershipCoordinators.userId} = ${actor.userId})`,
    );
  }
  if (['partnerRepresentative', 'director', 'networkCoordinator'].includes(membership.role)) {
    conditions.push(
      sql`(${services.providerInstitutionId} = ${membership.institutionId} and (${partnerships.leaderInstitutionId} = ${membership.institutionId} or exists (select 1 from ${partnershipMembers} where ${partnershipMembers.partnershipId} = ${partnerships.id} and ${partnershipMembers.institutionId} = ${membership.institutionId} and ${partnershipMembers.status} <> 'left')))`,
    );
  }
  return conditions.length > 0 ? sql`(${sql.join(conditions, sql` or `)})` : sql`false`;
}

/**
 * A card for everyone (target group `all`, "Wszyscy") is for every group: it answers every target
 * group filter, in the app and on the public page alike.
 */
export function servesTargetGroupsWhere(groups: readonly string[]): SQL {
  const wanted = [...new Set([...groups, 'all'])];
  return sql`${services.targetGroups} && array[${sql.join(
    wanted.map((group) => sql`${group}`),
    sql`, `,
  )}]::text[]`;
}

/** The groups a card counts for in the gap view: every column when it is for everyone (`all`). */
function countedTargetGroups(): SQL {
  return sql`(case when 'all' = any(${services.targetGroups}) then array[${sql.join(
    targetGroups.map((group) => sql`${group}`),
    sql`, `,
  )}]::text[] else ${services.targetGroups} end)`;
}

/** The stale rule: published and not confirmed within the last `months` months. */
export function isStaleSql(months: number): SQL<boolean> {
  return sql<boolean>`(${services.status} = 'published' and (${services.lastConfirmedAt} is null or ${services.lastConfirmedAt} < now() - make_interval(months => ${months}::int)))`;
}

/**
 * How the search words meet the cards' words index. `index`: the bare `search_words && ...`, which
 * the GIN index answers (the right plan when nothing else narrows the search: an admin across
 * the country). `filter`: the same test on `search_words || '{}'`, which no index matches, so the
 * plan starts from what narrows the search (the covered gmina's reach index, the partnerships) and
 * tests the words on those cards only. Left to itself PostgreSQL ANDs the trigram index in anyway:
 * a common word such as "poradnictwo" yields 61,000 candidates of 300,000, and the bitmap costs
 * 70-90 ms where testing the 1,074 cards that cover a gmina costs 3 ms (EXPLAIN ANALYZE, bench
 * data; a ROPS coordinator's whole voivodeship, 18,000 cards: 228 -> 120 ms).
 */
export type WordMatch = 'index' | 'filter';

/** The lexicon's words that match each search word, with their word_similarity (1 when it contains it). */
export type SearchLexicon = Map<string, Array<{ word: string; similarity: number }>>;

function textArray(values: readonly string[]): SQL {
  return values.length === 0
    ? sql`'{}'::text[]`
    : sql`array[${sql.join(
        values.map((v) => sql`${v}`),
        sql`, `,
      )}]::text[]`;
}

/**
 * The lexicon's words within one typo of each search word (the `%>` test on service_words, at the
 * threshold useServiceSearchThreshold set). One statement for all the words; a word the lexicon
 * lacks maps to no entry, so the search it is part of finds nothing.
 */
export async function findSearchLexicon(tx: Executor, words: readonly string[]): Promise<SearchLexicon> {
  const lexicon: SearchLexicon = new Map(words.map((word) => [word, []]));
  if (words.length === 0) return lexicon;
  const result = await tx.execute(
    sql`select q.query, ${serviceWords.word} as word,
               case when position(q.query in ${serviceWords.word}) > 0 then 1 else word_similarity(q.query, ${serviceWords.word}) end as similarity
          from unnest(${textArray(words)}) as q(query)
          join ${serviceWords} on ${serviceWords.word} %> q.query`,
  );
  const rows = (result as unknown as { rows: Array<{ query: string; word: string; similarity: number | string }> })
    .rows;
  for (const row of rows) lexicon.get(row.query)?.push({ word: row.word, similarity: Number(row.similarity) });
  return lexicon;
}

/**
 * A card's score for one search word: the best similarity among its words that the lexicon matched
 * (every card the search finds holds at least one). Words of equal similarity are one array test,
 * best first; when all are equal (a word found as it is) the score is that constant.
 */
function bestWordScore(entries: ReadonlyArray<{ word: string; similarity: number }>): SQL {
  const bySimilarity = new Map<number, string[]>();
  for (const entry of entries)
    bySimilarity.set(entry.similarity, [...(bySimilarity.get(entry.similarity) ?? []), entry.word]);
  const groups = [...bySimilarity.entries()].sort(([a], [b]) => b - a);
  if (groups.length <= 1) return sql`${groups[0]?.[0] ?? 0}::real`;
  return sql`(case ${sql.join(
    groups.map(
      ([similarity, words]) => sql`when ${services.searchWords} && ${textArray(words)} then ${similarity}::real`,
    ),
    sql` `,
  )} else 0 end)`;
}

/** WHERE of a basket search as seen by the actor; deny by default. */
export function serviceSearchWhere(
  actor: Actor,
  query: ServiceSearch,
  staleMonths: number,
  wordMatch: WordMatch = 'index',
  lexicon?: SearchLexicon,
): SQL {
  const conditions: SQL[] = [visiblePartnershipsWhere(actor)];
  const statuses = query.status ?? ['published'];
  const onlyPublished = statuses.length === 1 && statuses[0] === 'published';
  conditions.push(
    sql`${services.status} in (${sql.join(
      statuses.map((s) => sql`${s}`),
      sql`, `,
    )})`,
  );
  if (!onlyPublished) {
    conditions.push(sql`(${services.status} = 'published' or ${unpublishedVisibleWhere(actor)})`);
  }
  for (const word of searchWords(query.q)) {
    // A card matches a word when one of its words has word_similarity(word, its word) >=
    // pg_trgm.word_similarity_threshold (0.5, set by findServicePage): the word as it is, as the
    // start or end of a longer word, or with one typo. The trigram test runs on the lexicon
    // (service_words, tens of thousands of words, its own trigram index) and the cards are found
    // by their words with one array test. Testing `search_text %> word` on every card instead cost
    // 7 us a card: 142 ms for a ROPS coordinator's 18,000 cards (issue 8 item 7).
    // With the lexicon looked up beforehand (findSearchLexicon) the words are a literal array, which
    // the planner estimates from the column's element statistics: it then ANDs the words index with
    // what narrows the scope. A subquery in its place is an unknown the planner guesses at.
    const cardWords =
      wordMatch === 'index' ? sql`${services.searchWords}` : sql`(${services.searchWords} || '{}'::text[])`;
    const known = lexicon?.get(word);
    conditions.push(
      known
        ? sql`${cardWords} && ${textArray(known.map((entry) => entry.word))}`
        : sql`${cardWords} && array(select ${serviceWords.word} from ${serviceWords} where ${serviceWords.word} %> ${word})`,
    );
  }
  if (query.partnershipId) conditions.push(eq(services.partnershipId, query.partnershipId));
  if (query.voivodeshipCode) conditions.push(sql`${partnerships.territoryCode} like ${`${query.voivodeshipCode}%`}`);
  const arrayFilter = (column: AnyPgColumn, values: string[] | undefined) => {
    if (values && values.length > 0)
      conditions.push(
        sql`${column} && ${sql`array[${sql.join(
          values.map((v) => sql`${v}`),
          sql`, `,
        )}]::text[]`}`,
      );
  };
  arrayFilter(services.cooperationAreas, query.area);
  if (query.targetGroup && query.targetGroup.length > 0) conditions.push(servesTargetGroupsWhere(query.targetGroup));
  const inFilter = (column: AnyPgColumn | SQL, values: string[] | undefined) => {
    if (values && values.length > 0)
      conditions.push(
        sql`${column} in (${sql.join(
          values.map((v) => sql`${v}`),
          sql`, `,
        )})`,
      );
  };
  inFilter(services.cost, query.cost);
  inFilter(services.origin, query.origin);
  inFilter(sql`${institutions.kind}`, query.providerKind);
  if (query.coversGmina) conditions.push(sql`${services.reachGminaCodes} @> array[${query.coversGmina}]::text[]`);
  if (query.isStale !== undefined) {
    conditions.push(query.isStale ? isStaleSql(staleMonths) : sql`not ${isStaleSql(staleMonths)}`);
  }
  return and(...conditions)!;
}

const summaryColumns = (staleMonths: number) => ({
  id: services.id,
  partnershipId: services.partnershipId,
  partnershipName: partnerships.name,
  name: services.name,
  providerInstitutionId: services.providerInstitutionId,
  registryProviderName: institutions.name,
  providerNameOverride: services.providerName,
  providerKind: institutions.kind,
  origin: services.origin,
  status: services.status,
  cooperationAreas: services.cooperationAreas,
  targetGroups: services.targetGroups,
  cost: services.cost,
  locationKind: services.locationKind,
  city: services.city,
  isStale: isStaleSql(staleMonths),
  lastConfirmedAt: services.lastConfirmedAt,
  excerpt: sql<string>`left(${services.description}, 240)`,
});

type ServiceColumns = typeof services.$inferSelect;

export type ServiceSummaryRow = {
  id: string;
  partnershipId: string;
  partnershipName: string;
  name: string;
  providerInstitutionId: string | null;
  registryProviderName: string | null;
  providerNameOverride: string | null;
  providerKind: (typeof institutions.$inferSelect)['kind'] | null;
  origin: ServiceColumns['origin'];
  status: ServiceColumns['status'];
  cooperationAreas: ServiceColumns['cooperationAreas'];
  targetGroups: ServiceColumns['targetGroups'];
  cost: ServiceColumns['cost'];
  locationKind: ServiceColumns['locationKind'];
  city: string | null;
  isStale: boolean;
  lastConfirmedAt: Date | null;
  excerpt: string;
};

/**
 * The partnerships a search may reach, as ids, or null for "all" (an admin without a voivodeship).
 * Only a narrowing for the planner: serviceSearchWhere keeps the whole scope. Said as a subquery the
 * scope is an OR that PostgreSQL cannot estimate, so it ran the trigram scan over the whole country
 * and threw away what the actor may not see (a member's case manager, 100,000 cards: 780 ms); with
 * the ids it starts from the partnership index (1.7 ms), or combines both indexes (ROPS: 521 -> 38 ms).
 */
export async function findSearchablePartnershipIds(
  db: Executor,
  actor: Actor,
  query: Pick<ServiceSearch, 'partnershipId' | 'voivodeshipCode'>,
): Promise<string[] | null> {
  if (actor.membership?.role === 'admin' && !query.voivodeshipCode && !query.partnershipId) return null;
  const conditions: SQL[] = [visiblePartnershipsWhere(actor)];
  if (query.partnershipId) conditions.push(eq(partnerships.id, query.partnershipId));
  if (query.voivodeshipCode) conditions.push(sql`${partnerships.territoryCode} like ${`${query.voivodeshipCode}%`}`);
  const rows = await db
    .select({ id: partnerships.id })
    .from(partnerships)
    .where(and(...conditions));
  return rows.map((r) => r.id);
}

/**
 * Sets the word similarity threshold the search's `%>` conditions use (0.5: one typo in a word of
 * six letters or more) for the current transaction only. Call it inside the transaction that runs a
 * query built with `serviceSearchWhere` and a `q` (PostgreSQL's default, 0.6, finds fewer typos).
 */
export async function useServiceSearchThreshold(tx: Executor): Promise<void> {
  await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', '0.5', true)`);
}

/**
 * One page of the actor's basket search and the total. Runs in a transaction so that the word
 * similarity threshold applies to this search only. The total comes with the page (a window
 * count): one statement to plan and run instead of two, as planning a trigram search costs as much
 * as running it (PostgreSQL estimates `%>` by trying it on the column's statistics sample).
 */
export async function findServicePage(
  db: Executor,
  actor: Actor,
  query: ServiceSearch,
  staleMonths: number,
): Promise<{ rows: ServiceSummaryRow[]; total: number }> {
  const words = searchWords(query.q);
  return db.transaction(async (tx) => {
    const partnershipIds = await findSearchablePartnershipIds(tx, actor, query);
    if (partnershipIds?.length === 0) return { rows: [], total: 0 };
    if (words.length > 0) await useServiceSearchThreshold(tx);
    const lexicon = await findSearchLexicon(tx, words);
    // A word no card holds, even with a typo: nothing to find, and no need to ask the cards.
    if ([...lexicon.values()].some((entries) => entries.length === 0)) return { rows: [], total: 0 };
    const isNarrowed = partnershipIds !== null || Boolean(query.coversGmina);
    // A covered gmina narrows best (its reach index: about a thousand cards of 300,000); the list of
    // a ROPS coordinator's 169 partnerships beside it made PostgreSQL AND in 18,000 cards (17 ms).
    const narrowByPartnerships = partnershipIds !== null && (!query.coversGmina || partnershipIds.length <= 5);
    // A whole voivodeship (18,000 cards) is best met from both sides: the words index ANDed with
    // the partnerships; a covered gmina's thousand cards are cheaper to test one by one.
    const wordMatch: WordMatch = isNarrowed && query.coversGmina ? 'filter' : 'index';
    const where = and(
      serviceSearchWhere(actor, query, staleMonths, wordMatch, lexicon),
      narrowByPartnerships ? inArray(services.partnershipId, partnershipIds) : undefined,
    )!;
    // Ranked by each search word's best match among the card's words: 1 for a word that holds it
    // as it is, else its word_similarity, both from the lexicon lookup, so nothing is computed on
    // the cards' whole texts (word_similarity on a card's text cost about 90 us a card).
    // Without words there is nothing to rank by (and `order by 0` would name a column position).
    const order =
      words.length > 0
        ? [
            desc(
              sql.join(
                words.map((word) => bestWordScore(lexicon.get(word) ?? [])),
                sql` + `,
              ),
            ),
          ]
        : [];
    const rows = await tx
      .select({ ...summaryColumns(staleMonths), windowTotal: sql<number>`count(*) over ()`.mapWith(Number) })
      .from(services)
      .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
      .leftJoin(institutions, eq(institutions.id, services.providerInstitutionId))
      .where(where)
      .orderBy(...order, byPolishName(services.name), asc(services.id))
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize);
    let total = rows[0]?.windowTotal ?? 0;
    if (rows.length === 0 && query.page > 1) {
      // A page past the end has no row to carry the total.
      const [totalRow] = await tx
        .select({ value: count() })
        .from(services)
        .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
        .leftJoin(institutions, eq(institutions.id, services.providerInstitutionId))
        .where(where);
      total = Number(totalRow?.value ?? 0);
    }
    return { rows: rows.map(({ windowTotal: _total, ...row }) => row as ServiceSummaryRow), total };
  });
}

/**
 * The cards of a search for an export, whole rows with the registry provider's name, by name, at
 * most `limit`. Scoped like the search (serviceSearchWhere); word matching filters rather than ranks.
 */
export async function findServicesForExport(
  db: Executor,
  actor: Actor,
  query: ServiceSearch,
  staleMonths: number,
  limit: number,
): Promise<Array<typeof services.$inferSelect & { registryProviderName: string | null }>> {
  const rows = await db
    .select({ service: services, registryProviderName: institutions.name })
    .from(services)
    .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
    .leftJoin(institutions, eq(institutions.id, services.providerInstitutionId))
    .where(serviceSearchWhere(actor, query, staleMonths, 'filter'))
    .orderBy(byPolishName(services.name), asc(services.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.service, registryProviderName: r.registryProviderName }));
}

export type ServiceDetailRow = ServiceSummaryRow & typeof services.$inferSelect & { territoryName: string | null };

/** UNSCOPED: one card with the names the page shows; callers check canReadService first. */
export async function unsafeFindServiceDetail(
  db: Executor,
  id: string,
  staleMonths: number,
): Promise<ServiceDetailRow | null> {
  const [row] = await db
    .select({
      ...summaryColumns(staleMonths),
      card: services,
      territoryName: territories.name,
    })
    .from(services)
    .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
    .leftJoin(institutions, eq(institutions.id, services.providerInstitutionId))
    .leftJoin(territories, eq(territories.code, services.territoryCode))
    .where(eq(services.id, id));
  if (!row) return null;
  const { card, ...summary } = row;
  return { ...card, ...summary, territoryName: row.territoryName } as ServiceDetailRow;
}

/** Names of TERYT units, in the order asked. */
export async function findTerritoryNames(db: Executor, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .select({ code: territories.code, name: territories.name })
    .from(territories)
    .where(
      sql`${territories.code} in (${sql.join(
        codes.map((c) => sql`${c}`),
        sql`, `,
      )})`,
    );
  const names = new Map(rows.map((r) => [r.code, r.name]));
  return codes.map((code) => names.get(code) ?? code);
}

export async function findServiceHistory(db: Executor, serviceId: string) {
  return db
    .select({
      version: serviceVersions.version,
      event: serviceVersions.event,
      changedAt: serviceVersions.changedAt,
      changedByDisplayName: users.displayName,
      changedFields: serviceVersions.changedFields,
    })
    .from(serviceVersions)
    .leftJoin(users, eq(users.id, serviceVersions.changedByUserId))
    .where(eq(serviceVersions.serviceId, serviceId))
    .orderBy(asc(serviceVersions.changedAt), asc(serviceVersions.version));
}

type CountRow = { key: string; count: number | string };
const rowsOf = (result: unknown) => (result as { rows: CountRow[] }).rows;

/**
 * Published services of a basket: per area x target group (a service counts in every pair it has,
 * and a service for everyone in every target group's column), and distinct services per area and
 * per target group.
 */
export async function countBasketCells(db: Executor, partnershipId: string) {
  const published = sql`${services.partnershipId} = ${partnershipId} and ${services.status} = 'published'`;
  const cells = await db.execute(sql`
    select area || '|' || target_group as key, count(*)::int as count
    from ${services}, unnest(${services.cooperationAreas}) as area, unnest(${countedTargetGroups()}) as target_group
    where ${published}
    group by area, target_group`);
  const byArea = await db.execute(sql`
    select area as key, count(*)::int as count from ${services}, unnest(${services.cooperationAreas}) as area
    where ${published} group by area`);
  const byTargetGroup = await db.execute(sql`
    select target_group as key, count(*)::int as count from ${services}, unnest(${countedTargetGroups()}) as target_group
    where ${published} group by target_group`);
  const [totalRow] = await db
    .select({ value: count() })
    .from(services)
    .where(and(eq(services.partnershipId, partnershipId), eq(services.status, 'published')));
  const toMap = (result: unknown) => new Map(rowsOf(result).map((r) => [r.key, Number(r.count)]));
  return {
    cells: toMap(cells),
    byArea: toMap(byArea),
    byTargetGroup: toMap(byTargetGroup),
    total: Number(totalRow?.value ?? 0),
  };
}

/**
 * Names of the service cards among `ids` that the actor may read, by the search's own rule
 * (canReadService): a partnership the actor may read, and the card published or one the actor
 * keeps or manages. Others are absent.
 */
export async function findVisibleServiceNames(
  db: Executor,
  actor: Actor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: services.id, name: services.name })
    .from(services)
    .innerJoin(partnerships, eq(partnerships.id, services.partnershipId))
    .where(
      and(
        inArray(services.id, [...new Set(ids)]),
        visiblePartnershipsWhere(actor),
        sql`(${services.status} = 'published' or ${unpublishedVisibleWhere(actor)})`,
      ),
    );
  return new Map(rows.map((row) => [row.id, row.name]));
}
