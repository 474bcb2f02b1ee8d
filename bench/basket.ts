/**
 * National-scale synthetic basket for the benchmark: one partnership per gmina (led by a synthetic
 * OPS) and `total` published services spread over all gminas, with Polish names and descriptions.
 * Also the hand-written SQL of the basket search (keep in step with
 * server/src/basket/services.queries.ts: serviceSearchWhere + findServicePage, as seen by an admin).
 */
import type pg from 'pg';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../server/src/platform/db/database.js';
import { institutions, partnerships, services, territories } from '../server/src/platform/db/tables.js';
import { serviceSearchText } from '../server/src/basket/services.store.js';
import { cooperationAreas } from '../shared/src/contracts/common.js';
import { serviceCosts, serviceOrigins, targetGroups } from '../shared/src/contracts/basket.js';
import { escapeLikePattern, normalizeForSearch } from '../shared/src/text.js';
import type { PageResult } from './sql.js';

const kinds = [
  ['Poradnictwo rodzinne', 'Konsultacje dla rodziców i dzieci w kryzysie, wsparcie wychowawcze.'],
  ['Asystent rodziny', 'Wsparcie w domu: organizacja dnia, opieka nad dziećmi, sprawy urzędowe.'],
  ['Świetlica środowiskowa', 'Zajęcia popołudniowe, pomoc w lekcjach i posiłek dla dzieci.'],
  ['Interwencja kryzysowa', 'Wsparcie psychologiczne i prawne w sytuacji kryzysu i przemocy.'],
  ['Klub seniora', 'Spotkania, zajęcia ruchowe i wycieczki dla osób starszych.'],
  ['Doradztwo zawodowe', 'Pomoc w szukaniu pracy, warsztaty i staże dla osób bezrobotnych.'],
  ['Terapia uzależnień', 'Grupy wsparcia i terapia indywidualna dla osób uzależnionych i ich bliskich.'],
  ['Usługi opiekuńcze', 'Pomoc w codziennych czynnościach w miejscu zamieszkania.'],
  ['Mieszkanie wspierane', 'Pobyt w mieszkaniu wspieranym z asystentem dla osób w kryzysie bezdomności.'],
  ['Zajęcia sportowe dla młodzieży', 'Treningi i rozgrywki prowadzone przez trenerów klubu sportowego.'],
  ['Nieodpłatna pomoc prawna', 'Porady prawnika i mediacje dla mieszkańców gminy.'],
  ['Logopeda i pedagog', 'Diagnoza i terapia logopedyczna, konsultacje pedagogiczne.'],
] as const;
const places = ['przy ośrodku', 'w szkole', 'w domu kultury', 'w parafii', 'w świetlicy wiejskiej', 'online'];

function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export const basketSearch = { q: 'poradnictwo rodzine', area: 'socialAssistance' } as const;

/** Inserts the partnerships and services; returns the counts and a gmina used by the search. */
export async function loadBasketBenchData(db: Database, total: number): Promise<{ services: number; gmina: string }> {
  const random = createRandom(7);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const gminas = await db
    .select({ code: territories.code, name: territories.name })
    .from(territories)
    .where(eq(territories.level, 'gmina'))
    .orderBy(asc(territories.code));
  const leaders = await db
    .insert(institutions)
    .values(
      gminas.map((g) => ({
        name: `Ośrodek Pomocy Społecznej – ${g.name}`,
        nameSearch: normalizeForSearch(`Ośrodek Pomocy Społecznej ${g.name}`),
        kind: 'ops',
        sector: 'public',
        territoryCode: g.code,
      })),
    )
    .returning({ id: institutions.id, territoryCode: institutions.territoryCode });
  const baskets = await db
    .insert(partnerships)
    .values(
      leaders.map((l) => ({
        name: `PZK ${gminas.find((g) => g.code === l.territoryCode)!.name}`,
        territoryCode: l.territoryCode,
        modelVariant: 'urbanRural',
        leaderInstitutionId: l.id,
        stage: 'acting',
      })),
    )
    .returning({
      id: partnerships.id,
      territoryCode: partnerships.territoryCode,
      leaderId: partnerships.leaderInstitutionId,
    });
  const batchSize = 1_000;
  for (let start = 0; start < total; start += batchSize) {
    const rows = [];
    for (let i = start; i < Math.min(total, start + batchSize); i += 1) {
      const basket = baskets[i % baskets.length]!;
      const [name, description] = pick(kinds);
      const fullName = `${name} ${pick(places)} nr ${1 + (i % 37)}`;
      const provider = `Ośrodek Pomocy Społecznej`;
      rows.push({
        partnershipId: basket.id,
        providerInstitutionId: basket.leaderId,
        origin: pick(serviceOrigins),
        status: random() < 0.9 ? 'published' : 'draft',
        name: fullName,
        description,
        cooperationAreas: [pick(cooperationAreas), pick(cooperationAreas)],
        targetGroups: [pick(targetGroups), pick(targetGroups)],
        cost: pick(serviceCosts),
        locationKind: 'address',
        city: 'x',
        territoryCode: basket.territoryCode,
        reachKind: 'gminas',
        reachCodes: [basket.territoryCode],
        reachGminaCodes: [basket.territoryCode],
        searchText: serviceSearchText(fullName, description, provider),
        lastConfirmedAt: new Date(Date.now() - Math.floor(random() * 500) * 86_400_000),
      });
    }
    await db.insert(services).values(rows);
  }
  return { services: total, gmina: baskets[0]!.territoryCode };
}

/** The basket search an admin runs: q (two words, one with a typo) + area + covered gmina. */
export async function basketSearchSql(client: pg.ClientBase, gmina: string, pageSize = 20): Promise<PageResult> {
  const words = [...new Set(normalizeForSearch(basketSearch.q).split(/[^a-z0-9]+/))].filter((w) => w.length >= 2);
  const params: unknown[] = [];
  const conditions = ["s.status = 'published'"];
  const wordParams: number[] = [];
  for (const word of words) {
    params.push(`%${escapeLikePattern(word)}%`, word);
    wordParams.push(params.length);
    conditions.push(`(s.search_text like $${params.length - 1} or s.search_text %> $${params.length})`);
  }
  params.push([basketSearch.area]);
  conditions.push(`s.cooperation_areas && $${params.length}::text[]`);
  params.push([gmina]);
  conditions.push(`s.reach_gmina_codes @> $${params.length}::text[]`);
  const where = conditions.join(' and ');
  const rank = wordParams.map((n) => `word_similarity($${n}, s.search_text)`).join(' + ');
  await client.query('begin');
  try {
    await client.query("select set_config('pg_trgm.word_similarity_threshold', '0.5', true)");
    const page = await client.query<{ id: string }>(
      `select s.id from services s join partnerships p on p.id = s.partnership_id
        left join institutions i on i.id = s.provider_institution_id
        where ${where} order by ${rank} desc, s.name asc, s.id asc limit ${pageSize}`,
      params,
    );
    const count = await client.query<{ count: string }>(
      `select count(*) from services s join partnerships p on p.id = s.partnership_id
        left join institutions i on i.id = s.provider_institution_id where ${where}`,
      params,
    );
    await client.query('commit');
    return { keys: page.rows.map((r) => r.id), total: Number(count.rows[0]?.count ?? 0) };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
