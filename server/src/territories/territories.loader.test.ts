import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, sql } from 'drizzle-orm';
import { territories } from '../platform/db/tables.js';
import { openTestDatabase } from '../testing/test-app.js';
import type { DatabaseHandle } from '../platform/db/database.js';
import { loadTerritories, parseTerc, tercPath } from './territories.loader.js';

const rows = parseTerc(readFileSync(tercPath, 'utf8'));
const countBy = <T>(items: T[], key: (item: T) => string) =>
  items.reduce<Record<string, number>>(
    (totals, item) => ({ ...totals, [key(item)]: (totals[key(item)] ?? 0) + 1 }),
    {},
  );

describe('parseTerc on the shipped TERC register (state 2025-01-01)', () => {
  it('finds 16 voivodeships, 380 powiat-level units and 2,479 gminas', () => {
    const levels = countBy(rows, (row) => row.level);
    expect(levels.voivodeship).toBe(16);
    expect(levels.powiat).toBe(380);
    expect(levels.gmina).toBe(2479);
    expect(rows).toHaveLength(4348);
  });

  it('splits gminas into 302 urban, 1,459 rural and 718 urban-rural', () => {
    const kinds = countBy(
      rows.filter((row) => row.level === 'gmina'),
      (row) => row.kind,
    );
    expect(kinds).toEqual({ urban: 302, rural: 1459, urbanRural: 718 });
  });

  it('tells the 66 cities with powiat rights from the 314 land powiats', () => {
    const kinds = countBy(
      rows.filter((row) => row.level === 'powiat'),
      (row) => row.kind,
    );
    expect(kinds).toEqual({ powiat: 314, cityWithPowiatRights: 66 });
  });

  it('resolves every parent to a unit of the level above', () => {
    const byCode = new Map(rows.map((row) => [row.code, row]));
    const expectedParentLevel: Record<string, string[]> = {
      powiat: ['voivodeship'],
      gmina: ['powiat'],
      gminaPart: ['gmina'],
    };
    for (const row of rows) {
      if (row.level === 'voivodeship') {
        expect(row.parentCode).toBeNull();
        continue;
      }
      const parent = byCode.get(row.parentCode!);
      expect(parent, `parent of ${row.code} ${row.name}`).toBeDefined();
      expect(expectedParentLevel[row.level]).toContain(parent!.level);
      expect(row.voivodeshipCode).toBe(row.code.slice(0, 2));
    }
  });

  it('puts the town and the rural area of an urban-rural gmina under that gmina', () => {
    const byCode = new Map(rows.map((row) => [row.code, row]));
    expect(byCode.get('1219053')).toMatchObject({ name: 'Wieliczka', kind: 'urbanRural', parentCode: '1219' });
    expect(byCode.get('1219054')).toMatchObject({ kind: 'town', parentCode: '1219053' });
    expect(byCode.get('1219055')).toMatchObject({ kind: 'ruralArea', parentCode: '1219053' });
  });

  it('puts the districts of Warsaw under the city gmina', () => {
    const warsawDistricts = rows.filter((row) => row.kind === 'district');
    expect(warsawDistricts.length).toBeGreaterThan(0);
    for (const district of warsawDistricts) expect(district.parentCode).toBe('1465011');
  });

  it('keeps Polish names and folds them for search', () => {
    const lodz = rows.find((row) => row.code === '1061011');
    expect(lodz).toMatchObject({ name: 'Łódź', nameSearch: 'lodz', level: 'gmina', kind: 'urban' });
    expect(rows.find((row) => row.code === '10')).toMatchObject({ name: 'łódzkie', nameSearch: 'lodzkie' });
  });
});

describe('loadTerritories', () => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ database, drop } = await openTestDatabase());
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  it('has loaded the whole register and is idempotent', async () => {
    expect(await loadTerritories(database.db)).toBe(0);
    const [total] = await database.db.select({ value: count() }).from(territories);
    expect(Number(total!.value)).toBe(rows.length);
  });

  it('loads into an empty table and leaves no orphan parent', async () => {
    await database.db.transaction(async (tx) => {
      // The institutions' foreign key would block a delete; this copy has no institutions yet.
      await tx.delete(territories);
      expect(await loadTerritories(tx)).toBe(rows.length);
      const orphans = await tx.execute(
        sql`select t.code from territories t left join territories p on p.code = t.parent_code where t.parent_code is not null and p.code is null`,
      );
      expect((orphans as unknown as { rows: unknown[] }).rows).toEqual([]);
      const [gminas] = await tx.select({ value: count() }).from(territories).where(eq(territories.level, 'gmina'));
      expect(Number(gminas!.value)).toBe(2479);
    });
  });
});
