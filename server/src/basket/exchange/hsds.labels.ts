/**
 * Polish names of the basket's vocabularies, for the HSDS taxonomy ("kooperacja") and the public
 * page. They match the web client's messages (web/src/i18n/pl.json) so that a reader sees the same
 * words in the app, on the public page and in open data.
 */
import type { CooperationArea, InstitutionKind } from '../../../../shared/src/contracts/common.js';
import type { ServiceCost, ServiceOrigin, TargetGroup } from '../../../../shared/src/contracts/basket.js';
import { languageNames } from '../../../../shared/src/language-names.js';

export const areaLabels: Record<CooperationArea, string> = {
  socialAssistance: 'Pomoc społeczna',
  education: 'Edukacja i wychowanie',
  health: 'Zdrowie',
  employment: 'Praca i zatrudnienie',
  culture: 'Kultura',
  sport: 'Sport',
  recreation: 'Rekreacja',
  judiciary: 'Wymiar sprawiedliwości',
  police: 'Policja',
  civicActivity: 'Aktywność społeczna i obywatelska',
};

export const targetGroupLabels: Record<TargetGroup, string> = {
  children: 'Dzieci',
  youth: 'Młodzież',
  families: 'Rodziny',
  adults: 'Dorośli',
  seniors: 'Seniorzy',
  disabled: 'Osoby z niepełnosprawnościami',
  unemployed: 'Osoby bezrobotne',
  homeless: 'Osoby w kryzysie bezdomności',
  addicted: 'Osoby z uzależnieniami',
  violenceVictims: 'Osoby doznające przemocy',
  migrants: 'Migranci',
  caregivers: 'Opiekunowie',
  all: 'Wszyscy',
};

export const originLabels: Record<ServiceOrigin, string> = {
  partner: 'Partner zespołu kooperacyjnego',
  neighbourhood: 'Usługa z sąsiedztwa',
  selfHelp: 'Samopomoc',
};

export const costLabels: Record<ServiceCost, string> = {
  free: 'Bezpłatna',
  paid: 'Odpłatna',
  meansTested: 'Odpłatność zależna od dochodu',
};

export const institutionKindLabels: Record<InstitutionKind, string> = {
  ops: 'Ośrodek pomocy społecznej (OPS)',
  gops: 'Gminny ośrodek pomocy społecznej (GOPS)',
  mops: 'Miejski ośrodek pomocy społecznej (MOPS)',
  cus: 'Centrum usług społecznych (CUS)',
  pcpr: 'Powiatowe centrum pomocy rodzinie (PCPR)',
  rops: 'Regionalny ośrodek polityki społecznej (ROPS)',
  school: 'Szkoła lub placówka oświatowa',
  police: 'Policja',
  courtProbation: 'Kuratorska służba sądowa',
  healthCare: 'Ochrona zdrowia',
  labourOffice: 'Powiatowy urząd pracy',
  psychologicalPedagogicalClinic: 'Poradnia psychologiczno-pedagogiczna',
  alcoholCommission: 'Gminna komisja rozwiązywania problemów alkoholowych',
  interdisciplinaryTeam: 'Zespół interdyscyplinarny',
  culture: 'Kultura',
  sport: 'Sport',
  ngo: 'Organizacja pozarządowa',
  church: 'Kościół lub związek wyznaniowy',
  business: 'Przedsiębiorstwo',
  other: 'Inna',
};

/** Names of the languages in Polish (the shared map, shared/src/language-names.ts); other codes are shown as they are. */
export const languageLabels: Record<string, string> = Object.fromEntries(
  Object.entries(languageNames).map(([code, name]) => [code, name.pl]),
);
