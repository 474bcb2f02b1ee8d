/**
 * Demo basket of the Wieliczka partnership: service cards of several partners, one neighbourhood
 * and one self-help service, two cards not confirmed for over a year (to show the stale flag: the
 * police's, and the school's, which its representative finds in "Do zrobienia"), one proposed
 * new service waiting for the coordinator's review, and one change to a card (a PCPR e-mail address)
 * reviewed and waiting for the director's decision. The end-to-end tests walk through this basket:
 * its eight cards and their names are what they expect.
 */
import type { Executor } from '../platform/db/database.js';
import { basketChangeRequests } from '../platform/db/tables.js';
import { insertServiceCards, type ServiceCardData } from '../basket/cards/cards.store.js';

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
    contactPhone: '12 278 11 11',
    isStale: true,
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
    contactPhone: '12 278 32 00',
    contactEmail: 'asystenci@ops.wieliczka.example',
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
    contactPhone: '12 278 17 00',
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
    contactPhone: '47 832 22 10',
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
    contactEmail: 'swietlica@razem.example',
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
    contactPhone: '12 281 00 50',
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
    contactEmail: 'opiekunowie@grupa.example',
  },
];

/**
 * Inserts the demo cards as published services (one multi-row insert) and the pending proposal;
 * `institutionIds` and `userIds` map demo keys and e-mails to ids.
 */
export async function seedDemoBasket(
  tx: Executor,
  partnershipId: string,
  institutionIds: Map<string, string>,
  userIds: Map<string, string>,
): Promise<void> {
  const inserted = await insertServiceCards(
    tx,
    seedContext,
    partnershipId,
    cards.map(({ provider, isStale, ...card }) => ({
      card: { ...card, providerInstitutionId: provider ? institutionIds.get(provider)! : null },
      status: 'published' as const,
      lastConfirmedAt: isStale ? new Date('2025-06-01') : undefined,
    })),
  );
  await tx.insert(basketChangeRequests).values({
    partnershipId,
    kind: 'newService',
    status: 'pending',
    proposal: {
      name: 'Koło szachowe dla uczniów klas 1–3',
      description: 'Cotygodniowe zajęcia z nauczycielem: zasady gry, turnieje szkolne.',
      origin: 'partner',
      providerInstitutionId: institutionIds.get('school')!,
      cooperationAreas: ['education', 'recreation'],
      targetGroups: ['children'],
      cost: 'free',
      locationKind: 'address',
      street: 'ul. Kościuszki 5',
      city: 'Wieliczka',
      postalCode: '32-020',
      reachKind: 'gminas',
      reachCodes: [WIELICZKA],
      isCompound: false,
      isReferralRequired: false,
      languages: ['pl'],
      isAccessible: true,
      contactPhone: '12 278 11 11',
    },
    justification: 'Uczniowie pytają o szachy; mamy nauczyciela i salę w piątki.',
    requestedByUserId: userIds.get('szkola@kooperacja.demo')!,
    requestedByInstitutionId: institutionIds.get('school')!,
  });
  // A change the coordinator has reviewed: the director finds it in "Do zrobienia" to decide.
  const crisis = inserted.find((card) => card.name === 'Interwencja kryzysowa')!;
  await tx.insert(basketChangeRequests).values({
    partnershipId,
    serviceId: crisis.id,
    kind: 'change',
    status: 'reviewed',
    proposal: { contactEmail: 'interwencja@pcpr.wieliczka.example' },
    proposalBase: { contactEmail: crisis.contactEmail },
    justification: 'PCPR uruchomił osobną skrzynkę dla interwencji kryzysowej, odbieraną także w weekendy.',
    requestedByUserId: userIds.get('specjalista@kooperacja.demo')!,
    requestedByInstitutionId: institutionIds.get('pcpr')!,
    reviewedByUserId: userIds.get('koordynator@kooperacja.demo')!,
    reviewedAt: new Date(),
    reviewNote: 'Adres potwierdzony telefonicznie z PCPR.',
  });
}
