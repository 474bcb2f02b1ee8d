/**
 * Synthetic, reproducible registry data for the benchmarks: institutions with Polish-looking names
 * (diacritics included) spread over every gmina of the TERYT register, and one admin account.
 */
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../server/src/platform/db/database.js';
import { institutions, memberships, territories, users } from '../server/src/platform/db/tables.js';
import { hashPassword } from '../server/src/accounts/passwords.js';
import { normalizeForSearch } from '../shared/src/text.js';
import type { CooperationArea, InstitutionKind, Sector } from '../shared/src/contracts/common.js';
import { cooperationAreas } from '../shared/src/contracts/common.js';

export const BENCH_ADMIN_EMAIL = 'bench-admin@kooperacja.bench';
export const BENCH_ADMIN_PASSWORD = 'Ławka-pomiarowa-2026-bench';

/** Deterministic PRNG (mulberry32): the same data set on every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const patrons = [
  'Marii Skłodowskiej-Curie',
  'Jana Pawła II',
  'Adama Mickiewicza',
  'Henryka Sienkiewicza',
  'Janusza Korczaka',
  'Stefana Żeromskiego',
  'Kornela Makuszyńskiego',
  'Józefa Piłsudskiego',
  'Władysława Orkana',
  'Bolesława Prusa',
  'Elizy Orzeszkowej',
  'Tadeusza Kościuszki',
];
const ngoWords = [
  'Źródło',
  'Nadzieja',
  'Razem',
  'Przystań',
  'Bliżej Rodziny',
  'Ścieżka',
  'Tęcza',
  'Pogodna Jesień',
  'Dzieci Świata',
  'Otwarte Serca',
  'Łączy Nas Więcej',
  'Żyj Aktywnie',
];
const saints = [
  'Św. Józefa',
  'Św. Wojciecha',
  'Św. Stanisława Biskupa',
  'Najświętszej Marii Panny',
  'Św. Jadwigi Śląskiej',
  'Św. Mikołaja',
];
const clubs = ['Orlęta', 'Sokół', 'Błękitni', 'Wisła', 'Gwiazda', 'Płomień', 'Dąb', 'Świt'];
const streets = [
  'ul. Kościuszki',
  'ul. Mickiewicza',
  'ul. Szkolna',
  'ul. Kościelna',
  'ul. Źródlana',
  'ul. Słoneczna',
  'ul. Łąkowa',
  'ul. Żwirki i Wigury',
  'ul. 3 Maja',
  'pl. Rynek',
];

type Template = {
  kind: InstitutionKind;
  sector: Sector;
  weight: number;
  areas: CooperationArea[];
  name: (gmina: string, pick: <T>(items: readonly T[]) => T, n: number) => { name: string; shortName: string | null };
};

const templates: Template[] = [
  {
    kind: 'school',
    sector: 'public',
    weight: 22,
    areas: ['education'],
    name: (g, pick, n) => ({
      name: `Szkoła Podstawowa nr ${n} im. ${pick(patrons)} w gminie ${g}`,
      shortName: `SP ${n} ${g}`,
    }),
  },
  {
    kind: 'ngo',
    sector: 'ngo',
    weight: 16,
    areas: ['civicActivity', 'socialAssistance', 'culture'],
    name: (g, pick) => ({
      name: `${pick(['Stowarzyszenie', 'Fundacja'])} „${pick(ngoWords)}” – ${g}`,
      shortName: null,
    }),
  },
  {
    kind: 'ops',
    sector: 'public',
    weight: 6,
    areas: ['socialAssistance'],
    name: (g) => ({ name: `Gminny Ośrodek Pomocy Społecznej – ${g}`, shortName: `GOPS ${g}` }),
  },
  {
    kind: 'culture',
    sector: 'public',
    weight: 8,
    areas: ['culture', 'recreation'],
    name: (g, pick) => ({
      name: `${pick(['Gminny Ośrodek Kultury', 'Biblioteka Publiczna', 'Dom Kultury'])} – ${g}`,
      shortName: null,
    }),
  },
  {
    kind: 'healthCare',
    sector: 'public',
    weight: 8,
    areas: ['health'],
    name: (g, pick) => ({
      name: `${pick(['Samodzielny Publiczny Zakład Opieki Zdrowotnej', 'Ośrodek Zdrowia', 'Przychodnia Rodzinna'])} – ${g}`,
      shortName: null,
    }),
  },
  {
    kind: 'police',
    sector: 'public',
    weight: 5,
    areas: ['police'],
    name: (g, pick) => ({ name: `${pick(['Komisariat Policji', 'Posterunek Policji'])} – ${g}`, shortName: null }),
  },
  {
    kind: 'church',
    sector: 'church',
    weight: 7,
    areas: ['socialAssistance', 'culture'],
    name: (g, pick) => ({ name: `Parafia Rzymskokatolicka pw. ${pick(saints)} – ${g}`, shortName: null }),
  },
  {
    kind: 'sport',
    sector: 'ngo',
    weight: 6,
    areas: ['sport', 'recreation'],
    name: (g, pick) => ({ name: `Uczniowski Klub Sportowy „${pick(clubs)}” – ${g}`, shortName: `UKS ${g}` }),
  },
  {
    kind: 'psychologicalPedagogicalClinic',
    sector: 'public',
    weight: 4,
    areas: ['education', 'health'],
    name: (g) => ({ name: `Poradnia Psychologiczno-Pedagogiczna – ${g}`, shortName: `PPP ${g}` }),
  },
  {
    kind: 'alcoholCommission',
    sector: 'public',
    weight: 4,
    areas: ['health', 'socialAssistance'],
    name: (g) => ({ name: `Gminna Komisja Rozwiązywania Problemów Alkoholowych – ${g}`, shortName: `GKRPA ${g}` }),
  },
  {
    kind: 'interdisciplinaryTeam',
    sector: 'public',
    weight: 4,
    areas: ['socialAssistance', 'police', 'judiciary'],
    name: (g) => ({ name: `Zespół Interdyscyplinarny ds. Przeciwdziałania Przemocy Domowej – ${g}`, shortName: null }),
  },
  {
    kind: 'labourOffice',
    sector: 'public',
    weight: 3,
    areas: ['employment'],
    name: (g) => ({ name: `Filia Powiatowego Urzędu Pracy – ${g}`, shortName: null }),
  },
  {
    kind: 'courtProbation',
    sector: 'public',
    weight: 2,
    areas: ['judiciary'],
    name: (g) => ({ name: `Zespół Kuratorskiej Służby Sądowej – ${g}`, shortName: null }),
  },
  {
    kind: 'business',
    sector: 'private',
    weight: 3,
    areas: ['employment'],
    name: (g, pick) => ({ name: `Spółdzielnia Socjalna „${pick(ngoWords)}” – ${g}`, shortName: null }),
  },
  {
    kind: 'other',
    sector: 'public',
    weight: 2,
    areas: ['civicActivity'],
    name: (g) => ({ name: `Koło Gospodyń Wiejskich – ${g}`, shortName: `KGW ${g}` }),
  },
];

/**
 * The searches the benchmark runs: a word typed without diacritics plus a kind filter, each matching
 * hundreds of rows so that ranking and paging do real work.
 */
export const institutionSearches: Array<{ q: string; kind: InstitutionKind }> = [
  { q: 'szkola', kind: 'school' },
  { q: 'zrodlo', kind: 'ngo' },
  { q: 'pomocy spolecznej', kind: 'ops' },
  { q: 'kultury', kind: 'culture' },
  { q: 'zdrowia', kind: 'healthCare' },
  { q: 'jozefa', kind: 'church' },
];

export type SyntheticInstitution = typeof institutions.$inferInsert;

export function buildInstitutions(
  gminas: ReadonlyArray<{ code: string; name: string }>,
  total: number,
): SyntheticInstitution[] {
  const random = createRandom(20_260_301);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const totalWeight = templates.reduce((sum, t) => sum + t.weight, 0);
  const pickTemplate = (): Template => {
    let roll = random() * totalWeight;
    for (const template of templates) {
      roll -= template.weight;
      if (roll < 0) return template;
    }
    return templates[0]!;
  };
  const rows: SyntheticInstitution[] = [];
  for (let i = 0; i < total; i += 1) {
    const gmina = gminas[i % gminas.length]!;
    const template = pickTemplate();
    const { name, shortName } = template.name(gmina.name, pick, 1 + Math.floor(random() * 9));
    const extraArea = random() < 0.4 ? [pick(cooperationAreas)] : [];
    const areas = [
      ...new Set([...template.areas.slice(0, 1 + Math.floor(random() * template.areas.length)), ...extraArea]),
    ];
    const postal = `${String(10 + Math.floor(random() * 89)).padStart(2, '0')}-${String(Math.floor(random() * 1000)).padStart(3, '0')}`;
    rows.push({
      name,
      shortName,
      nameSearch: normalizeForSearch(`${name} ${shortName ?? ''}`),
      kind: template.kind,
      sector: template.sector,
      cooperationAreas: areas,
      territoryCode: gmina.code,
      street: `${pick(streets)} ${1 + Math.floor(random() * 120)}`,
      postalCode: postal,
      city: gmina.name,
      email: `kontakt${i}@instytucja.bench.example`,
      phone: `${12 + Math.floor(random() * 80)} ${100 + Math.floor(random() * 900)} ${10 + Math.floor(random() * 90)} ${10 + Math.floor(random() * 90)}`,
      // About 3% archived, so the "not archived" condition filters something.
      archivedAt: random() < 0.03 ? new Date('2026-01-15T10:00:00Z') : null,
    });
  }
  return rows;
}

/** Inserts the institutions (in batches) and the bench admin; returns counts for the log. */
export async function loadBenchData(db: Database, total: number): Promise<{ institutions: number; gminas: number }> {
  const gminas = await db
    .select({ code: territories.code, name: territories.name })
    .from(territories)
    .where(eq(territories.level, 'gmina'))
    .orderBy(asc(territories.code));
  if (gminas.length === 0) throw new Error('no gminas: the TERYT register was not loaded');
  const rows = buildInstitutions(gminas, total);
  const passwordHash = await hashPassword(BENCH_ADMIN_PASSWORD);
  await db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 1_000) {
      const inserted = await tx
        .insert(institutions)
        .values(rows.slice(i, i + 1_000))
        .returning({ id: institutions.id });
      ids.push(...inserted.map((row) => row.id));
    }
    const [admin] = await tx
      .insert(users)
      .values({ email: BENCH_ADMIN_EMAIL, displayName: 'Administrator Pomiarów', passwordHash })
      .returning({ id: users.id });
    const opsIndex = rows.findIndex((row) => row.kind === 'ops' && !row.archivedAt);
    await tx
      .insert(memberships)
      .values({ userId: admin!.id, institutionId: ids[Math.max(opsIndex, 0)]!, role: 'admin' });
  });
  return { institutions: rows.length, gminas: gminas.length };
}
