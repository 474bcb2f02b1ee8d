import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, partnershipMembers, users } from '../../platform/db/tables.js';
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
  await insertServiceCard(
    db,
    systemContext,
    partnershipId,
    card({ name: 'Klub seniora – spotkania', cooperationAreas: ['culture'], targetGroups: ['seniors'] }),
    { status: 'published' },
  );
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
