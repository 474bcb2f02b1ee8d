/**
 * Institution rows to API responses: explicit whitelists. `registeredByInstitutionId` and
 * `name_search` stay on the server; contact persons are rebuilt field by field from jsonb.
 */
import type { Institution, InstitutionSummary } from '../../../shared/src/contracts/institutions.js';
import type { InstitutionContactRow, InstitutionRow, InstitutionSummaryRow } from './institutions.queries.js';

export function presentInstitutionSummary(row: InstitutionSummaryRow): InstitutionSummary {
  return {
    id: row.id,
    name: row.name,
    shortName: row.shortName,
    kind: row.kind,
    sector: row.sector,
    cooperationAreas: row.cooperationAreas,
    territoryCode: row.territoryCode,
    territoryName: row.territoryName,
    city: row.city,
    isArchived: row.archivedAt !== null,
  };
}

function presentContacts(value: unknown): Institution['contacts'] {
  if (!Array.isArray(value)) return [];
  return (value as InstitutionContactRow[]).map((contact) => ({
    name: contact.name,
    position: contact.position ?? null,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
  }));
}

export function presentInstitution(row: InstitutionRow, abilities: Institution['abilities']): Institution {
  return {
    ...presentInstitutionSummary(row),
    street: row.street,
    postalCode: row.postalCode,
    email: row.email,
    phone: row.phone,
    website: row.website,
    contacts: presentContacts(row.contacts),
    powiatName: row.powiatName,
    voivodeshipName: row.voivodeshipName,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    abilities: {
      canUpdate: abilities.canUpdate,
      canArchive: abilities.canArchive,
      canChangeAccessFields: abilities.canChangeAccessFields,
    },
  };
}
