/**
 * SECURITY-RELEVANT. Server-side HTML of the public basket page (no JavaScript: the CSP forbids
 * inline scripts, and a plain GET form filters). Every value from the database goes through
 * escapeHtml, so a stored "<script>" stays text (docs/security.md §21). The JSON-LD block is data, not
 * script; its JSON is escaped so that no "</script>" can close it early.
 *
 * Personal data: the page never shows a card's contact person (name, phone, e-mail). Contact is
 * the provider institution's public phone and e-mail from the registry; for providers outside the
 * registry, the leader OPS (docs/koszyk-uslug-otwarte-dane.md).
 */
import { cooperationAreas, type CooperationArea } from '../../../../shared/src/contracts/common.js';
import { targetGroups, type ServiceCost, type TargetGroup } from '../../../../shared/src/contracts/basket.js';
import { areaLabels, costLabels, languageLabels, originLabels, targetGroupLabels } from '../exchange/hsds.labels.js';
import type { PublicBasket, PublicServiceRow } from './public-page.queries.js';

export const STYLESHEET_PATH = '/koszyk/koszyk.css';
export const ACCESSIBILITY_STATEMENT_PATH = '/deklaracja-dostepnosci';

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** JSON for a <script type="application/ld+json"> block: nothing in it can end the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

/** Free text as paragraphs: line breaks kept, nothing interpreted. */
function paragraphs(value: string | null): string {
  if (!value) return '';
  return value
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('');
}

function safeHttpUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(/^https?:\/\//i.test(value) ? value : `https://${value}`);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

const telHref = (phone: string) => `tel:${phone.replace(/[^+0-9]/g, '')}`;

const polishDate = new Intl.DateTimeFormat('pl-PL', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: 'Europe/Warsaw',
});

/** dd.MM.yyyy in Polish time, as the app shows dates (web/src/modules/common/format.ts). */
export function formatPolishDate(date: Date): string {
  return polishDate.format(date);
}

/** "1 usługa", "3 usługi", "5 usług", "22 usługi": Polish plural forms by Intl.PluralRules. */
const pluralRules = new Intl.PluralRules('pl-PL');
export function servicesCount(count: number, forms = { one: 'usługa', few: 'usługi', many: 'usług' }): string {
  const rule = pluralRules.select(count);
  return `${count} ${rule === 'one' ? forms.one : rule === 'few' ? forms.few : forms.many}`;
}

export type PublicPageModel = {
  basket: PublicBasket;
  rows: PublicServiceRow[];
  total: number;
  page: number;
  pageSize: number;
  filter: { area?: CooperationArea; targetGroup?: TargetGroup; q?: string };
  territoryNames: Map<string, string>;
  /** Absolute URL of the page without query (canonical). */
  pageUrl: string;
  /** Absolute URL of this selection (filters and search, no page number): printed and in the QR code. */
  printUrl: string;
  /** Inline SVG of the QR code of `printUrl` (public-page.qr.ts). */
  printQrSvg: string;
  /** When the page was made: the printout's "stan na". */
  renderedAt: Date;
};

function pageHref(model: PublicPageModel, page: number): string {
  const params = new URLSearchParams();
  if (model.filter.area) params.set('obszar', model.filter.area);
  if (model.filter.targetGroup) params.set('grupa', model.filter.targetGroup);
  if (model.filter.q) params.set('q', model.filter.q);
  if (page > 1) params.set('strona', String(page));
  const query = params.toString();
  return `/koszyk/${model.basket.slug}${query ? `?${query}` : ''}`;
}

function contactBlock(model: PublicPageModel, row: PublicServiceRow): string {
  const fromRegistry = row.providerInstitutionId !== null;
  const name = fromRegistry ? row.registryName : model.basket.leaderName;
  const phone = fromRegistry ? row.registryPhone : model.basket.leaderPhone;
  const email = fromRegistry ? row.registryEmail : model.basket.leaderEmail;
  const website = safeHttpUrl(fromRegistry ? row.registryWebsite : model.basket.leaderWebsite);
  const items = [
    `<li>${fromRegistry ? '' : 'Informacji udziela: '}${escapeHtml(name)}</li>`,
    phone ? `<li>Telefon: <a href="${escapeHtml(telHref(phone))}">${escapeHtml(phone)}</a></li>` : '',
    email ? `<li>E-mail: <a href="mailto:${escapeHtml(email)}">${escapeHtml(email)}</a></li>` : '',
    website ? `<li>Strona: <a href="${escapeHtml(website)}">${escapeHtml(website)}</a></li>` : '',
  ];
  return `<ul class="contact">${items.join('')}</ul>`;
}

function placeText(row: PublicServiceRow): string {
  if (row.locationKind === 'atHome') return 'W domu osoby (w miejscu zamieszkania)';
  if (row.locationKind === 'remote') return 'Zdalnie (telefon, internet)';
  return [row.street, [row.postalCode, row.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
}

function reachText(model: PublicPageModel, row: PublicServiceRow): string {
  const names = row.reachCodes.map((code) => model.territoryNames.get(code) ?? code);
  const kind = row.reachKind === 'powiat' ? 'powiat ' : row.reachKind === 'voivodeship' ? 'województwo ' : '';
  return `${kind}${names.join(', ')}`;
}

function definition(term: string, value: string): string {
  return value ? `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>` : '';
}

function serviceArticle(model: PublicPageModel, row: PublicServiceRow): string {
  const provider = row.registryName ?? row.providerName ?? '';
  const access = [
    row.isReferralRequired
      ? `<p>Wymagane skierowanie${row.referralBy ? `: ${escapeHtml(row.referralBy)}` : ''}.</p>`
      : '<p>Bez skierowania.</p>',
    paragraphs(row.accessDescription),
  ].join('');
  const cost = `${escapeHtml(costLabels[row.cost as ServiceCost] ?? row.cost)}${
    row.costDescription ? `: ${escapeHtml(row.costDescription)}` : ''
  }`;
  const accessibility = row.isAccessible
    ? `Tak${row.accessibilityDescription ? `: ${escapeHtml(row.accessibilityDescription)}` : ''}`
    : row.accessibilityDescription
      ? escapeHtml(row.accessibilityDescription)
      : 'Brak informacji';
  const list = (values: string[], labels: Record<string, string>) =>
    escapeHtml(values.map((v) => labels[v] ?? v).join(', '));
  return `<article class="service" aria-labelledby="usluga-${escapeHtml(row.id)}">
<h3 id="usluga-${escapeHtml(row.id)}">${escapeHtml(row.name)}</h3>
${row.isStale ? `<p class="stale-note">${escapeHtml(staleText(row))}</p>` : ''}
<p class="provider">${escapeHtml(provider)} · <span class="origin">${escapeHtml(
    originLabels[row.origin as keyof typeof originLabels] ?? row.origin,
  )}</span>${row.isCompound ? ' · usługa złożona' : ''}</p>
<div class="description">${paragraphs(row.description)}</div>
<dl>
${definition('Obszary współpracy', list(row.cooperationAreas, areaLabels))}
${definition('Dla kogo', list(row.targetGroups, targetGroupLabels))}
${definition('Kto może skorzystać', paragraphs(row.eligibility))}
${definition('Jak skorzystać', access)}
${definition('Odpłatność', cost)}
${definition('Miejsce', escapeHtml(placeText(row)))}
${definition('Zasięg', escapeHtml(reachText(model, row)))}
${definition('Terminy i godziny', paragraphs(row.schedule))}
${definition('Liczba miejsc', escapeHtml(row.capacity))}
${definition('Typowy czas oczekiwania', row.waitingTimeDays !== null ? `${escapeHtml(row.waitingTimeDays)} dni` : '')}
${definition('Języki', list(row.languages, languageLabels))}
${definition('Dostępność dla osób z niepełnosprawnościami', accessibility)}
${definition('Kontakt', contactBlock(model, row))}
${definition('Informacje potwierdzone', row.lastConfirmedAt ? escapeHtml(formatPolishDate(row.lastConfirmedAt)) : '')}
</dl>
</article>`;
}

/** The mark of a card nobody has confirmed within STALE_SERVICE_MONTHS (the reminders' rule). */
function staleText(row: PublicServiceRow): string {
  return row.lastConfirmedAt
    ? `Dane mogą być nieaktualne – ostatnie potwierdzenie ${formatPolishDate(row.lastConfirmedAt)}`
    : 'Dane mogą być nieaktualne – nikt ich jeszcze nie potwierdził';
}

/** What the list says above the cards: how many, and for which search. */
function summaryText(model: PublicPageModel): string {
  const isFiltered = Boolean(model.filter.area || model.filter.targetGroup);
  const first = (model.page - 1) * model.pageSize + 1;
  const last = Math.min(model.total, model.page * model.pageSize);
  const { q } = model.filter;
  if (q) {
    if (model.total === 0) return `Nie znaleziono usług dla „${q}”${isFiltered ? ' przy wybranych filtrach' : ''}.`;
    const range = model.total > model.pageSize ? ` Usługi ${first}–${last}.` : '';
    return `Znaleziono ${servicesCount(model.total, { one: 'usługę', few: 'usługi', many: 'usług' })} dla „${q}”${isFiltered ? ' (po filtrowaniu)' : ''}.${range}`;
  }
  if (model.total === 0)
    return isFiltered
      ? 'Brak usług spełniających wybrane kryteria.'
      : 'Koszyk nie zawiera jeszcze opublikowanych usług.';
  return `Usługi ${first}–${last} z ${model.total}${isFiltered ? ' (po filtrowaniu)' : ''}.`;
}

/**
 * What a person can do when a search found nothing: other words, the search without its filters or
 * without its words, or ask the coordinating OPS, who knows services not (yet) in the basket.
 */
function emptySearchHelp(model: PublicPageModel): string {
  const { basket, filter } = model;
  const base = `/koszyk/${basket.slug}`;
  const withoutWords = new URLSearchParams();
  if (filter.area) withoutWords.set('obszar', filter.area);
  if (filter.targetGroup) withoutWords.set('grupa', filter.targetGroup);
  const withoutFilters = new URLSearchParams();
  if (filter.q) withoutFilters.set('q', filter.q);
  const href = (params: URLSearchParams) => escapeHtml(params.size > 0 ? `${base}?${params.toString()}` : base);
  const steps = [
    '<li>Sprawdź pisownię albo wpisz krótsze lub inne słowo (np. „psycholog” zamiast „pomoc psychologiczna dla dzieci”).</li>',
    filter.q ? `<li><a href="${href(withoutWords)}">Pokaż usługi bez wyszukiwanego słowa</a></li>` : '',
    filter.q && (filter.area || filter.targetGroup)
      ? `<li><a href="${href(withoutFilters)}">Szukaj „${escapeHtml(filter.q)}” bez filtrów</a></li>`
      : '',
    `<li>Zapytaj ${escapeHtml(basket.leaderName)}${
      basket.leaderPhone
        ? `, tel. <a href="${escapeHtml(telHref(basket.leaderPhone))}">${escapeHtml(basket.leaderPhone)}</a>`
        : ''
    }${
      basket.leaderEmail
        ? `, e-mail <a href="mailto:${escapeHtml(basket.leaderEmail)}">${escapeHtml(basket.leaderEmail)}</a>`
        : ''
    }: ośrodek zna też usługi, których nie ma jeszcze w koszyku.</li>`,
  ];
  return `<div class="next-steps"><h3>Co dalej?</h3><ul>${steps.join('')}</ul></div>`;
}

/** Shown in print only: the date of the list, its address and the address's QR code for posters. */
function printNote(model: PublicPageModel): string {
  return `<aside class="print-note" aria-label="Informacje o wydruku">
<p>Lista usług – stan na ${escapeHtml(formatPolishDate(model.renderedAt))}. Aktualna lista: ${escapeHtml(model.printUrl)}</p>
${model.printQrSvg}
</aside>`;
}

function options<T extends string>(values: readonly T[], labels: Record<T, string>, selected: T | undefined): string {
  return [
    `<option value="">Wszystkie</option>`,
    ...values.map(
      (v) => `<option value="${escapeHtml(v)}"${v === selected ? ' selected' : ''}>${escapeHtml(labels[v])}</option>`,
    ),
  ].join('');
}

function pagination(model: PublicPageModel): string {
  const pages = Math.max(1, Math.ceil(model.total / model.pageSize));
  if (pages <= 1) return '';
  const links: string[] = [];
  if (model.page > 1)
    links.push(`<li><a href="${escapeHtml(pageHref(model, model.page - 1))}" rel="prev">Poprzednia</a></li>`);
  for (let p = 1; p <= pages; p += 1) {
    // Long lists show the first, the last and the neighbours of the current page.
    if (p !== 1 && p !== pages && Math.abs(p - model.page) > 2) continue;
    links.push(
      p === model.page
        ? `<li><a href="${escapeHtml(pageHref(model, p))}" aria-current="page">${p}</a></li>`
        : `<li><a href="${escapeHtml(pageHref(model, p))}">${p}</a></li>`,
    );
  }
  if (model.page < pages)
    links.push(`<li><a href="${escapeHtml(pageHref(model, model.page + 1))}" rel="next">Następna</a></li>`);
  return `<nav class="pagination" aria-label="Strony wyników"><ul>${links.join('')}</ul></nav>`;
}

function structuredData(model: PublicPageModel): string {
  const data = {
    '@context': 'https://schema.org',
    '@type': 'ItemList',
    name: `Koszyk usług: ${model.basket.partnershipName}`,
    url: model.pageUrl,
    numberOfItems: model.total,
    itemListElement: model.rows.map((row, index) => ({
      '@type': 'ListItem',
      position: (model.page - 1) * model.pageSize + index + 1,
      item: {
        '@type': 'Service',
        name: row.name,
        description: row.description,
        provider: { '@type': 'Organization', name: row.registryName ?? row.providerName ?? '' },
        serviceType: row.cooperationAreas.map((a) => areaLabels[a as CooperationArea] ?? a),
        audience: row.targetGroups.map((g) => ({
          '@type': 'Audience',
          audienceType: targetGroupLabels[g as TargetGroup] ?? g,
        })),
        areaServed: row.reachCodes.map((code) => model.territoryNames.get(code) ?? code),
        isAccessibleForFree: row.cost === 'free',
      },
    })),
  };
  return `<script type="application/ld+json">${jsonForScript(data)}</script>`;
}

function layout(options: { title: string; description: string; canonical?: string; head?: string; body: string }) {
  return `<!doctype html>
<html lang="pl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<meta name="description" content="${escapeHtml(options.description)}">
${options.canonical ? `<link rel="canonical" href="${escapeHtml(options.canonical)}">` : '<meta name="robots" content="noindex">'}
<link rel="stylesheet" href="${STYLESHEET_PATH}">
${options.head ?? ''}
</head>
<body>
<a class="skip-link" href="#tresc">Przejdź do treści</a>
${options.body}
<footer class="site-footer">
<p><a href="${ACCESSIBILITY_STATEMENT_PATH}">Deklaracja dostępności</a></p>
<p>Strona publiczna platformy Kooperacja. Bez danych osobowych.</p>
</footer>
</body>
</html>
`;
}

/** The public page of a basket: heading, filter form, the services of this page, pagination. */
export function renderPublicBasketPage(model: PublicPageModel): string {
  const { basket } = model;
  const title = `Koszyk usług – ${basket.partnershipName}`;
  const description = `Lokalny koszyk usług (${basket.territoryName}): ${model.total} usług pomocy, wsparcia i aktywizacji – kto, co, dla kogo, na jakich warunkach i jak się skontaktować.`;
  const isFiltered = Boolean(model.filter.area || model.filter.targetGroup || model.filter.q);
  const summary = summaryText(model);
  const body = `<header class="site-header">
<p class="eyebrow">Lokalny koszyk usług</p>
<h1>${escapeHtml(basket.partnershipName)}</h1>
<p>Gmina: ${escapeHtml(basket.territoryName)}. Koordynuje: ${escapeHtml(basket.leaderName)}.</p>
</header>
<main id="tresc">
${printNote(model)}
${basket.introduction ? `<section class="introduction" aria-label="Wprowadzenie">${paragraphs(basket.introduction)}</section>` : ''}
<form class="filters" role="search" aria-labelledby="wybierz-uslugi" method="get" action="/koszyk/${escapeHtml(basket.slug)}">
<h2 id="wybierz-uslugi">Wybierz usługi</h2>
<div class="field field-wide"><label for="q">Szukaj</label>
<input type="search" id="q" name="q" value="${escapeHtml(model.filter.q)}" maxlength="100" aria-describedby="q-podpowiedz">
<p class="hint" id="q-podpowiedz">Nazwa usługi, realizator lub słowo z opisu, np. „terapia”.</p></div>
<div class="field"><label for="obszar">Obszar współpracy</label>
<select id="obszar" name="obszar">${options(cooperationAreas, areaLabels, model.filter.area)}</select></div>
<div class="field"><label for="grupa">Dla kogo</label>
<select id="grupa" name="grupa">${options(targetGroups, targetGroupLabels, model.filter.targetGroup)}</select></div>
<div class="actions"><button type="submit">Pokaż usługi</button>${
    isFiltered ? ` <a href="/koszyk/${escapeHtml(basket.slug)}">Wyczyść filtry</a>` : ''
  }</div>
</form>
<section aria-labelledby="lista-uslug">
<h2 id="lista-uslug">Usługi</h2>
<p class="summary" role="status">${escapeHtml(summary)}</p>
${model.total === 0 && isFiltered ? emptySearchHelp(model) : ''}
${model.rows.map((row) => serviceArticle(model, row)).join('\n')}
${pagination(model)}
</section>
<section class="open-data" aria-labelledby="otwarte-dane">
<h2 id="otwarte-dane">Otwarte dane</h2>
<p><a href="/koszyk/${escapeHtml(basket.slug)}/hsds.json">Pobierz koszyk w formacie Open Referral HSDS 3.0 (JSON)</a></p>
</section>
</main>`;
  const canonical = model.page > 1 && !isFiltered ? `${model.pageUrl}?strona=${model.page}` : model.pageUrl;
  return layout({ title, description, canonical, head: structuredData(model), body });
}

/** The answer for an unknown slug and for a page that is not public: the same, so slugs cannot be probed. */
export function renderNotFoundPage(): string {
  return layout({
    title: 'Nie znaleziono strony – Koszyk usług',
    description: 'Ta strona koszyka usług nie istnieje lub nie jest publiczna.',
    body: `<header class="site-header"><p class="eyebrow">Lokalny koszyk usług</p><h1>Nie znaleziono strony</h1></header>
<main id="tresc">
<p>Ta strona koszyka usług nie istnieje albo partnerstwo jej nie udostępnia publicznie.</p>
<p>Sprawdź adres lub skontaktuj się z ośrodkiem pomocy społecznej w swojej gminie.</p>
</main>`,
  });
}

/** Styles of the public page, served same-origin (the CSP allows 'self'), with print styles. */
export const publicPageStylesheet = `:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: #1a1a1a; background: #ffffff; }
a { color: #0b4f9c; text-decoration: underline; }
a:hover { color: #062f5e; }
a:focus-visible, button:focus-visible, select:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.skip-link { position: absolute; left: -9999px; top: 0; background: #ffffff; color: #0b4f9c; padding: 0.5rem 1rem; }
.skip-link:focus { left: 1rem; z-index: 10; }
.site-header, main, .site-footer { max-width: 60rem; margin: 0 auto; padding: 1rem; }
.site-header { border-bottom: 1px solid #767676; }
.eyebrow { margin: 0; font-weight: 600; color: #4a4a4a; text-transform: uppercase; letter-spacing: 0.05em; font-size: 0.875rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0.25rem 0 0.5rem; }
h2 { font-size: 1.5rem; margin: 1.5rem 0 0.75rem; }
h3 { font-size: 1.25rem; margin: 0 0 0.25rem; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; padding: 1rem; background: #f3f5f8; border: 1px solid #767676; border-radius: 4px; }
.filters h2 { flex-basis: 100%; margin: 0; font-size: 1.25rem; }
.field { display: flex; flex-direction: column; gap: 0.25rem; min-width: 14rem; flex: 1; }
label { font-weight: 600; }
input[type="search"] { font: inherit; padding: 0.5rem; border: 1px solid #4a4a4a; border-radius: 4px; min-height: 2.75rem; width: 100%; }
input[type="search"]:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
.field-wide { flex-basis: 100%; }
.hint { margin: 0; font-size: 0.875rem; color: #4a4a4a; }
.stale-note { margin: 0 0 0.5rem; padding: 0.25rem 0.5rem; border-left: 4px solid #b35900; background: #fff4e5; color: #1a1a1a; }
.next-steps { padding: 0.75rem 1rem; border: 1px solid #767676; border-radius: 4px; margin: 0 0 1rem; }
.next-steps h3 { font-size: 1.125rem; }
.print-note { display: none; }
select, button { font: inherit; padding: 0.5rem; border: 1px solid #4a4a4a; border-radius: 4px; background: #ffffff; color: #1a1a1a; min-height: 2.75rem; }
button { background: #0b4f9c; color: #ffffff; border-color: #0b4f9c; cursor: pointer; padding: 0.5rem 1.25rem; }
button:hover { background: #062f5e; }
.service { border: 1px solid #767676; border-radius: 4px; padding: 1rem; margin: 0 0 1rem; }
.provider { margin: 0 0 0.5rem; color: #4a4a4a; }
dl { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 0.25rem 1rem; margin: 0.75rem 0 0; }
dt { font-weight: 600; }
dd { margin: 0; }
dd p, .description p { margin: 0 0 0.5rem; }
.contact { list-style: none; margin: 0; padding: 0; }
.pagination ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0; }
.pagination a { display: inline-block; min-width: 2.75rem; min-height: 2.75rem; padding: 0.5rem 0.75rem; border: 1px solid #767676; border-radius: 4px; text-align: center; }
.pagination a[aria-current="page"] { background: #0b4f9c; color: #ffffff; border-color: #0b4f9c; }
.site-footer { border-top: 1px solid #767676; margin-top: 2rem; font-size: 0.875rem; }
@media (max-width: 40rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 0.5rem; } h1 { font-size: 1.5rem; } }
@media print {
  body { font-size: 11pt; color: #000000; }
  .skip-link, .filters, .pagination, .open-data, .next-steps { display: none !important; }
  .print-note { display: flex; gap: 1rem; align-items: center; justify-content: space-between; border-top: 1px solid #000000; margin-top: 1rem; padding-top: 0.5rem; break-inside: avoid; page-break-inside: avoid; }
  .print-note p { margin: 0; overflow-wrap: anywhere; }
  .qr-code { width: 3cm; height: 3cm; flex: none; }
  .stale-note { border-left-color: #000000; background: none; padding-left: 0.25rem; }
  .site-header, main, .site-footer { max-width: none; padding: 0; }
  .service { border: 0; border-top: 1px solid #000000; border-radius: 0; padding: 0.5rem 0; break-inside: avoid; page-break-inside: avoid; }
  a { color: #000000; text-decoration: none; }
  .contact a[href^="mailto:"]::after, .contact a[href^="tel:"]::after { content: ""; }
  dl { grid-template-columns: 12rem 1fr; }
}
`;
