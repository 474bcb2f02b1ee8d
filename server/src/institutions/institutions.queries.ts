/**
 * SQL of the institution registry. The registry is shared reference data visible to every signed-in
 * member, so lists need no per-actor scope; edits are checked against the record by the policy.
 */
import { and, asc, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../platform/db/database.js';
import { institutions, memberships, territories, users } from '../platform/db/tables.js';
import { escapeLikePattern, normalizeForSearch } from '../../../shared/src/text.js';
import type { CooperationArea, InstitutionKind, Sector } from '../../../shared/src/contracts/common.js';
import { nameRelevance, nameSearchConditions } from '../territories/territories.queries.js';
import { byPolishName } from '../platform/db/polish-order.js';

const powiats = alias(territories, 'institution_powiat');
const voivodeships = alias(territories, 'institution_voivodeship');

export type InstitutionContactRow = {
  name: string;
  position?: string | null;
  email?: string | null;
  phone?: string | null;
};

export type InstitutionRow = {
  id: string;
  name: string;
  shortName: string | null;
  kind: (typeof institutions.$inferSelect)['kind'];
  sector: (typeof institutions.$inferSelect)['sector'];
  cooperationAreas: (typeof institutions.$inferSelect)['cooperationAreas'];
  territoryCode: string;
  territoryName: string;
  powiatName: string | null;
  voivodeshipName: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
  contacts: unknown;
  registeredByInstitutionId: string | null;
  /** Someone with an active account holds a role in it (policy: its own staff keep it). */
  hasOwnStaff: boolean;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export type InstitutionSearch = {
  q?: string | undefined;
  kind?: InstitutionKind | undefined;
  sector?: Sector | undefined;
  area?: CooperationArea | undefined;
  territoryCode?: string | undefined;
  includeArchived?: boolean | undefined;
  page: number;
  pageSize: number;
};

const summaryColumns = {
  id: institutions.id,
  name: institutions.name,
  shortName: institutions.shortName,
  kind: institutions.kind,
  sector: institutions.sector,
  cooperationAreas: institutions.cooperationAreas,
  territoryCode: institutions.territoryCode,
  territoryName: territories.name,
  city: institutions.city,
  archivedAt: institutions.archivedAt,
};
export type InstitutionSummaryRow = Pick<InstitutionRow, keyof typeof summaryColumns>;

/** The folded text searched by `q`: full name and short name, so "MOPS Łódź" finds its centre. */
export function institutionNameSearch(name: string, shortName: string | null | undefined): string {
  return normalizeForSearch(`${name} ${shortName ?? ''}`);
}

function searchConditions(search: InstitutionSearch): SQL | undefined {
  const conditions = nameSearchConditions(institutions.nameSearch, search.q);
  if (!search.includeArchived) conditions.push(isNull(institutions.archivedAt));
  if (search.kind) conditions.push(eq(institutions.kind, search.kind));
  if (search.sector) conditions.push(eq(institutions.sector, search.sector));
  if (search.area) conditions.push(sql`${institutions.cooperationAreas} @> array[${search.area}]::text[]`);
  // TERYT codes nest by prefix: voivodeship (2) > powiat (4) > gmina (7).
  if (search.territoryCode)
    conditions.push(sql`${institutions.territoryCode} like ${`${escapeLikePattern(search.territoryCode)}%`}`);
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/**
 * One page of the registry, most relevant first: the exact name, then names starting with the
 * query, then the rest; within each, shorter names first (the query is more of them), then by name.
 *
 * Every row found holds every word of the query (nameSearchConditions), so a shorter folded name is
 * a closer match; this ranks as pg_trgm's similarity() did (which is the share of the name's
 * trigrams the query holds) without its cost of about 9 µs a row, which for "szkoła" among 2,195
 * schools was most of the statement. The territory name is looked up for the page's rows only.
 */
export async function findInstitutions(
  db: Executor,
  search: InstitutionSearch,
): Promise<{ rows: InstitutionSummaryRow[]; total: number }> {
  const where = searchConditions(search);
  const relevance = nameRelevance(institutions.nameSearch, search.q);
  const order = [
    ...(relevance ? [relevance, asc(sql`length(${institutions.nameSearch})`)] : []),
    byPolishName(institutions.name),
    asc(institutions.id),
  ];
  // The total comes with the page (a window count): one statement, one snapshot, no transaction; only
  // a page past the end, which has no row, counts on its own.
  const rows = await db
    .select({
      ...summaryColumns,
      territoryName: sql<string>`(select ${territories.name} from ${territories} where ${territories.code} = ${institutions.territoryCode})`,
      windowTotal: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(institutions)
    .where(where)
    .orderBy(...order)
    .limit(search.pageSize)
    .offset((search.page - 1) * search.pageSize);
  let total = rows[0]?.windowTotal ?? 0;
  if (rows.length === 0 && search.page > 1) {
    const [counted] = await db.select({ value: count() }).from(institutions).where(where);
    total = Number(counted?.value ?? 0);
  }
  return { rows: rows.map(({ windowTotal: _total, ...row }) => row), total };
}

/** Whether an active account holds a role in the institution: then its own director keeps it. */
const hasOwnStaff = sql<boolean>`exists (select 1 from ${memberships} inner join ${users} on ${users.id} = ${memberships.userId} where ${memberships.institutionId} = ${institutions.id} and ${users.isActive})`;

/**
 * The full record with its territory names. `forUpdate` locks the row until the transaction ends,
 * so the version check and the write that follows cannot interleave with another writer.
 */
export async function findInstitutionById(
  db: Executor,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<InstitutionRow | null> {
  const query = db
    .select({
      ...summaryColumns,
      powiatName: powiats.name,
      voivodeshipName: voivodeships.name,
      street: institutions.street,
      postalCode: institutions.postalCode,
      email: institutions.email,
      phone: institutions.phone,
      website: institutions.website,
      contacts: institutions.contacts,
      registeredByInstitutionId: institutions.registeredByInstitutionId,
      hasOwnStaff,
      version: institutions.version,
      createdAt: institutions.createdAt,
      updatedAt: institutions.updatedAt,
    })
    .from(institutions)
    .innerJoin(territories, eq(territories.code, institutions.territoryCode))
    .leftJoin(powiats, eq(powiats.code, territories.powiatCode))
    .leftJoin(voivodeships, eq(voivodeships.code, territories.voivodeshipCode))
    .where(eq(institutions.id, id))
    .limit(1);
  const [row] = options.forUpdate ? await query.for('update', { of: institutions }) : await query;
  return row ?? null;
}

export type InstitutionValues = Omit<typeof institutions.$inferInsert, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

export async function insertInstitution(db: Executor, values: InstitutionValues): Promise<string> {
  const [row] = await db.insert(institutions).values(values).returning({ id: institutions.id });
  return row!.id;
}

/** Writes the changes and bumps the version; matches on the expected version as a second guard. */
export async function updateInstitutionRow(
  db: Executor,
  id: string,
  expectedVersion: number,
  changes: Partial<InstitutionValues>,
): Promise<boolean> {
  const rows = await db
    .update(institutions)
    .set({ ...changes, version: sql`${institutions.version} + 1`, updatedAt: new Date() })
    .where(and(eq(institutions.id, id), eq(institutions.version, expectedVersion)))
    .returning({ id: institutions.id });
  return rows.length === 1;
}

/**
 * Names of institutions by id, for labels (the audit log's subjects). The registry is shared
 * reference data: callers check canReadInstitution first.
 */
export async function findInstitutionNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: institutions.id, name: institutions.name })
    .from(institutions)
    .where(inArray(institutions.id, [...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row.name]));
}
