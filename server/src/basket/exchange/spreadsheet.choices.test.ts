/**
 * Issue 8 item 1 (the rest) and item 3's last clause, as the importer meets them: an OPS's own
 * column names mapped once and reused, text dates, duplicates of the basket's cards, the rejected
 * rows as .xlsx, new cards published or sent for review, and stale cards confirmed by an import.
 * Sheets are built with exceljs and sent through the real routes.
 */
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, services, users } from '../../platform/db/tables.js';
import {
  GMINA_LODZ,
  TEST_PASSWORD,
  buildPartnership,
  buildStaleServiceCard,
  buildUser,
} from '../../testing/factories.js';
import { createTestContext, TestClient, type TestContext } from '../../testing/test-app.js';
import type { ImportPreview } from '../../../../shared/src/contracts/basket.js';
import { sheetColumns } from './spreadsheet.columns.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let context: TestContext;

afterAll(async () => {
  await context?.close();
});

type Cells = Record<string, string | number | Date | null>;

/** One partnership and its coordinator per test, so baskets and mappings do not meet. */
async function basketOfItsOwn() {
  const db = context.database.db;
  const partnership = await buildPartnership(db);
  const [user] = await db.select().from(users).where(eq(users.id, partnership.coordinatorUserId));
  const coordinator = await new TestClient(context).signIn(user!.email, TEST_PASSWORD);
  const base = `/api/v1/partnerships/${partnership.id}/basket`;
  const upload = async (body: Buffer, client = coordinator) => {
    const response = await client.request('POST', `${base}/imports`, body, { 'content-type': XLSX });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ImportPreview;
  };
  const confirm = (importId: string, body: Record<string, unknown> = {}) =>
    coordinator.post(`${base}/imports/${importId}/confirm`, { importId, ...body });
  const cards = () =>
    db
      .select({
        id: services.id,
        name: services.name,
        status: services.status,
        contactPhone: services.contactPhone,
        lastConfirmedAt: services.lastConfirmedAt,
      })
      .from(services)
      .where(eq(services.partnershipId, partnership.id));
  return { partnership, coordinator, base, upload, confirm, cards };
}

const newService = (name: string, overrides: Cells = {}): Cells => ({
  'Nazwa usługi': name,
  Opis: 'Zajęcia świetlicowe dla dzieci: odrabianie lekcji, posiłek, gry.',
  'Realizator spoza rejestru': 'Stowarzyszenie „Żółty Latawiec”',
  Pochodzenie: 'sąsiedztwo',
  'Obszary współpracy': 'edukacja i wychowanie',
  'Grupy docelowe': 'dzieci',
  Odpłatność: 'bezpłatna',
  Miejsce: 'pod adresem',
  Miejscowość: 'Łódź',
  Zasięg: 'gminy',
  'Kody TERYT zasięgu': GMINA_LODZ,
  Telefon: '42 600 00 00',
  ...overrides,
});

async function buildSheet(rows: Cells[], headers = sheetColumns.map((c) => c.header)): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Usługi OPS');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(headers.map((h) => row[h] ?? null));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

beforeAll(async () => {
  context = await createTestContext();
});

describe('an OPS sheet with its own column names', () => {
  it('lists the unknown columns once with a mapping, reads them as mapped, and reuses the mapping next time', async () => {
    const { base, coordinator, upload, confirm, cards } = await basketOfItsOwn();
    // "Nazwa zadania" is a usual name (proposed), "Numer kontaktowy" and "Uwagi OPS" are not.
    const template = sheetColumns.map((c) => c.header).filter((h) => !['Nazwa usługi', 'Telefon'].includes(h));
    const headers = ['Nazwa zadania', ...template, 'Numer kontaktowy', 'Uwagi OPS'];
    const rows = [
      {
        ...newService(''),
        'Nazwa zadania': 'Świetlica „Promyk”',
        'Numer kontaktowy': '42 638 40 00',
        'Uwagi OPS': 'sprawdzić w marcu',
      },
    ];
    const sheet = await buildSheet(rows, headers);

    const first = await upload(sheet);
    expect(first.columns?.map((c) => [c.header, c.mappedTo, c.source])).toEqual([
      ['Nazwa zadania', 'Nazwa usługi', 'suggested'],
      ['Numer kontaktowy', null, 'none'],
      ['Uwagi OPS', null, 'none'],
    ]);
    expect(first.templateColumns).toContain('Telefon');
    expect(first.templateColumns).not.toContain('Status');
    // Named once for the whole file, with what happens to its data; not repeated on every row.
    const fileNotes = (first.notes ?? []).map((n) => `${n.column}: ${n.messages.pl}`);
    expect(fileNotes.filter((n) => n.includes('te dane nie zostaną zapisane'))).toHaveLength(2);
    expect(first.rows[0]).toMatchObject({ action: 'create', name: 'Świetlica „Promyk”' });
    expect(JSON.stringify(first.rows[0]!.notes ?? [])).not.toContain('Numer kontaktowy');

    const saved = await coordinator.put(`${base}/import-mappings`, {
      mappings: [
        { header: 'Nazwa zadania', templateColumn: 'Nazwa usługi' },
        { header: 'Numer kontaktowy', templateColumn: 'Telefon' },
        { header: 'Uwagi OPS', templateColumn: null },
      ],
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const unknownColumn = await coordinator.put(`${base}/import-mappings`, {
      mappings: [{ header: 'Numer kontaktowy', templateColumn: 'Numer buta' }],
    });
    expect(unknownColumn.statusCode).toBe(400);
    expect(unknownColumn.json()).toMatchObject({
      errors: [{ field: 'mappings.0.templateColumn', code: 'unknownTemplateColumn' }],
    });

    // The next import (another upload of such a sheet) applies the kept mapping by itself.
    const second = await upload(sheet);
    expect(second.columns?.map((c) => [c.header, c.mappedTo, c.source])).toEqual([
      ['Nazwa zadania', 'Nazwa usługi', 'saved'],
      ['Numer kontaktowy', 'Telefon', 'saved'],
      ['Uwagi OPS', null, 'saved'],
    ]);
    expect((await confirm(second.importId)).json()).toMatchObject({ created: 1 });
    expect(await cards()).toMatchObject([{ name: 'Świetlica „Promyk”', contactPhone: '42 638 40 00' }]);

    const [audit] = await context.database.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.import.mapping'), eq(auditEvents.outcome, 'success')));
    expect(audit?.details).toMatchObject({ mapped: 2, skipped: 1 });
  });
});

describe('two columns read as the same template column', () => {
  it('reads the first from the left and names the other with what is skipped', async () => {
    const { upload, confirm, cards } = await basketOfItsOwn();
    const template = sheetColumns.map((c) => c.header);
    // "Telefon" twice, and "Telefon kontaktowy" (a usual name, proposed as "Telefon") after them.
    const headers = [...template, 'Telefon', 'Telefon kontaktowy'];
    const cells = (phone: string, second: string, third: string) => {
      const row = newService('Świetlica „Promyk”', { Telefon: phone });
      return headers.map((header, index) =>
        index === template.length ? second : index === template.length + 1 ? third : (row[header] ?? null),
      );
    };
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Usługi OPS');
    sheet.addRow(headers);
    sheet.addRow(cells('42 600 00 01', '42 600 00 02', '42 600 00 03'));
    const preview = await upload(Buffer.from(await workbook.xlsx.writeBuffer()));
    const phone = sheet
      .getRow(1)
      .getCell(template.indexOf('Telefon') + 1)
      .address.replace(/\d+/, '');
    const second = sheet.getColumn(template.length + 1).letter;
    const third = sheet.getColumn(template.length + 2).letter;
    const notes = (preview.notes ?? []).map((n) => n.messages.pl);
    expect(notes).toContain(
      `Kolumna ${second} byłaby czytana jako „Telefon”, ale tę kolumnę szablonu wypełnia już kolumna ${phone}: wartości kolumny ${second} pominięto. Zmień jej dopasowanie albo usuń jedną z nich.`,
    );
    expect(notes.filter((n) => n.startsWith(`Kolumna ${third} byłaby czytana jako „Telefon”`))).toHaveLength(1);
    expect((await confirm(preview.importId)).statusCode).toBe(200);
    expect((await cards()).map((card) => card.contactPhone)).toEqual(['42 600 00 01']);
  });
});

describe('the date of the last confirmation', () => {
  it('reads dd.MM.yyyy text and date cells, and refuses an impossible date with a real one as the example', async () => {
    const { upload, confirm, cards } = await basketOfItsOwn();
    const preview = await upload(
      await buildSheet([
        newService('Klub Seniora', { 'Ostatnie potwierdzenie': '05.03.2025' }),
        newService('Punkt porad', { 'Ostatnie potwierdzenie': new Date(Date.UTC(2025, 5, 30)) }),
        newService('Świetlica', { 'Ostatnie potwierdzenie': '31.02.2026' }),
        newService('Kawiarenka', { 'Ostatnie potwierdzenie': 'w marcu' }),
      ]),
    );
    expect(preview.rows.map((r) => r.action)).toEqual(['create', 'create', 'reject', 'reject']);
    expect(preview.rows[2]!.errors).toEqual([
      {
        column: 'Ostatnie potwierdzenie',
        messages: { pl: 'Taka data nie istnieje; np. 28.02.2026.', en: 'No such date; e.g. 28.02.2026.' },
      },
    ]);
    expect(preview.rows[3]!.errors[0]!.messages.pl).toBe('Wpisz datę jako dd.mm.rrrr, np. 28.02.2026.');
    expect((await confirm(preview.importId)).statusCode).toBe(200);
    const dates = Object.fromEntries(
      (await cards()).map((c) => [c.name, c.lastConfirmedAt?.toISOString().slice(0, 10)]),
    );
    expect(dates).toEqual({ 'Klub Seniora': '2025-03-05', 'Punkt porad': '2025-06-30' });
  });
});

describe('a new row matching a card already in the basket', () => {
  it('is flagged with that card, skipped by default, and created when the importer chooses', async () => {
    const { upload, confirm, cards } = await basketOfItsOwn();
    const sheet = await buildSheet([newService('Świetlica „Słoneczko”'), newService('Klub Seniora')]);
    expect((await confirm((await upload(sheet)).importId)).json()).toMatchObject({ created: 2 });
    const [sloneczko] = (await cards()).filter((c) => c.name === 'Świetlica „Słoneczko”');

    const again = await buildSheet([
      newService('swietlica SŁONECZKO'),
      newService('Klub Seniora'),
      newService('Punkt porad prawnych'),
    ]);
    const skipped = await upload(again);
    expect(skipped.rows.map((r) => r.action)).toEqual(['duplicate', 'duplicate', 'create']);
    expect(skipped.rows[0]!.duplicateOf).toEqual({
      row: null,
      serviceId: sloneczko!.id,
      name: 'Świetlica „Słoneczko”',
    });
    expect(skipped.counts).toMatchObject({ create: 1, duplicate: 2 });
    expect((await confirm(skipped.importId)).json()).toMatchObject({ created: 1 });
    expect(await cards()).toHaveLength(3);

    const chosen = await upload(again);
    expect(chosen.rows.map((r) => r.action)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    const notADuplicate = await confirm(chosen.importId, { duplicates: [{ row: 99, choice: 'create' }] });
    expect(notADuplicate.statusCode).toBe(400);
    expect(notADuplicate.json()).toMatchObject({ errors: [{ field: 'duplicates.0.row', code: 'notADuplicateRow' }] });
    const created = await confirm(chosen.importId, {
      duplicates: [
        { row: 2, choice: 'create' },
        { row: 3, choice: 'skip' },
      ],
    });
    expect(created.json()).toMatchObject({ created: 1 });
    expect((await cards()).filter((c) => c.name.toLowerCase().includes('słoneczko'))).toHaveLength(2);
  });
});

describe('the rejected rows as .xlsx', () => {
  it('gives the uploader their own rows with the reasons beside them, while the preview lives', async () => {
    const { partnership, base, coordinator, upload, confirm } = await basketOfItsOwn();
    const preview = await upload(
      await buildSheet([
        newService('Klub Seniora'),
        newService('Świetlica', { 'Kod pocztowy': '32 020', 'Osoba kontaktowa': 'Halina Wójcik' }),
        newService('', { Opis: '=HYPERLINK("http://zły.example")' }),
      ]),
    );
    expect(preview.hasErrorRows).toBe(true);
    const response = await coordinator.get(`${base}/imports/${preview.importId}/errors.xlsx`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['Powód', 'Wiersz', 'Nazwa usługi']);
    const rowOf = (number: number) =>
      Object.fromEntries(header.map((h, i) => [h, sheet.getRow(number).getCell(i + 1).value]));
    expect(sheet.rowCount).toBe(3);
    expect(rowOf(2)).toMatchObject({ Wiersz: 3, 'Nazwa usługi': 'Świetlica', 'Osoba kontaktowa': 'Halina Wójcik' });
    expect(String(rowOf(2)['Powód'])).toContain('Kod pocztowy:');
    expect(String(rowOf(2)['Powód'])).toContain('np. 32-020');
    expect(rowOf(3)).toMatchObject({ Wiersz: 4, Opis: '=HYPERLINK("http://zły.example")' });
    expect(sheet.getRow(3).getCell(header.indexOf('Opis') + 1).formula).toBeUndefined();

    // Another importer of the same basket does not get it, nor does anyone once it is confirmed.
    const director = await buildUser(context.database.db, {
      role: 'director',
      institutionId: partnership.leaderInstitutionId,
    });
    const other = await new TestClient(context).signIn(director.email, TEST_PASSWORD);
    expect((await other.get(`${base}/imports/${preview.importId}/errors.xlsx`)).statusCode).toBe(404);
    expect((await confirm(preview.importId)).statusCode).toBe(200);
    expect((await coordinator.get(`${base}/imports/${preview.importId}/errors.xlsx`)).statusCode).toBe(404);

    const audits = await context.database.db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.import.errors'), eq(auditEvents.subjectId, partnership.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.details).toMatchObject({ importId: preview.importId, rows: 2 });
  });
});

describe('new cards: published at once or sent for review', () => {
  it('says the default for the importer and honours the choice', async () => {
    const { upload, confirm, cards } = await basketOfItsOwn();
    const first = await upload(await buildSheet([newService('Klub Seniora')]));
    // The coordinator publishes submitted cards of the basket, so the default is to publish.
    expect(first.newCards).toEqual({ default: 'publish', canPublish: true });
    expect((await confirm(first.importId)).statusCode).toBe(200);
    const second = await upload(await buildSheet([newService('Punkt porad prawnych')]));
    expect((await confirm(second.importId, { newCards: 'review' })).statusCode).toBe(200);
    const invalid = await upload(await buildSheet([newService('Świetlica')]));
    expect((await confirm(invalid.importId, { newCards: 'later' })).statusCode).toBe(400);
    const statuses = Object.fromEntries((await cards()).map((c) => [c.name, c.status]));
    expect(statuses).toEqual({ 'Klub Seniora': 'published', 'Punkt porad prawnych': 'submitted' });
  });
});

describe('a way to reach the provider (the card store’s publication rule)', () => {
  it('sends a new card without a contact to review, and refuses to empty a published card’s contact', async () => {
    const { base, coordinator, upload, confirm, cards } = await basketOfItsOwn();
    const noContact = newService('Grupa wsparcia dla opiekunów', { Telefon: null });
    const preview = await upload(await buildSheet([newService('Klub Seniora'), noContact]));
    const notes = (row: number) => (preview.rows[row]!.notes ?? []).map((n) => `${n.column}: ${n.messages.pl}`);
    expect(notes(1)).toContain(
      'Telefon: Brak telefonu, e-maila i osoby kontaktowej: nowa karta trafi do przeglądu, bo bez kontaktu nie może być opublikowana.',
    );
    expect(notes(0).join()).not.toContain('Brak telefonu');
    expect((await confirm(preview.importId, { newCards: 'publish' })).json()).toMatchObject({ created: 2 });
    expect(Object.fromEntries((await cards()).map((c) => [c.name, c.status]))).toEqual({
      'Klub Seniora': 'published',
      'Grupa wsparcia dla opiekunów': 'submitted',
    });

    // The exported published card with its only contact, the phone, erased in the sheet.
    const exported = await coordinator.get(`${base}/export.xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const phone = sheetColumns.findIndex((c) => c.header === 'Telefon') + 1;
    sheet.eachRow((row, number) => {
      if (number > 1 && row.getCell(2).value === 'Klub Seniora') row.getCell(phone).value = null;
    });
    const emptied = await upload(Buffer.from(await workbook.xlsx.writeBuffer()));
    const row = emptied.rows.find((r) => r.name === 'Klub Seniora')!;
    expect(row.action).toBe('reject');
    expect(row.errors.map((e) => e.column)).toEqual(['Telefon', 'E-mail', 'Osoba kontaktowa']);
    const [card] = (await cards()).filter((c) => c.name === 'Klub Seniora');
    expect(card).toMatchObject({ contactPhone: '42 600 00 00', status: 'published' });
  });
});

describe('an import confirming stale cards ("Do potwierdzenia")', () => {
  it('sets the last-confirmed date of the stale cards it updates or leaves unchanged', async () => {
    const { partnership, base, coordinator, upload, confirm, cards } = await basketOfItsOwn();
    const db = context.database.db;
    const provider = { providerInstitutionId: partnership.leaderInstitutionId };
    const unchanged = await buildStaleServiceCard(db, partnership.id, { ...provider, name: 'Poradnictwo rodzinne' });
    const edited = await buildStaleServiceCard(db, partnership.id, { ...provider, name: 'Klub Seniora' });
    const fresh = await buildStaleServiceCard(db, partnership.id, { ...provider, name: 'Świetlica' }, 1);
    const exported = await coordinator.get(`${base}/export.xlsx`);
    expect(exported.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const phone = sheetColumns.findIndex((c) => c.header === 'Telefon') + 1;
    sheet.eachRow((row, number) => {
      if (number > 1 && row.getCell(2).value === 'Klub Seniora') row.getCell(phone).value = '42 638 40 01';
    });
    const preview = await upload(Buffer.from(await workbook.xlsx.writeBuffer()));
    expect(Object.fromEntries(preview.rows.map((r) => [r.name, r.action]))).toEqual({
      'Poradnictwo rodzinne': 'unchanged',
      'Klub Seniora': 'update',
      Świetlica: 'unchanged',
    });
    expect((await confirm(preview.importId)).json()).toEqual({ created: 0, updated: 1, confirmed: 2 });
    const today = new Date().toISOString().slice(0, 10);
    const after = Object.fromEntries((await cards()).map((c) => [c.id, c]));
    expect(after[unchanged.id]!.lastConfirmedAt?.toISOString().slice(0, 10)).toBe(today);
    expect(after[edited.id]).toMatchObject({ contactPhone: '42 638 40 01' });
    expect(after[edited.id]!.lastConfirmedAt?.toISOString().slice(0, 10)).toBe(today);
    expect(after[fresh.id]!.lastConfirmedAt?.toISOString().slice(0, 10)).not.toBe(today);
    const [audit] = await db
      .select({ details: auditEvents.details })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'basket.import'), eq(auditEvents.subjectId, partnership.id)));
    expect(audit?.details).toMatchObject({ updated: 1, confirmed: 2 });
  });
});
