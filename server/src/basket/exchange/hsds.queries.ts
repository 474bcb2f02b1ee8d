/**
 * SQL of the HSDS export and import. These reads are UNSCOPED by actor: the signed-in routes check
 * canReadBasket / canImportBasket on the partnership first, and the public routes read only the
 * published cards of a partnership whose page is public.
 */
import { and, asc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Executor } from '../../platform/db/database.js';
import { institutions, partnershipMembers, partnerships, services, territories } from '../../platform/db/tables.js';
import type { ExportProvider, ExportService, ImportInstitution, TerritoryInfo } from './hsds.mapping.js';
import { byPolishName } from '../../platform/db/polish-order.js';

/** UNSCOPED: the published cards of one partnership, in a stable order. */
export async function unsafeFindPublishedServices(db: Executor, partnershipId: string): Promise<ExportService[]> {
  return db
    .select()
    .from(services)
    .where(and(eq(services.partnershipId, partnershipId), eq(services.status, 'published')))
    .orderBy(byPolishName(services.name), asc(services.id));
}

export async function findPartnershipHeader(db: Executor, partnershipId: string) {
  const [row] = await db
    .select({ id: partnerships.id, name: partnerships.name, territoryCode: partnerships.territoryCode })
    .from(partnerships)
    .where(eq(partnerships.id, partnershipId));
  return row ?? null;
}

/** The registry entries of providers: institutional contact data only, never contact persons. */
export async function findProviders(db: Executor, ids: readonly string[]): Promise<Map<string, ExportProvider>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: institutions.id,
      name: institutions.name,
      shortName: institutions.shortName,
      kind: institutions.kind,
      email: institutions.email,
      phone: institutions.phone,
      website: institutions.website,
      city: institutions.city,
    })
    .from(institutions)
    .where(inArray(institutions.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** TERYT units with the name of their voivodeship (HSDS address.state_province). */
export async function findTerritoryInfo(db: Executor, codes: readonly string[]): Promise<Map<string, TerritoryInfo>> {
  if (codes.length === 0) return new Map();
  const voivodeship = alias(territories, 'voivodeship');
  const rows = await db
    .select({
      code: territories.code,
      name: territories.name,
      level: territories.level,
      voivodeshipName: sql<string>`coalesce(${voivodeship.name}, '')`,
    })
    .from(territories)
    .leftJoin(voivodeship, eq(voivodeship.code, territories.voivodeshipCode))
    .where(inArray(territories.code, [...new Set(codes)]));
  return new Map(rows.map((r) => [r.code, r]));
}

/**
 * Institutions an imported organization may be matched to: the partnership's leader and active
 * members (matched by id or name), and registry entries named by id in the document (id only).
 */
export async function findImportInstitutions(
  db: Executor,
  partnershipId: string,
  leaderInstitutionId: string,
  documentIds: readonly string[],
): Promise<ImportInstitution[]> {
  const members = await db
    .select({ id: institutions.id, name: institutions.name })
    .from(institutions)
    .leftJoin(
      partnershipMembers,
      and(
        eq(partnershipMembers.institutionId, institutions.id),
        eq(partnershipMembers.partnershipId, partnershipId),
        ne(partnershipMembers.status, 'left'),
      ),
    )
    .where(
      and(
        isNull(institutions.archivedAt),
        or(eq(institutions.id, leaderInstitutionId), sql`${partnershipMembers.institutionId} is not null`),
      ),
    );
  const memberIds = new Set(members.map((m) => m.id));
  const uuids = [...new Set(documentIds)].filter((id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  );
  const others =
    uuids.length > 0
      ? await db
          .select({ id: institutions.id, name: institutions.name })
          .from(institutions)
          .where(and(inArray(institutions.id, uuids), isNull(institutions.archivedAt)))
      : [];
  return [
    ...members.map((m) => ({ ...m, isMember: true })),
    ...others.filter((o) => !memberIds.has(o.id)).map((o) => ({ ...o, isMember: false })),
  ];
}

/** The partnership's own cards named by the document's service ids: these are updates, not new cards. */
export async function findOwnServices(db: Executor, partnershipId: string, ids: readonly string[]) {
  const uuids = [...new Set(ids)].filter((id) =>
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id),
  );
  if (uuids.length === 0) return new Map<string, typeof services.$inferSelect>();
  const rows = await db
    .select()
    .from(services)
    .where(and(eq(services.partnershipId, partnershipId), inArray(services.id, uuids)));
  return new Map(rows.map((r) => [r.id, r]));
}
