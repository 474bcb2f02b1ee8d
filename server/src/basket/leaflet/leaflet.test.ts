/**
 * The card for a client (issue 8, item 2) as a social worker meets it: the PDF to print, read back
 * with a real PDF parser, and the same card sent to a client's e-mail address, caught by a real SMTP
 * server and parsed with a real MIME parser; the address leaves no trace in the database or the audit.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, partnershipMembers } from '../../platform/db/tables.js';
import { buildInstitution, buildPartnership, GMINA_LODZ, signInAs, TEST_PASSWORD } from '../../testing/factories.js';
import { convertWithLibreOffice, hasSoffice, readDocx } from '../../testing/docx-reader.js';
import { readPdf } from '../../testing/pdf-reader.js';
import { startSmtpSink, type SmtpSink } from '../../testing/smtp-sink.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { Service } from '../../../../shared/src/contracts/basket.js';
import { formatPolishDate } from './leaflet.document.js';

const polishLetters = 'ąęłńóśźż ĄĘŁŃÓŚŹŻ';
const clientAddress = 'jadwiga.lis-wozniak@poczta.example.pl';

let sink: SmtpSink;
let context: TestContext;
let partnershipId: string;
let schoolId: string;
let coordinator: TestClient;
let caseManager: TestClient;
let outsider: TestClient;
let published: Service;
let draft: Service;

const card = (overrides: Record<string, unknown> = {}) => ({
  partnershipId,
  name: `Świetlica środowiskowa „Żółw” ${polishLetters}`,
  description: 'Zajęcia po lekcjach dla dzieci: odrabianie lekcji, gry, ciepły posiłek. Opiekę sprawuje pedagog.',
  providerInstitutionId: schoolId,
  origin: 'partner',
  cooperationAreas: ['education'],
  targetGroups: ['children', 'families'],
  eligibility: 'Dzieci w wieku 7–12 lat z Łodzi.',
  cost: 'free',
  locationKind: 'address',
  street: 'ul. Łąkowa 5',
  postalCode: '90-001',
  city: 'Łódź',
  territoryCode: GMINA_LODZ,
  reachKind: 'gminas',
  reachCodes: [GMINA_LODZ],
  schedule: 'poniedziałek–piątek 13:00–18:00',
  contactName: 'Grażyna Żak',
  contactPhone: '42 600 00 00',
  contactEmail: 'swietlica@sp7.lodz.example.pl',
  isAccessible: true,
  accessibilityDescription: 'Tramwaj nr 8, przystanek Łąkowa; wejście bez schodów od podwórza.',
  ...overrides,
});

async function createCard(overrides: Record<string, unknown> = {}): Promise<Service> {
  const response = await coordinator.post('/api/v1/services', card(overrides));
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as Service;
}

async function publish(service: Service): Promise<Service> {
  const response = await coordinator.post(`/api/v1/services/${service.id}/transitions`, {
    action: 'publish',
    version: service.version,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Service;
}

/** A page's text on one line: the layout breaks lines wherever the width ends. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

function rowsOf<Row>(result: unknown): Row[] {
  return (result as { rows: Row[] }).rows;
}

/** Every row of every table in the database whose text holds `needle`, as "schema.table" names. */
async function tablesHolding(needle: string): Promise<string[]> {
  const db = context.database.db;
  const tables = rowsOf<{ table_schema: string; table_name: string }>(
    await db.execute(
      sql`select table_schema, table_name from information_schema.tables
          where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    ),
  );
  const found: string[] = [];
  for (const table of tables) {
    const name = sql`${sql.identifier(table.table_schema)}.${sql.identifier(table.table_name)}`;
    const rows = rowsOf<{ hits: number | string }>(
      await db.execute(sql`select count(*) as hits from ${name} t where t::text ilike ${`%${needle}%`}`),
    );
    if (Number(rows[0]?.hits ?? 0) > 0) found.push(`${table.table_schema}.${table.table_name}`);
  }
  return found;
}

beforeAll(async () => {
  sink = await startSmtpSink();
  context = await createTestContext({ SMTP_URL: sink.url, LEAFLET_EMAILS_PER_HOUR: '3' });
  const db = context.database.db;
  const partnership = await buildPartnership(db, { name: 'PZK Łódź Bałuty' });
  partnershipId = partnership.id;
  const coordinatorUser = await db.query.users.findFirst({
    where: (user, { eq: equals }) => equals(user.id, partnership.coordinatorUserId),
  });
  coordinator = await new TestClient(context).signIn(coordinatorUser!.email, TEST_PASSWORD);
  schoolId = (await buildInstitution(db, { kind: 'school', name: 'Szkoła Podstawowa nr 7 w Łodzi' })).id;
  await db
    .insert(partnershipMembers)
    .values({ partnershipId, institutionId: schoolId, status: 'declared', declarationDate: '2026-02-01' });
  caseManager = (await signInAs(context, 'caseManager', { institutionId: partnership.leaderInstitutionId })).client;
  outsider = (await signInAs(context, 'caseManager')).client;
  published = await publish(await createCard());
  draft = await createCard({ name: 'Grupa wsparcia dla rodziców (w przygotowaniu)' });
});

afterAll(async () => {
  await context?.close();
  await sink?.close();
});

describe('the card for a client, printed', () => {
  it('is one A4 page in Polish with what, for whom, where, when, cost and whom to call, in an embedded font', async () => {
    const response = await caseManager.get(`/api/v1/services/${published.id}/leaflet.pdf`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    expect(response.headers['content-disposition']).toMatch(/^inline; filename="karta-uslugi-\d{4}-\d{2}-\d{2}\.pdf"$/);
    const pdf = await readPdf(response.rawPayload);
    expect(pdf.pageCount).toBe(1);
    const text = flat(pdf.pages[0]!);
    for (const expected of [
      polishLetters,
      'Co oferujemy',
      'odrabianie lekcji',
      'Dla: dzieci, rodziny.',
      'Dzieci w wieku 7–12 lat z Łodzi.',
      'Nie trzeba skierowania.',
      'Bezpłatna',
      'ul. Łąkowa 5, 90-001 Łódź',
      'Tramwaj nr 8, przystanek Łąkowa',
      'Miejsce dostępne dla osób z niepełnosprawnościami.',
      'poniedziałek–piątek 13:00–18:00',
      '42 600 00 00',
      'swietlica@sp7.lodz.example.pl',
      'Grażyna Żak',
      'Prowadzi: Szkoła Podstawowa nr 7 w Łodzi',
      `Stan na ${formatPolishDate(new Date())}`,
      'Strona 1 z 1',
    ]) {
      expect(text).toContain(expected);
    }
    expect(formatPolishDate(new Date())).toMatch(/^\d{2}\.\d{2}\.\d{4}$/);
    expect(pdf.fonts.length).toBeGreaterThan(0);
    expect(pdf.fonts.every((font) => font.isEmbedded && font.name.includes('Roboto'))).toBe(true);
  });

  it('stays one page when the card’s texts are long, shortened with an ellipsis', async () => {
    const long = await publish(
      await createCard({
        name: 'Długa karta',
        // Each field at (nearly) its longest: 5000, 2000, 2000, 1000 and 1000 characters.
        description: 'Bardzo długi opis usługi z wieloma szczegółami, który nie zmieści się na stronie.\n'.repeat(60),
        eligibility: 'Warunki skorzystania opisane bardzo szczegółowo.\n'.repeat(40),
        accessDescription: 'Jak się zgłosić: najpierw zadzwoń, potem przyjdź z dokumentami. '.repeat(30),
        schedule: 'Poniedziałek 8–16, wtorek 8–16, środa 8–18, czwartek 8–16, piątek 8–14. '.repeat(13),
        accessibilityDescription: 'Dojazd autobusem 64 i tramwajem 8, potem pieszo 300 m. '.repeat(17),
      }),
    );
    const response = await caseManager.get(`/api/v1/services/${long.id}/leaflet.pdf`);
    expect(response.statusCode).toBe(200);
    const pdf = await readPdf(response.rawPayload);
    expect(pdf.pageCount).toBe(1);
    expect(flat(pdf.pages[0]!)).toContain('…');
    expect(flat(pdf.pages[0]!)).toContain('42 600 00 00');
    expect(flat(pdf.pages[0]!)).toContain('Strona 1 z 1');
  });

  it('follows the card’s read rule: a draft is the keeper’s and coordinator’s, and a stranger gets 404', async () => {
    expect((await caseManager.get(`/api/v1/services/${draft.id}/leaflet.pdf`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/services/${published.id}/leaflet.pdf`)).statusCode).toBe(404);
    expect((await new TestClient(context).get(`/api/v1/services/${published.id}/leaflet.pdf`)).statusCode).toBe(401);
    const ofDraft = await coordinator.get(`/api/v1/services/${draft.id}/leaflet.pdf`);
    expect(ofDraft.statusCode).toBe(200);
    expect(flat((await readPdf(ofDraft.rawPayload)).pages[0]!)).toContain('Karta robocza');
  });

  it('is audited like a card read', async () => {
    const events = await context.database.db
      .select({ outcome: auditEvents.outcome, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'service.leaflet'), eq(auditEvents.subjectId, published.id)));
    expect(events).toContainEqual({ outcome: 'success', details: { format: 'pdf' } });
    const refused = await context.database.db
      .select({ outcome: auditEvents.outcome })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'service.leaflet'), eq(auditEvents.subjectId, draft.id)));
    expect(refused.map((event) => event.outcome)).toContain('denied');
  });
});

describe('the card for a client, as DOCX', () => {
  const docxTexts = [
    'Co oferujemy',
    'Dzieci w wieku 7–12 lat z Łodzi.',
    'ul. Łąkowa 5, 90-001 Łódź',
    'poniedziałek–piątek 13:00–18:00',
    '42 600 00 00',
    'Grażyna Żak',
    'Prowadzi: Szkoła Podstawowa nr 7 w Łodzi',
  ];

  it('is the same card as the PDF, to download and edit: Polish text, language and page numbers', async () => {
    const response = await caseManager.get(`/api/v1/services/${published.id}/leaflet.docx`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="karta-uslugi-\d{4}-\d{2}-\d{2}\.docx"$/,
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const docx = await readDocx(response.rawPayload);
    const text = flat(docx.body.paragraphs.join('\n'));
    expect(text).toContain(polishLetters);
    for (const expected of docxTexts) expect(text).toContain(expected);
    expect(docx.styles.languages).toEqual(['pl-PL']);
    expect(docx.footers[0]!.paragraphs).toHaveLength(1);
    const [footer] = docx.footers[0]!.paragraphs;
    expect(footer!.startsWith(`Stan na ${formatPolishDate(new Date())}`)).toBe(true);
    expect(footer!.endsWith('\tStrona {PAGE} z {NUMPAGES}')).toBe(true);
    expect(docx.body.hyperlinks).toBe(0);
  });

  it.skipIf(!hasSoffice)(
    'opens in LibreOffice as the card on one page',
    async () => {
      const response = await caseManager.get(`/api/v1/services/${published.id}/leaflet.docx`);
      const pdf = await readPdf(convertWithLibreOffice(response.rawPayload, 'karta.docx', 'pdf'));
      expect(pdf.pageCount).toBe(1);
      const text = flat(pdf.pages[0]!);
      for (const expected of [...docxTexts, polishLetters, 'Strona 1 z 1']) expect(text).toContain(expected);
    },
    180_000,
  );

  it('follows the card’s read rule and is audited like a card read, with its format', async () => {
    expect((await caseManager.get(`/api/v1/services/${draft.id}/leaflet.docx`)).statusCode).toBe(404);
    expect((await outsider.get(`/api/v1/services/${published.id}/leaflet.docx`)).statusCode).toBe(404);
    expect((await new TestClient(context).get(`/api/v1/services/${published.id}/leaflet.docx`)).statusCode).toBe(401);
    const events = await context.database.db
      .select({ outcome: auditEvents.outcome, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'service.leaflet'), eq(auditEvents.subjectId, published.id)));
    expect(events).toContainEqual({ outcome: 'success', details: { format: 'docx' } });
  });
});

describe('the card for a client, sent by e-mail', () => {
  it('arrives with the PDF attached, and the address is kept nowhere: not in the database, not in the audit', async () => {
    const response = await caseManager.post(`/api/v1/services/${published.id}/leaflet/email`, {
      email: `  ${clientAddress.toUpperCase()} `,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    const message = sink.messages.find((caught) => caught.to.includes(clientAddress));
    expect(message, JSON.stringify(sink.messages.map((caught) => caught.to))).toBeDefined();
    expect(message!.subject).toContain('Świetlica środowiskowa „Żółw”');
    expect(message!.text).toContain('w załączniku jest karta usługi');
    expect(message!.attachments).toHaveLength(1);
    const attachment = message!.attachments[0]!;
    expect(attachment.contentType).toBe('application/pdf');
    expect(attachment.filename).toMatch(/^karta-uslugi-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdf = await readPdf(attachment.content);
    expect(pdf.pageCount).toBe(1);
    expect(flat(pdf.pages[0]!)).toContain(polishLetters);
    expect(flat(pdf.pages[0]!)).toContain('42 600 00 00');

    const sent = await context.database.db
      .select({ outcome: auditEvents.outcome, details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'service.leafletSend'), eq(auditEvents.subjectId, published.id)));
    expect(sent).toEqual([{ outcome: 'success', details: { channel: 'email' } }]);
    expect(await tablesHolding('lis-wozniak')).toEqual([]);
    expect(await tablesHolding('poczta.example.pl')).toEqual([]);
  });

  it('refuses an address that is not one, in Polish, naming the field', async () => {
    const response = await caseManager.post(`/api/v1/services/${published.id}/leaflet/email`, {
      email: 'jadwiga.lis@',
    });
    expect(response.statusCode).toBe(400);
    const problem = response.json() as { errors: Array<{ field: string }> };
    expect(problem.errors.map((error) => error.field)).toEqual(['email']);
    expect(response.body).not.toContain('jadwiga.lis@');
  });

  it('follows the card’s read rule', async () => {
    const before = sink.messages.length;
    const response = await outsider.post(`/api/v1/services/${published.id}/leaflet/email`, { email: clientAddress });
    expect(response.statusCode).toBe(404);
    expect(
      (await caseManager.post(`/api/v1/services/${draft.id}/leaflet/email`, { email: clientAddress })).statusCode,
    ).toBe(404);
    expect(sink.messages.length).toBe(before);
  });

  it('is limited per user: a burst is refused with 429, another worker still sends', async () => {
    const { client: worker } = await signInAs(context, 'caseManager', {
      institutionId: (await context.database.db.query.partnerships.findFirst({
        where: (row, { eq: equals }) => equals(row.id, partnershipId),
      }))!.leaderInstitutionId,
    });
    const send = (client: TestClient) =>
      client.post(`/api/v1/services/${published.id}/leaflet/email`, { email: 'rodzina.nowak@poczta.example.pl' });
    for (let sent = 0; sent < 3; sent += 1) expect((await send(worker)).statusCode).toBe(200);
    const refused = await send(worker);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    // Every attempt counts, refused ones too; the outsider has made two and is still only refused by the read rule.
    expect((await send(outsider)).statusCode).toBe(404);
  });
});

describe('the card for a client where e-mail is not configured', () => {
  it('answers that this installation sends no e-mail and suggests printing', async () => {
    const noMail = await createTestContext();
    try {
      const db = noMail.database.db;
      const partnership = await buildPartnership(db);
      const { client } = await signInAs(noMail, 'caseManager', { institutionId: partnership.leaderInstitutionId });
      const response = await client.post(`/api/v1/services/00000000-0000-4000-8000-000000000000/leaflet/email`, {
        email: clientAddress,
      });
      expect(response.statusCode).toBe(503);
      const problem = response.json() as { code: string; messages: { pl: string } };
      expect(problem.code).toBe('mailNotConfigured');
      expect(problem.messages.pl).toContain('Wydrukuj kartę');
    } finally {
      await noMail.close();
    }
  });
});
