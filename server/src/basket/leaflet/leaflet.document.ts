/**
 * The card for a client ("karta dla klienta"): one A4 page in plain Polish that a social worker
 * prints or sends, saying what the service offers, for whom, where, when, what it costs and whom to
 * call. Built from the card as the worker may read it (a Service response, already a whitelist);
 * long texts are shortened so the page stays one page.
 */
import { truncateText, type DocumentModel } from '../../documents/index.js';
import type { Service } from '../../../../shared/src/contracts/basket.js';
import { costLabels, languageLabels, targetGroupLabels } from '../exchange/hsds.labels.js';

/** Character budgets of the long fields at full size; a tighter layout scales them down. */
const budgets = {
  name: 120,
  provider: 140,
  description: 900,
  eligibility: 350,
  access: 350,
  cost: 200,
  place: 220,
  accessibility: 260,
  schedule: 360,
  contact: 120,
} as const;

const polishDate = new Intl.DateTimeFormat('pl-PL', {
  timeZone: 'Europe/Warsaw',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});

/** dd.MM.yyyy in Polish time. */
export function formatPolishDate(date: Date): string {
  return polishDate.format(date);
}

const statusNotes: Partial<Record<Service['status'], string>> = {
  draft: 'Karta robocza: informacje nie zostały jeszcze opublikowane i mogą się zmienić.',
  submitted: 'Karta czeka na publikację: informacje mogą się jeszcze zmienić.',
  suspended: 'Usługa jest obecnie zawieszona: przed wizytą zadzwoń i zapytaj, kiedy wróci.',
  withdrawn: 'Usługa została wycofana z koszyka.',
};

function place(service: Service, limit: number): string {
  if (service.locationKind === 'atHome') return 'Usługa w domu klienta (po wcześniejszym umówieniu).';
  if (service.locationKind === 'remote') return 'Usługa zdalna (telefonicznie lub przez internet).';
  const address = [service.street, [service.postalCode, service.city].filter(Boolean).join(' ')]
    .filter(Boolean)
    .join(', ');
  return truncateText(address || service.territoryName || '', limit, true);
}

function accessibility(service: Service, limit: number): string {
  const base = service.isAccessible ? 'Miejsce dostępne dla osób z niepełnosprawnościami.' : '';
  const description = service.accessibilityDescription ? truncateText(service.accessibilityDescription, limit) : '';
  return [base, description].filter(Boolean).join(' ');
}

function howToUse(service: Service, limit: number): string {
  const referral = service.isReferralRequired
    ? `Potrzebne jest skierowanie${service.referralBy ? ` (wystawia: ${truncateText(service.referralBy, 120, true)})` : ''}.`
    : 'Nie trzeba skierowania.';
  return [referral, service.accessDescription ? truncateText(service.accessDescription, limit) : '']
    .filter(Boolean)
    .join(' ');
}

function whoFor(service: Service, limit: number): string {
  const groups = service.targetGroups.includes('all')
    ? 'Dla wszystkich.'
    : `Dla: ${service.targetGroups.map((group) => targetGroupLabels[group].toLowerCase()).join(', ')}.`;
  return [groups, service.eligibility ? truncateText(service.eligibility, limit) : ''].filter(Boolean).join(' ');
}

/**
 * The card for a client as a document. `scale` (0-1] shortens every long text proportionally: the
 * renderer lays out at 1 and retries smaller when the page overflowed.
 */
export function buildLeafletDocument(service: Service, issuedAt: Date, scale = 1): DocumentModel {
  const limit = (field: keyof typeof budgets) => Math.max(40, Math.floor(budgets[field] * scale));
  const cost = [
    costLabels[service.cost],
    service.costDescription ? truncateText(service.costDescription, limit('cost')) : '',
  ]
    .filter(Boolean)
    .join(': ');
  const waiting =
    service.waitingTimeDays === null
      ? null
      : service.waitingTimeDays === 0
        ? 'Zwykle bez czekania.'
        : `Zwykle czeka się około ${service.waitingTimeDays} ${service.waitingTimeDays === 1 ? 'dnia' : 'dni'}.`;
  const languages = service.languages.map((code) => languageLabels[code] ?? code).join(', ');
  const note = statusNotes[service.status];
  return {
    title: truncateText(service.name, limit('name'), true),
    subtitle: service.providerName ? `Prowadzi: ${truncateText(service.providerName, limit('provider'), true)}` : null,
    language: 'pl',
    author: service.partnershipName,
    subject: 'Karta usługi dla klienta',
    footer: `Stan na ${formatPolishDate(issuedAt)} · Koszyk usług: ${truncateText(service.partnershipName, 80, true)}`,
    sections: [
      ...(note ? [{ blocks: [{ kind: 'paragraph' as const, text: note, emphasis: 'strong' as const }] }] : []),
      {
        heading: 'Co oferujemy',
        blocks: [{ kind: 'paragraph', text: truncateText(service.description, limit('description')) }],
      },
      { heading: 'Dla kogo', blocks: [{ kind: 'paragraph', text: whoFor(service, limit('eligibility')) }] },
      {
        heading: 'Jak skorzystać',
        blocks: [
          { kind: 'paragraph', text: howToUse(service, limit('access')) },
          { kind: 'keyValues', items: [{ label: 'Koszt', value: cost }] },
        ],
      },
      {
        heading: 'Gdzie',
        blocks: [
          {
            kind: 'keyValues',
            items: [
              { label: 'Adres', value: place(service, limit('place')) },
              { label: 'Dojazd i dostępność', value: accessibility(service, limit('accessibility')) },
              { label: 'Języki', value: languages },
            ],
          },
        ],
      },
      {
        heading: 'Kiedy',
        blocks: [
          {
            kind: 'keyValues',
            items: [
              {
                label: 'Godziny i terminy',
                value: service.schedule ? truncateText(service.schedule, limit('schedule')) : null,
              },
              { label: 'Czas oczekiwania', value: waiting },
            ],
          },
        ],
      },
      {
        heading: 'Kontakt',
        blocks: [
          {
            kind: 'keyValues',
            items: [
              { label: 'Telefon', value: service.contactPhone },
              { label: 'E-mail', value: service.contactEmail },
              {
                label: 'Osoba do kontaktu',
                value: service.contactName ? truncateText(service.contactName, limit('contact'), true) : null,
              },
              { label: 'Prowadzi', value: truncateText(service.providerName, limit('provider'), true) },
            ],
          },
          {
            kind: 'paragraph',
            emphasis: 'small',
            text: 'Przed pierwszą wizytą warto zadzwonić i potwierdzić termin.',
          },
        ],
      },
    ],
  };
}
