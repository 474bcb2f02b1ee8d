/** Rows -> responses, by explicit whitelist (STYLE.md §2): nothing else of a row leaves the server. */
import type { Service, ServiceSummary } from '../../../../shared/src/contracts/basket.js';
import type { ServiceDetailRow, ServiceSummaryRow } from './cards.queries.js';

export function presentServiceSummary(row: ServiceSummaryRow): ServiceSummary {
  return {
    id: row.id,
    partnershipId: row.partnershipId,
    partnershipName: row.partnershipName,
    name: row.name,
    providerInstitutionId: row.providerInstitutionId,
    providerName: row.registryProviderName ?? row.providerNameOverride ?? '',
    providerKind: row.providerKind ?? null,
    origin: row.origin,
    status: row.status,
    cooperationAreas: row.cooperationAreas,
    targetGroups: row.targetGroups,
    cost: row.cost,
    locationKind: row.locationKind,
    city: row.city,
    isStale: Boolean(row.isStale),
    lastConfirmedAt: row.lastConfirmedAt ? new Date(row.lastConfirmedAt).toISOString() : null,
    excerpt: row.excerpt,
  };
}

export function presentService(row: ServiceDetailRow, reachNames: string[], abilities: Service['abilities']): Service {
  return {
    ...presentServiceSummary(row),
    description: row.description,
    isCompound: row.isCompound,
    isReferralRequired: row.isReferralRequired,
    referralBy: row.referralBy,
    accessDescription: row.accessDescription,
    eligibility: row.eligibility,
    costDescription: row.costDescription,
    street: row.street,
    postalCode: row.postalCode,
    territoryCode: row.territoryCode,
    territoryName: row.territoryName,
    reachKind: row.reachKind,
    reachCodes: row.reachCodes,
    reachNames,
    schedule: row.schedule,
    capacity: row.capacity,
    waitingTimeDays: row.waitingTimeDays,
    contactName: row.contactName,
    contactPhone: row.contactPhone,
    contactEmail: row.contactEmail,
    languages: row.languages,
    isAccessible: row.isAccessible,
    accessibilityDescription: row.accessibilityDescription,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    abilities,
  };
}
