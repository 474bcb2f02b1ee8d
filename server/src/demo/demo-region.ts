/**
 * Demo partnerships of the Małopolska voivodeship beside Wieliczka's (demo-data.ts), one per model
 * variant, so that the ROPS views compare several baskets and every demo role finds work waiting in
 * "Do zrobienia": a rural gmina (Gdów), an urban-rural one (Myślenice) and a city (Tarnów), each
 * with its member institutions, three accounts, a basket of 40-50 cards generated from the compact
 * tables below (no randomness: which card is stale, submitted or a draft follows its position),
 * and change requests in every status. Everything goes in with multi-row INSERTs, so the first start
 * stays quick. Loaded only where demo-data.ts loads, never in production.
 */
import type { Executor } from '../platform/db/database.js';
import {
  basketChangeRequests,
  institutions,
  memberships,
  partnershipCoordinators,
  partnershipMembers,
  partnerships,
  users,
} from '../platform/db/tables.js';
import { insertServiceCards, type ServiceCardData, type ServiceCardEntry } from '../basket/cards/cards.store.js';
import { reservePublicationSlug } from '../basket/public-page/publication.store.js';
import { normalizeForSearch } from '../../../shared/src/text.js';
import type {
  CooperationArea,
  InstitutionKind,
  ModelVariant,
  Role,
  Sector,
} from '../../../shared/src/contracts/common.js';
import type { ServiceCost, ServiceStatus, TargetGroup } from '../../../shared/src/contracts/basket.js';
import type { MemberStatus, partnershipStages } from '../../../shared/src/contracts/partnerships.js';

/** The keys a partnership's institutions go by in the card table; `ops` leads. */
type InstitutionKey =
  'ops' | 'school' | 'health' | 'labour' | 'police' | 'culture' | 'ngo' | 'church' | 'sport' | 'probation' | 'pcpr';

/** An institution: key, name, short name, kind, sector, areas, street, phone, member status. */
type InstitutionRow = [
  InstitutionKey,
  string,
  string | null,
  InstitutionKind,
  Sector,
  CooperationArea[],
  string,
  string,
  MemberStatus,
];

type RegionPartnership = {
  slug: string;
  name: string;
  territoryCode: string;
  powiatCode: string;
  modelVariant: ModelVariant;
  stage: (typeof partnershipStages)[number];
  establishedOn: string;
  city: string;
  postalCode: string;
  emailDomain: string;
  areaDescription: string;
  /** How many cards of the table this basket takes (the table's order: common services first). */
  cardCount: number;
  institutions: InstitutionRow[];
  /** Coordinator, director (both of the leader) and a partner's representative: name, institution. */
  people: { coordinator: string; director: string; partner: [string, InstitutionKey] };
};

const regionPartnerships: RegionPartnership[] = [
  {
    slug: 'gdow',
    name: 'Partnerski Zespół Kooperacyjny Gminy Gdów',
    territoryCode: '1219022',
    powiatCode: '1219',
    modelVariant: 'rural',
    stage: 'acting',
    establishedOn: '2026-02-16',
    city: 'Gdów',
    postalCode: '32-420',
    emailDomain: 'gdow.example',
    areaDescription: 'Gmina wiejska Gdów: 31 sołectw',
    cardCount: 38,
    // prettier-ignore
    institutions: [
      ['ops', 'Gminny Ośrodek Pomocy Społecznej w Gdowie', 'GOPS Gdów', 'gops', 'public', ['socialAssistance'], 'Rynek 40', '12 251 40 10', 'declared'],
      ['school', 'Szkoła Podstawowa im. Jana Pawła II w Gdowie', 'SP Gdów', 'school', 'public', ['education'], 'ul. Szkolna 3', '12 251 41 20', 'declared'],
      ['health', 'Ośrodek Zdrowia w Gdowie', null, 'healthCare', 'public', ['health'], 'ul. Krakowska 12', '12 251 42 30', 'participating'],
      ['police', 'Posterunek Policji w Gdowie', null, 'police', 'public', ['police'], 'Rynek 19', '47 832 44 10', 'declared'],
      ['culture', 'Gminne Centrum Kultury w Gdowie', 'GCK Gdów', 'culture', 'public', ['culture', 'recreation'], 'Rynek 1', '12 251 43 40', 'declared'],
      ['ngo', 'Koło Gospodyń Wiejskich „Gdowianki”', null, 'ngo', 'ngo', ['civicActivity', 'culture'], 'ul. Myślenicka 8', '600 211 311', 'participating'],
      ['church', 'Parafialny Zespół Caritas w Gdowie', null, 'church', 'church', ['socialAssistance'], 'ul. Kościelna 2', '12 251 44 50', 'invited'],
      ['labour', 'Powiatowy Urząd Pracy w Wieliczce – filia w Gdowie', 'PUP Gdów', 'labourOffice', 'public', ['employment'], 'Rynek 40', '12 251 45 60', 'participating'],
    ],
    people: {
      coordinator: 'Agata Kmieć',
      director: 'Stanisław Gąsior',
      partner: ['Helena Pająk', 'school'],
    },
  },
  {
    slug: 'myslenice',
    name: 'Partnerski Zespół Kooperacyjny Gminy Myślenice',
    territoryCode: '1209033',
    powiatCode: '1209',
    modelVariant: 'urbanRural',
    stage: 'acting',
    establishedOn: '2026-01-12',
    city: 'Myślenice',
    postalCode: '32-400',
    emailDomain: 'myslenice.example',
    areaDescription: 'Miasto Myślenice i 19 sołectw',
    cardCount: 46,
    // prettier-ignore
    institutions: [
      ['ops', 'Miejsko-Gminny Ośrodek Pomocy Społecznej w Myślenicach', 'MGOPS Myślenice', 'ops', 'public', ['socialAssistance'], 'ul. Piłsudskiego 20', '12 272 01 10', 'declared'],
      ['school', 'Zespół Szkół Ogólnokształcących w Myślenicach', 'ZSO Myślenice', 'school', 'public', ['education'], 'ul. Słowackiego 93', '12 272 02 20', 'declared'],
      ['health', 'Szpital Powiatowy w Myślenicach – Poradnia Zdrowia Psychicznego', null, 'healthCare', 'public', ['health'], 'ul. Szpitalna 2', '12 273 03 30', 'declared'],
      ['labour', 'Powiatowy Urząd Pracy w Myślenicach', 'PUP Myślenice', 'labourOffice', 'public', ['employment'], 'ul. Zdrojowa 11', '12 272 04 40', 'declared'],
      ['police', 'Komenda Powiatowa Policji w Myślenicach', 'KPP Myślenice', 'police', 'public', ['police'], 'ul. Kościuszki 12', '47 832 05 50', 'participating'],
      ['culture', 'Myślenicki Ośrodek Kultury i Sportu', 'MOKiS', 'culture', 'public', ['culture', 'sport', 'recreation'], 'ul. Mickiewicza 13', '12 272 06 60', 'declared'],
      ['ngo', 'Fundacja „Dom Nadziei” w Myślenicach', null, 'ngo', 'ngo', ['socialAssistance', 'civicActivity'], 'ul. Reymonta 4', '601 322 422', 'declared'],
      ['probation', 'Zespół Kuratorskiej Służby Sądowej przy Sądzie Rejonowym w Myślenicach', null, 'courtProbation', 'public', ['judiciary'], 'ul. Piłsudskiego 6', '12 272 07 70', 'participating'],
      ['pcpr', 'Powiatowe Centrum Pomocy Rodzinie w Myślenicach', 'PCPR Myślenice', 'pcpr', 'public', ['socialAssistance', 'health'], 'ul. Drogowców 1', '12 272 08 80', 'declared'],
      ['church', 'Caritas – Parafia pw. Narodzenia Najświętszej Maryi Panny w Myślenicach', null, 'church', 'church', ['socialAssistance'], 'ul. Sobieskiego 9', '12 272 09 90', 'invited'],
    ],
    people: {
      coordinator: 'Marcin Ślusarczyk',
      director: 'Dorota Chmiel',
      partner: ['Iwona Bąk', 'ngo'],
    },
  },
  {
    slug: 'tarnow',
    name: 'Partnerski Zespół Kooperacyjny Miasta Tarnowa',
    territoryCode: '1263011',
    powiatCode: '1263',
    modelVariant: 'urban3d',
    stage: 'planning',
    establishedOn: '2026-05-04',
    city: 'Tarnów',
    postalCode: '33-100',
    emailDomain: 'tarnow.example',
    areaDescription: 'Osiedla Mościce, Jasna i Grabówka',
    cardCount: 52,
    // prettier-ignore
    institutions: [
      ['ops', 'Miejski Ośrodek Pomocy Społecznej w Tarnowie', 'MOPS Tarnów', 'mops', 'public', ['socialAssistance'], 'ul. Szujskiego 7', '14 688 20 10', 'declared'],
      ['school', 'Szkoła Podstawowa nr 11 w Tarnowie', 'SP 11 Tarnów', 'school', 'public', ['education'], 'ul. Jasna 2', '14 688 21 20', 'declared'],
      ['health', 'Centrum Zdrowia Psychicznego dla Dzieci i Młodzieży w Tarnowie', null, 'healthCare', 'public', ['health'], 'ul. Szpitalna 13', '14 688 22 30', 'declared'],
      ['labour', 'Powiatowy Urząd Pracy w Tarnowie', 'PUP Tarnów', 'labourOffice', 'public', ['employment'], 'ul. Ks. Piotra Skargi 2', '14 688 23 40', 'declared'],
      ['police', 'Komenda Miejska Policji w Tarnowie', 'KMP Tarnów', 'police', 'public', ['police'], 'ul. Traugutta 2', '47 834 24 50', 'declared'],
      ['culture', 'Centrum Sztuki Mościce', null, 'culture', 'public', ['culture', 'recreation'], 'ul. Traugutta 1', '14 688 25 60', 'participating'],
      ['sport', 'Tarnowski Ośrodek Sportu i Rekreacji', 'TOSiR', 'sport', 'public', ['sport', 'recreation'], 'ul. Piłsudskiego 28', '14 688 26 70', 'participating'],
      ['ngo', 'Stowarzyszenie „Siemacha” – placówka w Tarnowie', null, 'ngo', 'ngo', ['socialAssistance', 'education', 'sport'], 'ul. Krakowska 9', '603 544 644', 'declared'],
      ['church', 'Caritas Diecezji Tarnowskiej', null, 'church', 'church', ['socialAssistance', 'health'], 'ul. Katedralna 4', '14 688 27 80', 'declared'],
      ['probation', 'Zespół Kuratorskiej Służby Sądowej przy Sądzie Rejonowym w Tarnowie', null, 'courtProbation', 'public', ['judiciary'], 'ul. Dąbrowskiego 27', '14 688 28 90', 'invited'],
    ],
    people: {
      coordinator: 'Renata Wróbel',
      director: 'Jerzy Sowa',
      partner: ['Paweł Mróz', 'church'],
    },
  },
];

/**
 * The card table: name, provider key (a basket takes only the rows whose provider it has), areas,
 * target groups, where, cost, and a one-line description. Names are the kinds of services OPS baskets
 * list; common ones first, so a smaller basket takes the head of the table.
 */
type CardRow = [
  string,
  InstitutionKey,
  CooperationArea[],
  TargetGroup[],
  'address' | 'atHome' | 'remote',
  ServiceCost,
  string,
];

// prettier-ignore
const cardTable: CardRow[] = [
  ['Praca socjalna i poradnictwo specjalistyczne', 'ops', ['socialAssistance'], ['all'], 'address', 'free', 'Rozmowa z pracownikiem socjalnym: ocena sytuacji, plan pomocy, informacja o świadczeniach.'],
  ['Usługi opiekuńcze w miejscu zamieszkania', 'ops', ['socialAssistance', 'health'], ['seniors', 'disabled'], 'atHome', 'meansTested', 'Pomoc w codziennych czynnościach, higienie i zakupach dla osób, które wymagają opieki.'],
  ['Asystent rodziny – wsparcie w domu', 'ops', ['socialAssistance'], ['families', 'children'], 'atHome', 'free', 'Wizyty asystenta: organizacja dnia, budżet domowy, kontakt ze szkołą i urzędami.'],
  ['Posiłek dla dzieci w szkole', 'ops', ['socialAssistance', 'education'], ['children'], 'address', 'free', 'Dofinansowanie obiadu w stołówce szkolnej w ramach programu „Posiłek w szkole i w domu”.'],
  ['Punkt informacji o świadczeniach rodzinnych', 'ops', ['socialAssistance'], ['families'], 'address', 'free', 'Pomoc w wypełnieniu wniosków o zasiłek rodzinny, świadczenie wychowawcze i dodatki.'],
  ['Konsultacje z pedagogiem szkolnym', 'school', ['education'], ['children', 'youth', 'families'], 'address', 'free', 'Spotkania dla uczniów i rodziców: trudności w nauce, zachowanie, relacje w klasie.'],
  ['Zajęcia rozwijające zainteresowania po lekcjach', 'school', ['education', 'recreation'], ['children', 'youth'], 'address', 'free', 'Koła zainteresowań: przyrodnicze, informatyczne, teatralne, szachowe.'],
  ['Pomoc psychologiczno-pedagogiczna w szkole', 'school', ['education', 'health'], ['children', 'youth'], 'address', 'free', 'Zajęcia korekcyjno-kompensacyjne i rozwijające kompetencje emocjonalno-społeczne.'],
  ['Wizyta domowa pielęgniarki środowiskowej', 'health', ['health'], ['seniors', 'disabled', 'adults'], 'atHome', 'free', 'Opieka pielęgniarska w domu pacjenta w ramach podstawowej opieki zdrowotnej.'],
  ['Profilaktyczne badania dla dorosłych', 'health', ['health'], ['adults', 'seniors'], 'address', 'free', 'Program profilaktyki chorób układu krążenia i cukrzycy: badania i konsultacja lekarska.'],
  ['Szczepienia ochronne dzieci', 'health', ['health'], ['children', 'families'], 'address', 'free', 'Szczepienia obowiązkowe i zalecane według kalendarza szczepień.'],
  ['Rejestracja osób bezrobotnych i oferty pracy', 'labour', ['employment'], ['unemployed', 'adults'], 'address', 'free', 'Rejestracja, ubezpieczenie zdrowotne, oferty pracy z regionu, pośrednictwo.'],
  ['Doradztwo zawodowe indywidualne', 'labour', ['employment'], ['unemployed', 'youth', 'adults'], 'address', 'free', 'Rozmowa z doradcą: bilans umiejętności, wybór szkolenia, przygotowanie do rozmowy.'],
  ['Staże i prace interwencyjne', 'labour', ['employment'], ['unemployed'], 'address', 'free', 'Skierowanie na staż lub pracę interwencyjną u pracodawcy z powiatu.'],
  ['Dzielnicowy – spotkania z mieszkańcami', 'police', ['police'], ['all'], 'address', 'free', 'Dyżur dzielnicowego: zgłoszenia zagrożeń, porady dotyczące bezpieczeństwa w okolicy.'],
  ['Procedura Niebieskiej Karty – informacja dla osób doznających przemocy', 'police', ['police', 'socialAssistance'], ['violenceVictims', 'families'], 'address', 'free', 'Jak wszczyna się procedurę, kto pomaga, gdzie szukać schronienia.'],
  ['Zajęcia profilaktyczne dla uczniów', 'police', ['police', 'education'], ['children', 'youth'], 'address', 'free', 'Spotkania w szkołach: bezpieczeństwo w sieci, uzależnienia, odpowiedzialność prawna nieletnich.'],
  ['Warsztaty rękodzieła i koło seniora', 'culture', ['culture', 'civicActivity'], ['seniors'], 'address', 'paid', 'Cotygodniowe spotkania: rękodzieło, śpiew, wyjścia do teatru i kina.'],
  ['Biblioteka z punktem dostępu do internetu', 'culture', ['culture', 'education'], ['all'], 'address', 'free', 'Wypożyczalnia, czytelnia, komputery z internetem i pomoc w sprawach urzędowych online.'],
  ['Wakacje w mieście dla dzieci', 'culture', ['culture', 'recreation'], ['children'], 'address', 'free', 'Dwutygodniowe półkolonie: warsztaty, wycieczki, zajęcia ruchowe.'],
  ['Wolontariat sąsiedzki – zakupy i towarzystwo', 'ngo', ['civicActivity', 'socialAssistance'], ['seniors', 'disabled'], 'atHome', 'free', 'Wolontariusze pomagają w zakupach, spacerze i załatwieniu spraw.'],
  ['Klub dla rodziców małych dzieci', 'ngo', ['civicActivity', 'education'], ['families', 'children'], 'address', 'free', 'Spotkania rodziców z dziećmi do lat 3: zabawa, wymiana doświadczeń, porady położnej.'],
  ['Paczki żywnościowe i odzież', 'church', ['socialAssistance'], ['families', 'homeless', 'seniors'], 'address', 'free', 'Wydawanie żywności z programu FEPŻ i odzieży; potrzebne skierowanie z ośrodka pomocy.'],
  ['Jadłodajnia i gorący posiłek', 'church', ['socialAssistance'], ['homeless', 'adults', 'seniors'], 'address', 'free', 'Ciepły posiłek codziennie w południe, bez zapisów.'],
  ['Poradnictwo prawne – nieodpłatna pomoc prawna', 'ops', ['socialAssistance', 'judiciary'], ['all'], 'address', 'free', 'Porady adwokata lub radcy prawnego po wcześniejszym umówieniu terminu.'],
  ['Specjalistyczne poradnictwo dla rodzin', 'ops', ['socialAssistance', 'health'], ['families'], 'address', 'free', 'Konsultacje psychologa i terapeuty rodzinnego dla rodzin w kryzysie.'],
  ['Grupa wsparcia dla osób doznających przemocy', 'ops', ['socialAssistance'], ['violenceVictims'], 'address', 'free', 'Zamknięta grupa prowadzona przez psychologa, spotkania co tydzień.'],
  ['Dowóz osób z niepełnosprawnością', 'ops', ['socialAssistance'], ['disabled'], 'atHome', 'meansTested', 'Przewóz na zajęcia, do lekarza i urzędu samochodem przystosowanym do wózków.'],
  ['Zajęcia sportowe dla dzieci i młodzieży', 'sport', ['sport'], ['children', 'youth'], 'address', 'free', 'Treningi piłki nożnej, siatkówki i lekkiej atletyki w grupach wiekowych.'],
  ['Terapia uzależnień – konsultacje', 'health', ['health'], ['addicted', 'families'], 'address', 'free', 'Konsultacje terapeuty uzależnień dla osób uzależnionych i ich bliskich.'],
  ['Punkt konsultacyjny ds. uzależnień i przemocy', 'ops', ['health', 'socialAssistance'], ['addicted', 'violenceVictims'], 'address', 'free', 'Dyżury specjalisty gminnej komisji rozwiązywania problemów alkoholowych.'],
  ['Kurs języka polskiego dla cudzoziemców', 'ngo', ['education', 'civicActivity'], ['migrants'], 'address', 'free', 'Zajęcia w grupach dla dorosłych, z opieką nad dziećmi w czasie lekcji.'],
  ['Dyżur kuratora sądowego', 'probation', ['judiciary'], ['families', 'youth'], 'address', 'free', 'Informacja o dozorze, nadzorze i obowiązkach nałożonych przez sąd.'],
  ['Mieszkanie chronione treningowe', 'ops', ['socialAssistance'], ['homeless', 'disabled'], 'address', 'meansTested', 'Pobyt w mieszkaniu chronionym z pomocą w usamodzielnieniu.'],
  ['Rodzinne gry i zabawy w świetlicy wiejskiej', 'culture', ['recreation', 'culture'], ['families', 'children'], 'address', 'free', 'Sobotnie popołudnia z grami planszowymi i zajęciami ruchowymi.'],
  ['Telefon zaufania dla młodzieży', 'health', ['health'], ['youth'], 'remote', 'free', 'Rozmowa z psychologiem przez telefon lub czat, anonimowo.'],
  ['Wsparcie opiekunów osób zależnych – opieka wytchnieniowa', 'ops', ['socialAssistance', 'health'], ['caregivers'], 'atHome', 'free', 'Zastępstwo w opiece nad bliskim, by opiekun mógł odpocząć.'],
  ['Aktywizacja zawodowa w Klubie Integracji Społecznej', 'ops', ['employment', 'socialAssistance'], ['unemployed', 'adults'], 'address', 'free', 'Warsztaty kompetencji, grupa wsparcia, pomoc w znalezieniu pracy.'],
  ['Ogrzewalnia i noclegownia', 'church', ['socialAssistance'], ['homeless'], 'address', 'free', 'Miejsce noclegowe w sezonie zimowym; przyjęcia codziennie od 18:00.'],
  ['Świetlica socjoterapeutyczna', 'ngo', ['socialAssistance', 'education'], ['children', 'youth'], 'address', 'free', 'Zajęcia socjoterapeutyczne, pomoc w nauce i posiłek dla dzieci z rodzin w kryzysie.'],
  ['Program „Aktywny senior” – gimnastyka', 'sport', ['sport', 'health'], ['seniors'], 'address', 'paid', 'Zajęcia ruchowe z fizjoterapeutą dwa razy w tygodniu.'],
  ['Poradnia zdrowia psychicznego dla dorosłych', 'health', ['health'], ['adults'], 'address', 'free', 'Konsultacje psychiatry i psychologa bez skierowania.'],
  ['Wypożyczalnia sprzętu rehabilitacyjnego', 'church', ['health', 'socialAssistance'], ['disabled', 'seniors'], 'address', 'free', 'Łóżka, wózki, balkoniki i koncentratory tlenu na czas rekonwalescencji.'],
  ['Konsultacje budżetu obywatelskiego', 'culture', ['civicActivity'], ['all'], 'remote', 'free', 'Jak zgłosić projekt do budżetu obywatelskiego i zagłosować.'],
  ['Pomoc w sprawach mieszkaniowych i dodatek mieszkaniowy', 'ops', ['socialAssistance'], ['families', 'adults', 'seniors'], 'address', 'free', 'Wnioski o dodatek mieszkaniowy i energetyczny, rozmowa o zadłużeniu.'],
  ['Szkoła dla rodziców – warsztaty wychowawcze', 'school', ['education'], ['families'], 'address', 'free', 'Cykl 10 spotkań o komunikacji z dzieckiem i stawianiu granic.'],
  ['Centrum wolontariatu młodzieżowego', 'ngo', ['civicActivity'], ['youth'], 'address', 'free', 'Szkolenia wolontariuszy i oferty wolontariatu w instytucjach z okolicy.'],
  ['Trening umiejętności społecznych dla młodzieży', 'probation', ['judiciary', 'education'], ['youth'], 'address', 'free', 'Zajęcia grupowe dla nieletnich z nadzorem kuratora i chętnych uczniów.'],
  ['Hipoterapia i zajęcia z dogoterapii', 'ngo', ['health', 'recreation'], ['disabled', 'children'], 'address', 'paid', 'Terapia z udziałem zwierząt dla dzieci z niepełnosprawnościami.'],
  ['Basen – bezpłatne wejścia dla rodzin z Kartą Dużej Rodziny', 'sport', ['sport', 'recreation'], ['families'], 'address', 'free', 'Dwa bezpłatne wejścia miesięcznie dla rodzin wielodzietnych.'],
  ['Integracja cudzoziemców – punkt informacyjny', 'ops', ['socialAssistance', 'civicActivity'], ['migrants'], 'address', 'free', 'Informacja o legalizacji pobytu, szkole dla dzieci i ubezpieczeniu, po polsku, ukraińsku i angielsku.'],
  ['Mediacje rodzinne', 'probation', ['judiciary', 'socialAssistance'], ['families'], 'address', 'free', 'Mediacje w sprawach rodzinnych prowadzone przez mediatora sądowego.'],
];

/** Services of no member institution (neighbourhood and self-help), shown in every basket. */
// prettier-ignore
const outsideCards: Array<[string, string, 'neighbourhood' | 'selfHelp', CooperationArea[], TargetGroup[], string]> = [
  ['Grupa wsparcia Anonimowych Alkoholików', 'Wspólnota AA', 'selfHelp', ['health', 'civicActivity'], ['addicted'], 'Mityngi otwarte i zamknięte raz w tygodniu.'],
  ['Środowiskowy Dom Samopomocy', 'Środowiskowy Dom Samopomocy w powiecie', 'neighbourhood', ['socialAssistance', 'health'], ['disabled', 'adults'], 'Zajęcia dzienne dla osób z zaburzeniami psychicznymi.'],
];

const schedules = [
  'pon.–pt. 7:30–15:30',
  'pon. 8:00–17:00, wt.–pt. 7:30–15:30',
  'wt. i czw. 14:00–18:00',
  'pon.–pt. 13:00–19:00',
  'śr. 16:00–18:00',
  'sob. 10:00–14:00',
];
const contactPeople = ['Anna Mazur', 'Krzysztof Kot', 'Elżbieta Wilk', 'Józef Baran', 'Monika Sikora', 'Wojciech Rak'];
const seedContext = { actor: null, requestId: 'demo-seed', ip: null };

/** Which cards of a basket wait for something, by their position (deterministic, spread over providers). */
function statusAt(index: number): { status: ServiceStatus; isStale: boolean } {
  if (index % 11 === 5) return { status: 'submitted', isStale: false };
  if (index % 17 === 9) return { status: 'draft', isStale: false };
  if (index % 23 === 16) return { status: 'suspended', isStale: false };
  return { status: 'published', isStale: index % 7 === 3 };
}

/** A date `months` months (and `days` days) before now: stale cards stay stale whenever the demo is loaded. */
function monthsAgo(months: number, days = 0): Date {
  const date = new Date();
  date.setUTCMonth(date.getUTCMonth() - months);
  date.setUTCDate(date.getUTCDate() - days);
  return date;
}

export type RegionLogin = { email: string; displayName: string; role: Role; institution: string };

/** Builds the basket's cards from the table: the first `cardCount` rows, then the two outside services. */
function buildCards(
  partnership: RegionPartnership,
  ids: Map<InstitutionKey, string>,
  partnerKey: InstitutionKey,
): ServiceCardEntry[] {
  const byKey = new Map(partnership.institutions.map((row) => [row[0], row]));
  const entries: ServiceCardEntry[] = [];
  let hasPartnerStaleCard = false;
  // A service whose kind of provider is not in this partnership is not in its basket.
  const rows = cardTable.filter(([, key]) => byKey.has(key)).slice(0, partnership.cardCount);
  rows.forEach(([name, key, areas, groups, locationKind, cost, description], index) => {
    const [, , , kind, , , street, phone] = byKey.get(key)!;
    const isPowiatWide = kind === 'labourOffice' || kind === 'pcpr' || kind === 'courtProbation';
    const { status, isStale: isStaleByIndex } = statusAt(index);
    // The partner's representative has a stale card of their own to confirm: their first published one.
    const isPartnersFirst = status === 'published' && key === partnerKey && !hasPartnerStaleCard;
    if (isPartnersFirst) hasPartnerStaleCard = true;
    const isStale = isStaleByIndex || isPartnersFirst;
    const card: ServiceCardData = {
      providerInstitutionId: ids.get(key)!,
      providerName: null,
      origin: 'partner',
      name,
      description,
      cooperationAreas: areas,
      targetGroups: groups,
      isCompound: false,
      isReferralRequired: name.startsWith('Paczki') || name.startsWith('Mieszkanie'),
      referralBy: name.startsWith('Paczki') || name.startsWith('Mieszkanie') ? 'pracownik socjalny ośrodka' : null,
      cost,
      costDescription: cost === 'meansTested' ? 'Odpłatność zależna od dochodu, według uchwały rady gminy.' : null,
      locationKind,
      street: locationKind === 'address' ? street : null,
      postalCode: locationKind === 'remote' ? null : partnership.postalCode,
      city: locationKind === 'remote' ? null : partnership.city,
      territoryCode: partnership.territoryCode,
      reachKind: isPowiatWide ? 'powiat' : 'gminas',
      reachCodes: isPowiatWide ? [partnership.powiatCode] : [partnership.territoryCode],
      schedule: schedules[index % schedules.length]!,
      waitingTimeDays: index % 4 === 0 ? 7 + (index % 3) * 7 : null,
      contactName: contactPeople[index % contactPeople.length]!,
      contactPhone: phone,
      contactEmail: index % 3 === 0 ? `kontakt@${key}.${partnership.emailDomain}` : null,
      languages: name.includes('cudzoziemców') ? ['pl', 'uk', 'en'] : ['pl'],
      isAccessible: index % 5 !== 2,
    };
    entries.push({ card, status, lastConfirmedAt: isStale ? monthsAgo(13 + (index % 6), index) : undefined });
  });
  for (const [name, providerName, origin, areas, groups, description] of outsideCards) {
    entries.push({
      status: 'published',
      card: {
        providerInstitutionId: null,
        providerName,
        origin,
        name,
        description,
        cooperationAreas: areas,
        targetGroups: groups,
        isCompound: false,
        isReferralRequired: false,
        cost: 'free',
        locationKind: 'address',
        street: null,
        postalCode: partnership.postalCode,
        city: partnership.city,
        territoryCode: null,
        reachKind: 'powiat',
        reachCodes: [partnership.powiatCode],
        schedule: schedules[4]!,
        // A published card names a way to contact its provider: the group's or the home's mailbox.
        contactEmail: `${origin === 'selfHelp' ? 'grupa-wsparcia' : 'sds'}@${partnership.emailDomain}`,
        languages: ['pl'],
        isAccessible: false,
      },
      // A coordinator confirms services of no member institution; one of them waits for it.
      lastConfirmedAt: origin === 'neighbourhood' ? monthsAgo(14) : undefined,
    });
  }
  return entries;
}

/**
 * Inserts the region's partnerships into the demo transaction. `passwordHash` is the demo password's
 * (one hash for every demo account); `pcprWieliczkaId` joins Gdów's partnership as a powiat member.
 */
export async function seedDemoRegion(
  tx: Executor,
  passwordHash: string,
  pcprWieliczkaId: string,
): Promise<RegionLogin[]> {
  // Institutions of all partnerships in one INSERT.
  const institutionRows = regionPartnerships.flatMap((partnership) =>
    partnership.institutions.map(([key, name, shortName, kind, sector, areas, street, phone]) => ({
      name,
      shortName,
      kind,
      sector,
      cooperationAreas: areas,
      territoryCode: partnership.territoryCode,
      street,
      postalCode: partnership.postalCode,
      city: partnership.city,
      email: `sekretariat@${key}.${partnership.emailDomain}`,
      phone,
      nameSearch: normalizeForSearch(`${name} ${shortName ?? ''}`),
    })),
  );
  const insertedInstitutions = await tx
    .insert(institutions)
    .values(institutionRows)
    .returning({ id: institutions.id, name: institutions.name });
  const institutionIdByName = new Map(insertedInstitutions.map((row) => [row.name, row.id]));
  const idsOf = (partnership: RegionPartnership) =>
    new Map(partnership.institutions.map(([key, name]) => [key, institutionIdByName.get(name)!]));

  // Three accounts per partnership, one INSERT for the users and one for their memberships.
  const people = regionPartnerships.flatMap((partnership) => {
    const ids = idsOf(partnership);
    const leader = partnership.institutions[0]!;
    const partnerRow = partnership.institutions.find(([key]) => key === partnership.people.partner[1])!;
    return [
      {
        email: `koordynator.${partnership.slug}@kooperacja.demo`,
        displayName: partnership.people.coordinator,
        role: 'networkCoordinator' as Role,
        institutionId: ids.get('ops')!,
        institution: leader[2] ?? leader[1],
      },
      {
        email: `dyrektor.${partnership.slug}@kooperacja.demo`,
        displayName: partnership.people.director,
        role: 'director' as Role,
        institutionId: ids.get('ops')!,
        institution: leader[2] ?? leader[1],
      },
      {
        email: `partner.${partnership.slug}@kooperacja.demo`,
        displayName: partnership.people.partner[0],
        role: 'partnerRepresentative' as Role,
        institutionId: ids.get(partnership.people.partner[1])!,
        institution: partnerRow[2] ?? partnerRow[1],
      },
    ];
  });
  const insertedUsers = await tx
    .insert(users)
    .values(people.map(({ email, displayName }) => ({ email, displayName, passwordHash })))
    .returning({ id: users.id, email: users.email });
  const userIdByEmail = new Map(insertedUsers.map((row) => [row.email, row.id]));
  await tx.insert(memberships).values(
    people.map((person) => ({
      userId: userIdByEmail.get(person.email)!,
      institutionId: person.institutionId,
      role: person.role,
    })),
  );

  const insertedPartnerships = await tx
    .insert(partnerships)
    .values(
      regionPartnerships.map((partnership) => ({
        name: partnership.name,
        territoryCode: partnership.territoryCode,
        areaDescription: partnership.areaDescription,
        modelVariant: partnership.modelVariant,
        leaderInstitutionId: idsOf(partnership).get('ops')!,
        stage: partnership.stage,
        establishedOn: partnership.establishedOn,
      })),
    )
    .returning({ id: partnerships.id, name: partnerships.name });
  const partnershipIdByName = new Map(insertedPartnerships.map((row) => [row.name, row.id]));

  await tx.insert(partnershipCoordinators).values(
    regionPartnerships.map((partnership) => ({
      partnershipId: partnershipIdByName.get(partnership.name)!,
      userId: userIdByEmail.get(`koordynator.${partnership.slug}@kooperacja.demo`)!,
      since: partnership.establishedOn,
    })),
  );
  await tx.insert(partnershipMembers).values(
    regionPartnerships.flatMap((partnership) => {
      const partnershipId = partnershipIdByName.get(partnership.name)!;
      const ids = idsOf(partnership);
      const members = partnership.institutions.map(([key, , , , , , , , status], index) => ({
        partnershipId,
        institutionId: ids.get(key)!,
        status,
        declarationDate: status === 'declared' ? addDays(partnership.establishedOn, index * 9) : null,
        representativeName:
          key === 'ops'
            ? partnership.people.director
            : key === partnership.people.partner[1]
              ? partnership.people.partner[0]
              : status === 'invited'
                ? null
                : contactPeople[index % contactPeople.length]!,
      }));
      if (partnership.powiatCode === '1219') {
        members.push({
          partnershipId,
          institutionId: pcprWieliczkaId,
          status: 'participating',
          declarationDate: null,
          representativeName: 'Tomasz Wiśniewski',
        });
      }
      return members;
    }),
  );

  for (const partnership of regionPartnerships) {
    const partnershipId = partnershipIdByName.get(partnership.name)!;
    await reservePublicationSlug(tx, partnershipId, partnership.name);
    const ids = idsOf(partnership);
    const cards = await insertServiceCards(
      tx,
      seedContext,
      partnershipId,
      buildCards(partnership, ids, partnership.people.partner[1]),
    );
    await insertChangeRequests(tx, partnership, partnershipId, cards, {
      partner: userIdByEmail.get(`partner.${partnership.slug}@kooperacja.demo`)!,
      partnerInstitution: ids.get(partnership.people.partner[1])!,
      coordinator: userIdByEmail.get(`koordynator.${partnership.slug}@kooperacja.demo`)!,
      director: userIdByEmail.get(`dyrektor.${partnership.slug}@kooperacja.demo`)!,
    });
  }
  return people.map(({ email, displayName, role, institution }) => ({ email, displayName, role, institution }));
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00.000Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

type CardRowLike = {
  id: string;
  name: string;
  status: ServiceStatus;
  schedule: string | null;
  capacity: string | null;
};

/**
 * Requests in every status, so the coordinator has some to review, the director some to decide and
 * the history shows decided ones: two pending (a change and a new service), two reviewed (a change
 * and a withdrawal), one applied (a new service, now a card) and one refused.
 */
async function insertChangeRequests(
  tx: Executor,
  partnership: RegionPartnership,
  partnershipId: string,
  cards: readonly CardRowLike[],
  people: { partner: string; partnerInstitution: string; coordinator: string; director: string },
): Promise<void> {
  const published = cards.filter((card) => card.status === 'published');
  const at = (index: number) => published[index % published.length]!;
  const requested = { requestedByUserId: people.partner, requestedByInstitutionId: people.partnerInstitution };
  const reviewed = {
    reviewedByUserId: people.coordinator,
    reviewedAt: monthsAgo(0, 3),
    reviewNote: 'Sprawdzone z realizatorem usługi, proponuję uwzględnić.',
  };
  const decided = { ...reviewed, decidedByUserId: people.director, decidedAt: monthsAgo(0, 1) };
  const newSchedule = 'pon.–pt. 8:00–18:00';
  const applied = cards.find((card) => card.name === 'Świetlica socjoterapeutyczna') ?? at(9);
  await tx.insert(basketChangeRequests).values([
    {
      ...requested,
      partnershipId,
      serviceId: at(1).id,
      kind: 'change' as const,
      status: 'pending' as const,
      proposal: { schedule: newSchedule },
      proposalBase: { schedule: at(1).schedule },
      justification: 'Od nowego roku dyżury są także popołudniami.',
      createdAt: monthsAgo(0, 6),
    },
    {
      ...requested,
      partnershipId,
      serviceId: null,
      kind: 'newService' as const,
      status: 'pending' as const,
      proposal: {
        name: 'Warsztaty cyfrowe dla seniorów',
        description: 'Nauka obsługi telefonu, bankowości internetowej i e-recepty w małych grupach.',
        origin: 'partner',
        providerInstitutionId: people.partnerInstitution,
        cooperationAreas: ['education', 'civicActivity'],
        targetGroups: ['seniors'],
        cost: 'free',
        locationKind: 'address',
        city: partnership.city,
        postalCode: partnership.postalCode,
        reachKind: 'gminas',
        reachCodes: [partnership.territoryCode],
        isCompound: false,
        isReferralRequired: false,
        languages: ['pl'],
        isAccessible: true,
      },
      justification: 'Seniorzy pytają o takie zajęcia; mamy salę i prowadzącego.',
      createdAt: monthsAgo(0, 4),
    },
    {
      ...requested,
      ...reviewed,
      partnershipId,
      serviceId: at(4).id,
      kind: 'change' as const,
      status: 'reviewed' as const,
      proposal: { capacity: '12 osób w grupie' },
      proposalBase: { capacity: at(4).capacity },
      justification: 'Grupa się powiększyła po naborze.',
      createdAt: monthsAgo(0, 8),
    },
    {
      ...requested,
      ...reviewed,
      partnershipId,
      serviceId: at(7).id,
      kind: 'withdrawal' as const,
      status: 'reviewed' as const,
      justification: 'Realizator zakończył projekt, z którego usługa była finansowana.',
      createdAt: monthsAgo(0, 10),
    },
    {
      ...requested,
      ...decided,
      partnershipId,
      serviceId: null,
      kind: 'newService' as const,
      status: 'applied' as const,
      proposal: { name: applied.name },
      resultServiceId: applied.id,
      justification: 'Usługa działa od września, warto ją pokazać w koszyku.',
      createdAt: monthsAgo(1, 2),
    },
    {
      ...requested,
      ...decided,
      partnershipId,
      serviceId: at(2).id,
      kind: 'change' as const,
      status: 'refused' as const,
      proposal: { schedule: 'sob. 8:00–12:00' },
      proposalBase: { schedule: at(2).schedule },
      decisionReason: 'Ośrodek nie ma obsady w soboty.',
      justification: 'Rodzice pracujący w tygodniu nie mogą przyjść.',
      createdAt: monthsAgo(1, 10),
    },
  ]);
}
