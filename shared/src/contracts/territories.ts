import { z } from 'zod';
import { PageQuery, SearchWords, pageOf } from './common.js';

export const territoryLevels = ['voivodeship', 'powiat', 'gmina', 'gminaPart'] as const;
export const TerritoryLevel = z.enum(territoryLevels).describe('Level of the territorial unit');

/** Kind of unit: for gminas urban (miejska), rural (wiejska), urban-rural (miejsko-wiejska). */
export const territoryKinds = [
  'voivodeship',
  'powiat',
  'cityWithPowiatRights',
  'urban',
  'rural',
  'urbanRural',
  'town',
  'ruralArea',
  'district',
  'delegation',
] as const;
export const TerritoryKind = z.enum(territoryKinds).describe('Kind of territorial unit');

export const Territory = z.object({
  code: z.string().describe('TERYT code: 2 digits voivodeship, 4 powiat, 7 gmina (woj+pow+gmi+rodz)'),
  level: TerritoryLevel,
  kind: TerritoryKind,
  tercKind: z.string().describe('TERC NAZWA_DOD, verbatim'),
  name: z.string().describe('Official name'),
  voivodeshipCode: z.string(),
  voivodeshipName: z.string().nullable(),
  powiatCode: z.string().nullable(),
  powiatName: z.string().nullable(),
  parentCode: z.string().nullable(),
});
export type Territory = z.infer<typeof Territory>;

export const TerritoryListQuery = z
  .object({
    q: SearchWords(100).describe('Name, with or without Polish diacritics'),
    level: TerritoryLevel.optional(),
    parentCode: z
      .string()
      .regex(/^\d{2}(\d{2})?$/)
      .optional()
      .describe('Only units directly under this voivodeship or powiat'),
    ...PageQuery,
  })
  .strict();
export type TerritoryListQuery = z.infer<typeof TerritoryListQuery>;

export const TerritoryPage = pageOf(Territory);
export type TerritoryPage = z.infer<typeof TerritoryPage>;

export const TerritoryCodeParams = z.object({ code: z.string().regex(/^\d{2}(\d{2}(\d{3})?)?$/) }).strict();

export const TerritoryDetail = Territory.extend({
  children: z.array(Territory).describe('Units directly under this one'),
});
export type TerritoryDetail = z.infer<typeof TerritoryDetail>;
