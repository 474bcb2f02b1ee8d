/**
 * Rows -> responses, field by field. Members carry their representatives' contact data (personal
 * data): a new column reaches the client only when it is named here.
 */
import type { Partnership, PartnershipMember, PartnershipSummary } from '../../../shared/src/contracts/partnerships.js';
import type { PartnershipDetailRow, PartnershipMemberRow, PartnershipSummaryRow } from './partnerships.queries.js';

export function presentPartnershipSummary(row: PartnershipSummaryRow): PartnershipSummary {
  return {
    id: row.id,
    name: row.name,
    territoryCode: row.territoryCode,
    territoryName: row.territoryName,
    modelVariant: row.modelVariant,
    stage: row.stage,
    leaderInstitutionId: row.leaderInstitutionId,
    leaderInstitutionName: row.leaderInstitutionName,
    memberCount: row.memberCount,
  };
}

export function presentPartnershipMember(row: PartnershipMemberRow): PartnershipMember {
  return {
    id: row.id,
    institutionId: row.institutionId,
    institutionName: row.institutionName,
    institutionKind: row.institutionKind,
    status: row.status,
    declarationDate: row.declarationDate,
    representativeName: row.representativeName,
    representativePosition: row.representativePosition,
    representativeEmail: row.representativeEmail,
    representativePhone: row.representativePhone,
  };
}

export function presentPartnership(row: PartnershipDetailRow, abilities: Partnership['abilities']): Partnership {
  return {
    ...presentPartnershipSummary({ ...row, memberCount: row.members.filter((m) => m.status !== 'left').length }),
    areaDescription: row.areaDescription,
    establishedOn: row.establishedOn,
    coordinators: row.coordinators.map((c) => ({ userId: c.userId, displayName: c.displayName, since: c.since })),
    members: row.members.map(presentPartnershipMember),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    abilities: { canUpdate: abilities.canUpdate, canManageMembers: abilities.canManageMembers },
  };
}
