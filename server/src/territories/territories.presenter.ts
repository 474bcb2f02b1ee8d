/** Territory rows to API responses: an explicit whitelist, never the row itself. */
import type { Territory, TerritoryDetail } from '../../../shared/src/contracts/territories.js';
import type { TerritoryRow } from './territories.queries.js';

export function presentTerritory(row: TerritoryRow): Territory {
  return {
    code: row.code,
    level: row.level,
    kind: row.kind,
    tercKind: row.tercKind,
    name: row.name,
    voivodeshipCode: row.voivodeshipCode,
    voivodeshipName: row.voivodeshipName,
    powiatCode: row.powiatCode,
    powiatName: row.powiatName,
    parentCode: row.parentCode,
  };
}

export function presentTerritoryDetail(row: TerritoryRow, children: TerritoryRow[]): TerritoryDetail {
  return { ...presentTerritory(row), children: children.map(presentTerritory) };
}
