/**
 * SQL of the territory register. Searches go through `name_search` (names folded by
 * normalizeForSearch), so the trigram GIN index serves `ILIKE '%word%'` and "lodz" meets "Łódź".
 */
import { and, asc, count, eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../platform/db/database.js';
import { preparedStatements } from '../platform/db/prepared.js';
import { territories } from '../platform/db/tables.js';
import { escapeLikePattern, normalizeForSearch } from '../../../shared/src/text.js';
import type { TerritoryListQuery } from '../../../shared/src/contracts/territories.js';
import { byPolishName } from '../platform/db/polish-order.js';

const voivodeships = alias(territories, 'voivodeship');
const powiats = alias(territories, 'powiat');

const territoryColumns = {
  code: territories.code,
  level: territories.level,
  kind: territories.kind,
  tercKind: territories.tercKind,
  name: territories.name,
  voivodeshipCode: territories.voivodeshipCode,
  voivodeshipName: voivodeships.name,
  powiatCode: territories.powiatCode,
  powiatName: powiats.name,
  parentCode: territories.parentCode,
};

export type TerritoryRow = {
  code: string;
  level: (typeof territories.$inferSelect)['level'];
  kind: (typeof territories.$inferSelect)['kind'];
  tercKind: string;
  name: string;
  voivodeshipCode: string;
  voivodeshipName: string | null;
  powiatCode: string | null;
  powiatName: string | null;
  parentCode: string | null;
};

/**
 * Every word of the query must occur in the folded name (AND of ILIKE '%word%'). Each word is a
 * bound parameter with LIKE wildcards escaped, so user input never widens the match or the SQL.
 */
export function nameSearchConditions(column: SQLWrapper, q: string | undefined): SQL[] {
  const words = normalizeForSearch(q ?? '')
    .split(' ')
    .filter(Boolean);
  return words.map((word) => sql`${column} ilike ${`%${escapeLikePattern(word)}%`}`);
}

/** Exact name first, then names starting with the query, then the rest. */
export function nameRelevance(column: SQLWrapper, q: string | undefined): SQL | null {
  const folded = normalizeForSearch(q ?? '');
  if (!folded) return null;
  return sql`case when ${column} = ${folded} then 0 when ${column} like ${`${escapeLikePattern(folded)}%`} then 1 else 2 end`;
}

const levelOrder = sql`case ${territories.level} when 'voivodeship' then 0 when 'powiat' then 1 when 'gmina' then 2 else 3 end`;

function listConditions(query: TerritoryListQuery): SQL | undefined {
  const conditions = nameSearchConditions(territories.nameSearch, query.q);
  if (query.level) conditions.push(eq(territories.level, query.level));
  if (query.parentCode) conditions.push(eq(territories.parentCode, query.parentCode));
  return conditions.length > 0 ? and(...conditions) : undefined;
}

function selectTerritories(db: Executor) {
  return db
    .select(territoryColumns)
    .from(territories)
    .leftJoin(voivodeships, eq(voivodeships.code, territories.voivodeshipCode))
    .leftJoin(powiats, eq(powiats.code, territories.powiatCode));
}

type TerritoryPageRow = TerritoryRow & { windowTotal: number };

/**
 * The page statement of findTerritories, one per shape (how many words, whether level and parent
 * are given), every value a placeholder: the type-ahead calls it on every key press.
 */
const territoryPage = preparedStatements('territory_page', (db, name, shape) => {
  const [wordCount, hasLevel, hasParent] = shape.split('_').map(Number) as [number, number, number];
  const conditions: SQL[] = [];
  for (let i = 0; i < wordCount; i += 1)
    conditions.push(sql`${territories.nameSearch} ilike ${sql.placeholder(`w${i}`)}`);
  if (hasLevel) conditions.push(sql`${territories.level} = ${sql.placeholder('level')}`);
  if (hasParent) conditions.push(eq(territories.parentCode, sql.placeholder('parentCode')));
  const relevance =
    wordCount > 0
      ? [
          sql`case when ${territories.nameSearch} = ${sql.placeholder('exact')} then 0 when ${territories.nameSearch} like ${sql.placeholder('prefix')} then 1 else 2 end`,
        ]
      : [];
  return db
    .select({ ...territoryColumns, windowTotal: sql<number>`count(*) over ()`.mapWith(Number) })
    .from(territories)
    .leftJoin(voivodeships, eq(voivodeships.code, territories.voivodeshipCode))
    .leftJoin(powiats, eq(powiats.code, territories.powiatCode))
    .where(conditions.length > 0 ? and(...conditions) : undefined)
    .orderBy(...relevance, levelOrder, byPolishName(territories.name), asc(territories.code))
    .limit(sql.placeholder('limit'))
    .offset(sql.placeholder('offset'))
    .prepare(name);
});

/**
 * One page of territories matching the query, ranked for a type-ahead: exact, prefix, level, name.
 * The total comes with the page (a window count): one statement, so the page and its total share a
 * snapshot without a transaction; only a page past the end, which has no row, counts on its own.
 * Every word must occur in the folded name (as nameSearchConditions), each a bound parameter.
 */
export async function findTerritories(
  db: Executor,
  query: TerritoryListQuery,
): Promise<{ rows: TerritoryRow[]; total: number }> {
  const folded = normalizeForSearch(query.q ?? '');
  const words = folded.split(' ').filter(Boolean);
  const values: Record<string, unknown> = {
    limit: query.pageSize,
    offset: (query.page - 1) * query.pageSize,
    exact: folded,
    prefix: `${escapeLikePattern(folded)}%`,
    level: query.level,
    parentCode: query.parentCode,
  };
  words.forEach((word, i) => (values[`w${i}`] = `%${escapeLikePattern(word)}%`));
  const shape = `${words.length}_${query.level ? 1 : 0}_${query.parentCode ? 1 : 0}`;
  const rows = (await territoryPage(db, shape).execute(values)) as TerritoryPageRow[];
  let total = rows[0]?.windowTotal ?? 0;
  if (rows.length === 0 && query.page > 1) {
    const [counted] = await db.select({ value: count() }).from(territories).where(listConditions(query));
    total = Number(counted?.value ?? 0);
  }
  return { rows: rows.map(({ windowTotal: _total, ...row }) => row), total };
}

export async function findTerritoryByCode(db: Executor, code: string): Promise<TerritoryRow | null> {
  const [row] = await selectTerritories(db).where(eq(territories.code, code)).limit(1);
  return row ?? null;
}

/** Units directly under a territory: powiats of a voivodeship, gminas of a powiat, parts of a gmina. */
export async function findTerritoryChildren(db: Executor, code: string): Promise<TerritoryRow[]> {
  return selectTerritories(db)
    .where(eq(territories.parentCode, code))
    .orderBy(levelOrder, byPolishName(territories.name), asc(territories.code));
}

/** Whether the code names a whole gmina (not a voivodeship, powiat or a part of a gmina). */
export async function isGminaCode(db: Executor, code: string): Promise<boolean> {
  const [row] = await db
    .select({ code: territories.code })
    .from(territories)
    .where(and(eq(territories.code, code), eq(territories.level, 'gmina')))
    .limit(1);
  return row !== undefined;
}
