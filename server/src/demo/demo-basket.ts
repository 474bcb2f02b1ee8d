/**
 * Demo basket of the Wieliczka partnership: service cards of several partners, one neighbourhood
 * and one self-help service, and one card not confirmed for over a year (to show the stale flag).
 */
import { eq } from 'drizzle-orm';
import type { Executor } from '../platform/db/database.js';
import { services } from '../platform/db/tables.js';
import { insertServiceCard, type ServiceCardData } from '../basket/cards/cards.store.js';

const WIELICZKA = '1219053';
const seedContext = { actor: null, requestId: 'demo-seed', ip: null };

type DemoCard = Omit<ServiceCardData, 'providerInstitutionId'> & { provider?: string; isStale?: boolean };

const base: Pick<
  ServiceCardData,
  | 'isCompound'
  | 'isReferralRequired'
  | 'languages'
  | 'isAccessible'
  | 'territoryCode'
  | 'city'
  | 'postalCode'
  | 'reachKind'
  | 'reachCodes'
> = {
  isCompound: false,
  isReferralRequired: false,
  languages: ['pl'],
  isAccessible: true,
  territoryCode: WIELICZKA,
  city: 'Wieliczka',
  postalCode: '32-020',
  reachKind: 'gminas',
  reachCodes: [WIELICZKA],
};

const cards: DemoCard[] = [
  {
    ...base,
    provider: 'school',
    name: 'Poradnictwo rodzinne dla rodzin z dziećmi',
    description:
      'Konsultacje pedagoga i psychologa szkolnego dla rodziców i dzieci: trudności wychowawcze, kryzys w rodzinie.',
    origin: 'partner',
    cooperationAreas: ['education', 'socialAssistance'],
    targetGroups: ['children', 'families'],
    cost: 'free',
    locationKind: 'address',
    street: 'ul. Kościuszki 5',
    schedule: 'pon.–pt. 8:00–15:00',
    waitingTimeDays: 7,
    contactName: 'Grzegorz Nowak',
    contactPhone: '12 278 11 11',
  },
  {
    ...base,
    provider: 'school',
    name: 'Zajęcia wyrównawcze z matematyki i języka polskiego',
    description: 'Bezpłatne zajęcia w małych grupach dla uczniów klas 4–8 z zaległościami w nauce.',
    origin: 'partner',
    cooperationAreas: ['education'],
    targetGroups: ['children', 'youth'],
    cost: 'free',
    locationKind: 'address',
    street: 'ul. Kościuszki 5',
    capacity: '3 grupy po 8 osób',
  },
  {
    ...base,
    provider: 'ops',
    name: 'Asystent rodziny',
    description: 'Wsparcie asystenta rodziny w domu: organizacja dnia, opieka nad dziećmi, sprawy urzędowe.',
    origin: 'partner',
    cooperationAreas: ['socialAssistance'],
    targetGroups: ['families', 'children'],
    cost: 'free',
    isReferralRequired: true,
    referralBy: 'pracownik socjalny OPS',
    locationKind: 'atHome',
    waitingTimeDays: 14,
  },
  {
    ...base,
    provider: 'pcpr',
    name: 'Interwencja kryzysowa',
    description: 'Całodobowe wsparcie psychologiczne i prawne w sytuacji kryzysu, w tym przemocy domowej.',
    origin: 'partner',
    cooperationAreas: ['socialAssistance', 'health'],
    targetGroups: ['violenceVictims', 'families', 'adults'],
    cost: 'free',
    locationKind: 'address',
    street: 'ul. Słowackiego 3',
    reachKind: 'powiat',
    reachCodes: ['1219'],
  },
  {
    ...base,
    provider: 'police',
    name: 'Dzielnicowy – dyżury i konsultacje',
    description: 'Spotkania z dzielnicowym: bezpieczeństwo w sąsiedztwie, procedura Niebieskiej Karty, profilaktyka.',
    origin: 'partner',
    cooperationAreas: ['police'],
    targetGroups: ['all'],
    cost: 'free',
    locationKind: 'address',
    street: 'ul. Asnyka 2',
    isStale: true,
  },
  {
    ...base,
    provider: 'ngo',
    name: 'Świetlica środowiskowa „Razem”',
    description: 'Popołudniowe zajęcia, pomoc w lekcjach i posiłek dla dzieci z rodzin w trudnej sytuacji.',
    origin: 'partner',
    cooperationAreas: ['socialAssistance', 'culture', 'recreation'],
    targetGroups: ['children'],
    cost: 'free',
    locationKind: 'address',
    street: 'ul. Źródlana 7',
    schedule: 'pon.–pt. 13:00–18:00',
  },
  {
    ...base,
    name: 'Klub Integracji Społecznej w Niepołomicach',
    providerName: 'Miejsko-Gminny Ośrodek Pomocy Społecznej w Niepołomicach',
    description: 'Reintegracja zawodowa i społeczna: warsztaty, doradztwo zawodowe, staże.',
    origin: 'neighbourhood',
    cooperationAreas: ['employment'],
    targetGroups: ['unemployed', 'adults'],
    cost: 'free',
    locationKind: 'address',
    city: 'Niepołomice',
    territoryCode: null,
    reachKind: 'powiat',
    reachCodes: ['1219'],
  },
  {
    ...base,
    name: 'Grupa wsparcia dla opiekunów osób zależnych',
    providerName: 'Grupa samopomocowa opiekunów',
    description:
      'Spotkania co dwa tygodnie: wymiana doświadczeń, chwila wytchnienia, informacje o usługach opiekuńczych.',
    origin: 'selfHelp',
    cooperationAreas: ['civicActivity', 'health'],
    targetGroups: ['caregivers', 'seniors'],
    cost: 'free',
    locationKind: 'remote',
    city: null,
    territoryCode: null,
  },
];

/** Inserts the demo cards as published services; `institutionIds` maps demo keys to ids. */
export async function seedDemoBasket(
  tx: Executor,
  partnershipId: string,
  institutionIds: Map<string, string>,
): Promise<void> {
  for (const { provider, isStale, ...card } of cards) {
    const row = await insertServiceCard(
      tx,
      seedContext,
      partnershipId,
      { ...card, providerInstitutionId: provider ? institutionIds.get(provider)! : null },
      { status: 'published' },
    );
    if (isStale)
      await tx
        .update(services)
        .set({ lastConfirmedAt: new Date('2025-06-01') })
        .where(eq(services.id, row.id));
  }
}
