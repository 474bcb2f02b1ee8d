/**
 * National-scale synthetic basket for the benchmark: one partnership per gmina (led by a synthetic
 * OPS) and `total` published services spread over all gminas, with Polish names and descriptions.
 * Also the SQL of the basket search, recorded from findServicePage, to time it alone with `pg`.
 */
import pg from 'pg';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../server/src/platform/db/database.js';
import {
  institutions,
  memberships,
  partnershipCoordinators,
  partnerships,
  services,
  territories,
  users,
} from '../server/src/platform/db/tables.js';
import { hashPassword } from '../server/src/accounts/passwords.js';
import { serviceSearchText } from '../server/src/basket/cards/cards.store.js';
import { cooperationAreas } from '../shared/src/contracts/common.js';
import { serviceCosts, serviceOrigins, targetGroups } from '../shared/src/contracts/basket.js';
import { normalizeForSearch } from '../shared/src/text.js';
import { findServicePage } from '../server/src/basket/cards/cards.queries.js';
import type { Actor } from '../server/src/platform/auth/actor.js';
import { ServiceSearchQuery } from '../shared/src/contracts/basket.js';
import type { InstitutionKind, Role } from '../shared/src/contracts/common.js';
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
const selfHelpProviders = [
  'Koło Gospodyń Wiejskich „Źródło”',
  'Stowarzyszenie „Razem dla Ciebie”',
  'Grupa wsparcia AA „Nadzieja”',
  'Klub Abstynenta „Żuraw”',
  'Parafialny Zespół Caritas',
  'Fundacja „Łączy nas pomoc”',
  'Ochotnicza Straż Pożarna',
];
const streets = ['ul. Kościuszki', 'ul. Żeromskiego', 'ul. Mickiewicza', 'ul. Słoneczna', 'pl. Wolności', 'ul. Łąkowa'];
const locationKinds = ['address', 'address', 'address', 'atHome', 'remote'] as const;

/** Accounts the basket scenarios sign in as (besides the admin). */
export const BENCH_ROPS_EMAIL = 'bench-rops@kooperacja.bench';
export const BENCH_COORDINATOR_EMAIL = 'bench-koordynator@kooperacja.bench';
export const BENCH_USER_PASSWORD = 'Ławka-pomiarowa-2026-bench';

function createRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

export const basketSearch = { q: 'poradnictwo rodzine', area: 'socialAssistance' } as const;

export type BasketBenchData = {
  services: number;
  /** The gmina the searches filter on (its voivodeship is the ROPS coordinator's). */
  gmina: string;
  /** The partnership of that gmina: the import goes there, as its network coordinator. */
  partnershipId: string;
  /** The ROPS coordinator's institution and user (for the visibility condition of the SQL). */
  rops: { institutionId: string; userId: string; voivodeship: string };
};

/**
 * Inserts the partnerships and services, a ROPS coordinator (sees one voivodeship) and the network
 * coordinator of the first partnership; returns what the scenarios need.
 */
export async function loadBasketBenchData(db: Database, total: number): Promise<BasketBenchData> {
  const random = createRandom(7);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const gminas = await db
    .select({ code: territories.code, name: territories.name })
    .from(territories)
    .where(eq(territories.level, 'gmina'))
    .orderBy(asc(territories.code));
  // Reach is expanded the way resolveReach expands it: a powiat or a voivodeship = all its gminas.
  const gminasOf = (prefix: string) => gminas.filter((g) => g.code.startsWith(prefix)).map((g) => g.code);
  const byPowiat = new Map<string, string[]>();
  const byVoivodeship = new Map<string, string[]>();
  for (const g of gminas) {
    if (!byPowiat.has(g.code.slice(0, 4))) byPowiat.set(g.code.slice(0, 4), gminasOf(g.code.slice(0, 4)));
    if (!byVoivodeship.has(g.code.slice(0, 2))) byVoivodeship.set(g.code.slice(0, 2), gminasOf(g.code.slice(0, 2)));
  }
  const nameOf = new Map(gminas.map((g) => [g.code, g.name]));
  const leaders = await db
    .insert(institutions)
    .values(
      gminas.map((g) => ({
        name: `Ośrodek Pomocy Społecznej – ${g.name}`,
        nameSearch: normalizeForSearch(`Ośrodek Pomocy Społecznej ${g.name}`),
        kind: 'ops' as const,
        sector: 'public' as const,
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
        modelVariant: 'urbanRural' as const,
        leaderInstitutionId: l.id,
        stage: 'acting' as const,
      })),
    )
    .returning({
      id: partnerships.id,
      territoryCode: partnerships.territoryCode,
      leaderId: partnerships.leaderInstitutionId,
    });
  const batchSize = 1_000;
  for (let start = 0; start < total; start += batchSize) {
    const rows: (typeof services.$inferInsert)[] = [];
    for (let i = start; i < Math.min(total, start + batchSize); i += 1) {
      const basket = baskets[i % baskets.length]!;
      const [name, shortDescription] = pick(kinds);
      const description = `${shortDescription} Zapisy w ośrodku lub telefonicznie; pierwszeństwo mają osoby skierowane przez pracownika socjalnego.`;
      const origin = pick(serviceOrigins);
      const fullName = `${name} ${pick(places)} nr ${1 + (i % 37)}`;
      const provider = origin === 'partner' ? 'Ośrodek Pomocy Społecznej' : pick(selfHelpProviders);
      const own = basket.territoryCode;
      // About 80% reach their gmina (some also a neighbour), 16% their powiat, 4% the voivodeship.
      const reachDraw = random();
      let reachKind: 'gminas' | 'powiat' | 'voivodeship' = 'gminas';
      let reachCodes = [own];
      let reachGminaCodes = [own];
      if (reachDraw < 0.04) {
        reachKind = 'voivodeship';
        reachCodes = [own.slice(0, 2)];
        reachGminaCodes = byVoivodeship.get(own.slice(0, 2))!;
      } else if (reachDraw < 0.2) {
        reachKind = 'powiat';
        reachCodes = [own.slice(0, 4)];
        reachGminaCodes = byPowiat.get(own.slice(0, 4))!;
      } else if (reachDraw < 0.35) {
        const neighbour = pick(byPowiat.get(own.slice(0, 4))!);
        reachCodes = [...new Set([own, neighbour])].sort();
        reachGminaCodes = reachCodes;
      }
      const locationKind = pick(locationKinds);
      const cost = pick(serviceCosts);
      rows.push({
        partnershipId: basket.id,
        providerInstitutionId: origin === 'partner' ? basket.leaderId : null,
        providerName: origin === 'partner' ? null : provider,
        origin,
        status: random() < 0.9 ? 'published' : 'draft',
        name: fullName,
        description,
        cooperationAreas: [...new Set([pick(cooperationAreas), pick(cooperationAreas)])],
        targetGroups: [...new Set([pick(targetGroups), pick(targetGroups)])],
        isReferralRequired: random() < 0.3,
        referralBy: 'Pracownik socjalny',
        cost,
        costDescription: cost === 'free' ? null : 'Według zarządzenia wójta (burmistrza)',
        locationKind,
        street: locationKind === 'address' ? `${pick(streets)} ${1 + Math.floor(random() * 90)}` : null,
        city: locationKind === 'address' ? (nameOf.get(own) ?? null) : null,
        territoryCode: own,
        reachKind,
        reachCodes,
        reachGminaCodes,
        waitingTimeDays: Math.floor(random() * 30),
        contactPhone: `${12 + Math.floor(random() * 80)} ${100 + Math.floor(random() * 900)} ${10 + Math.floor(random() * 90)} ${10 + Math.floor(random() * 90)}`,
        searchText: serviceSearchText(fullName, description, provider),
        lastConfirmedAt: new Date(Date.now() - Math.floor(random() * 500) * 86_400_000),
      });
    }
    await db.insert(services).values(rows);
  }
  const first = baskets[0]!;
  const voivodeship = first.territoryCode.slice(0, 2);
  const passwordHash = await hashPassword(BENCH_USER_PASSWORD);
  const [rops] = await db
    .insert(institutions)
    .values({
      name: `Regionalny Ośrodek Polityki Społecznej ${voivodeship}`,
      nameSearch: normalizeForSearch(`Regionalny Ośrodek Polityki Społecznej ${voivodeship}`),
      kind: 'rops',
      sector: 'public',
      territoryCode: first.territoryCode,
    })
    .returning({ id: institutions.id });
  const [ropsUser, coordinator] = await db
    .insert(users)
    .values([
      { email: BENCH_ROPS_EMAIL, displayName: 'Koordynatorka ROPS', passwordHash },
      { email: BENCH_COORDINATOR_EMAIL, displayName: 'Pracownik ds. sieci', passwordHash },
    ])
    .returning({ id: users.id });
  await db.insert(memberships).values([
    { userId: ropsUser!.id, institutionId: rops!.id, role: 'ropsCoordinator' },
    { userId: coordinator!.id, institutionId: first.leaderId, role: 'networkCoordinator' },
  ]);
  await db
    .insert(partnershipCoordinators)
    .values({ partnershipId: first.id, userId: coordinator!.id, since: '2026-01-02' });
  return {
    services: total,
    gmina: first.territoryCode,
    partnershipId: first.id,
    rops: { institutionId: rops!.id, userId: ropsUser!.id, voivodeship },
  };
}

/** A statement as the server sent it to PostgreSQL. */
export type Statement = { text: string; values: unknown[] };

/**
 * The SQL of a basket search, taken from the server's own code rather than written again by hand
 * (the search's SQL changes as it is tuned; a hand-written copy measured a query the API no longer
 * ran): findServicePage runs once as the given user, and every statement it sends through `pg` is
 * recorded, to be timed alone by basketSearchSql.
 */
export async function captureServiceSearch(
  db: Database,
  pool: pg.Pool,
  email: string,
  query: Record<string, string>,
): Promise<Statement[]> {
  const { rows } = await pool.query<{
    user_id: string;
    institution_id: string;
    kind: InstitutionKind;
    territory_code: string;
    role: Role;
  }>(
    `select u.id as user_id, m.institution_id, i.kind, i.territory_code, m.role from users u
      join memberships m on m.user_id = u.id join institutions i on i.id = m.institution_id where u.email = $1`,
    [email],
  );
  const member = rows[0];
  if (!member) throw new Error(`no bench user ${email}`);
  const actor: Actor = {
    userId: member.user_id,
    displayName: email,
    email,
    sessionId: 'bench',
    mustChangePassword: false,
    isTotpEnabled: false,
    membership: {
      id: 'bench',
      institutionId: member.institution_id,
      institutionName: '',
      institutionKind: member.kind,
      institutionTerritoryCode: member.territory_code,
      role: member.role,
    },
    memberships: [],
  };
  const statements: Statement[] = [];
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text: string; values?: unknown[] };
    const text = typeof first === 'string' ? first : first.text;
    // drizzle sends ({ text, rowMode }, values); pg also takes (text, values) or ({ text, values }).
    const values = (typeof first === 'string' ? args[1] : (first.values ?? args[1])) as unknown[] | undefined;
    if (!/^\s*(begin|commit|rollback)\b/i.test(text)) statements.push({ text, values: values ?? [] });
    return original.apply(this, args);
  };
  try {
    await findServicePage(db, actor, ServiceSearchQuery.parse(query), 12);
  } finally {
    prototype.query = original;
  }
  return statements;
}

/**
 * Runs the recorded statements in one transaction on a plain `pg` connection. The page statement is
 * the one with the window count: its first column is the service id and its last the total.
 */
export async function basketSearchSql(client: pg.ClientBase, statements: readonly Statement[]): Promise<PageResult> {
  await client.query('begin');
  try {
    let page: unknown[][] = [];
    for (const statement of statements) {
      const result = await client.query<unknown[]>({
        text: statement.text,
        values: statement.values,
        rowMode: 'array',
      });
      if (statement.text.includes('count(*) over ()')) page = result.rows;
    }
    await client.query('commit');
    return { keys: page.map((row) => String(row[0])), total: Number(page[0]?.[page[0].length - 1] ?? 0) };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
