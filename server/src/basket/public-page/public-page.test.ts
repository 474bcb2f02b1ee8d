import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { auditEvents, partnershipMembers, services, users } from '../../platform/db/tables.js';
import {
  GMINA_GROMADKA,
  GMINA_LODZ,
  TEST_PASSWORD,
  buildInstitution,
  buildPartnership,
  buildServiceCard,
  signInAs,
} from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { insertServiceCard, type ServiceCardData } from '../cards/cards.store.js';
import type { HsdsDocument } from '../exchange/hsds.mapping.js';
import { validateHsdsDocument } from '../exchange/hsds.validation.js';
import { QR_OPTIONS } from './public-page.qr.js';

let context: TestContext;
let partnershipId: string;
let otherPartnershipId: string;
let coordinator: TestClient;
let otherCoordinator: TestClient;
let caseManager: TestClient;
let outsider: TestClient;
let anonymous: TestClient;

const systemContext: RequestContext = { actor: null, requestId: 'public-page-test', ip: null };
const SLUG = 'koszyk-lodz-baluty';

function card(overrides: Partial<ServiceCardData> = {}): ServiceCardData {
  return buildServiceCard({
    name: 'Usługa',
    description: 'Opis usługi.',
    providerName: 'Klub Seniora',
    origin: 'neighbourhood',
    cooperationAreas: ['socialAssistance'],
    targetGroups: ['seniors'],
    contactName: 'Bożena Wróblewska',
    contactPhone: '601 234 567',
    contactEmail: 'bozena.wroblewska@example.pl',
    ...overrides,
  });
}

async function signInCoordinator(coordinatorUserId: string) {
  const [user] = await context.database.db.select().from(users).where(eq(users.id, coordinatorUserId));
  return new TestClient(context).signIn(user!.email, TEST_PASSWORD);
}

beforeAll(async () => {
  context = await createTestContext();
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Bałuty' });
  const other = await buildPartnership(db, { name: 'PZK Gromadka', territoryCode: GMINA_GROMADKA });
  partnershipId = partnership.id;
  otherPartnershipId = other.id;
  coordinator = await signInCoordinator(partnership.coordinatorUserId);
  otherCoordinator = await signInCoordinator(other.coordinatorUserId);
  caseManager = (await signInAs(context, 'caseManager', { institutionId: partnership.leaderInstitutionId })).client;
  outsider = (await signInAs(context, 'caseManager')).client;
  anonymous = new TestClient(context);

  const clinic = await buildInstitution(db, {
    kind: 'healthCare',
    name: 'Poradnia Zdrowia Psychicznego „Bałuty”',
    phone: '42 650 10 10',
    email: 'rejestracja@pzp-baluty.pl',
  });
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: clinic.id, status: 'declared', declarationDate: '2026-02-01' });
  await insertServiceCard(
    db,
    systemContext,
    partnershipId,
    card({
      name: 'Konsultacje psychiatryczne dla dorosłych',
      origin: 'partner',
      providerInstitutionId: clinic.id,
      providerName: null,
      cooperationAreas: ['health'],
      targetGroups: ['adults'],
      isReferralRequired: true,
      referralBy: 'lekarz POZ',
    }),
    { status: 'published' },
  );
  const club = await insertServiceCard(
    db,
    systemContext,
    partnershipId,
    card({ name: 'Klub seniora – spotkania', cooperationAreas: ['culture'], targetGroups: ['seniors'] }),
    { status: 'published' },
  );
  // Last confirmed long ago (past STALE_SERVICE_MONTHS), just before midnight UTC: 15.01.2025 in Poland.
  await db
    .update(services)
    .set({ lastConfirmedAt: new Date('2025-01-14T23:30:00.000Z') })
    .where(eq(services.id, club.id));
  await insertServiceCard(
    db,
    systemContext,
    partnershipId,
    card({
      name: '<script>alert("xss")</script> Warsztaty',
      description: '<img src=x onerror=alert(1)> opis & więcej',
      providerName: '</script><script>alert(2)</script>',
      cooperationAreas: ['education'],
      targetGroups: ['youth'],
    }),
    { status: 'published' },
  );
  await insertServiceCard(db, systemContext, partnershipId, card({ name: 'Szkic niewidoczny publicznie' }));
  // Enough published services for a second page (20 per page).
  for (let i = 1; i <= 21; i += 1) {
    await insertServiceCard(
      db,
      systemContext,
      partnershipId,
      card({ name: `Zajęcia świetlicowe ${String(i).padStart(2, '0')}`, targetGroups: ['children'] }),
      { status: 'published' },
    );
  }
});

afterAll(async () => {
  await context?.close();
});

describe('publication setting', () => {
  it('is read by those who may read the basket (404 otherwise) and defaults to not public', async () => {
    const response = await caseManager.get(`/api/v1/partnerships/${partnershipId}/basket/publication`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ partnershipId, isPublic: false, slug: 'pzk-lodz-baluty' });
    expect((await outsider.get(`/api/v1/partnerships/${partnershipId}/basket/publication`)).statusCode).toBe(404);
  });

  it('the page is 404 while not public', async () => {
    const response = await anonymous.get('/koszyk/pzk-lodz-baluty');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('<html lang="pl">');
    expect((await anonymous.get('/koszyk/nie-ma-takiego')).statusCode).toBe(404);
    expect((await anonymous.get('/koszyk/pzk-lodz-baluty/hsds.json')).statusCode).toBe(404);
  });

  it('a member who does not manage the basket may not publish (403, audited); a non-member gets 404', async () => {
    const body = { isPublic: true, slug: SLUG };
    expect((await caseManager.put(`/api/v1/partnerships/${partnershipId}/basket/publication`, body)).statusCode).toBe(
      403,
    );
    expect((await outsider.put(`/api/v1/partnerships/${partnershipId}/basket/publication`, body)).statusCode).toBe(404);
    const denied = await context.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'basket.publication.update'));
    expect(denied.some((e) => e.outcome === 'denied')).toBe(true);
  });

  it('reserves the suggested address at creation: another partnership cannot take it before the owner publishes', async () => {
    const leader = await buildInstitution(context.database.db, {
      name: 'Miejski Ośrodek Pomocy Społecznej Łódź-Widzew',
    });
    const { client: director, user } = await signInAs(context, 'director', { institutionId: leader.id });
    const founded = async () => {
      const response = await director.post('/api/v1/partnerships', {
        name: 'PZK Łódź Widzew – Stoki',
        territoryCode: GMINA_LODZ,
        modelVariant: 'urban3d',
        leaderInstitutionId: leader.id,
        coordinatorUserIds: [user.id],
      });
      expect(response.statusCode, response.body).toBe(201);
      return (response.json() as { id: string }).id;
    };
    const first = await founded();
    const suggested = (await director.get(`/api/v1/partnerships/${first}/basket/publication`)).json() as {
      slug: string;
      isPublic: boolean;
    };
    expect(suggested).toMatchObject({ slug: 'pzk-lodz-widzew-stoki', isPublic: false });

    const taken = await otherCoordinator.put(`/api/v1/partnerships/${otherPartnershipId}/basket/publication`, {
      isPublic: true,
      slug: suggested.slug,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'duplicate', errors: [{ field: 'slug', code: 'slugTaken' }] });
    expect((await anonymous.get(`/koszyk/${suggested.slug}`)).statusCode).toBe(404);

    const published = await director.put(`/api/v1/partnerships/${first}/basket/publication`, {
      isPublic: true,
      slug: suggested.slug,
    });
    expect(published.statusCode, published.body).toBe(200);
    expect((await anonymous.get(`/koszyk/${suggested.slug}`)).statusCode).toBe(200);

    // A second partnership of the same name gets the next free address.
    const second = await founded();
    const secondSlug = (
      (await director.get(`/api/v1/partnerships/${second}/basket/publication`)).json() as {
        slug: string;
      }
    ).slug;
    expect(secondSlug).toBe('pzk-lodz-widzew-stoki-2');
  });

  it('the coordinator publishes (audited); another partnership cannot take the slug (409 on slug)', async () => {
    const response = await coordinator.put(`/api/v1/partnerships/${partnershipId}/basket/publication`, {
      isPublic: true,
      slug: SLUG,
      introduction: 'Usługi dostępne dla mieszkańców Bałut. <b>Zapraszamy!</b>',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      isPublic: true,
      slug: SLUG,
      publicUrl: expect.stringContaining(`/koszyk/${SLUG}`),
    });
    const taken = await otherCoordinator.put(`/api/v1/partnerships/${otherPartnershipId}/basket/publication`, {
      isPublic: true,
      slug: SLUG,
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'duplicate', errors: [expect.objectContaining({ field: 'slug' })] });
    const events = await context.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'basket.publication.update'));
    expect(events.some((e) => e.outcome !== 'denied' && e.subjectId === partnershipId)).toBe(true);
  });
});

describe('public basket page', () => {
  it('renders the published services only, cacheable, with SEO metadata and landmarks', async () => {
    const response = await anonymous.get(`/koszyk/${SLUG}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    const html = response.body;
    expect(html).toMatch(/^<!doctype html>\n<html lang="pl">/);
    expect(html).toContain('<title>Koszyk usług – PZK Łódź Bałuty</title>');
    expect(html).toMatch(/<meta name="description" content="[^"]+">/);
    expect(html).toMatch(new RegExp(`<link rel="canonical" href="https?://[^"/]+/koszyk/${SLUG}">`));
    expect(html.match(/<h1>/g)).toHaveLength(1);
    for (const landmark of ['<header', '<main id="tresc">', '<footer', 'role="search"'])
      expect(html).toContain(landmark);
    expect(html).toContain('href="/deklaracja-dostepnosci"');
    expect(html).toContain('<link rel="stylesheet" href="/koszyk/koszyk.css">');
    expect(html).toContain('Konsultacje psychiatryczne dla dorosłych');
    expect(html).toContain('Wymagane skierowanie: lekarz POZ.');
    expect(html).not.toContain('Szkic niewidoczny publicznie');
    expect(html).toContain('Usługi 1–20 z 24.');
    // Every form control has its label.
    for (const id of ['obszar', 'grupa']) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toContain(`<select id="${id}" name="${id}">`);
    }
    // The only script element is the JSON-LD data block.
    expect(html.match(/<script/g)).toHaveLength(1);
    const jsonLd = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(jsonLd) as { '@type': string; numberOfItems: number; itemListElement: unknown[] };
    expect(data).toMatchObject({ '@type': 'ItemList', numberOfItems: 24 });
    expect(data.itemListElement[0]).toMatchObject({ '@type': 'ListItem', position: 1, item: { '@type': 'Service' } });
  });

  it('shows no contact person: the provider institution’s public contacts instead', async () => {
    const html = (await anonymous.get(`/koszyk/${SLUG}?obszar=health`)).body;
    expect(html).toContain('42 650 10 10');
    expect(html).toContain('rejestracja@pzp-baluty.pl');
    const everyPage = [
      html,
      (await anonymous.get(`/koszyk/${SLUG}`)).body,
      (await anonymous.get(`/koszyk/${SLUG}?strona=2`)).body,
    ];
    for (const page of everyPage) {
      expect(page).not.toContain('Bożena Wróblewska');
      expect(page).not.toContain('601 234 567');
      expect(page).not.toContain('bozena.wroblewska@example.pl');
    }
  });

  it('escapes stored HTML: a <script> in a name stays text', async () => {
    const html = (await anonymous.get(`/koszyk/${SLUG}?obszar=education`)).body;
    expect(html).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt; Warsztaty');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; opis &amp; więcej');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('</script><script>');
    // The introduction is free text too.
    expect(html).toContain('&lt;b&gt;Zapraszamy!&lt;/b&gt;');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it('filters by area and target group with a plain GET form, and ignores unknown values', async () => {
    const health = (await anonymous.get(`/koszyk/${SLUG}?obszar=health`)).body;
    expect(health).toContain('Konsultacje psychiatryczne dla dorosłych');
    expect(health).not.toContain('Klub seniora – spotkania');
    expect(health).toContain('<option value="health" selected>');
    const seniors = (await anonymous.get(`/koszyk/${SLUG}?grupa=seniors&obszar=culture`)).body;
    expect(seniors).toContain('Klub seniora – spotkania');
    expect(seniors).not.toContain('Konsultacje psychiatryczne');
    const none = (await anonymous.get(`/koszyk/${SLUG}?grupa=migrants`)).body;
    expect(none).toContain('Brak usług spełniających wybrane kryteria.');
    const unknown = await anonymous.get(`/koszyk/${SLUG}?obszar=%3Cscript%3E&strona=abc`);
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('Usługi 1–20 z 24.');
  });

  it('paginates, keeping the filters in the links', async () => {
    const first = (await anonymous.get(`/koszyk/${SLUG}`)).body;
    expect(first).toContain(`href="/koszyk/${SLUG}?strona=2" rel="next"`);
    const second = (await anonymous.get(`/koszyk/${SLUG}?strona=2`)).body;
    expect(second).toContain('Usługi 21–24 z 24.');
    expect(second).toContain('aria-current="page">2</a>');
    const filtered = (await anonymous.get(`/koszyk/${SLUG}?grupa=children`)).body;
    expect(filtered).toContain(`href="/koszyk/${SLUG}?grupa=children&amp;strona=2"`);
  });

  it('serves a same-origin stylesheet with print styles', async () => {
    const response = await anonymous.get('/koszyk/koszyk.css');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/css');
    expect(response.body).toContain('@media print');
  });

  it('publishes the same services as HSDS open data, valid and without contact persons', async () => {
    const response = await anonymous.get(`/koszyk/${SLUG}/hsds.json`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const document = response.json() as HsdsDocument;
    expect(validateHsdsDocument(document)).toEqual([]);
    expect(document.services).toHaveLength(24);
    expect(document.services.every((s) => (s.contacts as unknown[]).length === 0)).toBe(true);
    expect(response.body).not.toContain('Bożena Wróblewska');
    expect(response.body).not.toContain('601 234 567');
  });

  it('shows dates as dd.MM.yyyy in Polish time and marks a card nobody confirmed within the stale period', async () => {
    const html = (await anonymous.get(`/koszyk/${SLUG}?obszar=culture`)).body;
    expect(html).toContain('<dt>Informacje potwierdzone</dt><dd>15.01.2025</dd>');
    expect(html).toContain('<p class="stale-note">Dane mogą być nieaktualne – ostatnie potwierdzenie 15.01.2025</p>');
    // A card confirmed at publication today is not marked, and its date is Polish too.
    const fresh = (await anonymous.get(`/koszyk/${SLUG}?obszar=health`)).body;
    expect(fresh).not.toContain('stale-note');
    expect(fresh).toMatch(/<dt>Informacje potwierdzone<\/dt><dd>\d{2}\.\d{2}\.\d{4}<\/dd>/);
    expect(fresh).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('searches the text without JavaScript, ignoring Polish letters and case, and says how many it found', async () => {
    const page = (await anonymous.get(`/koszyk/${SLUG}`)).body;
    expect(page).toContain('<label for="q">Szukaj</label>');
    expect(page).toContain('<input type="search" id="q" name="q" value=""');
    // Typed without diacritics and in capitals: "DOROSLYCH" finds "dorosłych".
    const adults = (await anonymous.get(`/koszyk/${SLUG}?q=${encodeURIComponent('konsultacje DOROSLYCH')}`)).body;
    expect(adults).toContain('Konsultacje psychiatryczne dla dorosłych');
    expect(adults).not.toContain('Klub seniora – spotkania');
    expect(adults).toContain('Znaleziono 1 usługę dla „konsultacje DOROSLYCH”.');
    expect(adults).toContain('value="konsultacje DOROSLYCH"');
    // With diacritics the other way round, and one typo.
    const club = (await anonymous.get(`/koszyk/${SLUG}?q=${encodeURIComponent('spotkańia')}`)).body;
    expect(club).toContain('Klub seniora – spotkania');
    expect(club).toContain('Znaleziono 1 usługę');
  });

  it('keeps the filters with the search, in the form and in the page links', async () => {
    const html = (await anonymous.get(`/koszyk/${SLUG}?q=zajecia&grupa=children`)).body;
    expect(html).toContain('Znaleziono 21 usług dla „zajecia” (po filtrowaniu). Usługi 1–20.');
    expect(html).toContain('<option value="children" selected>');
    expect(html).toContain(`href="/koszyk/${SLUG}?grupa=children&amp;q=zajecia&amp;strona=2" rel="next"`);
    const other = (await anonymous.get(`/koszyk/${SLUG}?q=zajecia&grupa=seniors`)).body;
    expect(other).toContain('Nie znaleziono usług dla „zajecia” przy wybranych filtrach.');
    expect(other).not.toContain('Zajęcia świetlicowe');
    // The next steps: the same words without the filters, the filters without the words, the OPS.
    expect(other).toContain('<h3>Co dalej?</h3>');
    expect(other).toContain(`<a href="/koszyk/${SLUG}?q=zajecia">Szukaj „zajecia” bez filtrów</a>`);
    expect(other).toContain(`<a href="/koszyk/${SLUG}?grupa=seniors">Pokaż usługi bez wyszukiwanego słowa</a>`);
    expect(other).toMatch(/<li>Zapytaj [^<]+/);
    // A search is text: markup in it is escaped, and it never runs.
    const hostile = (await anonymous.get(`/koszyk/${SLUG}?q=${encodeURIComponent('<script>x</script>')}`)).body;
    expect(hostile).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(hostile.match(/<script/g)).toHaveLength(1);
  });

  it('prints "stan na" with the full address and a QR code of that address', async () => {
    const response = await anonymous.get(`/koszyk/${SLUG}?grupa=seniors`);
    const html = response.body;
    const today = new Intl.DateTimeFormat('pl-PL', {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      timeZone: 'Europe/Warsaw',
    }).format(new Date());
    const address = /Aktualna lista: (https?:\/\/[^<\s]+)<\/p>/.exec(html)?.[1];
    expect(address).toMatch(new RegExp(`^https?://[^/]+/koszyk/${SLUG}\\?grupa=seniors$`));
    expect(html).toContain(`Lista usług – stan na ${today}. Aktualna lista: ${address}`);
    // The QR code is inline SVG (no script, no image request): read its dark modules back from the
    // path and compare them with the matrix of the address.
    const svg = /<svg class="qr-code"[^>]*>.*?<\/svg>/s.exec(html)?.[0];
    expect(svg).toBeDefined();
    expect(svg).toContain('aria-label="Kod QR z adresem tej strony"');
    expect(readQrModules(svg!)).toEqual(qrModulesOf(address!));
    expect(readQrModules(svg!)).not.toEqual(qrModulesOf(`${address!}x`));
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    // Screen: hidden; print: shown, with the filters hidden.
    const css = (await anonymous.get('/koszyk/koszyk.css')).body;
    expect(css).toContain('.print-note { display: none; }');
    const print = css.slice(css.indexOf('@media print'));
    expect(print).toMatch(/\.print-note \{ display: flex;/);
    expect(print).toMatch(/\.filters[^{]*\{ display: none !important; \}/);
  });

  it('is 404 again once hidden', async () => {
    const hide = await coordinator.put(`/api/v1/partnerships/${partnershipId}/basket/publication`, {
      isPublic: false,
      slug: SLUG,
    });
    expect(hide.statusCode).toBe(200);
    expect((await anonymous.get(`/koszyk/${SLUG}`)).statusCode).toBe(404);
    expect((await anonymous.get(`/koszyk/${SLUG}/hsds.json`)).statusCode).toBe(404);
  });
});

/** The dark modules of the QR code's matrix, as "x,y" strings, for a given text. */
function qrModulesOf(text: string): string[] {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel });
  const dark: string[] = [];
  for (let y = 0; y < modules.size; y += 1)
    for (let x = 0; x < modules.size; x += 1) if (modules.get(y, x)) dark.push(`${x},${y}`);
  return dark;
}

/**
 * Reads an SVG drawn by qrcode's renderer back into modules: its dark path is a series of
 * horizontal runs, "M x y" (absolute, or "m dx dy" relative to the end of the last run) then "h n".
 * Coordinates include the quiet zone, which is taken off here.
 */
function readQrModules(svg: string): string[] {
  const path =
    /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1] ??
    /<path[^>]*d="([^"]+)"[^>]*stroke="#000000"/.exec(svg)?.[1];
  if (!path) throw new Error('no dark path in the QR code');
  const dark: string[] = [];
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of path.matchAll(/([MmHh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
    const first = Number(a);
    if (command === 'M') [x, y] = [first, Number(b)];
    else if (command === 'm') [x, y] = [x + first, y + Number(b)];
    else {
      // A stroke of width 1 is drawn at y + 0.5: the run covers row floor(y).
      for (let i = 0; i < first; i += 1) dark.push(`${x + i - QR_OPTIONS.margin},${Math.floor(y) - QR_OPTIONS.margin}`);
      x += first;
    }
  }
  return dark.sort(byModule);
}

function byModule(left: string, right: string): number {
  const [lx, ly] = left.split(',').map(Number) as [number, number];
  const [rx, ry] = right.split(',').map(Number) as [number, number];
  return ly - ry || lx - rx;
}
