/**
 * Loads the TERYT TERC register shipped in server/data/teryt into the territories table. Idempotent:
 * runs at every start and only inserts when the table holds fewer rows than the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { territories } from '../platform/db/tables.js';
import { normalizeForSearch } from '../../../shared/src/text.js';

export const tercPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/teryt/terc.csv');

type TerritoryRow = typeof territories.$inferInsert;

/** Splits one CSV line; values with commas are double-quoted in TERC's export. */
function parseCsvLine(line: string): string[] {
  const values: string[] = [];
  let current = '';
  let isQuoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    if (char === '"') {
      if (isQuoted && line[i + 1] === '"') {
        current += '"';
        i += 1;
      } else isQuoted = !isQuoted;
    } else if (char === ',' && !isQuoted) {
      values.push(current);
      current = '';
    } else current += char;
  }
  values.push(current);
  return values;
}

const gminaKinds: Record<string, { level: 'gmina' | 'gminaPart'; kind: TerritoryRow['kind'] }> = {
  '1': { level: 'gmina', kind: 'urban' },
  '2': { level: 'gmina', kind: 'rural' },
  '3': { level: 'gmina', kind: 'urbanRural' },
  '4': { level: 'gminaPart', kind: 'town' },
  '5': { level: 'gminaPart', kind: 'ruralArea' },
  '8': { level: 'gminaPart', kind: 'district' },
  '9': { level: 'gminaPart', kind: 'delegation' },
};

export function parseTerc(csv: string): TerritoryRow[] {
  const lines = csv
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter(Boolean);
  const header = parseCsvLine(lines[0]!);
  const index = (name: string) => header.indexOf(name);
  const rows: TerritoryRow[] = [];
  const cityGminaByPowiat = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const v = parseCsvLine(line);
    const woj = v[index('woj')]!;
    const pow = v[index('pow')]!;
    const gmi = v[index('gmi')]!;
    const rodz = v[index('rodz')]!;
    const rawName = v[index('name')]!;
    const tercKind = v[index('kind')]!;
    const validFrom = v[index('valid_from')]!;
    if (!pow) {
      const name = rawName.toLocaleLowerCase('pl-PL');
      rows.push({
        code: woj,
        level: 'voivodeship',
        kind: 'voivodeship',
        tercKind,
        name,
        nameSearch: normalizeForSearch(name),
        voivodeshipCode: woj,
        powiatCode: null,
        parentCode: null,
        validFrom,
      });
    } else if (!gmi) {
      const kind = tercKind.startsWith('miasto') ? 'cityWithPowiatRights' : 'powiat';
      rows.push({
        code: woj + pow,
        level: 'powiat',
        kind,
        tercKind,
        name: rawName,
        nameSearch: normalizeForSearch(rawName),
        voivodeshipCode: woj,
        powiatCode: woj + pow,
        parentCode: woj,
        validFrom,
      });
    } else {
      const mapping = gminaKinds[rodz];
      if (!mapping) throw new Error(`Unknown TERC rodz ${rodz} in line: ${line}`);
      const code = woj + pow + gmi + rodz;
      if (rodz === '1') cityGminaByPowiat.set(woj + pow, code);
      let parentCode = woj + pow;
      if (rodz === '4' || rodz === '5') parentCode = `${woj}${pow}${gmi}3`;
      rows.push({
        code,
        level: mapping.level,
        kind: mapping.kind,
        tercKind,
        name: rawName,
        nameSearch: normalizeForSearch(rawName),
        voivodeshipCode: woj,
        powiatCode: woj + pow,
        parentCode,
        validFrom,
      });
    }
  }
  // Districts of Warsaw and delegations of the big cities belong to the city's gmina.
  for (const row of rows) {
    if (row.kind === 'district' || row.kind === 'delegation')
      row.parentCode = cityGminaByPowiat.get(row.powiatCode!) ?? row.parentCode;
  }
  return rows;
}

export async function loadTerritories(db: Executor, csvPath = tercPath): Promise<number> {
  const rows = parseTerc(readFileSync(csvPath, 'utf8'));
  const [existing] = await db.select({ value: count() }).from(territories);
  if (Number(existing?.value ?? 0) >= rows.length) return 0;
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insert(territories)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing();
  }
  return rows.length;
}
